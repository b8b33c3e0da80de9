import SwiftletCore

/// JSON shapes of Bitget's futures payloads.
extension Views {
    static func mixOrder(_ record: OrderRecord, _ instrument: Instrument, marginCoin: String, productType: String) -> JSONValue {
        [
            "symbol": .string(record.symbol), "size": .string(record.sizeText), "orderId": .string(String(record.id)),
            "clientOid": .string(record.clientOid), "baseVolume": .string(instrument.sizeText(record.filledLots)),
            "fee": .string(record.fee.trimmed), "price": .string(record.priceTicks.map { instrument.priceText($0) } ?? ""),
            "priceAvg": .string(priceAvg(record, instrument)), "status": .string(record.status.rawValue),
            "side": .string(sideText(record.side)), "force": .string(record.force), "totalProfits": .string(record.profit.trimmed),
            "posSide": .string(record.posSide), "marginCoin": .string(marginCoin),
            "quoteVolume": .string(instrument.notional(record.filledNotional).description),
            "leverage": .string(String(record.leverage)), "marginMode": .string(record.marginMode),
            "reduceOnly": .string(record.reduceOnly ? "YES" : "NO"), "enterPointSource": "API",
            "tradeSide": .string(record.tradeSide.isEmpty ? (record.side == .buy ? "buy_single" : "sell_single") : record.tradeSide),
            "posMode": .string(record.posMode), "orderType": .string(record.isMarket ? "market" : "limit"),
            "orderSource": .string(record.isMarket ? "market" : "normal"), "cancelReason": .string(record.cancelReason),
            "productType": .string(productType),
            "cTime": .intString(record.cTime), "uTime": .intString(record.uTime),
        ]
    }

    /// WebSocket futures `orders` push element. The client id is `clientOid`, as in live pushes
    /// (ws_mix_orders.json) and what clients read; some of Bitget's examples spell it `clientOId`.
    static func mixOrderPush(_ record: OrderRecord, _ instrument: Instrument, fill: FillRecord?) -> JSONValue {
        var members: [(String, JSONValue)] = [
            ("accBaseVolume", .string(instrument.sizeText(record.filledLots))), ("cTime", .intString(record.cTime)),
            ("clientOid", .string(record.clientOid)),
            ("feeDetail", [["feeCoin": .string(record.feeCoin), "fee": .string(record.fee.trimmed)]]),
        ]
        if let fill {
            members += [("fillFee", .string(fill.fee.trimmed)), ("fillFeeCoin", .string(fill.feeCoin)),
                        ("fillNotionalUsd", .string(instrument.notional(fill.priceTicks * fill.lots).description)),
                        ("fillPrice", .string(instrument.priceText(fill.priceTicks))),
                        ("baseVolume", .string(instrument.sizeText(fill.lots))), ("fillTime", .intString(fill.time)),
                        ("tradeId", .string(String(fill.tradeId))), ("tradeScope", .string(fill.isMaker ? "M" : "T"))]
        }
        members += [
            ("force", .string(record.force)), ("instId", .string(record.symbol)), ("leverage", .string(String(record.leverage))),
            ("marginCoin", .string(record.feeCoin)), ("marginMode", .string(record.marginMode)),
            // A market order has no price to value it at: what it filled at (ccxt's 2024 live
            // recording of a market order's push says `"notionalUsd":"10.4468"` for 13 at 0.8036).
            ("notionalUsd", .string(instrument.notional(record.priceTicks.map { $0 * record.lots } ?? record.filledNotional).description)),
            ("orderId", .string(String(record.id))), ("orderType", .string(record.isMarket ? "market" : "limit")),
            ("posMode", .string(record.posMode)), ("posSide", .string(record.posSide)),
            ("price", .string(record.priceTicks.map { instrument.priceText($0) } ?? "0")),
            ("priceAvg", .string(priceAvg(record, instrument))), ("reduceOnly", .string(record.reduceOnly ? "yes" : "no")),
            ("side", .string(sideText(record.side))), ("size", .string(record.sizeText)),
            ("status", .string(record.status.rawValue)), ("tradeSide", .string(record.tradeSide)),
            ("totalProfits", .string(record.profit.trimmed)), ("enterPointSource", "API"), ("stpMode", "none"),
            ("uTime", .intString(record.uTime)),
        ]
        return .object(members)
    }

    /// `/api/v2/mix/order/fills` element, or WebSocket futures `fill` element: the push adds
    /// `orderType` and `uTime` and has no `enterPointSource` (ws_mix_fill.json).
    static func mixFill(_ fill: FillRecord, _ instrument: Instrument, shape: Shape = .rest) -> JSONValue {
        var members: [(String, JSONValue)] = [
            ("tradeId", .string(String(fill.tradeId))), ("symbol", .string(fill.symbol)), ("orderId", .string(String(fill.orderId))),
            ("price", .string(instrument.priceText(fill.priceTicks))), ("baseVolume", .string(instrument.sizeText(fill.lots))),
            ("feeDetail", [["deduction": "no", "feeCoin": .string(fill.feeCoin), "totalDeductionFee": "0",
                            "totalFee": .string(fill.fee.trimmed)]]),
            ("side", .string(sideText(fill.side))),
            ("quoteVolume", .string(instrument.notional(fill.priceTicks * fill.lots).description)),
            ("profit", .string(fill.profit.trimmed)), ("tradeSide", .string(fill.tradeSide)),
            ("posMode", .string(fill.posMode)), ("tradeScope", .string(fill.isMaker ? "maker" : "taker")),
            ("cTime", .intString(fill.time)),
        ]
        switch shape {
        case .rest: members.append(("enterPointSource", "api"))
        case .push: members += [("orderType", .string(fill.isMarket ? "market" : "limit")), ("uTime", .intString(fill.time))]
        }
        return .object(members)
    }

    static func position(_ position: Position, _ instrument: Instrument, marginCoin: String, mark: Int64,
                         unrealized: ExactDecimal, posMode: String, liquidation: ExactDecimal, marginRatio: ExactDecimal) -> JSONValue {
        let avg = entryPrice(position, instrument)
        return [
            "marginCoin": .string(marginCoin), "symbol": .string(instrument.symbol), "holdSide": .string(position.holdSide),
            "openDelegateSize": "0", "marginSize": .string(position.margin.trimmed),
            "available": .string(instrument.sizeText(position.lots)), "locked": "0",
            "total": .string(instrument.sizeText(position.lots)), "leverage": .string(String(position.leverage)),
            "achievedProfits": .string(position.achieved.trimmed), "openPriceAvg": .string(avg.trimmed),
            "marginMode": .string(position.marginMode), "posMode": .string(posMode),
            "unrealizedPL": .string(unrealized.trimmed), "liquidationPrice": .string(liquidation.trimmed),
            "keepMarginRate": .string(Exchange.keepMarginRate.trimmed),
            "markPrice": .string(instrument.priceText(mark)), "breakEvenPrice": .string(avg.trimmed), "totalFee": "0",
            "deductedFee": "0", "marginRatio": .string(marginRatio.trimmed), "assetMode": "single",
            "cTime": .intString(position.cTime), "uTime": .intString(position.uTime),
        ]
    }

    /// A position's average entry price.
    static func entryPrice(_ position: Position, _ instrument: Instrument) -> ExactDecimal {
        (try? ExactDecimal.dividing(instrument.notional(position.entryNotional), instrument.size(position.lots),
                                    scale: instrument.pricePlace + 4, .towardZero)) ?? .zero
    }

    /// A position as the `positions` channel pushes it: `instId` and `posId`, a numeric
    /// `leverage`, `frozen`, `unrealizedPLR` (PnL over margin) and `marginRate`, no mark price.
    static func positionPush(_ position: Position, _ instrument: Instrument, marginCoin: String, unrealized: ExactDecimal,
                             posMode: String, liquidation: ExactDecimal, marginRatio: ExactDecimal) -> JSONValue {
        let avg = entryPrice(position, instrument)
        let returnOnMargin = position.margin.isZero ? .zero
            : ((try? ExactDecimal.dividing(unrealized, position.margin, scale: 12, .towardZero)) ?? .zero)
        return [
            "posId": .string(String(position.id)), "instId": .string(instrument.symbol), "marginCoin": .string(marginCoin),
            "marginSize": .string(position.margin.trimmed), "marginMode": .string(position.marginMode),
            "holdSide": .string(position.holdSide), "posMode": .string(posMode),
            "total": .string(instrument.sizeText(position.lots)), "available": .string(instrument.sizeText(position.lots)),
            "frozen": "0", "openPriceAvg": .string(avg.trimmed), "leverage": .int(position.leverage),
            "achievedProfits": .string(position.achieved.trimmed), "unrealizedPL": .string(unrealized.trimmed),
            "unrealizedPLR": .string(returnOnMargin.trimmed), "liquidationPrice": .string(liquidation.trimmed),
            "keepMarginRate": .string(Exchange.keepMarginRate.trimmed), "marginRate": .string(marginRatio.trimmed),
            "cTime": .intString(position.cTime), "uTime": .intString(position.uTime), "autoMargin": "off",
        ]
    }

    /// A futures account as the `account` channel pushes it: `frozen` and `equity` where REST
    /// says `locked` and `accountEquity`.
    static func mixAccountPush(marginCoin: String, balance: Balance, equity: ExactDecimal) -> JSONValue {
        [
            "marginCoin": .string(marginCoin), "frozen": .string(balance.frozen.trimmed),
            "available": .string(balance.available.trimmed), "maxOpenPosAvailable": .string(balance.available.trimmed),
            "maxTransferOut": .string(balance.available.trimmed), "equity": .string(equity.trimmed),
            "usdtEquity": .string(equity.trimmed),
        ]
    }

    /// A futures account; `leverage` and `marginMode` are those of the symbol asked about
    /// (`GET .../account?symbol=`), or the defaults for a listing.
    static func mixAccount(marginCoin: String, balance: Balance, equity: ExactDecimal, crossedUnrealized: ExactDecimal,
                           isolatedUnrealized: ExactDecimal, posMode: String, leverage: Int64, marginMode: String) -> JSONValue {
        let unrealized = crossedUnrealized.plus(isolatedUnrealized)
        let lever = JSONValue.string(String(leverage))
        return [
            "marginCoin": .string(marginCoin), "locked": .string(balance.frozen.trimmed),
            "available": .string(balance.available.trimmed), "crossedMaxAvailable": .string(balance.available.trimmed),
            "isolatedMaxAvailable": .string(balance.available.trimmed), "maxTransferOut": .string(balance.available.trimmed),
            "accountEquity": .string(equity.trimmed), "usdtEquity": .string(equity.trimmed), "btcEquity": "0",
            "crossedRiskRate": "0", "crossedMarginLeverage": lever, "isolatedLongLever": lever, "isolatedShortLever": lever,
            "marginMode": .string(marginMode), "posMode": .string(posMode), "unrealizedPL": .string(unrealized.trimmed), "coupon": "0",
            "crossedUnrealizedPL": .string(crossedUnrealized.trimmed),
            "isolatedUnrealizedPL": .string(isolatedUnrealized.trimmed), "assetMode": "single",
        ]
    }

    static func bill(_ bill: BillRecord) -> JSONValue {
        [
            "billId": .string(String(bill.billId)), "symbol": .string(bill.symbol), "amount": .string(bill.amount.trimmed),
            "fee": .string(bill.fee.trimmed), "feeByCoupon": "", "businessType": .string(bill.businessType),
            "coin": .string(bill.coin), "balance": "0", "cTime": .intString(bill.time),
        ]
    }
}

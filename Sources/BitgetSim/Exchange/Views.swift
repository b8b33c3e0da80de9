import SwiftletCore

/// JSON shapes of Bitget's payloads (field names and string types as in the fixtures).
enum Views {
    /// A REST answer's shape, or the one a private channel pushes (which names fields differently).
    enum Shape { case rest, push }

    static func sideText(_ side: MatchingEngine.Side) -> String { side == .buy ? "buy" : "sell" }

    static func priceAvg(_ record: OrderRecord, _ instrument: Instrument) -> String {
        guard record.filledLots > 0 else { return "0" }
        let value = (try? ExactDecimal.dividing(instrument.notional(record.filledNotional), instrument.size(record.filledLots),
                                                scale: instrument.pricePlace + 4, .towardZero)) ?? .zero
        return value.trimmed
    }

    /// A spot fee detail as the JSON *string* Bitget puts in `feeDetail`.
    static func spotFeeDetailString(_ record: OrderRecord) -> String {
        let fee = record.fee.trimmed
        let inner: JSONValue = .object([
            (record.feeCoin, .object([("deduction", .bool(false)), ("feeCoinCode", .string(record.feeCoin)),
                                      ("totalDeductionFee", .number("0")), ("totalFee", .number(fee))])),
            ("newFees", .object([("c", .number("0")), ("d", .number("0")), ("deduction", .bool(false)),
                                 ("r", .number(fee)), ("t", .number(fee)), ("totalDeductionFee", .number("0"))])),
        ])
        return inner.render()
    }

    /// `orderInfo`, `unfilled-orders`, `history-orders` element.
    static func spotOrder(_ record: OrderRecord, _ instrument: Instrument, userId: String) -> JSONValue {
        [
            "userId": .string(userId), "symbol": .string(record.symbol), "orderId": .string(String(record.id)),
            "clientOid": .string(record.clientOid),
            "price": .string(record.priceTicks.map { instrument.priceText($0) } ?? "0"),
            "size": .string(record.sizeText), "orderType": .string(record.isMarket ? "market" : "limit"),
            "side": .string(sideText(record.side)), "status": .string(record.status.rawValue),
            "priceAvg": .string(priceAvg(record, instrument)),
            "baseVolume": .string(instrument.sizeText(record.filledLots)),
            "quoteVolume": .string(instrument.notional(record.filledNotional).description),
            "enterPointSource": "API", "feeDetail": .string(spotFeeDetailString(record)),
            "orderSource": .string(record.isMarket ? "market" : "normal"), "cancelReason": .string(record.cancelReason),
            "cTime": .intString(record.cTime), "uTime": .intString(record.uTime),
        ]
    }

    /// `/api/v2/spot/trade/fills` element.
    static func spotFill(_ fill: FillRecord, _ instrument: Instrument, userId: String) -> JSONValue {
        [
            "userId": .string(userId), "symbol": .string(fill.symbol), "orderId": .string(String(fill.orderId)),
            "tradeId": .string(String(fill.tradeId)), "orderType": .string(fill.isMarket ? "market" : "limit"),
            "side": .string(sideText(fill.side)), "priceAvg": .string(instrument.priceText(fill.priceTicks)),
            "size": .string(instrument.sizeText(fill.lots)),
            "amount": .string(instrument.notional(fill.priceTicks * fill.lots).description),
            "feeDetail": .object([("deduction", "no"), ("feeCoin", .string(fill.feeCoin)), ("totalDeductionFee", ""),
                                  ("totalFee", .string(fill.fee.trimmed))]),
            "tradeScope": .string(fill.isMaker ? "maker" : "taker"),
            "cTime": .intString(fill.time), "uTime": .intString(fill.time),
        ]
    }

    static func spotAsset(_ coin: String, _ balance: Balance) -> JSONValue {
        [
            "coin": .string(coin), "available": .string(balance.available.trimmed), "frozen": .string(balance.frozen.trimmed),
            "locked": "0", "limitAvailable": "0", "uTime": .intString(balance.uTime),
        ]
    }

    /// Spot WebSocket `orders` push element. `newSize` is the size as placed (base coin; the
    /// quote amount of a market buy); `notional` is its value in quote coin to 6 places and
    /// `size` the same value to 4, not the size: live pushes recorded by ccxt
    /// (Tests/Fixtures/bitget/ws_spot_orders*.json) show `"newSize":"7.0000"`,
    /// `"notional":"5.675250"`, `"size":"5.6752"` for 7 EOS at 0.81075. A market sell has no
    /// price to value it at and says 0.
    static func spotOrderPush(_ record: OrderRecord, _ instrument: Instrument, fill: FillRecord?) -> JSONValue {
        let value: ExactDecimal = switch (record.isMarket, record.side, record.priceTicks) {
        case (true, .buy, _): (try? ExactDecimal(record.sizeText)) ?? .zero
        case (false, _, let ticks?): instrument.notional(ticks * record.lots)
        default: .zero
        }
        func places(_ scale: Int32) -> String { ((try? value.rounded(toScale: scale, .towardZero)) ?? value).description }
        var members: [(String, JSONValue)] = [
            ("instId", .string(record.symbol)), ("orderId", .string(String(record.id))),
            ("clientOid", .string(record.clientOid)),
            ("price", .string(record.priceTicks.map { instrument.priceText($0) } ?? "0")),
            ("size", .string(places(4))), ("newSize", .string(record.sizeText)), ("notional", .string(places(6))),
            ("orderType", .string(record.isMarket ? "market" : "limit")), ("force", .string(record.force)),
            ("side", .string(sideText(record.side))),
        ]
        if let fill {
            members += [("fillPrice", .string(instrument.priceText(fill.priceTicks))), ("tradeId", .string(String(fill.tradeId))),
                        ("baseVolume", .string(instrument.sizeText(fill.lots))), ("fillTime", .intString(fill.time)),
                        ("fillFee", .string(fill.fee.trimmed)), ("fillFeeCoin", .string(fill.feeCoin)),
                        ("tradeScope", .string(fill.isMaker ? "M" : "T"))]
        }
        members += [
            ("accBaseVolume", .string(instrument.sizeText(record.filledLots))), ("priceAvg", .string(priceAvg(record, instrument))),
            ("status", .string(record.status.rawValue)), ("cTime", .intString(record.cTime)), ("uTime", .intString(record.uTime)),
            ("feeDetail", [["feeCoin": .string(record.feeCoin), "fee": .string(record.fee.trimmed)]]),
            ("enterPointSource", "API"),
        ]
        return .object(members)
    }

    /// Spot WebSocket `fill` push element. Unlike REST fills and the futures push, its
    /// `totalFee` is the fee paid as a positive number (Bitget's example and live pushes:
    /// Tests/Fixtures/bitget/ws_spot_fill.json).
    static func spotFillPush(_ fill: FillRecord, _ instrument: Instrument) -> JSONValue {
        [
            "orderId": .string(String(fill.orderId)), "tradeId": .string(String(fill.tradeId)), "symbol": .string(fill.symbol),
            "orderType": .string(fill.isMarket ? "market" : "limit"), "side": .string(sideText(fill.side)),
            "priceAvg": .string(instrument.priceText(fill.priceTicks)), "size": .string(instrument.sizeText(fill.lots)),
            "amount": .string(instrument.notional(fill.priceTicks * fill.lots).description),
            "tradeScope": .string(fill.isMaker ? "maker" : "taker"),
            "feeDetail": [["feeCoin": .string(fill.feeCoin), "deduction": "no", "totalDeductionFee": "0",
                           "totalFee": .string(fill.fee.negated.trimmed)]],
            "cTime": .intString(fill.time), "uTime": .intString(fill.time),
        ]
    }

    /// WebSocket `trade` element.
    static func trade(_ trade: TradeRecord, _ instrument: Instrument) -> JSONValue {
        [
            "ts": .intString(trade.time), "price": .string(instrument.priceText(trade.priceTicks)),
            "size": .string(instrument.sizeText(trade.lots)), "side": .string(sideText(trade.side)),
            "tradeId": .string(String(trade.tradeId)),
        ]
    }

    /// REST recent-trades element.
    static func marketFill(_ trade: TradeRecord, _ instrument: Instrument) -> JSONValue {
        [
            "symbol": .string(instrument.symbol), "tradeId": .string(String(trade.tradeId)), "side": .string(sideText(trade.side)),
            "price": .string(instrument.priceText(trade.priceTicks)), "size": .string(instrument.sizeText(trade.lots)),
            "ts": .intString(trade.time),
        ]
    }
}

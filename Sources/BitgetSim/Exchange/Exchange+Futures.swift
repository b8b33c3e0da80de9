import SwiftletCore

/// USDT/USDC/COIN-margined perpetuals: one-way and hedge modes, margin, PnL, funding.
extension Exchange {
    static let productTypes = ["USDT-FUTURES", "USDC-FUTURES", "COIN-FUTURES"]

    /// Perpetual for `symbol` in `productType`, or Bitget's error.
    func perp(_ symbol: String?, _ productType: String?) throws(BitgetError) -> Instrument {
        guard let productType, !productType.isEmpty else { throw .missing("productType") }
        guard let symbol, !symbol.isEmpty else { throw .missing("symbol") }
        guard let instrument = instruments["\(productType.uppercased()):\(symbol.uppercased())"] else {
            throw .unknownSymbol(symbol)
        }
        return instrument
    }

    func posMode(_ owner: Int32, _ productType: String) -> String {
        accounts[Int(owner)].posMode[productType] ?? "one_way_mode"
    }

    /// A symbol's leverage and margin mode until the account sets them.
    static let defaultLeverage: Int64 = 20
    static let defaultMarginMode = "crossed"

    func leverage(_ owner: Int32, _ key: String) -> Int64 { accounts[Int(owner)].leverage[key] ?? Exchange.defaultLeverage }
    func marginMode(_ owner: Int32, _ key: String) -> String { accounts[Int(owner)].marginMode[key] ?? Exchange.defaultMarginMode }

    /// Places a futures order; returns its id.
    func placeMix(owner: Int32, _ body: JSONValue) throws(BitgetError) -> UInt64 {
        let instrument = try perp(body["symbol"]?.text, body["productType"]?.text)
        guard case .perpetual(let productType, let marginCoin) = instrument.kind else { throw .invalid("productType") }
        let side = try Parse.side(body["side"]?.text)
        guard let orderType = body["orderType"]?.text?.lowercased() else { throw .missing("orderType") }
        guard orderType == "limit" || orderType == "market" else { throw .invalid("orderType") }
        let isMarket = orderType == "market"
        let (force, forceText) = try Parse.force(body["force"]?.text, isMarket: isMarket)
        guard let sizeText = body["size"]?.text, !sizeText.isEmpty else { throw .missing("size") }
        guard let size = try? ExactDecimal(sizeText), size > .zero else { throw .invalid("size") }
        guard let lots = size.units(atScale: instrument.volumePlace) else { throw .scale("size", sizeText, instrument.volumePlace) }
        guard lots >= instrument.minLots else { throw .belowMinimum }
        var priceTicks: Int64?
        if !isMarket {
            guard let priceText = body["price"]?.text, !priceText.isEmpty else { throw .missing("price") }
            guard let price = try? ExactDecimal(priceText), price > .zero else { throw .invalid("price") }
            guard let ticks = price.units(atScale: instrument.pricePlace) else {
                throw .scale("price", priceText, instrument.pricePlace)
            }
            priceTicks = ticks
        }
        let mode = posMode(owner, productType)
        var tradeSide = (body["tradeSide"]?.text ?? "").lowercased()
        var reduceOnly = (body["reduceOnly"]?.text ?? "NO").uppercased() == "YES"
        var bookSide = side
        var holdSide: String
        if mode == "hedge_mode" {
            guard tradeSide == "open" || tradeSide == "close" else { throw .positionModeMismatch }
            // Bitget: close long = side buy + tradeSide close; the book order is then a sell.
            holdSide = side == .buy ? "long" : "short"
            if tradeSide == "close" {
                bookSide = side == .buy ? .sell : .buy
                let position = accounts[Int(owner)].positions["\(instrument.key)|\(holdSide)"]
                guard let position, position.lots >= lots else { throw .noPositionToClose }
            }
            reduceOnly = tradeSide == "close"
        } else {
            // One-way: tradeSide is ignored (Bitget's place-order doc).
            tradeSide = ""
            holdSide = side == .buy ? "long" : "short"
            if reduceOnly {
                let opposite = side == .buy ? "short" : "long"
                guard let position = accounts[Int(owner)].positions["\(instrument.key)|\(opposite)"], position.lots >= lots else {
                    throw .noPositionToClose
                }
            }
        }
        let clientOid = body["clientOid"]?.text ?? ""
        var account = accounts[Int(owner)]
        if !clientOid.isEmpty, account.clientOids[clientOid] != nil { throw .duplicateClientOid }
        let leverage = leverage(owner, instrument.key)
        let now = WallClock.milliseconds()
        // Margin for opening quantity, frozen until filled.
        var freeze = ExactDecimal.zero
        if !reduceOnly {
            let refTicks = priceTicks ?? lastPrice[instrument.key] ?? instrument.startPrice
            freeze = (try? ExactDecimal.dividing(instrument.notional(refTicks * lots), ExactDecimal(leverage),
                                                 scale: instrument.notionalScale, .up)) ?? .zero
            var balance = account.futures[marginCoin] ?? Balance()
            guard balance.available >= freeze else { throw .mixInsufficient }
            balance.available = balance.available.minus(freeze)
            balance.frozen = balance.frozen.plus(freeze)
            balance.uTime = now
            account.futures[marginCoin] = balance
        }
        let id = newOrderId()
        if !clientOid.isEmpty { account.clientOids[clientOid] = id }
        accounts[Int(owner)] = account
        var record = OrderRecord(id: id, clientOid: clientOid.isEmpty ? String(id) : clientOid, owner: owner,
                                 instrumentKey: instrument.key, symbol: instrument.symbol, side: side, bookSide: bookSide,
                                 isMarket: isMarket, force: forceText, priceTicks: priceTicks, sizeText: sizeText, lots: lots,
                                 feeCoin: marginCoin, cTime: now, uTime: now)
        record.frozen = freeze
        record.tradeSide = tradeSide
        record.reduceOnly = reduceOnly
        record.posSide = mode == "hedge_mode" ? holdSide : "net"
        record.marginMode = marginMode(owner, instrument.key)
        record.leverage = leverage
        record.posMode = mode
        orders[id] = record
        let outcome = engines[instrument.key]!.submit(.init(orderId: id, owner: owner, side: bookSide, price: priceTicks,
                                                            lots: lots, quoteBudget: nil, force: force))
        for fill in outcome.fills { settle(instrument, fill: fill, takerId: id, takerSide: bookSide, time: now) }
        guard var final = orders[id] else { return id }
        if outcome.rested > 0 {
            final.status = final.filledLots > 0 ? .partiallyFilled : .live
        } else {
            final.status = final.filledLots == final.lots || (isMarket && final.filledLots > 0) ? .filled : .cancelled
            releaseMixLeftover(&final, marginCoin: marginCoin, time: now)
            accounts[Int(owner)].clientOids[final.clientOid] = nil
        }
        orders[id] = final
        pushOrder(final, instrument, fill: final.lastFill)
        pushMixAccount(owner: owner, productType: productType, marginCoin: marginCoin)
        return id
    }

    func releaseMixLeftover(_ record: inout OrderRecord, marginCoin: String, time: Int64) {
        guard record.frozen > .zero else { return }
        var balance = accounts[Int(record.owner)].futures[marginCoin] ?? Balance()
        balance.frozen = balance.frozen.minus(record.frozen)
        balance.available = balance.available.plus(record.frozen)
        balance.uTime = time
        accounts[Int(record.owner)].futures[marginCoin] = balance
        record.frozen = .zero
    }

    /// Applies a futures fill to one order's position and margin.
    func settleFutures(_ instrument: Instrument, orderId: UInt64, fill: MatchingEngine.Fill, isMaker: Bool,
                       tradeId: UInt64, time: Int64) {
        guard var record = orders[orderId], case .perpetual(let productType, let marginCoin) = instrument.kind else { return }
        let owner = Int(record.owner)
        var account = accounts[owner]
        let notional = instrument.notional(fill.price * fill.lots)
        let rate = isMaker ? instrument.makerFeeRate : instrument.takerFeeRate
        let fee = notional.times(rate, scale: 12)
        var balance = account.futures[marginCoin] ?? Balance()
        balance.available = balance.available.minus(fee)
        var remaining = fill.lots
        var profit = ExactDecimal.zero
        // Closing part first: hedge-mode close, one-way reducing the opposite position.
        let closingSide: String? = record.posMode == "hedge_mode"
            ? (record.tradeSide == "close" ? record.posSide : nil)
            : (record.bookSide == .buy ? "short" : "long")
        if let closingSide, var position = account.positions["\(instrument.key)|\(closingSide)"], position.lots > 0 {
            let qty = min(remaining, position.lots)
            let entry = position.entryNotional / position.lots
            let entryPart = position.entryNotional * qty / position.lots
            let diff = closingSide == "long" ? fill.price * qty - entryPart : entryPart - fill.price * qty
            profit = instrument.notional(diff)
            let marginPart = (try? ExactDecimal.dividing(position.margin.times(ExactDecimal(qty), scale: 12),
                                                         ExactDecimal(position.lots), scale: 12, .towardZero)) ?? .zero
            position.margin = position.margin.minus(marginPart)
            position.entryNotional -= entryPart
            position.lots -= qty
            position.achieved = position.achieved.plus(profit)
            position.uTime = time
            _ = entry
            balance.available = balance.available.plus(marginPart).plus(profit)
            account.positions["\(instrument.key)|\(closingSide)"] = position.lots > 0 ? position : nil
            remaining -= qty
        }
        if remaining > 0, !(record.reduceOnly) {
            let holdSide = record.posMode == "hedge_mode" ? record.posSide : (record.bookSide == .buy ? "long" : "short")
            let margin = (try? ExactDecimal.dividing(instrument.notional(fill.price * remaining), ExactDecimal(record.leverage),
                                                     scale: instrument.notionalScale, .up)) ?? .zero
            // Release the order's frozen margin for this quantity, charge the actual margin.
            let frozenPart = record.lots > 0
                ? ((try? ExactDecimal.dividing(record.frozen.times(ExactDecimal(remaining), scale: 12),
                                               ExactDecimal(max(1, record.lots - record.filledLots)), scale: 12, .towardZero)) ?? .zero)
                : .zero
            balance.frozen = balance.frozen.minus(frozenPart)
            balance.available = balance.available.plus(frozenPart).minus(margin)
            record.frozen = record.frozen.minus(frozenPart)
            var position = account.positions["\(instrument.key)|\(holdSide)"] ?? newPosition(holdSide, record, time: time)
            position.lots += remaining
            position.entryNotional += fill.price * remaining
            position.margin = position.margin.plus(margin)
            position.uTime = time
            account.positions["\(instrument.key)|\(holdSide)"] = position
        }
        balance.uTime = time
        account.futures[marginCoin] = balance
        record.filledLots += fill.lots
        record.filledNotional += fill.price * fill.lots
        record.fee = record.fee.minus(fee)
        record.profit = record.profit.plus(profit)
        record.uTime = time
        if isMaker {
            record.status = fill.makerDone ? .filled : .partiallyFilled
            if fill.makerDone, record.frozen > .zero {
                var released = account.futures[marginCoin] ?? Balance()
                released.frozen = released.frozen.minus(record.frozen)
                released.available = released.available.plus(record.frozen)
                account.futures[marginCoin] = released
                record.frozen = .zero
            }
        }
        var fillRecord = FillRecord(tradeId: tradeId, orderId: orderId, owner: record.owner, instrumentKey: instrument.key,
                                    symbol: instrument.symbol, side: record.side, isMarket: record.isMarket,
                                    priceTicks: fill.price, lots: fill.lots, fee: fee.negated, feeCoin: marginCoin,
                                    isMaker: isMaker, time: time)
        fillRecord.tradeSide = record.tradeSide.isEmpty ? (profit == .zero ? "open" : "close") : record.tradeSide
        fillRecord.profit = profit
        fillRecord.posMode = record.posMode
        record.lastFill = fillRecord
        accounts[owner] = account
        fillLog[owner].append(fillRecord)
        orders[orderId] = record
        pending.append(StreamEvent(owner: record.owner, instType: productType, channel: "fill", instId: instrument.symbol,
                                   data: [Views.mixFill(fillRecord, instrument, shape: .push)]))
        pushPositions(owner: record.owner, productType: productType)
        if isMaker {
            pushOrder(record, instrument, fill: fillRecord)
            pushMixAccount(owner: record.owner, productType: productType, marginCoin: marginCoin)
        }
    }

    /// Cancels a resting futures order.
    func cancelMix(owner: Int32, _ body: JSONValue) throws(BitgetError) -> OrderRecord {
        let instrument = try perp(body["symbol"]?.text, body["productType"]?.text)
        guard case .perpetual(_, let marginCoin) = instrument.kind,
              let id = resolveOrderId(owner: owner, orderId: body["orderId"]?.text, clientOid: body["clientOid"]?.text),
              var record = orders[id], record.owner == owner, record.instrumentKey == instrument.key,
              engines[instrument.key]!.cancel(orderId: id) != nil else { throw .mixOrderNotFound }
        let now = WallClock.milliseconds()
        releaseMixLeftover(&record, marginCoin: marginCoin, time: now)
        record.status = .cancelled
        record.uTime = now
        accounts[Int(owner)].clientOids[record.clientOid] = nil
        orders[id] = record
        pushOrder(record, instrument, fill: nil)
        return record
    }

    /// Mark price: the last trade price.
    func markTicks(_ key: String) -> Int64 { lastPrice[key] ?? instruments[key]?.startPrice ?? 0 }

    /// Settles funding for every open position now and schedules the next settlement.
    func settleFunding(now: Int64) {
        nextFundingTime = now + Int64(config.fundingIntervalSeconds) * 1000
        for owner in accounts.indices {
            var touched = Set<String>()
            for (posKey, position) in accounts[owner].positions where position.lots > 0 {
                let key = String(posKey.split(separator: "|")[0])
                guard let instrument = instruments[key], case .perpetual(let productType, let marginCoin) = instrument.kind else {
                    continue
                }
                let value = instrument.notional(markTicks(key) * position.lots)
                var amount = value.times(config.fundingRate, scale: 12)
                if position.holdSide == "long" { amount = amount.negated }
                accounts[owner].futures[marginCoin, default: Balance()].available =
                    accounts[owner].futures[marginCoin, default: Balance()].available.plus(amount)
                let bill = BillRecord(billId: nextBillId, symbol: instrument.symbol, coin: marginCoin, amount: amount, fee: .zero,
                                      businessType: "contract_settle_fee", productType: productType, time: now)
                nextBillId += 1
                accounts[owner].bills.append(bill)
                touched.insert("\(productType)|\(marginCoin)")
            }
            for entry in touched {
                let parts = entry.split(separator: "|").map(String.init)
                pushMixAccount(owner: Int32(owner), productType: parts[0], marginCoin: parts[1])
            }
        }
    }

    private func newPosition(_ holdSide: String, _ record: OrderRecord, time: Int64) -> Position {
        defer { nextPositionId += 1 }
        return Position(id: nextPositionId, holdSide: holdSide, leverage: record.leverage, marginMode: record.marginMode,
                        cTime: time, uTime: time)
    }

    func pushPositions(owner: Int32, productType: String) {
        let data = positionViews(owner: owner, productType: productType, symbol: nil, shape: .push)
        pending.append(StreamEvent(owner: owner, instType: productType, channel: "positions", instId: "default", data: data))
    }

    func pushMixAccount(owner: Int32, productType: String, marginCoin: String) {
        pending.append(StreamEvent(owner: owner, instType: productType, channel: "account", instId: "default",
                                   data: [mixAccountView(owner: owner, productType: productType, marginCoin: marginCoin, shape: .push)]))
    }

    /// Unrealized PnL of one position at the mark price.
    func unrealized(_ position: Position, _ instrument: Instrument) -> ExactDecimal {
        let mark = markTicks(instrument.key) * position.lots
        return instrument.notional(position.holdSide == "long" ? mark - position.entryNotional : position.entryNotional - mark)
    }

    /// Maintenance margin rate (Bitget's `keepMarginRate` of the first risk tier, as in its examples).
    static let keepMarginRate = try! ExactDecimal("0.004")

    /// Liquidation price and margin ratio of one position.
    ///
    /// Isolated: only the position's margin backs it. Crossed: the position's margin plus the
    /// account's free balance of the margin coin and the unrealized PnL of the account's other
    /// crossed positions in that coin. Liquidation is where collateral + PnL = maintenance margin:
    /// long `(entry·size − collateral) / (size·(1 − mmr))`, short `(entry·size + collateral) / (size·(1 + mmr))`
    /// (fees ignored); `0` when no positive price liquidates (a long over-collateralised).
    /// Margin ratio = maintenance margin at mark / (collateral + unrealized PnL).
    func riskView(owner: Int32, posKey: String, _ position: Position, _ instrument: Instrument)
        -> (liquidation: ExactDecimal, marginRatio: ExactDecimal) {
        guard case .perpetual(_, let marginCoin) = instrument.kind, position.lots > 0 else { return (.zero, .zero) }
        var collateral = position.margin
        var otherPnL = ExactDecimal.zero
        if position.marginMode == "crossed" {
            collateral = collateral.plus(accounts[Int(owner)].futures[marginCoin]?.available ?? .zero)
            for (otherKey, other) in accounts[Int(owner)].positions where otherKey != posKey && other.lots > 0 && other.marginMode == "crossed" {
                let key = String(otherKey.split(separator: "|")[0])
                guard let i = instruments[key], case .perpetual(_, let coin) = i.kind, coin == marginCoin else { continue }
                collateral = collateral.plus(other.margin)
                otherPnL = otherPnL.plus(unrealized(other, i))
            }
        }
        collateral = collateral.plus(otherPnL)
        let entry = instrument.notional(position.entryNotional)
        let size = instrument.size(position.lots)
        let mmr = Exchange.keepMarginRate
        let isLong = position.holdSide == "long"
        let one = ExactDecimal(1)
        let factor = isLong ? one.minus(mmr) : one.plus(mmr)
        let numerator = isLong ? entry.minus(collateral) : entry.plus(collateral)
        var liquidation = ExactDecimal.zero
        if numerator > .zero, let denominator = try? ExactDecimal.multiplying(size, factor) {
            liquidation = (try? ExactDecimal.dividing(numerator, denominator, scale: instrument.pricePlace + 4,
                                                      isLong ? .up : .towardZero)) ?? .zero
        }
        let maintenance = instrument.notional(markTicks(instrument.key) * position.lots).times(mmr, scale: 12)
        let backing = collateral.plus(unrealized(position, instrument))
        let ratio = backing > .zero ? ((try? ExactDecimal.dividing(maintenance, backing, scale: 8, .up)) ?? .zero) : one
        return (liquidation, ratio)
    }

    /// The open positions of a product type (of one symbol, if given), as REST answers them or
    /// as the `positions` channel pushes them.
    func positionViews(owner: Int32, productType: String, symbol: String?, shape: Views.Shape = .rest) -> [JSONValue] {
        var out: [JSONValue] = []
        for (posKey, position) in accounts[Int(owner)].positions.sorted(by: { $0.key < $1.key }) where position.lots > 0 {
            let key = String(posKey.split(separator: "|")[0])
            guard let instrument = instruments[key], case .perpetual(let pt, let marginCoin) = instrument.kind,
                  pt == productType, symbol == nil || instrument.symbol == symbol?.uppercased() else { continue }
            let risk = riskView(owner: owner, posKey: posKey, position, instrument)
            let pnl = unrealized(position, instrument)
            switch shape {
            case .rest:
                out.append(Views.position(position, instrument, marginCoin: marginCoin, mark: markTicks(key),
                                          unrealized: pnl, posMode: posMode(owner, pt),
                                          liquidation: risk.liquidation, marginRatio: risk.marginRatio))
            case .push:
                out.append(Views.positionPush(position, instrument, marginCoin: marginCoin, unrealized: pnl, posMode: posMode(owner, pt),
                                              liquidation: risk.liquidation, marginRatio: risk.marginRatio))
            }
        }
        return out
    }

    /// The account of `marginCoin`, as REST answers it or as the `account` channel pushes it;
    /// with `instrumentKey`, the leverage and margin mode shown are that symbol's (Bitget's
    /// single-account answer), else the defaults.
    func mixAccountView(owner: Int32, productType: String, marginCoin: String, instrumentKey: String? = nil,
                        shape: Views.Shape = .rest) -> JSONValue {
        let balance = accounts[Int(owner)].futures[marginCoin] ?? Balance()
        var margin = ExactDecimal.zero
        var crossedPnL = ExactDecimal.zero
        var isolatedPnL = ExactDecimal.zero
        for (posKey, position) in accounts[Int(owner)].positions {
            let key = String(posKey.split(separator: "|")[0])
            guard let instrument = instruments[key], case .perpetual(let pt, let coin) = instrument.kind,
                  pt == productType, coin == marginCoin else { continue }
            margin = margin.plus(position.margin)
            if position.marginMode == "isolated" {
                isolatedPnL = isolatedPnL.plus(unrealized(position, instrument))
            } else {
                crossedPnL = crossedPnL.plus(unrealized(position, instrument))
            }
        }
        let upl = crossedPnL.plus(isolatedPnL)
        let equity = balance.available.plus(balance.frozen).plus(margin).plus(upl)
        if shape == .push { return Views.mixAccountPush(marginCoin: marginCoin, balance: balance, equity: equity) }
        return Views.mixAccount(marginCoin: marginCoin, balance: balance, equity: equity, crossedUnrealized: crossedPnL,
                                isolatedUnrealized: isolatedPnL, posMode: posMode(owner, productType),
                                leverage: instrumentKey.map { leverage(owner, $0) } ?? Exchange.defaultLeverage,
                                marginMode: instrumentKey.map { marginMode(owner, $0) } ?? Exchange.defaultMarginMode)
    }
}

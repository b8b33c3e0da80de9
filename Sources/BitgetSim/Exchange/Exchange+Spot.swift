import SwiftletCore

/// Spot trading: validation, freezing, matching, settlement, cancels.
extension Exchange {
    /// A validated spot order request.
    struct SpotRequest {
        var instrument: Instrument
        var side: MatchingEngine.Side
        var isMarket: Bool
        var force: MatchingEngine.Force
        var forceText: String
        var priceTicks: Int64?
        var lots: Int64
        var quoteBudget: Int64?
        var sizeText: String
        var clientOid: String
    }

    /// Parses and checks a place-order body against the symbol's rules.
    func parseSpot(_ body: JSONValue) throws(BitgetError) -> SpotRequest {
        let instrument = try spot(body["symbol"]?.text)
        let side = try Parse.side(body["side"]?.text)
        let orderType = body["orderType"]?.text?.lowercased()
        guard let orderType else { throw .missing("orderType") }
        guard orderType == "limit" || orderType == "market" else { throw .invalid("orderType") }
        let isMarket = orderType == "market"
        let (force, forceText) = try Parse.force(body["force"]?.text, isMarket: isMarket)
        guard let sizeText = body["size"]?.text, !sizeText.isEmpty else { throw .missing("size") }
        guard let size = try? ExactDecimal(sizeText), size > .zero else { throw .invalid("size") }
        var request = SpotRequest(instrument: instrument, side: side, isMarket: isMarket, force: force, forceText: forceText,
                                  priceTicks: nil, lots: 0, quoteBudget: nil, sizeText: sizeText,
                                  clientOid: body["clientOid"]?.text ?? "")
        if isMarket && side == .buy {
            guard let quote = size.units(atScale: instrument.pricePlace) else {
                throw .scale("size", sizeText, instrument.pricePlace)
            }
            guard size >= instrument.minTradeUSDT else { throw .belowMinimum }
            request.quoteBudget = quote * ExactDecimal.powerOfTen(instrument.volumePlace)
        } else {
            guard let lots = size.units(atScale: instrument.volumePlace) else {
                throw .scale("size", sizeText, instrument.volumePlace)
            }
            guard lots >= instrument.minLots else { throw .belowMinimum }
            request.lots = lots
        }
        if !isMarket {
            guard let priceText = body["price"]?.text, !priceText.isEmpty else { throw .missing("price") }
            guard let price = try? ExactDecimal(priceText), price > .zero else { throw .invalid("price") }
            guard let ticks = price.units(atScale: instrument.pricePlace) else {
                throw .scale("price", priceText, instrument.pricePlace)
            }
            request.priceTicks = ticks
        }
        return request
    }

    /// Places a spot order for account `owner`; returns the new order id.
    func placeSpot(owner: Int32, _ request: SpotRequest) throws(BitgetError) -> UInt64 {
        let instrument = request.instrument
        let now = WallClock.milliseconds()
        var account = accounts[Int(owner)]
        if !request.clientOid.isEmpty, account.clientOids[request.clientOid] != nil { throw .duplicateClientOid }
        // Freeze what the order may spend.
        let freezeCoin = request.side == .buy ? instrument.quoteCoin : instrument.baseCoin
        let freeze: ExactDecimal
        if let budget = request.quoteBudget {
            freeze = instrument.notional(budget)
        } else if request.side == .buy, let ticks = request.priceTicks {
            freeze = instrument.notional(ticks * request.lots)
        } else if request.side == .buy {
            throw .invalid("price")
        } else {
            freeze = instrument.size(request.lots)
        }
        var balance = account.spot[freezeCoin] ?? Balance()
        guard balance.available >= freeze else { throw .insufficientBalance }
        balance.available = balance.available.minus(freeze)
        balance.frozen = balance.frozen.plus(freeze)
        balance.uTime = now
        account.spot[freezeCoin] = balance
        let id = newOrderId()
        if !request.clientOid.isEmpty { account.clientOids[request.clientOid] = id }
        accounts[Int(owner)] = account
        var record = OrderRecord(id: id, clientOid: request.clientOid.isEmpty ? String(id) : request.clientOid, owner: owner,
                                 instrumentKey: instrument.key, symbol: instrument.symbol, side: request.side,
                                 bookSide: request.side, isMarket: request.isMarket, force: request.forceText,
                                 priceTicks: request.priceTicks, sizeText: request.sizeText, lots: request.lots,
                                 feeCoin: request.side == .buy ? instrument.baseCoin : instrument.quoteCoin,
                                 cTime: now, uTime: now)
        record.frozen = freeze
        orders[id] = record
        let incoming = MatchingEngine.Incoming(orderId: id, owner: owner, side: request.side, price: request.priceTicks,
                                               lots: request.lots, quoteBudget: request.quoteBudget, force: request.force)
        let outcome = engines[instrument.key]!.submit(incoming)
        for fill in outcome.fills {
            settle(instrument, fill: fill, takerId: id, takerSide: request.side, time: now)
        }
        finishSpot(id, rested: outcome.rested > 0, time: now)
        return id
    }

    /// Applies one fill to both sides' records and balances.
    func settle(_ instrument: Instrument, fill: MatchingEngine.Fill, takerId: UInt64, takerSide: MatchingEngine.Side, time: Int64) {
        let tradeId = recordTrade(instrument, priceTicks: fill.price, lots: fill.lots, takerSide: takerSide, time: time)
        if case .perpetual = instrument.kind {
            settleFutures(instrument, orderId: takerId, fill: fill, isMaker: false, tradeId: tradeId, time: time)
            if fill.makerOwner >= 0 {
                settleFutures(instrument, orderId: fill.makerOrderId, fill: fill, isMaker: true, tradeId: tradeId, time: time)
            }
        } else {
            settleSpot(instrument, orderId: takerId, fill: fill, isMaker: false, tradeId: tradeId, time: time)
            if fill.makerOwner >= 0 {
                settleSpot(instrument, orderId: fill.makerOrderId, fill: fill, isMaker: true, tradeId: tradeId, time: time)
            }
        }
    }

    private func settleSpot(_ instrument: Instrument, orderId: UInt64, fill: MatchingEngine.Fill, isMaker: Bool,
                            tradeId: UInt64, time: Int64) {
        guard var record = orders[orderId] else { return }
        let owner = Int(record.owner)
        let notional = instrument.notional(fill.price * fill.lots)
        let size = instrument.size(fill.lots)
        let rate = isMaker ? instrument.makerFeeRate : instrument.takerFeeRate
        var account = accounts[owner]
        let fee: ExactDecimal
        if record.side == .buy {
            // Release what was frozen for this quantity; refund the price improvement.
            let release = record.isMarket ? notional : instrument.notional((record.priceTicks ?? fill.price) * fill.lots)
            var quote = account.spot[instrument.quoteCoin] ?? Balance()
            quote.frozen = quote.frozen.minus(release)
            quote.available = quote.available.plus(release.minus(notional))
            quote.uTime = time
            account.spot[instrument.quoteCoin] = quote
            record.frozen = record.frozen.minus(release)
            fee = size.times(rate, scale: 12)
            var base = account.spot[instrument.baseCoin] ?? Balance()
            base.available = base.available.plus(size.minus(fee))
            base.uTime = time
            account.spot[instrument.baseCoin] = base
        } else {
            var base = account.spot[instrument.baseCoin] ?? Balance()
            base.frozen = base.frozen.minus(size)
            base.uTime = time
            account.spot[instrument.baseCoin] = base
            record.frozen = record.frozen.minus(size)
            fee = notional.times(rate, scale: 12)
            var quote = account.spot[instrument.quoteCoin] ?? Balance()
            quote.available = quote.available.plus(notional.minus(fee))
            quote.uTime = time
            account.spot[instrument.quoteCoin] = quote
        }
        record.filledLots += fill.lots
        record.filledNotional += fill.price * fill.lots
        record.fee = record.fee.minus(fee)
        record.uTime = time
        if isMaker {
            record.status = fill.makerDone ? .filled : .partiallyFilled
            if fill.makerDone { releaseLeftover(&record, &account, instrument, time: time) }
        }
        let fillRecord = FillRecord(tradeId: tradeId, orderId: orderId, owner: record.owner, instrumentKey: instrument.key,
                                    symbol: instrument.symbol, side: record.side, isMarket: record.isMarket,
                                    priceTicks: fill.price, lots: fill.lots, fee: fee.negated, feeCoin: record.feeCoin,
                                    isMaker: isMaker, time: time)
        record.lastFill = fillRecord
        accounts[owner] = account
        fillLog[owner].append(fillRecord)
        orders[orderId] = record
        pending.append(StreamEvent(owner: record.owner, instType: "SPOT", channel: "fill", instId: instrument.symbol,
                                   data: [Views.spotFillPush(fillRecord, instrument)]))
        if isMaker {
            pushOrder(record, instrument, fill: fillRecord)
            pushSpotAccount(owner: record.owner, coins: [instrument.baseCoin, instrument.quoteCoin])
        }
    }

    /// Returns whatever an order still has frozen to the available balance.
    func releaseLeftover(_ record: inout OrderRecord, _ account: inout AccountState, _ instrument: Instrument, time: Int64) {
        guard record.frozen > .zero else { return }
        let coin = record.side == .buy ? instrument.quoteCoin : instrument.baseCoin
        var balance = account.spot[coin] ?? Balance()
        balance.frozen = balance.frozen.minus(record.frozen)
        balance.available = balance.available.plus(record.frozen)
        balance.uTime = time
        account.spot[coin] = balance
        record.frozen = .zero
    }

    /// Sets the final state of a just-submitted taker order.
    private func finishSpot(_ id: UInt64, rested: Bool, time: Int64) {
        guard var record = orders[id], let instrument = instruments[record.instrumentKey] else { return }
        var account = accounts[Int(record.owner)]
        if rested {
            record.status = record.filledLots > 0 ? .partiallyFilled : .live
        } else {
            let complete = record.isMarket ? record.filledLots > 0 : record.filledLots == record.lots
            record.status = complete ? .filled : .cancelled
            releaseLeftover(&record, &account, instrument, time: time)
        }
        if !rested || record.status == .filled { account.clientOids[record.clientOid] = nil }
        accounts[Int(record.owner)] = account
        orders[id] = record
        pushOrder(record, instrument, fill: record.lastFill)
        pushSpotAccount(owner: record.owner, coins: [instrument.baseCoin, instrument.quoteCoin])
    }

    /// Cancels a resting spot order by id or client id.
    func cancelSpot(owner: Int32, symbol: String?, orderId: String?, clientOid: String?) throws(BitgetError) -> OrderRecord {
        let instrument = try spot(symbol)
        guard let id = resolveOrderId(owner: owner, orderId: orderId, clientOid: clientOid),
              var record = orders[id], record.owner == owner, record.instrumentKey == instrument.key else {
            throw .orderNotFound
        }
        guard engines[instrument.key]!.cancel(orderId: id) != nil else { throw .orderNotFound }
        let now = WallClock.milliseconds()
        var account = accounts[Int(owner)]
        releaseLeftover(&record, &account, instrument, time: now)
        record.status = .cancelled
        record.uTime = now
        account.clientOids[record.clientOid] = nil
        accounts[Int(owner)] = account
        orders[id] = record
        pushOrder(record, instrument, fill: nil)
        pushSpotAccount(owner: owner, coins: [instrument.baseCoin, instrument.quoteCoin])
        return record
    }

    /// Order id named by `orderId` or, failing that, by the account's `clientOid`.
    func resolveOrderId(owner: Int32, orderId: String?, clientOid: String?) -> UInt64? {
        if let orderId, !orderId.isEmpty { return UInt64(orderId) }
        if let clientOid, !clientOid.isEmpty {
            if let id = accounts[Int(owner)].clientOids[clientOid] { return id }
            return orders.values.first(where: { $0.owner == owner && $0.clientOid == clientOid })?.id
        }
        return nil
    }

    func pushOrder(_ record: OrderRecord, _ instrument: Instrument, fill: FillRecord?) {
        let data: JSONValue
        if case .perpetual = instrument.kind {
            data = Views.mixOrderPush(record, instrument, fill: fill)
        } else {
            data = Views.spotOrderPush(record, instrument, fill: fill)
        }
        pending.append(StreamEvent(owner: record.owner, instType: instrument.instType, channel: "orders",
                                   instId: instrument.symbol, data: [data]))
    }

    func pushSpotAccount(owner: Int32, coins: [String]) {
        let account = accounts[Int(owner)]
        let data = coins.map { coin in Views.spotAsset(coin, account.spot[coin] ?? Balance()) }
        pending.append(StreamEvent(owner: owner, instType: "SPOT", channel: "account", instId: "default", data: data))
    }
}

/// Request-field parsing shared by spot and futures.
enum Parse {
    static func side(_ text: String?) throws(BitgetError) -> MatchingEngine.Side {
        guard let text, !text.isEmpty else { throw .missing("side") }
        switch text.lowercased() {
        case "buy": return .buy
        case "sell": return .sell
        default: throw .invalid("side")
        }
    }

    static func force(_ text: String?, isMarket: Bool) throws(BitgetError) -> (MatchingEngine.Force, String) {
        if isMarket { return (.ioc, "gtc") }
        switch (text ?? "gtc").lowercased() {
        case "gtc", "normal": return (.gtc, "gtc")
        case "ioc": return (.ioc, "ioc")
        case "fok": return (.fok, "fok")
        case "post_only": return (.postOnly, "post_only")
        default: throw .invalid("force")
        }
    }
}

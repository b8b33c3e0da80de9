import SwiftletCore

/// Settling fills and ending orders.
extension PaperState {
    /// Fills up to `size` of open order `id` at `price`: settles balances (and, for a
    /// perpetual, the position), updates the order and emits ORDER_UPDATE then FILL. A
    /// reduce-only order fills only up to the position it reduces, and its rest is
    /// cancelled once that position is flat. `bookPrice` is the live-book level the fill
    /// took liquidity from (nil for a fill against a public trade). Returns the size filled.
    mutating func fill(_ id: String, price: ExactDecimal, size: ExactDecimal, isMaker: Bool,
                       bookPrice: ExactDecimal?, out: inout PaperOutbox) throws(PaperError) -> ExactDecimal {
        guard var order = orders[id], !order.isFinal else { return .zero }
        let instrument = try self.instrument(order.snapshot.symbol)
        var quantity = min(size, order.remaining)
        if order.reduceOnly { quantity = min(quantity, reducible(order).size) }
        guard quantity > .zero else {
            if order.reduceOnly { try cancelNow(id, reason: "reduce-only: no position left to reduce", out: &out) }
            return .zero
        }
        let what = "fill of \(id)"
        let release = quantity == order.remaining ? order.reserve
            : try PaperMath.mulDiv(order.reserve, quantity, order.remaining, scale: order.reserve.scale, .down, "reserve released by the \(what)")
        let cost = try PaperMath.mul(price, quantity, "notional of the \(what)")
        let rate = isMaker ? instrument.makerFeeRate : instrument.takerFeeRate
        let (fee, feeAsset) = instrument.isPerpetual
            ? try settlePerpetual(order, instrument, price: price, quantity: quantity, cost: cost, rate: rate, release: release, out: &out)
            : try settleSpot(order, instrument, quantity: quantity, cost: cost, rate: rate, release: release, out: &out)

        order.remaining = try PaperMath.sub(order.remaining, quantity, "remaining size of \(id)")
        order.reserve = try PaperMath.sub(order.reserve, release, "reserve of \(id)")
        order.filledNotional = try PaperMath.add(order.filledNotional, cost, "filled notional of \(id)")
        order.snapshot.filledSize = try PaperMath.add(order.snapshot.filledSize, quantity, "filled size of \(id)")
        order.snapshot.averageFillPrice = try PaperMath.div(order.filledNotional, order.snapshot.filledSize,
                                                            scale: PaperRules.quoteScale(instrument), .towardZero, "average price of \(id)")
        order.snapshot.state = order.remaining.isZero && order.endsWhenFilled ? .filled : .partiallyFilled
        order.snapshot.updatedTime = out.now
        orders[id] = order
        let symbol = order.snapshot.symbol
        if let bookPrice { try liquidity[symbol, default: PaperLiquidity()].take(takerSide: order.snapshot.side, price: bookPrice, size: quantity) }
        out.emit(.order(order.update()), symbol: symbol)
        out.emit(.fill(Fill(tradeID: newID(), clientOrderID: id, exchangeOrderID: order.snapshot.exchangeOrderID,
                            side: order.snapshot.side, isMaker: isMaker, price: price, size: quantity, fee: fee,
                            feeAsset: feeAsset, positionSide: order.snapshot.positionSide)), symbol: symbol)
        if order.reduceOnly, !order.isFinal, reducible(order).size.isZero {
            try cancelNow(id, reason: "reduce-only: the position is closed", out: &out)
        }
        return quantity
    }

    /// Cancels an open order at once, releasing what is still locked for it, and emits its
    /// CANCELLED update with `reason`. Does nothing to a final order.
    mutating func cancelNow(_ id: String, reason: String, out: inout PaperOutbox) throws(PaperError) {
        guard var order = orders[id], !order.isFinal else { return }
        if order.reserve > .zero {
            try ledger.unlock(order.reserveAsset, order.reserve, "release of \(id)")
            out.touch(asset: order.reserveAsset)
            order.reserve = .zero
        }
        order.snapshot.state = .cancelled
        order.snapshot.updatedTime = out.now
        order.reason = reason
        orders[id] = order
        out.emit(.order(order.update()), symbol: order.snapshot.symbol)
    }

    /// The instrument of `symbol`.
    func instrument(_ symbol: String) throws(PaperError) -> Instrument {
        guard let instrument = instruments[symbol] else { throw .notFound("unknown symbol \(symbol)") }
        return instrument
    }

    /// The position a reduce-only order reduces, and its size.
    func reducible(_ order: PaperOrder) -> (key: PositionKey, size: ExactDecimal) {
        let side: PositionSide = order.hedgeSide != .none ? order.hedgeSide : (order.snapshot.side == .buy ? .short : .long)
        let key = PositionKey(symbol: order.snapshot.symbol, side: side)
        return (key, positions[key]?.size ?? .zero)
    }

    /// A new id of this instance (exchange order ids, trade ids, funding bill ids).
    mutating func newID() -> String { "paper-\(session)-\(nextNumber())" }

    /// Spot: a buy pays the quote and gets the base less the fee (fee in base); a sell pays
    /// the base and gets the quote less the fee (fee in quote), as on Bitget spot.
    private mutating func settleSpot(_ order: PaperOrder, _ instrument: Instrument, quantity: ExactDecimal, cost: ExactDecimal,
                                     rate: ExactDecimal, release: ExactDecimal, out: inout PaperOutbox) throws(PaperError) -> (ExactDecimal, String) {
        let what = "fill of \(order.snapshot.clientOrderID)"
        let base = instrument.baseAsset
        let quote = instrument.quoteAsset
        out.touch(asset: base)
        out.touch(asset: quote)
        if order.snapshot.side == .buy {
            try ledger.unlock(quote, release, what)
            try ledger.debit(quote, cost, what)
            let fee = try PaperMath.product(quantity, rate, scale: PaperRules.baseScale(instrument), .up, "fee of the \(what)")
            try ledger.adjust(base, by: try PaperMath.sub(quantity, fee, "base received by the \(what)"), what)
            return (fee, base)
        }
        try ledger.unlock(base, release, what)
        try ledger.debit(base, quantity, what)
        let fee = try PaperMath.product(cost, rate, scale: PaperRules.quoteScale(instrument), .up, "fee of the \(what)")
        try ledger.adjust(quote, by: try PaperMath.sub(cost, fee, "quote received by the \(what)"), what)
        return (fee, quote)
    }

    /// Perpetual: the fee comes off the margin asset; the part that reduces a position books
    /// its PnL and frees its margin; the part that opens locks notional ÷ leverage.
    private mutating func settlePerpetual(_ order: PaperOrder, _ instrument: Instrument, price: ExactDecimal,
                                          quantity: ExactDecimal, cost: ExactDecimal, rate: ExactDecimal, release: ExactDecimal,
                                          out: inout PaperOutbox) throws(PaperError) -> (ExactDecimal, String) {
        let what = "fill of \(order.snapshot.clientOrderID)"
        let asset = instrument.quoteAsset
        let scale = PaperRules.quoteScale(instrument)
        out.touch(asset: asset)
        try ledger.unlock(asset, release, what)
        let fee = try PaperMath.product(cost, rate, scale: scale, .up, "fee of the \(what)")
        try ledger.adjust(asset, by: fee.negated, "fee of the \(what)")

        let split = try self.split(order, quantity)
        if split.closing > .zero {
            var position = positions[split.closeKey] ?? PaperPosition(leverage: order.leverage)
            let (pnl, margin) = try position.close(split.closing, at: price, isLong: split.closeKey.side == .long)
            positions[split.closeKey] = position
            try ledger.unlock(asset, margin, what)
            try ledger.adjust(asset, by: pnl, "PnL of the \(what)")
            out.touch(position: split.closeKey)
        }
        if split.opening > .zero {
            let notional = try PaperMath.mul(price, split.opening, "opened notional of the \(what)")
            let margin = try PaperMath.div(notional, order.leverage, scale: scale, .up, "margin of the \(what)")
            try ledger.lock(asset, margin, "margin to open \(split.opening) \(instrument.symbol)")
            var position = positions[split.openKey] ?? PaperPosition(leverage: order.leverage)
            if position.size.isZero { position = PaperPosition(leverage: order.leverage) }
            try position.open(split.opening, at: price, margin: margin)
            positions[split.openKey] = position
            out.touch(position: split.openKey)
        }
        return (fee, asset)
    }

    /// How much of a perpetual fill closes which position and how much opens which.
    /// Hedge mode: the order's position, all closing or all opening. One-way: the opposite
    /// position is reduced first, the rest opens (a flip).
    private func split(_ order: PaperOrder, _ quantity: ExactDecimal) throws(PaperError)
        -> (closeKey: PositionKey, closing: ExactDecimal, openKey: PositionKey, opening: ExactDecimal) {
        let symbol = order.snapshot.symbol
        if order.hedgeSide != .none {
            let key = PositionKey(symbol: symbol, side: order.hedgeSide)
            return order.reduceOnly ? (key, quantity, key, .zero) : (key, .zero, key, quantity)
        }
        let buy = order.snapshot.side == .buy
        let closeKey = PositionKey(symbol: symbol, side: buy ? .short : .long)
        let openKey = PositionKey(symbol: symbol, side: buy ? .long : .short)
        let closing = min(quantity, positions[closeKey]?.size ?? .zero)
        return (closeKey, closing, openKey, try PaperMath.sub(quantity, closing, "opening part of \(order.snapshot.clientOrderID)"))
    }
}

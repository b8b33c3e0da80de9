import SwiftletCore

/// Placing and cancelling orders.
extension PaperState {
    /// Places an order: checks it, checks and locks the funds it needs, reports it
    /// PENDING_CREATE, takes what crosses the live book as taker, then rests the rest (OPEN)
    /// or cancels it (IOC, FOK, market). Returns its client id.
    mutating func place(_ request: OrderRequest, book: PaperBook?, isArchived: (String) -> Bool,
                        out: inout PaperOutbox) throws(PaperError) -> String {
        let intent = try prepare(request, book: book, isArchived: isArchived)
        let plan = try self.plan(intent, book: book)
        let (reserveAsset, reserve) = try fundsNeeded(intent, plan: plan)
        let id = intent.clientID
        let symbol = intent.instrument.symbol
        let snapshot = OrderSnapshot(state: .pendingCreate, symbol: symbol, clientOrderID: id, exchangeOrderID: newID(),
                                     side: intent.side, type: intent.type, price: intent.price, size: intent.size,
                                     positionSide: intent.positionSide, createdTime: out.now, updatedTime: out.now)
        let quoteBuy = intent.quoteBudget != nil
        var order = PaperOrder(snapshot: snapshot, sequence: nextNumber(),
                               reduceOnly: intent.reduceOnly, hedgeSide: intent.hedgeSide, leverage: leverage(symbol),
                               remaining: quoteBuy ? plan.total : intent.size, endsWhenFilled: !(quoteBuy && plan.bookRanOut),
                               reserve: .zero, reserveAsset: reserveAsset)
        out.emit(.order(order.update()), symbol: symbol)

        let crossesPostOnly = intent.type == .limit && intent.timeInForce == .postOnly && !plan.fills.isEmpty
        let killed = intent.type == .limit && intent.timeInForce == .fok && plan.total < intent.size
        if !crossesPostOnly, !killed, reserve > .zero {
            try ledger.lock(reserveAsset, reserve, "order \(id)")
            order.reserve = reserve
            out.touch(asset: reserveAsset)
        }
        orders[id] = order
        if crossesPostOnly, let first = plan.fills.first {
            let level = intent.side == .buy ? "ask" : "bid"
            try cancelNow(id, reason: "post-only order would take liquidity: \(level) \(first.price) crosses \(intent.price)", out: &out)
            return id
        }
        if killed {
            try cancelNow(id, reason: "fill-or-kill: only \(plan.total) of \(intent.size) available at \(intent.price) or better", out: &out)
            return id
        }
        for level in plan.fills {
            _ = try fill(id, price: level.price, size: level.size, isMaker: false, bookPrice: level.price, out: &out)
        }
        guard var placed = orders[id], !placed.isFinal else { return id }
        let nothingFilled = placed.snapshot.filledSize.isZero
        switch (intent.type, intent.timeInForce) {
        case (.limit, .gtc), (.limit, .postOnly):
            if nothingFilled {
                placed.snapshot.state = .open
                orders[id] = placed
                out.emit(.order(placed.update()), symbol: symbol)
            }
        case (.limit, _):
            try cancelNow(id, reason: nothingFilled ? "immediate-or-cancel: nothing to take at \(intent.price) or better"
                                                    : "immediate-or-cancel: unfilled rest cancelled", out: &out)
        case (.market, _):
            try cancelNow(id, reason: nothingFilled ? "market order: no liquidity in the book" : "market order: the book ran out",
                          out: &out)
        }
        return id
    }

    /// Cancels an open order (`symbol` empty, or the order's): PENDING_CANCEL, then CANCELLED.
    mutating func cancel(_ id: String, symbol: String, out: inout PaperOutbox) throws(PaperError) {
        guard let order = orders[id], !order.isFinal else { throw .notFound("no open order with client id \(id)") }
        guard symbol.isEmpty || symbol == order.snapshot.symbol else {
            throw .notFound("order \(id) is on \(order.snapshot.symbol), not \(symbol)")
        }
        out.emit(.order(order.update(state: .pendingCancel)), symbol: order.snapshot.symbol)
        try cancelNow(id, reason: "cancelled on request", out: &out)
    }

    /// The asset and amount to lock for a limit order's life, after checking it is there;
    /// for a market order, checks what its plan spends and locks nothing.
    /// - Spot limit buy: price × size of quote; limit sell: size of base.
    /// - Spot market buy: its quote; market sell: its size of base.
    /// - Perpetual: margin (notional ÷ leverage) plus the taker fee for the part that opens a
    ///   position (all of it in hedge mode, what exceeds the opposite position in one-way).
    private func fundsNeeded(_ intent: PaperIntent, plan: PaperPlan) throws(PaperError) -> (String, ExactDecimal) {
        let instrument = intent.instrument
        let what = "\(intent.side == .buy ? "buy" : "sell") of \(intent.size) \(instrument.symbol)"
        if !instrument.isPerpetual {
            let (asset, amount): (String, ExactDecimal) = switch (intent.side, intent.type) {
            case (.buy, .limit): (instrument.quoteAsset, try PaperMath.mul(intent.price, intent.size, "quote of the \(what)"))
            case (.buy, .market): (instrument.quoteAsset, intent.quoteBudget ?? .zero)
            case (.sell, _): (instrument.baseAsset, intent.size)
            }
            try requireAvailable(asset, amount, what)
            return (asset, intent.type == .limit ? amount : .zero)
        }
        let asset = instrument.quoteAsset
        let lever = leverage(instrument.symbol)
        var closable = ExactDecimal.zero
        if intent.reduceOnly {
            return (asset, .zero)
        } else if intent.hedgeSide == .none {
            closable = positions[PositionKey(symbol: instrument.symbol, side: intent.side == .buy ? .short : .long)]?.size ?? .zero
        }
        // Limit: the whole size at the limit price; market: the plan's levels.
        let parts = intent.type == .limit ? [BookLevel(price: intent.price, size: intent.size)] : plan.fills
        var need = ExactDecimal.zero
        for part in parts {
            let closing = min(part.size, closable)
            closable = try PaperMath.sub(closable, closing, "closable size")
            let opening = try PaperMath.sub(part.size, closing, "opening size")
            let notional = try PaperMath.mul(part.price, opening, "opening notional of the \(what)")
            let scale = PaperRules.quoteScale(instrument)
            let margin = try PaperMath.div(notional, lever, scale: scale, .up, "margin of the \(what)")
            let fee = try PaperMath.product(notional, instrument.takerFeeRate, scale: scale, .up, "fee of the \(what)")
            need = try PaperMath.add(need, try PaperMath.add(margin, fee, "margin and fee"), "margin needed")
        }
        try requireAvailable(asset, need, what)
        return (asset, intent.type == .limit ? need : .zero)
    }

    private func requireAvailable(_ asset: String, _ amount: ExactDecimal, _ what: String) throws(PaperError) {
        let available = ledger.available(asset)
        guard available >= amount else {
            throw .funds("the \(what) needs \(amount) \(asset), \(available) available")
        }
    }
}

public import SwiftletCore

/// Market data in, simulated fills and funding out.
extension PaperExchange {
    /// Feeds one market-data event of the wrapped connector: BOOK (snapshot or delta),
    /// BOOK_RESYNC, TRADE, TICKER or FUNDING_INFO. Returns the events it caused (order
    /// updates, fills, balances, positions, funding payments, or an ERROR when a fill could
    /// not be computed), never the event itself. Events of other kinds or symbols are
    /// ignored. Caused events carry the market event's `localTime`.
    public func apply(_ event: Event) -> [Event] {
        let symbol = event.context.symbol
        guard state.instruments[symbol] != nil else { return [] }
        var out = PaperOutbox(source: connector, now: event.context.localTime)
        switch event.payload {
        case .book(let update):
            guard update.isSnapshot || books[symbol] != nil else { return [] }
            books[symbol, default: PaperBook()].apply(update)
            if let book = books[symbol] { state.liquidity[symbol]?.reconcile(with: book) }
            matchBook(symbol, &out)
        case .bookResync:
            books[symbol] = nil
            state.liquidity[symbol] = nil
        case .trade(let trade):
            matchTrade(trade, symbol, &out)
        case .ticker(let ticker):
            if ticker.lastPrice > .zero { state.marks[symbol] = ticker.lastPrice }
        case .fundingInfo(let info):
            do {
                try transact(&out) { (state: inout PaperState, out: inout PaperOutbox) throws(PaperError) in
                    try state.applyFunding(info, symbol: symbol, book: books[symbol], out: &out)
                }
            } catch {
                report(error, "funding", symbol: symbol, out: &out)
            }
        default:
            break
        }
        return out.events
    }

    /// Fills resting orders a public trade reached, sharing the trade's size among them.
    private func matchTrade(_ trade: Trade, _ symbol: String, _ out: inout PaperOutbox) {
        var left = trade.size
        for id in state.ordersReached(by: trade, symbol: symbol) {
            guard left > .zero else { return }
            guard let order = state.orders[id], !order.isFinal else { continue }
            let filled = fillResting(id, size: min(left, order.remaining), bookPrice: nil, &out)
            do {
                left = try PaperMath.sub(left, filled, "size left of trade \(trade.tradeID)")
            } catch {
                report(error, "trade \(trade.tradeID)", symbol: symbol, out: &out)
                return
            }
        }
    }

    /// Fills resting orders the book moved through, level by level, against the size of
    /// the crossing levels not yet taken by our fills.
    private func matchBook(_ symbol: String, _ out: inout PaperOutbox) {
        guard let book = books[symbol] else { return }
        for candidate in state.restingOrders(symbol) {
            let id = candidate.snapshot.clientOrderID
            while let order = state.orders[id], !order.isFinal {
                let crossing: BookLevel?
                do {
                    crossing = try (state.liquidity[symbol] ?? PaperLiquidity())
                        .available(in: book, takerSide: order.snapshot.side, limit: order.snapshot.price).first
                } catch {
                    report(error, "book of \(symbol)", symbol: symbol, out: &out)
                    return
                }
                guard let crossing else { break }
                let filled = fillResting(id, size: min(crossing.size, order.remaining), bookPrice: crossing.price, &out)
                if filled.isZero { break }
            }
        }
    }

    /// Fills a resting order as maker at its own price. An order that cannot be filled (the
    /// margin it would open is not available, an amount overflows) is cancelled with the
    /// reason; anything but missing margin is also reported as an ERROR event. Returns the
    /// size filled.
    private func fillResting(_ id: String, size: ExactDecimal, bookPrice: ExactDecimal?, _ out: inout PaperOutbox) -> ExactDecimal {
        guard let order = state.orders[id] else { return .zero }
        let symbol = order.snapshot.symbol
        var filled = ExactDecimal.zero
        do {
            try transact(&out) { (state: inout PaperState, out: inout PaperOutbox) throws(PaperError) in
                filled = try state.fill(id, price: order.snapshot.price, size: size, isMaker: true, bookPrice: bookPrice, out: &out)
            }
        } catch {
            if error.kind != .insufficientFunds { report(error, "fill of \(id)", symbol: symbol, out: &out) }
            do {
                try transact(&out) { (state: inout PaperState, out: inout PaperOutbox) throws(PaperError) in
                    try state.cancelNow(id, reason: error.message, out: &out)
                }
            } catch {
                report(error, "cancel of \(id)", symbol: symbol, out: &out)
            }
        }
        return filled
    }
}

/// Price-time-priority matching for one instrument, in integer ticks and lots.
///
/// The engine knows nothing of accounts or balances: it takes an order, matches it, rests
/// what the time-in-force allows, and reports fills. `Exchange` does the bookkeeping.
struct MatchingEngine {
    /// Buy or sell.
    enum Side: Sendable { case buy, sell }
    /// Time in force.
    enum Force: Sendable { case gtc, ioc, fok, postOnly }

    /// An incoming order.
    struct Incoming {
        var orderId: UInt64
        var owner: Int32
        var side: Side
        /// Limit price in ticks; nil for a market order.
        var price: Int64?
        /// Quantity in lots; for a market buy by quote budget use `quoteBudget` instead.
        var lots: Int64
        /// Market buy budget in tick×lot units (quote amount × 10^(pricePlace+volumePlace)).
        var quoteBudget: Int64?
        var force: Force
    }

    /// One execution between the incoming (taker) order and a resting (maker) order.
    struct Fill {
        var makerOrderId: UInt64
        var makerOwner: Int32
        var price: Int64
        var lots: Int64
        var makerDone: Bool
    }

    /// What happened to an incoming order.
    struct Outcome {
        var fills: [Fill] = []
        /// Lots left resting on the book.
        var rested: Int64 = 0
        /// True when post-only would have taken, or FOK could not fill: nothing happened.
        var rejected = false
        /// Unused quote budget of a market buy (tick×lot units).
        var budgetLeft: Int64 = 0
    }

    var bids = BookSide(isBid: true)
    var asks = BookSide(isBid: false)
    /// Price of each resting order, for cancels.
    private(set) var restingPrice: [UInt64: (price: Int64, side: Side)] = [:]
    /// Prices touched since the last `drainDirty()`, per side.
    private(set) var dirtyBids = Set<Int64>()
    private(set) var dirtyAsks = Set<Int64>()
    /// Whether to track dirty levels (off in the benchmark for raw speed).
    var tracksDirty = true

    /// Matches `order`, rests the remainder if its force allows.
    mutating func submit(_ order: Incoming) -> Outcome {
        var outcome = Outcome()
        let crosses: (Int64) -> Bool = { best in
            guard let limit = order.price else { return true }
            return order.side == .buy ? limit >= best : limit <= best
        }
        let opposite = order.side == .buy ? asks : bids
        if order.force == .postOnly, let best = opposite.bestPrice, crosses(best) {
            outcome.rejected = true
            return outcome
        }
        if order.force == .fok {
            let available = opposite.liquidity(upTo: order.price, cap: order.lots)
            if available < order.lots {
                outcome.rejected = true
                return outcome
            }
        }
        var remaining = order.lots
        var budget = order.quoteBudget
        while true {
            if budget == nil, remaining == 0 { break }
            let bestPrice = order.side == .buy ? asks.bestPrice : bids.bestPrice
            guard let best = bestPrice, crosses(best) else { break }
            var exhausted = false
            let step: (inout BookSide.Level) -> Void = { level in
                while !level.isEmpty {
                    var want = remaining
                    if let b = budget {
                        want = b / level.price
                        if want == 0 { exhausted = true; return }
                    }
                    if budget == nil, want == 0 { return }
                    var maker = level.entries[level.head]
                    let qty = min(want, maker.lots)
                    maker.lots -= qty
                    level.total -= qty
                    let done = maker.lots == 0
                    if done { level.head += 1 } else { level.entries[level.head] = maker }
                    outcome.fills.append(Fill(makerOrderId: maker.orderId, makerOwner: maker.owner,
                                              price: level.price, lots: qty, makerDone: done))
                    if budget != nil { budget! -= qty * level.price } else { remaining -= qty }
                }
            }
            if order.side == .buy { _ = asks.withBestLevel(step) } else { _ = bids.withBestLevel(step) }
            if tracksDirty {
                if order.side == .buy { dirtyAsks.insert(best) } else { dirtyBids.insert(best) }
            }
            if exhausted { break }
        }
        for fill in outcome.fills where fill.makerDone { restingPrice[fill.makerOrderId] = nil }
        if let budget { outcome.budgetLeft = budget; return outcome }
        if remaining > 0, let price = order.price, order.force == .gtc || order.force == .postOnly {
            let entry = BookSide.Entry(orderId: order.orderId, owner: order.owner, lots: remaining)
            if order.side == .buy { bids.add(price: price, entry: entry) } else { asks.add(price: price, entry: entry) }
            restingPrice[order.orderId] = (price, order.side)
            outcome.rested = remaining
            if tracksDirty {
                if order.side == .buy { dirtyBids.insert(price) } else { dirtyAsks.insert(price) }
            }
        }
        return outcome
    }

    /// Removes a resting order; returns its remaining lots, or nil if it is not resting.
    mutating func cancel(orderId: UInt64) -> Int64? {
        guard let (price, side) = restingPrice[orderId] else { return nil }
        restingPrice[orderId] = nil
        let lots = side == .buy ? bids.remove(orderId: orderId, price: price) : asks.remove(orderId: orderId, price: price)
        if tracksDirty {
            if side == .buy { dirtyBids.insert(price) } else { dirtyAsks.insert(price) }
        }
        return lots
    }

    /// True when `orderId` rests on the book.
    func isResting(_ orderId: UInt64) -> Bool { restingPrice[orderId] != nil }

    /// Returns and clears the prices touched since the last call.
    mutating func drainDirty() -> (bids: [Int64], asks: [Int64]) {
        defer { dirtyBids.removeAll(keepingCapacity: true); dirtyAsks.removeAll(keepingCapacity: true) }
        return (Array(dirtyBids), Array(dirtyAsks))
    }
}

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

    /// True when a limit (nil = market) on `side` trades against a resting `best` price.
    @inline(__always) static func crosses(_ limit: Int64?, _ side: Side, _ best: Int64) -> Bool {
        guard let limit else { return true }
        return side == .buy ? limit >= best : limit <= best
    }

    /// Matches `order`, rests the remainder if its force allows.
    ///
    /// Hot path (see `bitget-sim-bench`): the sweep works in place on the opposite side's best
    /// level (`sweep`, a static function taking the side `inout`), with no closures capturing
    /// mutable state and no copies of a level's queue, so nothing is allocated per order except
    /// the fills array of an order that trades.
    mutating func submit(_ order: Incoming) -> Outcome {
        var outcome = Outcome()
        let oppositeBest = order.side == .buy ? asks.bestPrice : bids.bestPrice
        if order.force == .postOnly, let best = oppositeBest, MatchingEngine.crosses(order.price, order.side, best) {
            outcome.rejected = true
            return outcome
        }
        if order.force == .fok {
            let available = order.side == .buy ? asks.liquidity(upTo: order.price, cap: order.lots)
                                                : bids.liquidity(upTo: order.price, cap: order.lots)
            if available < order.lots {
                outcome.rejected = true
                return outcome
            }
        }
        var remaining = order.lots
        var budget = order.quoteBudget
        if order.side == .buy {
            MatchingEngine.sweep(&asks, order, &remaining, &budget, &outcome.fills, &dirtyAsks, tracksDirty)
        } else {
            MatchingEngine.sweep(&bids, order, &remaining, &budget, &outcome.fills, &dirtyBids, tracksDirty)
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

    /// Takes liquidity from `book` (the side opposite the order) best level first, FIFO within
    /// a level, until the order is filled, its limit stops crossing, or a market buy's quote
    /// budget cannot buy one more lot.
    private static func sweep(_ book: inout BookSide, _ order: Incoming, _ remaining: inout Int64, _ budget: inout Int64?,
                              _ fills: inout [Fill], _ dirty: inout Set<Int64>, _ tracksDirty: Bool) {
        while budget != nil || remaining > 0 {
            guard let best = book.bestPrice, crosses(order.price, order.side, best) else { return }
            let exhausted = book.consumeBest { level in
                while !level.isEmpty {
                    var want = remaining
                    if let b = budget {
                        want = b / level.price
                        if want == 0 { return true }
                    }
                    if want == 0 { return false }
                    let maker = level.entries[level.head]
                    let qty = min(want, maker.lots)
                    let done = qty == maker.lots
                    level.total -= qty
                    if done { level.head += 1 } else { level.entries[level.head].lots -= qty }
                    fills.append(Fill(makerOrderId: maker.orderId, makerOwner: maker.owner, price: level.price, lots: qty,
                                      makerDone: done))
                    if budget != nil { budget! -= qty * level.price } else { remaining -= qty }
                }
                return false
            }
            if tracksDirty { dirty.insert(best) }
            if exhausted { return }
        }
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
    ///
    /// Copies element by element, then clears: `Array(dirtyBids)` here (a Set→Array copy) was
    /// miscompiled under `-O -wmo` with Swift 6.3.1 — AddressSanitizer showed the copy writing
    /// into freed memory, and release runs of `bitget-sim-bench` aborted with glibc heap
    /// corruption. The explicit loop is clean under ASan and costs the same.
    mutating func drainDirty() -> (bids: [Int64], asks: [Int64]) {
        var bids: [Int64] = []
        bids.reserveCapacity(dirtyBids.count)
        for price in dirtyBids { bids.append(price) }
        var asks: [Int64] = []
        asks.reserveCapacity(dirtyAsks.count)
        for price in dirtyAsks { asks.append(price) }
        dirtyBids.removeAll(keepingCapacity: true)
        dirtyAsks.removeAll(keepingCapacity: true)
        return (bids, asks)
    }
}

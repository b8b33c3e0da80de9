/// One side of a price-time-priority book in integer ticks and lots.
///
/// Levels are kept sorted so the best price is the *last* element (cheap removal when a
/// level empties); each level is a FIFO queue of resting orders.
struct BookSide {
    /// A resting order's remaining quantity and owner, as the book sees it.
    struct Entry {
        var orderId: UInt64
        var owner: Int32
        var lots: Int64
    }

    /// All orders resting at one price, oldest first from `head`.
    struct Level {
        var price: Int64
        var entries: [Entry]
        var head: Int
        var total: Int64

        var isEmpty: Bool { head >= entries.count }

        mutating func compact() {
            if head > 32, head * 2 > entries.count {
                entries.removeFirst(head)
                head = 0
            }
        }
    }

    /// `true` for bids (best = highest price).
    let isBid: Bool
    private(set) var levels: [Level] = []

    init(isBid: Bool) { self.isBid = isBid }

    /// Best price, if any.
    var bestPrice: Int64? { levels.last?.price }

    /// True when `a` is a better price than `b` on this side.
    @inline(__always) func isBetter(_ a: Int64, than b: Int64) -> Bool { isBid ? a > b : a < b }

    /// Index where a level with `price` is or would be inserted (levels sorted worst → best).
    func position(of price: Int64) -> (index: Int, found: Bool) {
        var low = 0
        var high = levels.count
        while low < high {
            let mid = (low + high) >> 1
            let p = levels[mid].price
            if p == price { return (mid, true) }
            // Worse prices come first.
            if isBetter(price, than: p) { low = mid + 1 } else { high = mid }
        }
        return (low, false)
    }

    /// Appends an order at the back of its price level's queue.
    mutating func add(price: Int64, entry: Entry) {
        let (index, found) = position(of: price)
        if found {
            levels[index].entries.append(entry)
            levels[index].total += entry.lots
        } else {
            levels.insert(Level(price: price, entries: [entry], head: 0, total: entry.lots), at: index)
        }
    }

    /// Removes an order; returns the lots it still had, or nil if not found. Works on the
    /// level in place (no copy of its queue).
    mutating func remove(orderId: UInt64, price: Int64) -> Int64? {
        let (index, found) = position(of: price)
        guard found else { return nil }
        let head = levels[index].head
        guard let at = levels[index].entries[head...].firstIndex(where: { $0.orderId == orderId }) else { return nil }
        let lots = levels[index].entries[at].lots
        levels[index].entries.remove(at: at)
        levels[index].total -= lots
        if levels[index].isEmpty { levels.remove(at: index) }
        return lots
    }

    /// Total lots available at prices at least as good as `limit` (nil = any price).
    func liquidity(upTo limit: Int64?, cap: Int64) -> Int64 {
        var sum: Int64 = 0
        for level in levels.reversed() {
            if let limit, isBetter(limit, than: level.price) { break }
            sum += level.total
            if sum >= cap { return sum }
        }
        return sum
    }

    /// Runs `body` on the best level in place (for matching), then drops the level if it
    /// emptied or compacts its queue. Returns `body`'s result (false when there is no level).
    mutating func consumeBest(_ body: (inout Level) -> Bool) -> Bool {
        guard !levels.isEmpty else { return false }
        let last = levels.count - 1
        let result = body(&levels[last])
        if levels[last].isEmpty { levels.removeLast() } else { levels[last].compact() }
        return result
    }

    /// The best `depth` levels as (price, total lots), best first.
    func top(_ depth: Int) -> [(price: Int64, lots: Int64)] {
        var out: [(Int64, Int64)] = []
        out.reserveCapacity(min(depth, levels.count))
        for level in levels.reversed() {
            if out.count == depth { break }
            out.append((level.price, level.total))
        }
        return out
    }

    /// Total lots resting at exactly `price` (0 when none).
    func lots(at price: Int64) -> Int64 {
        let (index, found) = position(of: price)
        return found ? levels[index].total : 0
    }
}

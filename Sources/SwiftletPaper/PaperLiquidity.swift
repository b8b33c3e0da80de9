import SwiftletCore

/// What our simulated fills took from one symbol's live book, which the real book (not
/// knowing about us) still shows. A taker or a book-cross fill takes size from a level; the
/// level then offers only what is left, until the real book shows the level smaller or gone
/// (the taken size is capped to what the book shows). This keeps two orders, or two book
/// updates, from filling against the same liquidity twice.
struct PaperLiquidity: Sendable {
    private var takenBids: [ExactDecimal: ExactDecimal] = [:]
    private var takenAsks: [ExactDecimal: ExactDecimal] = [:]

    /// Levels a taker on `side` may trade against, best first, with the size still free:
    /// all of them, or only those at or better than `limit`.
    func available(in book: PaperBook, takerSide side: Side, limit: ExactDecimal?) throws(PaperError) -> [BookLevel] {
        let levels = book.opposite(of: side)
        let taken = side == .buy ? takenAsks : takenBids
        var result: [BookLevel] = []
        for level in levels.levels {
            if let limit, side == .buy ? level.price > limit : level.price < limit { break }
            var free = level.size
            if let used = taken[level.price] {
                guard used < level.size else { continue }
                free = try PaperMath.sub(level.size, used, "free size at \(level.price)")
            }
            result.append(BookLevel(price: level.price, size: free))
        }
        return result
    }

    /// Records that a taker on `side` took `size` at `price`.
    mutating func take(takerSide side: Side, price: ExactDecimal, size: ExactDecimal) throws(PaperError) {
        let before = (side == .buy ? takenAsks : takenBids)[price] ?? .zero
        let after = try PaperMath.add(before, size, "liquidity taken at \(price)")
        if side == .buy { takenAsks[price] = after } else { takenBids[price] = after }
    }

    /// Caps what was taken to what the book shows now; levels gone from the book are forgotten.
    mutating func reconcile(with book: PaperBook) {
        takenBids = Self.capped(takenBids, book.bids)
        takenAsks = Self.capped(takenAsks, book.asks)
    }

    private static func capped(_ taken: [ExactDecimal: ExactDecimal], _ side: PaperBookSide) -> [ExactDecimal: ExactDecimal] {
        var result: [ExactDecimal: ExactDecimal] = [:]
        for (price, size) in taken {
            guard let shown = side.size(at: price) else { continue }
            result[price] = min(size, shown)
        }
        return result
    }
}

import SwiftletCore

/// One side of the wrapped connector's book, best level first (highest bid, lowest ask).
struct PaperBookSide: Sendable {
    let isBid: Bool
    private(set) var levels: [BookLevel] = []

    init(isBid: Bool) { self.isBid = isBid }

    /// True when `a` is a better price than `b` on this side.
    func isBetter(_ a: ExactDecimal, than b: ExactDecimal) -> Bool { isBid ? a > b : a < b }

    /// The size shown at `price`, if the level exists.
    func size(at price: ExactDecimal) -> ExactDecimal? {
        let index = insertionIndex(of: price)
        return index < levels.count && levels[index].price == price ? levels[index].size : nil
    }

    /// Replaces every level (a snapshot); zero-size levels are dropped.
    mutating func replace(with newLevels: [BookLevel]) {
        let bid = isBid
        levels = newLevels.filter { $0.size > .zero }.sorted { bid ? $0.price > $1.price : $0.price < $1.price }
    }

    /// Sets one level; size zero (or less) deletes it.
    mutating func set(_ level: BookLevel) {
        let index = insertionIndex(of: level.price)
        let found = index < levels.count && levels[index].price == level.price
        if level.size > .zero {
            if found { levels[index].size = level.size } else { levels.insert(level, at: index) }
        } else if found {
            levels.remove(at: index)
        }
    }

    /// First index whose price is not better than `price`.
    private func insertionIndex(of price: ExactDecimal) -> Int {
        var low = 0
        var high = levels.count
        while low < high {
            let middle = (low + high) / 2
            if isBetter(levels[middle].price, than: price) { low = middle + 1 } else { high = middle }
        }
        return low
    }
}

/// The wrapped connector's live book of one symbol, rebuilt from BOOK snapshot and delta
/// events. It only ever mirrors the real market: what our simulated fills took from it is
/// kept apart, in `PaperLiquidity`.
struct PaperBook: Sendable {
    var bids = PaperBookSide(isBid: true)
    var asks = PaperBookSide(isBid: false)

    /// Applies a snapshot (replaces both sides) or a delta (size 0 deletes a level).
    mutating func apply(_ update: BookUpdate) {
        if update.isSnapshot {
            bids.replace(with: update.bids)
            asks.replace(with: update.asks)
        } else {
            for level in update.bids { bids.set(level) }
            for level in update.asks { asks.set(level) }
        }
    }

    /// The side a taker on `side` trades against: asks for a buy, bids for a sell.
    func opposite(of side: Side) -> PaperBookSide { side == .buy ? asks : bids }
}

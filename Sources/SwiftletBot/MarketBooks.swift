public import SwiftletCore
import SwiftletPersistence
import Synchronization

/// The host's view of the markets: full order books rebuilt from the connectors' book
/// events, and the last traded price, per (connector, symbol). It answers strategies'
/// top-of-book queries, marks positions for the kill switch, and prices market orders
/// for the risk checks.
public final class MarketBooks: Sendable {
    /// One book side, best level first; a sorted array because Bitget books are a few
    /// hundred levels at most and reads (best level) vastly outnumber writes.
    struct Side {
        var levels: [BookLevel] = []
        let descending: Bool

        /// Index of the first level not better than `price`.
        func index(of price: ExactDecimal) -> Int {
            var low = 0, high = levels.count
            while low < high {
                let mid = (low + high) / 2
                let better = descending ? levels[mid].price > price : levels[mid].price < price
                if better { low = mid + 1 } else { high = mid }
            }
            return low
        }

        mutating func set(_ level: BookLevel) {
            let at = index(of: level.price)
            let exists = at < levels.count && levels[at].price == level.price
            if level.size.isZero {
                if exists { levels.remove(at: at) }
            } else if exists {
                levels[at].size = level.size
            } else {
                levels.insert(level, at: at)
            }
        }
    }

    struct Book {
        var bids = Side(descending: true)
        var asks = Side(descending: false)
        var live = false
        var lastPrice: ExactDecimal?

        mutating func apply(_ update: BookUpdate) {
            if update.isSnapshot {
                bids.levels.removeAll(keepingCapacity: true)
                asks.levels.removeAll(keepingCapacity: true)
                live = true
            }
            for level in update.bids { bids.set(level) }
            for level in update.asks { asks.set(level) }
        }
    }

    private let books = Mutex<[Market: Book]>([:])

    public init() {}

    /// Applies a market event; other events are ignored.
    public func apply(_ event: Event) {
        let key = Market(source: event.context.source, symbol: event.context.symbol)
        switch event.payload {
        case .book(let update):
            // Changed in place in the dictionary: a copy taken out and stored back would
            // copy both sides' levels on every update (they would be shared while it is
            // changed).
            books.withLock { $0[key, default: Book()].apply(update) }
        case .bookResync:
            books.withLock { all in
                all[key]?.live = false
                all[key]?.bids.levels = []
                all[key]?.asks.levels = []
            }
        case .trade(let trade):
            books.withLock { $0[key, default: Book()].lastPrice = trade.price }
        case .ticker(let ticker):
            books.withLock { $0[key, default: Book()].lastPrice = ticker.lastPrice }
        default:
            break
        }
    }

    /// Best bid and ask, or nil while the book is not live (before its snapshot, during a
    /// resync) or one side is empty.
    public func topOfBook(source: String, symbol: String) -> (bid: BookLevel, ask: BookLevel)? {
        books.withLock { all in
            guard let book = all[Market(source: source, symbol: symbol)], book.live,
                  let bid = book.bids.levels.first, let ask = book.asks.levels.first else { return nil }
            return (bid, ask)
        }
    }

    /// The mid price if the book is live, else the last trade or ticker price.
    public func mark(source: String, symbol: String) -> ExactDecimal? {
        books.withLock { all in
            guard let book = all[Market(source: source, symbol: symbol)] else { return nil }
            if book.live, let bid = book.bids.levels.first, let ask = book.asks.levels.first,
               let sum = try? bid.price + ask.price,
               let mid = try? ExactDecimal.dividing(sum, ExactDecimal(2), scale: min(sum.scale + 1, ExactDecimal.maxScale), .towardZero) {
                return mid
            }
            return book.lastPrice
        }
    }
}

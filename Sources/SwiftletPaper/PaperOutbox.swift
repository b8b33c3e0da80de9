import SwiftletCore

/// The events one call causes, in order. Order updates and fills go out as they happen;
/// BALANCE and POSITION events, one per changed asset or position, follow at the end (as
/// a real connector's account and positions pushes follow its orders push).
struct PaperOutbox: Sendable {
    let source: String
    /// Local and exchange time of every event.
    let now: Int64
    private(set) var events: [Event] = []
    private var assets: [String] = []
    private var positions: [PositionKey] = []

    init(source: String, now: Int64) {
        self.source = source
        self.now = now
    }

    mutating func emit(_ payload: EventPayload, symbol: String) {
        events.append(Event(context: EventContext(exchangeTime: now, localTime: now, source: source, symbol: symbol),
                            payload: payload))
    }

    /// Notes that an asset's balance changed.
    mutating func touch(asset: String) {
        if !assets.contains(asset) { assets.append(asset) }
    }

    /// Notes that a position changed.
    mutating func touch(position: PositionKey) {
        if !positions.contains(position) { positions.append(position) }
    }

    /// Appends one BALANCE per changed asset (in asset order) and one POSITION per changed
    /// position (in order of change), read from `state` now (`books` give marks their mid price).
    mutating func finish(_ state: PaperState, books: [String: PaperBook]) throws(PaperError) {
        for asset in assets.sorted() { emit(.balance(state.ledger.balance(asset)), symbol: "") }
        for key in positions { emit(.position(try state.positionEvent(key, book: books[key.symbol])), symbol: key.symbol) }
        assets.removeAll()
        positions.removeAll()
    }
}

public import SwiftletCore

/// What the exchange says about one order (from a push, order detail or open-orders list).
public struct ExchangeOrderReport: Sendable, Equatable {
    public var symbol: String
    public var clientOrderID: String
    public var exchangeOrderID: String
    public var side: Side
    public var type: OrderType
    /// Limit price; zero for market orders.
    public var price: ExactDecimal
    /// Ordered size in base units, when the exchange states it in base (nil for a spot
    /// market buy, whose size Bitget gives in the quote coin).
    public var baseSize: ExactDecimal?
    /// Cumulative filled size in base units.
    public var filledSize: ExactDecimal
    public var averagePrice: ExactDecimal
    /// Normalized state: open, partiallyFilled, filled or cancelled.
    public var state: OrderState
    public var positionSide: PositionSide
    /// ns since the epoch.
    public var createdTime: Int64
    public var updatedTime: Int64
    public var reason: String

    public init(symbol: String, clientOrderID: String, exchangeOrderID: String, side: Side, type: OrderType,
                price: ExactDecimal, baseSize: ExactDecimal?, filledSize: ExactDecimal, averagePrice: ExactDecimal,
                state: OrderState, positionSide: PositionSide = .none, createdTime: Int64 = 0, updatedTime: Int64 = 0,
                reason: String = "") {
        self.symbol = symbol
        self.clientOrderID = clientOrderID
        self.exchangeOrderID = exchangeOrderID
        self.side = side
        self.type = type
        self.price = price
        self.baseSize = baseSize
        self.filledSize = filledSize
        self.averagePrice = averagePrice
        self.state = state
        self.positionSide = positionSide
        self.createdTime = createdTime
        self.updatedTime = updatedTime
        self.reason = reason
    }
}

/// The local book of our orders: the order state machine (docs/abi.md) and fill dedupe.
///
/// Rules it enforces whatever order reports arrive in: a final state (FILLED, CANCELLED,
/// FAILED) is never left; state never moves backwards (a stale "live" after a partial
/// fill is ignored); filled size never shrinks; a trade id is counted once.
public struct OrderTracker: Sendable {
    /// One tracked order.
    public struct Entry: Sendable, Codable, Equatable {
        public var snapshot: OrderSnapshot
        /// A cancel is in flight: reported as PENDING_CANCEL until the exchange answers.
        public var cancelRequested: Bool
        public var reason: String
        /// Sum of the fills counted for this order.
        public var filledByFills: ExactDecimal
    }

    public private(set) var entries: [String: Entry] = [:]
    private var clientIDByExchangeID: [String: String] = [:]
    private var seenTrades: Set<String> = []
    private var seenOrder: [String] = []
    /// How many trade ids are remembered for dedupe (oldest forgotten first).
    public let tradeMemory: Int

    /// - Parameters:
    ///   - orderCapacity: orders to make room for up front. A table that grows copies every
    ///     entry it holds, and tracking an order is on the order path: room for as many as
    ///     are kept keeps that copy off it.
    public init(tradeMemory: Int = 20_000, orderCapacity: Int = 0) {
        self.tradeMemory = tradeMemory
        entries.reserveCapacity(orderCapacity)
        clientIDByExchangeID.reserveCapacity(orderCapacity)
    }

    /// Orders the tables hold without growing.
    public var orderCapacity: Int { min(entries.capacity, clientIDByExchangeID.capacity) }

    /// The entry for a client order id.
    public func entry(_ clientOrderID: String) -> Entry? { entries[clientOrderID] }

    /// The client id of an exchange order id, if known.
    public func clientID(forExchangeID id: String) -> String? { clientIDByExchangeID[id] }

    /// Orders not final, optionally of one symbol, oldest first.
    public func openOrders(symbol: String = "") -> [OrderSnapshot] {
        entries.values.map(\.snapshot)
            .filter { !$0.state.isFinal && (symbol.isEmpty || $0.symbol == symbol) }
            .sorted { ($0.createdTime, $0.clientOrderID) < ($1.createdTime, $1.clientOrderID) }
    }

    /// Every trade id remembered, oldest first (for persistence).
    public var rememberedTrades: [String] { seenOrder }

    /// Registers a new order in PENDING_CREATE and returns its first update.
    public mutating func addPending(_ snapshot: OrderSnapshot) -> OrderUpdate {
        var snapshot = snapshot
        snapshot.state = .pendingCreate
        entries[snapshot.clientOrderID] = Entry(snapshot: snapshot, cancelRequested: false, reason: "", filledByFills: .zero)
        return update(for: snapshot.clientOrderID)!
    }

    /// Records the exchange order id the exchange assigned.
    public mutating func setExchangeID(_ exchangeID: String, for clientOrderID: String) {
        guard !exchangeID.isEmpty, var entry = entries[clientOrderID] else { return }
        entry.snapshot.exchangeOrderID = exchangeID
        entries[clientOrderID] = entry
        clientIDByExchangeID[exchangeID] = clientOrderID
    }

    /// The exchange accepted the order: PENDING_CREATE becomes OPEN. Returns the update
    /// to emit, or nil if nothing changed.
    public mutating func accepted(_ clientOrderID: String, exchangeID: String, time: Int64) -> OrderUpdate? {
        setExchangeID(exchangeID, for: clientOrderID)
        guard var entry = entries[clientOrderID], entry.snapshot.state == .pendingCreate else { return nil }
        entry.snapshot.state = .open
        entry.snapshot.updatedTime = time
        entries[clientOrderID] = entry
        return update(for: clientOrderID)
    }

    /// The order ended without reaching the book (refused by the exchange or locally).
    public mutating func failed(_ clientOrderID: String, reason: String, time: Int64) -> OrderUpdate? {
        guard entries[clientOrderID]?.snapshot.state == .pendingCreate else { return nil }
        return end(clientOrderID, as: .failed, reason: reason, time: time)
    }

    /// An order the exchange accepted but no longer knows (its order detail answers "not
    /// found"), so it is not open there: it has ended, as CANCELLED with `reason`. Fills
    /// are counted from the exchange's fill history, not here. Nil for an order still
    /// pending create (``failed(_:reason:time:)`` is its end) or already final.
    public mutating func vanished(_ clientOrderID: String, reason: String, time: Int64) -> OrderUpdate? {
        guard let state = entries[clientOrderID]?.snapshot.state, !state.isFinal, state != .pendingCreate else { return nil }
        return end(clientOrderID, as: .cancelled, reason: reason, time: time)
    }

    /// Puts a known order in the final `state` with `reason`; its update.
    private mutating func end(_ clientOrderID: String, as state: OrderState, reason: String, time: Int64) -> OrderUpdate? {
        guard var entry = entries[clientOrderID] else { return nil }
        entry.snapshot.state = state
        entry.snapshot.updatedTime = time
        entry.reason = reason
        entry.cancelRequested = false
        entries[clientOrderID] = entry
        return update(for: clientOrderID)
    }

    /// A cancel was sent. Returns the PENDING_CANCEL update, or nil if the order is final.
    public mutating func cancelRequested(_ clientOrderID: String) -> OrderUpdate? {
        guard var entry = entries[clientOrderID], !entry.snapshot.state.isFinal, !entry.cancelRequested else { return nil }
        entry.cancelRequested = true
        entries[clientOrderID] = entry
        return update(for: clientOrderID)
    }

    /// The cancel was refused while the order still lives: back to its previous state.
    public mutating func cancelRefused(_ clientOrderID: String) -> OrderUpdate? {
        guard var entry = entries[clientOrderID], !entry.snapshot.state.isFinal, entry.cancelRequested else { return nil }
        entry.cancelRequested = false
        entries[clientOrderID] = entry
        return update(for: clientOrderID)
    }

    /// Applies what the exchange reports. Unknown orders are adopted (orders left open
    /// by a previous run, or placed elsewhere on the account). Returns the update to emit,
    /// or nil when the report changes nothing or would break the state machine.
    public mutating func apply(_ report: ExchangeOrderReport) -> OrderUpdate? {
        var clientID = report.clientOrderID
        if clientID.isEmpty, let known = clientIDByExchangeID[report.exchangeOrderID] { clientID = known }
        guard !clientID.isEmpty else { return nil }
        guard var entry = entries[clientID] else {
            let snapshot = OrderSnapshot(state: report.state, symbol: report.symbol, clientOrderID: clientID,
                                         exchangeOrderID: report.exchangeOrderID, side: report.side, type: report.type,
                                         price: report.price, size: report.baseSize ?? .zero, filledSize: report.filledSize,
                                         averageFillPrice: report.averagePrice, positionSide: report.positionSide,
                                         createdTime: report.createdTime, updatedTime: report.updatedTime)
            entries[clientID] = Entry(snapshot: snapshot, cancelRequested: false, reason: report.reason, filledByFills: .zero)
            if !report.exchangeOrderID.isEmpty { clientIDByExchangeID[report.exchangeOrderID] = clientID }
            return update(for: clientID)
        }
        if !report.exchangeOrderID.isEmpty, entry.snapshot.exchangeOrderID.isEmpty {
            entry.snapshot.exchangeOrderID = report.exchangeOrderID
            clientIDByExchangeID[report.exchangeOrderID] = clientID
        }
        guard !entry.snapshot.state.isFinal else {
            entries[clientID] = entry
            return nil
        }
        let before = entry
        let filled = max(entry.snapshot.filledSize, report.filledSize)
        if report.filledSize >= entry.snapshot.filledSize, !report.averagePrice.isZero {
            entry.snapshot.averageFillPrice = report.averagePrice
        }
        entry.snapshot.filledSize = filled
        if entry.snapshot.size.isZero, let size = report.baseSize { entry.snapshot.size = size }
        var state = report.state
        if !state.isFinal {
            state = filled.isZero ? .open : .partiallyFilled
            if Self.rank(state) < Self.rank(entry.snapshot.state) { state = entry.snapshot.state }
        }
        entry.snapshot.state = state
        if state.isFinal {
            entry.cancelRequested = false
            if !report.reason.isEmpty { entry.reason = report.reason }
        }
        entry.snapshot.updatedTime = max(entry.snapshot.updatedTime, report.updatedTime)
        entries[clientID] = entry
        guard entry.snapshot.state != before.snapshot.state || entry.snapshot.filledSize != before.snapshot.filledSize
                || entry.cancelRequested != before.cancelRequested else { return nil }
        return update(for: clientID)
    }

    /// Counts a fill once: false when `tradeID` was already counted.
    public mutating func recordFill(tradeID: String, clientOrderID: String, size: ExactDecimal) -> Bool {
        guard !seenTrades.contains(tradeID) else { return false }
        remember(tradeID)
        if var entry = entries[clientOrderID] {
            entry.filledByFills = (try? entry.filledByFills + size) ?? entry.filledByFills
            entries[clientOrderID] = entry
        }
        return true
    }

    /// Remembers an id (a trade, a bill) for dedupe; false when it was already remembered.
    /// Shares the bounded, persisted memory of trade ids.
    public mutating func markSeen(_ id: String) -> Bool {
        guard !seenTrades.contains(id) else { return false }
        remember(id)
        return true
    }

    /// True if `tradeID` was counted.
    public func hasSeen(tradeID: String) -> Bool { seenTrades.contains(tradeID) }

    /// Marks trade ids as counted without emitting anything (restored from persistence).
    public mutating func restore(trades: [String], entries restored: [Entry]) {
        for trade in trades where !seenTrades.contains(trade) { remember(trade) }
        for entry in restored where entries[entry.snapshot.clientOrderID] == nil {
            entries[entry.snapshot.clientOrderID] = entry
            if !entry.snapshot.exchangeOrderID.isEmpty {
                clientIDByExchangeID[entry.snapshot.exchangeOrderID] = entry.snapshot.clientOrderID
            }
        }
    }

    /// Once more than `keep` and a tenth final orders are tracked, forgets the oldest down to
    /// the newest `keep`, so memory stays bounded over weeks. (The slack makes the sort run once
    /// per `keep / 10` finished orders rather than at every state save, on the event loop.)
    public mutating func pruneFinal(keep: Int) {
        var finalCount = 0
        for entry in entries.values where entry.snapshot.state.isFinal { finalCount += 1 }
        guard finalCount > keep + keep / 10 else { return }
        let final = entries.values.filter { $0.snapshot.state.isFinal }
        for entry in final.sorted(by: { $0.snapshot.updatedTime < $1.snapshot.updatedTime }).prefix(final.count - keep) {
            entries[entry.snapshot.clientOrderID] = nil
            clientIDByExchangeID[entry.snapshot.exchangeOrderID] = nil
        }
    }

    private mutating func remember(_ tradeID: String) {
        seenTrades.insert(tradeID)
        seenOrder.append(tradeID)
        if seenOrder.count > tradeMemory {
            let drop = seenOrder.count - tradeMemory
            for old in seenOrder.prefix(drop) { seenTrades.remove(old) }
            seenOrder.removeFirst(drop)
        }
    }

    private static func rank(_ state: OrderState) -> Int {
        switch state {
        case .pendingCreate: 0
        case .open, .pendingCancel: 1
        case .partiallyFilled: 2
        case .filled, .cancelled, .failed: 3
        }
    }

    /// The ORDER_UPDATE describing an entry now.
    public func update(for clientOrderID: String) -> OrderUpdate? {
        guard let entry = entries[clientOrderID] else { return nil }
        let s = entry.snapshot
        let state: OrderState = entry.cancelRequested && !s.state.isFinal ? .pendingCancel : s.state
        return OrderUpdate(clientOrderID: s.clientOrderID, exchangeOrderID: s.exchangeOrderID, state: state, side: s.side,
                           type: s.type, positionSide: s.positionSide, price: s.price, size: s.size,
                           filledSize: s.filledSize, averageFillPrice: s.averageFillPrice, reason: entry.reason)
    }

    /// The snapshot as `get_order` reports it (PENDING_CANCEL while a cancel is in flight).
    public func reported(_ clientOrderID: String) -> OrderSnapshot? {
        guard let entry = entries[clientOrderID] else { return nil }
        var snapshot = entry.snapshot
        if entry.cancelRequested && !snapshot.state.isFinal { snapshot.state = .pendingCancel }
        return snapshot
    }
}

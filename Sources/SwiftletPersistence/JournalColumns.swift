import GRDB
import SwiftletCore

/// How journal columns hold enums and decimals: names written by exhaustive switches, read back
/// strictly (an unknown name or malformed decimal is an error naming table and column).
enum JournalColumns {
    static func name(_ side: Side) -> String {
        switch side {
        case .buy: "buy"
        case .sell: "sell"
        }
    }

    static func name(_ state: OrderState) -> String {
        switch state {
        case .pendingCreate: "pending_create"
        case .open: "open"
        case .partiallyFilled: "partially_filled"
        case .filled: "filled"
        case .pendingCancel: "pending_cancel"
        case .cancelled: "cancelled"
        case .failed: "failed"
        }
    }

    static func name(_ type: OrderType) -> String {
        switch type {
        case .limit: "limit"
        case .market: "market"
        }
    }

    static func name(_ side: PositionSide) -> String {
        switch side {
        case .none: "none"
        case .long: "long"
        case .short: "short"
        }
    }

    static func name(_ mode: MarginMode) -> String {
        switch mode {
        case .crossed: "crossed"
        case .isolated: "isolated"
        }
    }

    /// Every case of each enum, for reading names back (keep beside the switches above).
    static let sides: [Side] = [.buy, .sell]
    static let orderStates: [OrderState] = [.pendingCreate, .open, .partiallyFilled, .filled, .pendingCancel, .cancelled, .failed]
    static let orderTypes: [OrderType] = [.limit, .market]
    static let positionSides: [PositionSide] = [.none, .long, .short]
    static let marginModes: [MarginMode] = [.crossed, .isolated]

    /// The SQL list of final order states, for `state IN (…)`.
    static let finalStatesSQL = orderStates.filter(\.isFinal).map { "'\(name($0))'" }.joined(separator: ", ")
}

/// One fetched row of a journal table, read column by column with errors that name the column.
struct JournalRow {
    let row: Row
    let table: String

    func text(_ column: String) throws -> String {
        guard let value = try row.decode(String?.self, forColumn: column) else { throw missing(column) }
        return value
    }

    func int64(_ column: String) throws -> Int64 {
        guard let value = try row.decode(Int64?.self, forColumn: column) else { throw missing(column) }
        return value
    }

    func decimal(_ column: String) throws -> ExactDecimal {
        let value = try text(column)
        do {
            return try ExactDecimal(value)
        } catch {
            throw PersistenceError("journal \(table).\(column): \(error)")
        }
    }

    func side(_ column: String = "side") throws -> Side { try named(column, JournalColumns.sides, JournalColumns.name) }
    func orderState(_ column: String = "state") throws -> OrderState { try named(column, JournalColumns.orderStates, JournalColumns.name) }
    func orderType(_ column: String = "type") throws -> OrderType { try named(column, JournalColumns.orderTypes, JournalColumns.name) }
    func positionSide(_ column: String = "position_side") throws -> PositionSide {
        try named(column, JournalColumns.positionSides, JournalColumns.name)
    }
    func marginMode(_ column: String = "margin_mode") throws -> MarginMode {
        try named(column, JournalColumns.marginModes, JournalColumns.name)
    }

    /// Source, symbol and both times.
    func context() throws -> EventContext {
        EventContext(exchangeTime: try int64("exchange_time"), localTime: try int64("local_time"),
                     source: try text("source"), symbol: try text("symbol"))
    }

    private func named<T>(_ column: String, _ cases: [T], _ name: (T) -> String) throws -> T {
        let value = try text(column)
        guard let match = cases.first(where: { name($0) == value }) else {
            throw PersistenceError("journal \(table).\(column): unknown value \(String(reflecting: value))")
        }
        return match
    }

    private func missing(_ column: String) -> PersistenceError {
        PersistenceError("journal \(table).\(column): missing value")
    }
}

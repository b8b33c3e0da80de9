import Foundation
import GRDB
public import SwiftletCore

/// The bot's trade database: every order update, fill, position change and funding payment,
/// written to SQLite (GRDB) as it happens, plus the last price per market for unrealized PnL.
///
/// Each ``record(_:)`` is one committed transaction: when it returns, the row survives a crash
/// or kill -9 of the process (WAL, `synchronous = NORMAL`: no fsync per record; a power loss or
/// OS crash may drop the last records but never corrupts the file, and the exchange
/// reconciliation after a restart records them again). Fills and funding payments are stored
/// once by their exchange ids, so the stream, a reconciliation and a replay after restart can
/// all report the same fill. A restart reopens the file and resumes from it (``openOrders(source:)``,
/// ``latestFillTime(source:)``). Safe to use from any thread; a second process (the
/// `swiftlet history` command) can read the file while the bot writes it.
public final class TradeJournal: Sendable {
    let writer: any DatabaseWriter

    private init(writer: any DatabaseWriter, name: String) throws(PersistenceError) {
        self.writer = writer
        try PersistenceError.attempt("trade journal \(name): migrate schema") {
            try Self.migrator.migrate(writer)
        }
    }

    /// Opens (creating parent directories and the file if needed) the journal at `path`, in WAL
    /// mode, and brings its schema up to date.
    public convenience init(path: String) throws(PersistenceError) {
        let directory = URL(fileURLWithPath: path).deletingLastPathComponent()
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        } catch {
            throw PersistenceError("cannot create directory \(directory.path): \(PersistenceError.describe(error))")
        }
        var configuration = Configuration()
        // Another process (history command, a second bot) may hold the lock for a moment.
        configuration.busyMode = .timeout(5)
        configuration.prepareDatabase { db in
            try db.execute(sql: "PRAGMA synchronous = NORMAL")
        }
        let pool: DatabasePool
        do {
            pool = try DatabasePool(path: path, configuration: configuration)
        } catch {
            throw PersistenceError("cannot open trade journal \(path): \(PersistenceError.describe(error))")
        }
        try self.init(writer: pool, name: path)
    }

    /// A journal that lives in memory only (tests, dry runs).
    public static func inMemory() throws(PersistenceError) -> TradeJournal {
        let queue: DatabaseQueue
        do {
            queue = try DatabaseQueue()
        } catch {
            throw PersistenceError("cannot open in-memory trade journal: \(PersistenceError.describe(error))")
        }
        return try TradeJournal(writer: queue, name: "in memory")
    }

    /// The default file: `$SWIFTLET_HOME/trades.sqlite`, else `./.swiftlet/trades.sqlite`.
    public static func defaultPath(environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        let home = environment["SWIFTLET_HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? ".swiftlet"
        return (home as NSString).appendingPathComponent("trades.sqlite")
    }

    /// Records one normalized event, committed when it returns.
    ///
    /// - `.order`: the order's latest state by (source, clientOrderID), plus a history row. A
    ///   final state (filled, cancelled, failed) is never replaced by a late non-final update.
    /// - `.fill`: stored once per (source, symbol, tradeID); `.duplicate` when already there.
    /// - `.position`: appended.
    /// - `.fundingPayment`: stored once per (source, paymentID); `.duplicate` when already there.
    /// - `.ticker` (last price) and `.trade` (price): the market's last price, unless older.
    /// - anything else: `.ignored`.
    ///
    /// Throws when a required field is empty or a value is impossible (the error names the
    /// field), or when SQLite fails; nothing is written then.
    @discardableResult
    public func record(_ event: Event) throws(PersistenceError) -> RecordOutcome {
        let context = event.context
        switch event.payload {
        case .order(let order):
            try Self.require(context, "order", ("clientOrderID", order.clientOrderID))
            return try write("record order \(String(reflecting: order.clientOrderID))") { db in
                try Self.upsertOrder(db, context, order)
            }
        case .fill(let fill):
            try Self.require(context, "fill", ("tradeID", fill.tradeID))
            try Self.requirePositive(context, "fill \(String(reflecting: fill.tradeID))", ("price", fill.price), ("size", fill.size))
            return try write("record fill \(String(reflecting: fill.tradeID))") { db in
                try Self.insertFill(db, context, fill)
            }
        case .position(let position):
            try Self.require(context, "position")
            return try write("record position") { db in
                try Self.insertPosition(db, context, position)
            }
        case .fundingPayment(let payment):
            try Self.require(context, "funding payment", ("paymentID", payment.paymentID))
            return try write("record funding payment \(String(reflecting: payment.paymentID))") { db in
                try Self.insertFundingPayment(db, context, payment)
            }
        case .ticker(let ticker):
            // A ticker without a last trade (zero) says nothing about the price.
            if ticker.lastPrice.isZero { return .ignored }
            return try recordLastPrice(context, ticker.lastPrice, what: "ticker")
        case .trade(let trade):
            return try recordLastPrice(context, trade.price, what: "trade \(String(reflecting: trade.tradeID))")
        case .book, .bookResync, .balance, .fundingInfo, .candle, .error, .connection, .timer:
            return .ignored
        }
    }

    // MARK: - private

    private func recordLastPrice(_ context: EventContext, _ price: ExactDecimal,
                                 what: @autoclosure () -> String) throws(PersistenceError) -> RecordOutcome {
        try Self.require(context, what())
        try Self.requirePositive(context, what(), ("price", price))
        return try write("record last price") { db in
            try Self.upsertLastPrice(db, context, price)
        }
    }

    /// One write transaction, committed when it returns.
    private func write<T>(_ what: @autoclosure () -> String, _ body: (Database) throws -> T) throws(PersistenceError) -> T {
        try PersistenceError.attempt("trade journal: \(what())") {
            try writer.write(body)
        }
    }

    /// Source, symbol and the named ids must be non-empty.
    private static func require(_ context: EventContext, _ what: @autoclosure () -> String, _ fields: (String, String)...) throws(PersistenceError) {
        var missing = [String]()
        if context.source.isEmpty { missing.append("source") }
        if context.symbol.isEmpty { missing.append("symbol") }
        missing += fields.filter { $0.1.isEmpty }.map(\.0)
        if let first = missing.first {
            throw PersistenceError("trade journal: \(what()) of \(Self.origin(context)) has an empty \(first)")
        }
    }

    private static func requirePositive(_ context: EventContext, _ what: @autoclosure () -> String,
                                        _ fields: (String, ExactDecimal)...) throws(PersistenceError) {
        if let bad = fields.first(where: { $0.1 <= .zero }) {
            throw PersistenceError("trade journal: \(what()) of \(Self.origin(context)) has \(bad.0) \(bad.1), must be positive")
        }
    }

    private static func origin(_ context: EventContext) -> String {
        "\(context.source.isEmpty ? "?" : context.source):\(context.symbol.isEmpty ? "?" : context.symbol)"
    }
}

import GRDB
import SwiftletCore

/// Reads. Each runs in one read transaction, so it sees a consistent snapshot even while
/// another connection or process writes.
extension TradeJournal {
    /// Orders not in a final state (pending, open, partially filled, pending cancel), oldest first:
    /// what a restarted connector must find again on the exchange.
    public func openOrders(source: String? = nil) throws(PersistenceError) -> [StoredOrder] {
        var filter = Filter(source: source)
        filter.add("state NOT IN (\(JournalColumns.finalStatesSQL))")
        return try read("read open orders") { db in
            try Row.fetchAll(db, sql: "SELECT * FROM orders \(filter.whereSQL) ORDER BY time, client_order_id",
                             arguments: filter.arguments)
                .map { try Self.order(JournalRow(row: $0, table: "orders")) }
        }
    }

    /// The latest state of every order, optionally of one source and symbol, oldest first.
    public func orders(source: String? = nil, symbol: String? = nil) throws(PersistenceError) -> [StoredOrder] {
        let filter = Filter(source: source, symbol: symbol)
        return try read("read orders") { db in
            try Row.fetchAll(db, sql: "SELECT * FROM orders \(filter.whereSQL) ORDER BY time, client_order_id",
                             arguments: filter.arguments)
                .map { try Self.order(JournalRow(row: $0, table: "orders")) }
        }
    }

    /// The latest state of one order, or nil.
    public func order(source: String, clientOrderID: String) throws(PersistenceError) -> StoredOrder? {
        try read("read order \(String(reflecting: clientOrderID))") { db in
            try Row.fetchOne(db, sql: "SELECT * FROM orders WHERE source = ? AND client_order_id = ?",
                             arguments: [source, clientOrderID])
                .map { try Self.order(JournalRow(row: $0, table: "orders")) }
        }
    }

    /// Every update recorded for one order, in arrival order.
    public func orderHistory(source: String, clientOrderID: String) throws(PersistenceError) -> [StoredOrder] {
        try read("read order history \(String(reflecting: clientOrderID))") { db in
            try Row.fetchAll(db, sql: "SELECT * FROM order_updates WHERE source = ? AND client_order_id = ? ORDER BY id",
                             arguments: [source, clientOrderID])
                .map { try Self.order(JournalRow(row: $0, table: "order_updates")) }
        }
    }

    /// Fills, optionally of one source and symbol and at or after `since` (ns since the epoch),
    /// by time then arrival.
    public func fills(source: String? = nil, symbol: String? = nil, since: Int64? = nil) throws(PersistenceError) -> [StoredFill] {
        var filter = Filter(source: source, symbol: symbol)
        if let since { filter.add("time >= ?", since) }
        return try read("read fills") { db in try Self.fetchFills(db, filter) }
    }

    /// Fills of `markets` (all when empty), by time then arrival.
    public func fills(markets: Set<Market>) throws(PersistenceError) -> [StoredFill] {
        guard !markets.isEmpty else { return try fills() }
        return try read("read fills") { db in
            try markets.flatMap { market in try Self.fetchFills(db, Filter(source: market.source, symbol: market.symbol)) }
                .sorted { ($0.time, $0.sequence) < ($1.time, $1.sequence) }
        }
    }

    /// The time of the newest fill of `source` (ns since the epoch), or nil: where a restarted
    /// connector's fill reconciliation can start.
    public func latestFillTime(source: String) throws(PersistenceError) -> Int64? {
        try read("read latest fill time") { db in
            try Int64.fetchOne(db, sql: "SELECT MAX(time) FROM fills WHERE source = ?", arguments: [source])
        }
    }

    /// Position changes, optionally of one source and symbol, in arrival order.
    public func positionChanges(source: String? = nil, symbol: String? = nil) throws(PersistenceError) -> [StoredPosition] {
        let filter = Filter(source: source, symbol: symbol)
        return try read("read position changes") { db in
            try Row.fetchAll(db, sql: "SELECT * FROM position_changes \(filter.whereSQL) ORDER BY id", arguments: filter.arguments)
                .map { row in
                    let reader = JournalRow(row: row, table: "position_changes")
                    let position = Position(
                        side: try reader.positionSide("side"), marginMode: try reader.marginMode(),
                        size: try reader.decimal("size"), entryPrice: try reader.decimal("entry_price"),
                        markPrice: try reader.decimal("mark_price"), unrealizedPnL: try reader.decimal("unrealized_pnl"),
                        realizedPnL: try reader.decimal("realized_pnl"), margin: try reader.decimal("margin"),
                        leverage: try reader.decimal("leverage"), liquidationPrice: try reader.decimal("liquidation_price"),
                        marginAsset: try reader.text("margin_asset"))
                    return StoredPosition(context: try reader.context(), position: position)
                }
        }
    }

    /// Funding payments, optionally of one source and symbol, by time then arrival.
    public func fundingPayments(source: String? = nil, symbol: String? = nil) throws(PersistenceError) -> [StoredFundingPayment] {
        try read("read funding payments") { db in try Self.fetchFundingPayments(db, Filter(source: source, symbol: symbol)) }
    }

    /// The last price of every market that had a ticker or trade, by market.
    public func lastPrices() throws(PersistenceError) -> [LastPrice] {
        try read("read last prices") { db in try Self.fetchLastPrices(db) }
    }

    /// How many rows each table holds.
    public func counts() throws(PersistenceError) -> JournalCounts {
        try read("count rows") { db in
            func count(_ table: String) throws -> Int {
                try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM \(table)") ?? 0
            }
            return JournalCounts(orders: try count("orders"), orderUpdates: try count("order_updates"),
                                 fills: try count("fills"), positionChanges: try count("position_changes"),
                                 fundingPayments: try count("funding_payments"), lastPrices: try count("last_prices"))
        }
    }

    /// Trades, fees and PnL of `markets` (every market with fills or funding when empty), from one
    /// consistent snapshot of the journal.
    public func pnlReport(markets: Set<Market> = []) throws(PersistenceError) -> PnLReport {
        let (fills, funding, prices) = try read("read PnL inputs") { db in
            guard !markets.isEmpty else {
                return (try Self.fetchFills(db, Filter()), try Self.fetchFundingPayments(db, Filter()), try Self.fetchLastPrices(db))
            }
            var fills = [StoredFill](), funding = [StoredFundingPayment]()
            for market in markets {
                let filter = Filter(source: market.source, symbol: market.symbol)
                fills += try Self.fetchFills(db, filter)
                funding += try Self.fetchFundingPayments(db, filter)
            }
            return (fills, funding, try Self.fetchLastPrices(db).filter { markets.contains($0.market) })
        }
        return try PnLReport(fills: fills, fundingPayments: funding, lastPrices: prices)
    }

    // MARK: - private

    private static func fetchFills(_ db: Database, _ filter: Filter) throws -> [StoredFill] {
        try Row.fetchAll(db, sql: "SELECT * FROM fills \(filter.whereSQL) ORDER BY time, id", arguments: filter.arguments)
            .map { row in
                let reader = JournalRow(row: row, table: "fills")
                let fill = Fill(tradeID: try reader.text("trade_id"), clientOrderID: try reader.text("client_order_id"),
                                exchangeOrderID: try reader.text("exchange_order_id"), side: try reader.side(),
                                isMaker: try reader.int64("is_maker") != 0, price: try reader.decimal("price"),
                                size: try reader.decimal("size"), fee: try reader.decimal("fee"),
                                feeAsset: try reader.text("fee_asset"), positionSide: try reader.positionSide())
                return StoredFill(sequence: try reader.int64("id"), context: try reader.context(), fill: fill)
            }
    }

    private static func fetchFundingPayments(_ db: Database, _ filter: Filter) throws -> [StoredFundingPayment] {
        try Row.fetchAll(db, sql: "SELECT * FROM funding_payments \(filter.whereSQL) ORDER BY time, id",
                         arguments: filter.arguments)
            .map { row in
                let reader = JournalRow(row: row, table: "funding_payments")
                let payment = FundingPayment(paymentID: try reader.text("payment_id"), amount: try reader.decimal("amount"),
                                             rate: try reader.decimal("rate"), asset: try reader.text("asset"))
                return StoredFundingPayment(context: try reader.context(), payment: payment)
            }
    }

    private static func fetchLastPrices(_ db: Database) throws -> [LastPrice] {
        try Row.fetchAll(db, sql: "SELECT * FROM last_prices ORDER BY source, symbol").map { row in
            let reader = JournalRow(row: row, table: "last_prices")
            return LastPrice(market: Market(source: try reader.text("source"), symbol: try reader.text("symbol")),
                             price: try reader.decimal("price"), time: try reader.int64("time"))
        }
    }

    private static func order(_ reader: JournalRow) throws -> StoredOrder {
        let update = OrderUpdate(
            clientOrderID: try reader.text("client_order_id"), exchangeOrderID: try reader.text("exchange_order_id"),
            state: try reader.orderState(), side: try reader.side(), type: try reader.orderType(),
            positionSide: try reader.positionSide(), price: try reader.decimal("price"), size: try reader.decimal("size"),
            filledSize: try reader.decimal("filled_size"), averageFillPrice: try reader.decimal("average_fill_price"),
            reason: try reader.text("reason"))
        return StoredOrder(context: try reader.context(), update: update)
    }

    private func read<T>(_ what: String, _ body: (Database) throws -> T) throws(PersistenceError) -> T {
        try PersistenceError.attempt("trade journal: \(what)") {
            try writer.read(body)
        }
    }

    /// A `WHERE` clause built from optional equality filters.
    private struct Filter {
        private var conditions = [String]()
        private(set) var arguments = StatementArguments()

        init(source: String? = nil, symbol: String? = nil) {
            if let source { add("source = ?", source) }
            if let symbol { add("symbol = ?", symbol) }
        }

        mutating func add(_ condition: String, _ values: any DatabaseValueConvertible...) {
            conditions.append(condition)
            arguments += StatementArguments(values)
        }

        var whereSQL: String { conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ") }
    }
}

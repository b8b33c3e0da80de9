import GRDB

/// The journal's tables. Decimals are TEXT in plain notation (exact, scale kept: TEXT affinity
/// also turns any number bound by mistake into text, never REAL); enums are lower-case names
/// (`buy`, `partially_filled`) so the file reads well in `sqlite3`; times are INTEGER ns since
/// the epoch: `exchange_time` and `local_time` as reported, `time` the exchange time or, when
/// the exchange gave none, the local one.
///
/// Migrations are append-only: never edit a registered one, add "v2", "v3", ….
extension TradeJournal {
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1") { db in
            // Latest state of each order.
            try db.execute(sql: """
                CREATE TABLE orders (
                    source TEXT NOT NULL,
                    client_order_id TEXT NOT NULL,
                    symbol TEXT NOT NULL,
                    exchange_order_id TEXT NOT NULL,
                    state TEXT NOT NULL,
                    side TEXT NOT NULL,
                    type TEXT NOT NULL,
                    position_side TEXT NOT NULL,
                    price TEXT NOT NULL,
                    size TEXT NOT NULL,
                    filled_size TEXT NOT NULL,
                    average_fill_price TEXT NOT NULL,
                    reason TEXT NOT NULL,
                    time INTEGER NOT NULL,
                    exchange_time INTEGER NOT NULL,
                    local_time INTEGER NOT NULL,
                    PRIMARY KEY (source, client_order_id)
                ) WITHOUT ROWID
                """)
            // Every order update, append-only.
            try db.execute(sql: """
                CREATE TABLE order_updates (
                    id INTEGER PRIMARY KEY,
                    source TEXT NOT NULL,
                    client_order_id TEXT NOT NULL,
                    symbol TEXT NOT NULL,
                    exchange_order_id TEXT NOT NULL,
                    state TEXT NOT NULL,
                    side TEXT NOT NULL,
                    type TEXT NOT NULL,
                    position_side TEXT NOT NULL,
                    price TEXT NOT NULL,
                    size TEXT NOT NULL,
                    filled_size TEXT NOT NULL,
                    average_fill_price TEXT NOT NULL,
                    reason TEXT NOT NULL,
                    time INTEGER NOT NULL,
                    exchange_time INTEGER NOT NULL,
                    local_time INTEGER NOT NULL
                )
                """)
            try db.execute(sql: "CREATE INDEX order_updates_by_order ON order_updates (source, client_order_id, id)")
            try db.execute(sql: """
                CREATE TABLE fills (
                    id INTEGER PRIMARY KEY,
                    source TEXT NOT NULL,
                    symbol TEXT NOT NULL,
                    trade_id TEXT NOT NULL,
                    client_order_id TEXT NOT NULL,
                    exchange_order_id TEXT NOT NULL,
                    side TEXT NOT NULL,
                    is_maker INTEGER NOT NULL,
                    price TEXT NOT NULL,
                    size TEXT NOT NULL,
                    fee TEXT NOT NULL,
                    fee_asset TEXT NOT NULL,
                    position_side TEXT NOT NULL,
                    time INTEGER NOT NULL,
                    exchange_time INTEGER NOT NULL,
                    local_time INTEGER NOT NULL,
                    UNIQUE (source, symbol, trade_id)
                )
                """)
            try db.execute(sql: "CREATE INDEX fills_by_market_time ON fills (source, symbol, time, id)")
            try db.execute(sql: """
                CREATE TABLE position_changes (
                    id INTEGER PRIMARY KEY,
                    source TEXT NOT NULL,
                    symbol TEXT NOT NULL,
                    side TEXT NOT NULL,
                    margin_mode TEXT NOT NULL,
                    size TEXT NOT NULL,
                    entry_price TEXT NOT NULL,
                    mark_price TEXT NOT NULL,
                    unrealized_pnl TEXT NOT NULL,
                    realized_pnl TEXT NOT NULL,
                    margin TEXT NOT NULL,
                    leverage TEXT NOT NULL,
                    liquidation_price TEXT NOT NULL,
                    margin_asset TEXT NOT NULL,
                    time INTEGER NOT NULL,
                    exchange_time INTEGER NOT NULL,
                    local_time INTEGER NOT NULL
                )
                """)
            try db.execute(sql: "CREATE INDEX position_changes_by_market ON position_changes (source, symbol, id)")
            try db.execute(sql: """
                CREATE TABLE funding_payments (
                    id INTEGER PRIMARY KEY,
                    source TEXT NOT NULL,
                    symbol TEXT NOT NULL,
                    payment_id TEXT NOT NULL,
                    amount TEXT NOT NULL,
                    rate TEXT NOT NULL,
                    asset TEXT NOT NULL,
                    time INTEGER NOT NULL,
                    exchange_time INTEGER NOT NULL,
                    local_time INTEGER NOT NULL,
                    UNIQUE (source, payment_id)
                )
                """)
            // The last price per market: the mark for unrealized PnL.
            try db.execute(sql: """
                CREATE TABLE last_prices (
                    source TEXT NOT NULL,
                    symbol TEXT NOT NULL,
                    price TEXT NOT NULL,
                    time INTEGER NOT NULL,
                    PRIMARY KEY (source, symbol)
                ) WITHOUT ROWID
                """)
        }
        return migrator
    }
}

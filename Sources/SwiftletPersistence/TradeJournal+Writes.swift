import GRDB
import SwiftletCore

/// The SQL of ``TradeJournal/record(_:)``, one function per event kind, each run inside the
/// record's write transaction. Statements are cached per connection (the mark price path runs
/// for every ticker).
extension TradeJournal {
    private static let orderColumns = """
        source, client_order_id, symbol, exchange_order_id, state, side, type, position_side, price, size, \
        filled_size, average_fill_price, reason, time, exchange_time, local_time
        """
    private static let orderValues = "?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?"

    static func upsertOrder(_ db: Database, _ context: EventContext, _ order: OrderUpdate) throws -> RecordOutcome {
        let arguments: StatementArguments = [
            context.source, order.clientOrderID, context.symbol, order.exchangeOrderID,
            JournalColumns.name(order.state), JournalColumns.name(order.side), JournalColumns.name(order.type),
            JournalColumns.name(order.positionSide), order.price.description, order.size.description,
            order.filledSize.description, order.averageFillPrice.description, order.reason,
            context.eventTime, context.exchangeTime, context.localTime,
        ]
        try db.cachedStatement(sql: "INSERT INTO order_updates (\(orderColumns)) VALUES (\(orderValues))")
            .execute(arguments: arguments)
        let final = JournalColumns.finalStatesSQL
        try db.cachedStatement(sql: """
            INSERT INTO orders (\(orderColumns)) VALUES (\(orderValues))
            ON CONFLICT (source, client_order_id) DO UPDATE SET
                symbol = excluded.symbol, exchange_order_id = excluded.exchange_order_id, state = excluded.state,
                side = excluded.side, type = excluded.type, position_side = excluded.position_side,
                price = excluded.price, size = excluded.size, filled_size = excluded.filled_size,
                average_fill_price = excluded.average_fill_price, reason = excluded.reason, time = excluded.time,
                exchange_time = excluded.exchange_time, local_time = excluded.local_time
            WHERE orders.state NOT IN (\(final)) OR excluded.state IN (\(final))
            """).execute(arguments: arguments)
        return .stored
    }

    static func insertFill(_ db: Database, _ context: EventContext, _ fill: Fill) throws -> RecordOutcome {
        try db.cachedStatement(sql: """
            INSERT INTO fills (source, symbol, trade_id, client_order_id, exchange_order_id, side, is_maker, price, size,
                               fee, fee_asset, position_side, time, exchange_time, local_time)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT (source, symbol, trade_id) DO NOTHING
            """).execute(arguments: [
                context.source, context.symbol, fill.tradeID, fill.clientOrderID, fill.exchangeOrderID,
                JournalColumns.name(fill.side), fill.isMaker, fill.price.description, fill.size.description,
                fill.fee.description, fill.feeAsset, JournalColumns.name(fill.positionSide),
                context.eventTime, context.exchangeTime, context.localTime,
            ])
        return db.changesCount > 0 ? .stored : .duplicate
    }

    static func insertPosition(_ db: Database, _ context: EventContext, _ position: Position) throws -> RecordOutcome {
        try db.cachedStatement(sql: """
            INSERT INTO position_changes (source, symbol, side, margin_mode, size, entry_price, mark_price, unrealized_pnl,
                                          realized_pnl, margin, leverage, liquidation_price, margin_asset, time,
                                          exchange_time, local_time)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """).execute(arguments: [
                context.source, context.symbol, JournalColumns.name(position.side), JournalColumns.name(position.marginMode),
                position.size.description, position.entryPrice.description, position.markPrice.description,
                position.unrealizedPnL.description, position.realizedPnL.description, position.margin.description,
                position.leverage.description, position.liquidationPrice.description, position.marginAsset,
                context.eventTime, context.exchangeTime, context.localTime,
            ])
        return .stored
    }

    static func insertFundingPayment(_ db: Database, _ context: EventContext, _ payment: FundingPayment) throws -> RecordOutcome {
        try db.cachedStatement(sql: """
            INSERT INTO funding_payments (source, symbol, payment_id, amount, rate, asset, time, exchange_time, local_time)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT (source, payment_id) DO NOTHING
            """).execute(arguments: [
                context.source, context.symbol, payment.paymentID, payment.amount.description, payment.rate.description,
                payment.asset, context.eventTime, context.exchangeTime, context.localTime,
            ])
        return db.changesCount > 0 ? .stored : .duplicate
    }

    static func upsertLastPrice(_ db: Database, _ context: EventContext, _ price: ExactDecimal) throws -> RecordOutcome {
        try db.cachedStatement(sql: """
            INSERT INTO last_prices (source, symbol, price, time) VALUES (?, ?, ?, ?)
            ON CONFLICT (source, symbol) DO UPDATE SET price = excluded.price, time = excluded.time
            WHERE excluded.time >= last_prices.time
            """).execute(arguments: [context.source, context.symbol, price.description, context.eventTime])
        return db.changesCount > 0 ? .stored : .ignored
    }
}

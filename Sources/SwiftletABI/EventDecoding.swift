public import CSwiftletSDK
public import SwiftletCore

/// Decodes and validates a C event (events.h) into an `Event`.
///
/// Used by the host on every `emit` and by the plugin kit on every event delivered to a
/// strategy. Anything malformed — unknown kind, a struct smaller than its kind's 1.0
/// layout, bad UTF-8, an out-of-range decimal scale or enum — is an `ABIError`, never a crash.
public enum EventDecoding {
    public static func decode(_ header: UnsafePointer<swl_event_header_t>?) throws(ABIError) -> Event {
        guard let header else { throw ABIError(SWL_ERR_INVALID_ARGUMENT, "event is NULL") }
        let head = header.pointee
        let context = EventContext(
            exchangeTime: head.exchange_time,
            localTime: head.local_time,
            source: try ABIValue.string(head.source, field: "header.source"),
            symbol: try ABIValue.string(head.symbol, field: "header.symbol"))
        let raw = UnsafeRawPointer(header)
        let payload: EventPayload
        switch Int(head.kind) {
        case Int(SWL_EVENT_BOOK_SNAPSHOT), Int(SWL_EVENT_BOOK_DELTA):
            let e = try body(raw, head, swl_book_event_t.self, "book")
            payload = .book(BookUpdate(
                isSnapshot: Int(head.kind) == Int(SWL_EVENT_BOOK_SNAPSHOT),
                bids: try levels(e.bids, e.bid_count, "bids"),
                asks: try levels(e.asks, e.ask_count, "asks"),
                sequence: e.sequence))
        case Int(SWL_EVENT_BOOK_RESYNC):
            let e = try body(raw, head, swl_book_resync_event_t.self, "book resync")
            payload = .bookResync(reason: try ABIValue.string(e.reason, field: "reason"))
        case Int(SWL_EVENT_TRADE):
            let e = try body(raw, head, swl_trade_event_t.self, "trade")
            payload = .trade(Trade(
                tradeID: try ABIValue.string(e.trade_id, field: "trade_id"),
                takerSide: try side(e.taker_side, "taker_side"),
                price: try ABIValue.decimal(e.price, field: "price"),
                size: try ABIValue.decimal(e.size, field: "size")))
        case Int(SWL_EVENT_TICKER):
            let e = try body(raw, head, swl_ticker_event_t.self, "ticker")
            payload = .ticker(Ticker(
                lastPrice: try ABIValue.decimal(e.last_price, field: "last_price"),
                bestBid: try ABIValue.decimal(e.best_bid, field: "best_bid"),
                bestBidSize: try ABIValue.decimal(e.best_bid_size, field: "best_bid_size"),
                bestAsk: try ABIValue.decimal(e.best_ask, field: "best_ask"),
                bestAskSize: try ABIValue.decimal(e.best_ask_size, field: "best_ask_size"),
                baseVolume24h: try ABIValue.decimal(e.base_volume_24h, field: "base_volume_24h"),
                quoteVolume24h: try ABIValue.decimal(e.quote_volume_24h, field: "quote_volume_24h")))
        case Int(SWL_EVENT_ORDER_UPDATE):
            let e = try body(raw, head, swl_order_event_t.self, "order update")
            payload = .order(OrderUpdate(
                clientOrderID: try ABIValue.string(e.client_order_id, field: "client_order_id"),
                exchangeOrderID: try ABIValue.string(e.exchange_order_id, field: "exchange_order_id"),
                state: try enumValue(OrderState.self, e.state, "state"),
                side: try side(e.side, "side"),
                type: try enumValue(OrderType.self, e.type, "type"),
                positionSide: try enumValue(PositionSide.self, e.position_side, "position_side"),
                price: try ABIValue.decimal(e.price, field: "price"),
                size: try ABIValue.decimal(e.size, field: "size"),
                filledSize: try ABIValue.decimal(e.filled_size, field: "filled_size"),
                averageFillPrice: try ABIValue.decimal(e.average_fill_price, field: "average_fill_price"),
                reason: try ABIValue.string(e.reason, field: "reason")))
        case Int(SWL_EVENT_FILL):
            let e = try body(raw, head, swl_fill_event_t.self, "fill")
            payload = .fill(Fill(
                tradeID: try ABIValue.string(e.trade_id, field: "trade_id"),
                clientOrderID: try ABIValue.string(e.client_order_id, field: "client_order_id"),
                exchangeOrderID: try ABIValue.string(e.exchange_order_id, field: "exchange_order_id"),
                side: try side(e.side, "side"),
                isMaker: e.is_maker != 0,
                price: try ABIValue.decimal(e.price, field: "price"),
                size: try ABIValue.decimal(e.size, field: "size"),
                fee: try ABIValue.decimal(e.fee, field: "fee"),
                feeAsset: try ABIValue.string(e.fee_asset, field: "fee_asset"),
                positionSide: try enumValue(PositionSide.self, e.position_side, "position_side")))
        case Int(SWL_EVENT_BALANCE):
            let e = try body(raw, head, swl_balance_event_t.self, "balance")
            payload = .balance(Balance(
                asset: try ABIValue.string(e.asset, field: "asset"),
                total: try ABIValue.decimal(e.total, field: "total"),
                available: try ABIValue.decimal(e.available, field: "available"),
                locked: try ABIValue.decimal(e.locked, field: "locked")))
        case Int(SWL_EVENT_POSITION):
            let e = try body(raw, head, swl_position_event_t.self, "position")
            payload = .position(Position(
                side: try enumValue(PositionSide.self, e.side, "side"),
                marginMode: try enumValue(MarginMode.self, e.margin_mode, "margin_mode"),
                size: try ABIValue.decimal(e.size, field: "size"),
                entryPrice: try ABIValue.decimal(e.entry_price, field: "entry_price"),
                markPrice: try ABIValue.decimal(e.mark_price, field: "mark_price"),
                unrealizedPnL: try ABIValue.decimal(e.unrealized_pnl, field: "unrealized_pnl"),
                realizedPnL: try ABIValue.decimal(e.realized_pnl, field: "realized_pnl"),
                margin: try ABIValue.decimal(e.margin, field: "margin"),
                leverage: try ABIValue.decimal(e.leverage, field: "leverage"),
                liquidationPrice: try ABIValue.decimal(e.liquidation_price, field: "liquidation_price"),
                marginAsset: try ABIValue.string(e.margin_asset, field: "margin_asset")))
        case Int(SWL_EVENT_FUNDING_INFO):
            let e = try body(raw, head, swl_funding_info_event_t.self, "funding info")
            payload = .fundingInfo(FundingInfo(
                rate: try ABIValue.decimal(e.rate, field: "rate"),
                nextFundingTime: e.next_funding_time,
                markPrice: try ABIValue.decimal(e.mark_price, field: "mark_price"),
                indexPrice: try ABIValue.decimal(e.index_price, field: "index_price")))
        case Int(SWL_EVENT_FUNDING_PAYMENT):
            let e = try body(raw, head, swl_funding_payment_event_t.self, "funding payment")
            payload = .fundingPayment(FundingPayment(
                paymentID: try ABIValue.string(e.payment_id, field: "payment_id"),
                amount: try ABIValue.decimal(e.amount, field: "amount"),
                rate: try ABIValue.decimal(e.rate, field: "rate"),
                asset: try ABIValue.string(e.asset, field: "asset")))
        case Int(SWL_EVENT_CANDLE):
            let e = try body(raw, head, swl_candle_event_t.self, "candle")
            payload = .candle(CandleUpdate(
                feed: try ABIValue.string(e.feed, field: "feed"),
                interval: try ABIValue.string(e.interval, field: "interval"),
                candle: try candle(e.candle),
                isClosed: e.closed != 0))
        case Int(SWL_EVENT_ERROR):
            let e = try body(raw, head, swl_error_event_t.self, "error")
            payload = .error(ErrorReport(
                status: e.status,
                code: try ABIValue.string(e.code, field: "code"),
                message: try ABIValue.string(e.message, field: "message")))
        case Int(SWL_EVENT_CONNECTION):
            let e = try body(raw, head, swl_connection_event_t.self, "connection")
            payload = .connection(ConnectionChange(
                stream: try ABIValue.string(e.stream, field: "stream"),
                state: try enumValue(ConnectionState.self, e.state, "state"),
                detail: try ABIValue.string(e.detail, field: "detail")))
        case Int(SWL_EVENT_TIMER):
            let e = try body(raw, head, swl_timer_event_t.self, "timer")
            payload = .timer(id: e.timer_id)
        default:
            throw ABIError(SWL_ERR_INVALID_ARGUMENT, "unknown event kind \(head.kind)")
        }
        return Event(context: context, payload: payload)
    }

    /// A C candle as a `Candle`.
    public static func candle(_ c: swl_candle_t) throws(ABIError) -> Candle {
        Candle(openTime: c.open_time,
               open: try ABIValue.decimal(c.open, field: "open"),
               high: try ABIValue.decimal(c.high, field: "high"),
               low: try ABIValue.decimal(c.low, field: "low"),
               close: try ABIValue.decimal(c.close, field: "close"),
               baseVolume: try ABIValue.decimal(c.base_volume, field: "base_volume"),
               quoteVolume: try ABIValue.decimal(c.quote_volume, field: "quote_volume"))
    }

    private static func body<T>(_ raw: UnsafeRawPointer, _ head: swl_event_header_t, _ type: T.Type,
                                _ name: StaticString) throws(ABIError) -> T {
        guard Int(head.struct_size) >= MemoryLayout<T>.size else {
            throw ABIError(SWL_ERR_ABI, "\(name) event struct_size \(head.struct_size) is smaller than \(MemoryLayout<T>.size)")
        }
        return raw.load(as: T.self)
    }

    private static func levels(_ pointer: UnsafePointer<swl_level_t>?, _ count: Int,
                               _ field: StaticString) throws(ABIError) -> [BookLevel] {
        guard count > 0 else { return [] }
        guard let pointer else { throw ABIError(SWL_ERR_INVALID_ARGUMENT, "\(field): NULL with count \(count)") }
        var result: [BookLevel] = []
        result.reserveCapacity(count)
        for level in UnsafeBufferPointer(start: pointer, count: count) {
            result.append(BookLevel(price: try ABIValue.decimal(level.price, field: "level.price"),
                                    size: try ABIValue.decimal(level.size, field: "level.size")))
        }
        return result
    }

    private static func side(_ raw: swl_side_t, _ field: StaticString) throws(ABIError) -> Side {
        try enumValue(Side.self, raw, field)
    }

    private static func enumValue<E: RawRepresentable>(_ type: E.Type, _ raw: Int32,
                                                       _ field: StaticString) throws(ABIError) -> E where E.RawValue == Int32 {
        guard let value = E(rawValue: raw) else {
            throw ABIError(SWL_ERR_INVALID_ARGUMENT, "\(field): unknown value \(raw)")
        }
        return value
    }
}

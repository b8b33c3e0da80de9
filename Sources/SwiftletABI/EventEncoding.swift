public import CSwiftletSDK
public import SwiftletCore

/// Encodes an `Event` as the C event struct of its kind (events.h), for delivery to a
/// plugin or for emitting from Swift. Pointers inside are valid only inside `body`.
public enum EventEncoding {
    public static func withCEvent<R, E: Error>(_ event: Event,
                                               _ body: (UnsafePointer<swl_event_header_t>) throws(E) -> R) throws(E) -> R {
        // The header's strings point into the event's own; a book's levels go on the stack.
        // Book events reach every strategy, and copying them to the heap (the levels mapped
        // into two arrays, a storage with a block of its own) took five allocations each.
        try ABIValue.withCStrings(event.context.source, event.context.symbol) { source, symbol throws(E) in
            try encode(event, source: source, symbol: symbol, body)
        }
    }

    private static func encode<R, E: Error>(_ event: Event, source: swl_str_t, symbol: swl_str_t,
                                            _ body: (UnsafePointer<swl_event_header_t>) throws(E) -> R) throws(E) -> R {
        let context = event.context
        func header<T>(_ kind: Int32, _ type: T.Type) -> swl_event_header_t {
            swl_event_header_t(struct_size: UInt32(MemoryLayout<T>.size), kind: swl_event_kind_t(kind),
                               exchange_time: context.exchangeTime, local_time: context.localTime,
                               source: source, symbol: symbol)
        }
        func d(_ value: ExactDecimal) -> swl_decimal_t { ABIValue.cDecimal(value) }
        // Made at the first string of a kind that has strings of its own (a book has none),
        // and kept until `body` has returned.
        var storage: CStorage?
        defer { withExtendedLifetime(storage) {} }
        func s(_ text: String) -> swl_str_t {
            if storage == nil { storage = CStorage() }
            return storage!.string(text)
        }

        switch event.payload {
        case .book(let book):
            let kind = book.isSnapshot ? SWL_EVENT_BOOK_SNAPSHOT : SWL_EVENT_BOOK_DELTA
            return try withUnsafeTemporaryAllocation(of: swl_level_t.self, capacity: max(book.bids.count + book.asks.count, 1)) {
                levels throws(E) in
                for (index, level) in book.bids.enumerated() {
                    levels.initializeElement(at: index, to: swl_level_t(price: d(level.price), size: d(level.size)))
                }
                for (index, level) in book.asks.enumerated() {
                    levels.initializeElement(at: book.bids.count + index, to: swl_level_t(price: d(level.price), size: d(level.size)))
                }
                let base = UnsafePointer(levels.baseAddress!)
                var e = swl_book_event_t(header: header(Int32(kind), swl_book_event_t.self),
                                         bids: book.bids.isEmpty ? nil : base, bid_count: book.bids.count,
                                         asks: book.asks.isEmpty ? nil : base + book.bids.count, ask_count: book.asks.count,
                                         sequence: book.sequence)
                return try pass(&e, body)
            }
        case .bookResync(let reason):
            var e = swl_book_resync_event_t(header: header(Int32(SWL_EVENT_BOOK_RESYNC), swl_book_resync_event_t.self),
                                            reason: s(reason))
            return try pass(&e, body)
        case .trade(let t):
            var e = swl_trade_event_t(header: header(Int32(SWL_EVENT_TRADE), swl_trade_event_t.self),
                                      trade_id: s(t.tradeID), taker_side: t.takerSide.rawValue, reserved: 0,
                                      price: d(t.price), size: d(t.size))
            return try pass(&e, body)
        case .ticker(let t):
            var e = swl_ticker_event_t(header: header(Int32(SWL_EVENT_TICKER), swl_ticker_event_t.self),
                                       last_price: d(t.lastPrice), best_bid: d(t.bestBid),
                                       best_bid_size: d(t.bestBidSize), best_ask: d(t.bestAsk),
                                       best_ask_size: d(t.bestAskSize), base_volume_24h: d(t.baseVolume24h),
                                       quote_volume_24h: d(t.quoteVolume24h))
            return try pass(&e, body)
        case .order(let o):
            var e = swl_order_event_t(header: header(Int32(SWL_EVENT_ORDER_UPDATE), swl_order_event_t.self),
                                      client_order_id: s(o.clientOrderID), exchange_order_id: s(o.exchangeOrderID),
                                      state: o.state.rawValue, side: o.side.rawValue, type: o.type.rawValue,
                                      position_side: o.positionSide.rawValue, price: d(o.price), size: d(o.size),
                                      filled_size: d(o.filledSize), average_fill_price: d(o.averageFillPrice),
                                      reason: s(o.reason))
            return try pass(&e, body)
        case .fill(let f):
            var e = swl_fill_event_t(header: header(Int32(SWL_EVENT_FILL), swl_fill_event_t.self),
                                     trade_id: s(f.tradeID), client_order_id: s(f.clientOrderID),
                                     exchange_order_id: s(f.exchangeOrderID), side: f.side.rawValue,
                                     is_maker: f.isMaker ? 1 : 0, price: d(f.price), size: d(f.size),
                                     fee: d(f.fee), fee_asset: s(f.feeAsset),
                                     position_side: f.positionSide.rawValue, reserved: 0)
            return try pass(&e, body)
        case .balance(let b):
            var e = swl_balance_event_t(header: header(Int32(SWL_EVENT_BALANCE), swl_balance_event_t.self),
                                        asset: s(b.asset), total: d(b.total), available: d(b.available),
                                        locked: d(b.locked))
            return try pass(&e, body)
        case .position(let p):
            var e = swl_position_event_t(header: header(Int32(SWL_EVENT_POSITION), swl_position_event_t.self),
                                         side: p.side.rawValue, margin_mode: p.marginMode.rawValue,
                                         size: d(p.size), entry_price: d(p.entryPrice), mark_price: d(p.markPrice),
                                         unrealized_pnl: d(p.unrealizedPnL), realized_pnl: d(p.realizedPnL),
                                         margin: d(p.margin), leverage: d(p.leverage),
                                         liquidation_price: d(p.liquidationPrice), margin_asset: s(p.marginAsset))
            return try pass(&e, body)
        case .fundingInfo(let f):
            var e = swl_funding_info_event_t(header: header(Int32(SWL_EVENT_FUNDING_INFO), swl_funding_info_event_t.self),
                                             rate: d(f.rate), next_funding_time: f.nextFundingTime,
                                             mark_price: d(f.markPrice), index_price: d(f.indexPrice))
            return try pass(&e, body)
        case .fundingPayment(let f):
            var e = swl_funding_payment_event_t(
                header: header(Int32(SWL_EVENT_FUNDING_PAYMENT), swl_funding_payment_event_t.self),
                payment_id: s(f.paymentID), amount: d(f.amount), rate: d(f.rate), asset: s(f.asset))
            return try pass(&e, body)
        case .candle(let c):
            let candle = cCandle(c.candle)
            var e = swl_candle_event_t(header: header(Int32(SWL_EVENT_CANDLE), swl_candle_event_t.self),
                                       feed: s(c.feed), interval: s(c.interval), candle: candle,
                                       closed: c.isClosed ? 1 : 0, reserved: 0)
            return try pass(&e, body)
        case .error(let r):
            var e = swl_error_event_t(header: header(Int32(SWL_EVENT_ERROR), swl_error_event_t.self),
                                      status: r.status, reserved: 0, code: s(r.code), message: s(r.message))
            return try pass(&e, body)
        case .connection(let c):
            var e = swl_connection_event_t(header: header(Int32(SWL_EVENT_CONNECTION), swl_connection_event_t.self),
                                           stream: s(c.stream), state: c.state.rawValue, reserved: 0,
                                           detail: s(c.detail))
            return try pass(&e, body)
        case .timer(let id):
            var e = swl_timer_event_t(header: header(Int32(SWL_EVENT_TIMER), swl_timer_event_t.self), timer_id: id)
            return try pass(&e, body)
        }
    }

    private static func pass<T, R, E: Error>(_ event: inout T,
                                             _ body: (UnsafePointer<swl_event_header_t>) throws(E) -> R) throws(E) -> R {
        try withUnsafePointer(to: &event) { pointer throws(E) in
            try pointer.withMemoryRebound(to: swl_event_header_t.self, capacity: 1) { header throws(E) in try body(header) }
        }
    }

    /// A `Candle` as a C candle.
    public static func cCandle(_ c: Candle) -> swl_candle_t {
        swl_candle_t(open_time: c.openTime, open: ABIValue.cDecimal(c.open), high: ABIValue.cDecimal(c.high),
                     low: ABIValue.cDecimal(c.low), close: ABIValue.cDecimal(c.close),
                     base_volume: ABIValue.cDecimal(c.baseVolume), quote_volume: ABIValue.cDecimal(c.quoteVolume))
    }
}

/// The host's trading API for strategies (`swiftlet.host.trading/1`, ext/strategy.h), typed:
/// Swift strings and values in, `OrderSnapshot`/`Balance`/... out, a failed call thrown as
/// the host's status and message. Obtain it with `PluginHost.trading()`.
///
/// Values the host hands back (strings inside `swl_order_t`, candle windows) are copied
/// before the call returns, so results stay valid. Use it on the instance's serial context.
public final class HostTrading: StrategyTradingAPI {
    private let host: UnsafePointer<swl_host_t>
    private let table: UnsafePointer<swl_host_trading_t>

    /// Wraps the table `host` answers for `swiftlet.host.trading/1`; fails with
    /// `SWL_ERR_UNSUPPORTED` when there is none and `SWL_ERR_ABI` when it is too small or
    /// lacks a function.
    init(host: UnsafePointer<swl_host_t>) throws(PluginError) {
        self.host = host
        let table = try PluginHost.hostExtension(SWL_EXT_HOST_TRADING, of: host, as: swl_host_trading_t.self)
        let t = table.pointee
        let missing = [("subscribe", t.subscribe == nil), ("subscribe_candles", t.subscribe_candles == nil),
                       ("place_order", t.place_order == nil), ("cancel_order", t.cancel_order == nil),
                       ("cancel_all", t.cancel_all == nil), ("get_order", t.get_order == nil),
                       ("get_balance", t.get_balance == nil), ("get_position", t.get_position == nil),
                       ("get_top_of_book", t.get_top_of_book == nil), ("get_candles", t.get_candles == nil)]
            .filter { $0.1 }.map { $0.0 }
        guard missing.isEmpty else {
            throw PluginError(SWL_ERR_ABI, "the host's \(SWL_EXT_HOST_TRADING) table has NULL \(missing.joined(separator: ", "))")
        }
        self.table = table
    }

    public func subscribe(connector: String, channel: MarketChannel, symbol: String) throws(PluginError) {
        try call { error in
            strings(connector, symbol) { c, s in table.pointee.subscribe!(host, c, swl_channel_t(channel.rawValue), s, error) }
        }
    }

    public func subscribeCandles(feedPlugin: String, feed: String, symbol: String, interval: String,
                                 history: Int) throws(PluginError) {
        guard let count = UInt32(exactly: history) else {
            throw PluginError(SWL_ERR_INVALID_ARGUMENT, "history \(history) is outside 0...\(UInt32.max)")
        }
        try call { error in
            strings(feedPlugin, feed, symbol, interval) { p, f, s, i in
                table.pointee.subscribe_candles!(host, p, f, s, i, count, error)
            }
        }
    }

    public func placeOrder(connector: String, _ request: OrderRequest) throws(PluginError) -> String {
        let storage = CStorage()
        var cRequest = TradingValues.cOrderRequest(request, storage: storage)
        return try ABIValue.readOrderID { out throws(PluginError) in
            try call { error in
                withExtendedLifetime(storage) {
                    ABIValue.withCString(connector) { table.pointee.place_order!(host, $0, &cRequest, &out, error) }
                }
            }
        }
    }

    public func cancelOrder(connector: String, symbol: String, clientOrderID: String) throws(PluginError) {
        try call { error in
            strings(connector, symbol, clientOrderID) { c, s, id in table.pointee.cancel_order!(host, c, s, id, error) }
        }
    }

    public func cancelAll(connector: String, symbol: String) throws(PluginError) {
        try call { error in strings(connector, symbol) { c, s in table.pointee.cancel_all!(host, c, s, error) } }
    }

    public func order(connector: String, clientOrderID: String) throws(PluginError) -> OrderSnapshot {
        var out = swl_order_t()
        out.struct_size = UInt32(MemoryLayout<swl_order_t>.size)
        try call { error in
            strings(connector, clientOrderID) { c, id in table.pointee.get_order!(host, c, id, &out, error) }
        }
        return try TradingValues.order(&out)
    }

    public func balance(connector: String, asset: String) throws(PluginError) -> Balance {
        var out = swl_balance_t()
        out.struct_size = UInt32(MemoryLayout<swl_balance_t>.size)
        try call { error in strings(connector, asset) { c, a in table.pointee.get_balance!(host, c, a, &out, error) } }
        return try TradingValues.balance(&out)
    }

    public func position(connector: String, symbol: String, side: PositionSide) throws(PluginError) -> PositionSnapshot {
        var out = swl_position_t()
        out.struct_size = UInt32(MemoryLayout<swl_position_t>.size)
        try call { error in
            strings(connector, symbol) { c, s in table.pointee.get_position!(host, c, s, side.rawValue, &out, error) }
        }
        return try PerpetualValues.position(&out)
    }

    public func topOfBook(connector: String, symbol: String) throws(PluginError) -> (bid: BookLevel, ask: BookLevel) {
        var bid = swl_level_t()
        var ask = swl_level_t()
        try call { error in
            strings(connector, symbol) { c, s in table.pointee.get_top_of_book!(host, c, s, &bid, &ask, error) }
        }
        return (BookLevel(price: try ABIValue.decimal(bid.price, field: "bid.price"),
                          size: try ABIValue.decimal(bid.size, field: "bid.size")),
                BookLevel(price: try ABIValue.decimal(ask.price, field: "ask.price"),
                          size: try ABIValue.decimal(ask.size, field: "ask.size")))
    }

    public func candles(feedPlugin: String, feed: String, symbol: String, interval: String) throws(PluginError) -> [Candle] {
        var window = swl_candle_window_t()
        window.struct_size = UInt32(MemoryLayout<swl_candle_window_t>.size)
        var candles: [Candle] = []
        var failure: PluginError?
        try call { error in
            let status = strings(feedPlugin, feed, symbol, interval) { p, f, s, i in
                table.pointee.get_candles!(host, p, f, s, i, &window, error)
            }
            guard status == SWL_OK else { return status }
            // The view is borrowed until the next call: copy it now.
            do throws(PluginError) {
                for (pointer, count) in [(window.first, window.first_count), (window.second, window.second_count)] where count > 0 {
                    guard let pointer else { throw PluginError(SWL_ERR_ABI, "candle window run is NULL with count \(count)") }
                    for index in 0..<count { candles.append(try EventDecoding.candle(pointer[index])) }
                }
            } catch {
                failure = error
            }
            return status
        }
        if let failure { throw failure }
        return candles
    }

    // MARK: plumbing

    private func call(_ body: (UnsafeMutablePointer<swl_error_t>) -> swl_status_t) throws(PluginError) {
        var record = ABIError.emptyRecord()
        let status = body(&record)
        guard status == SWL_OK else { throw ABIError.read(record, status: status) }
    }

    private func strings<R>(_ a: String, _ b: String, _ body: (swl_str_t, swl_str_t) -> R) -> R {
        ABIValue.withCString(a) { x in ABIValue.withCString(b) { body(x, $0) } }
    }

    private func strings<R>(_ a: String, _ b: String, _ c: String, _ body: (swl_str_t, swl_str_t, swl_str_t) -> R) -> R {
        ABIValue.withCString(a) { x in strings(b, c) { body(x, $0, $1) } }
    }

    private func strings<R>(_ a: String, _ b: String, _ c: String, _ d: String,
                            _ body: (swl_str_t, swl_str_t, swl_str_t, swl_str_t) -> R) -> R {
        ABIValue.withCString(a) { x in strings(b, c, d) { body(x, $0, $1, $2) } }
    }
}

extension PluginHost {
    /// The host's trading API (`swiftlet.host.trading/1`). Throws `SWL_ERR_UNSUPPORTED`
    /// when the host offers none, `SWL_ERR_ABI` when its table is too small.
    public func trading() throws(PluginError) -> HostTrading {
        try HostTrading(host: raw)
    }
}

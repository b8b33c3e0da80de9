/// What a strategy can ask of the host (`swiftlet.host.trading/1`, ext/strategy.h), as a
/// protocol so strategy logic runs against `HostTrading` in a plugin and against a fake in
/// tests.
///
/// Every call names the connector by the id it was configured under (`"bitget"`,
/// `"bitget_perpetual"`) and first passes the host's risk checks; a refusal throws
/// `SWL_ERR_STATE` or `SWL_ERR_INSUFFICIENT_FUNDS` with the host's message. Outcomes of
/// orders arrive later as events (ORDER_UPDATE, FILL, BALANCE, POSITION) on the strategy's
/// serial context. Call it only from that context (the strategy's own calls).
public protocol StrategyTradingAPI {
    /// Asks for `channel` of `symbol` on `connector`; data arrives as events.
    func subscribe(connector: String, channel: MarketChannel, symbol: String) throws(PluginError)
    /// Asks for candles of `feed` from the feed plugin `feedPlugin`, `history` closed
    /// candles backfilled first (ext/candles.h).
    func subscribeCandles(feedPlugin: String, feed: String, symbol: String, interval: String,
                          history: Int) throws(PluginError)
    /// Places an order; returns its client order id (generated when the request has none).
    func placeOrder(connector: String, _ request: OrderRequest) throws(PluginError) -> String
    /// Cancels one order by client id; `SWL_ERR_NOT_FOUND` if unknown or already final.
    func cancelOrder(connector: String, symbol: String, clientOrderID: String) throws(PluginError)
    /// Cancels every open order of `symbol` on `connector` (empty: every symbol).
    func cancelAll(connector: String, symbol: String) throws(PluginError)
    /// The host's view of one order; `SWL_ERR_NOT_FOUND` if unknown.
    func order(connector: String, clientOrderID: String) throws(PluginError) -> OrderSnapshot
    /// The host's view of one balance; `SWL_ERR_NOT_FOUND` before the connector reported it.
    func balance(connector: String, asset: String) throws(PluginError) -> Balance
    /// The host's view of one perpetual position.
    func position(connector: String, symbol: String, side: PositionSide) throws(PluginError) -> PositionSnapshot
    /// Best bid and ask of a tracked book; `SWL_ERR_STATE` before the first snapshot and
    /// while the book resyncs.
    func topOfBook(connector: String, symbol: String) throws(PluginError) -> (bid: BookLevel, ask: BookLevel)
    /// The closed candles of a candle subscription's rolling window, oldest first.
    func candles(feedPlugin: String, feed: String, symbol: String, interval: String) throws(PluginError) -> [Candle]
}

/// Where strategy logic writes its log lines: `PluginHost.log` in a plugin, a recorder in
/// tests.
public typealias StrategyLogger = (PluginHost.LogLevel, String) -> Void

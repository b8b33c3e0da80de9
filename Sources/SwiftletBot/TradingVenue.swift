public import SwiftletABI
public import SwiftletCore
public import SwiftletHost

/// Where a bot's orders for one connector id go: the live connector plugin, or the
/// paper-trading engine wrapping it. Strategies and the risk checks see only this, so
/// they cannot tell the two apart. Errors carry ABI statuses, as from a connector.
public protocol TradingVenue: AnyObject, Sendable {
    /// The connector id strategies name (e.g. "bitget").
    var id: String { get }
    /// The connector plugin behind it ("bitget@1.2.0"), for status reports.
    var pluginKey: String { get }
    /// True when orders are simulated locally.
    var isPaper: Bool { get }

    func instrument(_ symbol: String) throws(ABIError) -> Instrument
    func subscribe(_ channel: MarketChannel, symbol: String) throws(ABIError)
    /// Places an order whose client id the caller has already chosen.
    func place(_ request: OrderRequest) throws(ABIError)
    func cancel(symbol: String, clientOrderID: String) throws(ABIError)
    func cancelAll(symbol: String) throws(ABIError)
    func order(_ clientOrderID: String) throws(ABIError) -> OrderSnapshot
    func openOrders(symbol: String) throws(ABIError) -> [OrderSnapshot]
    func balances() throws(ABIError) -> [Balance]
    /// Positions of a perpetual venue; empty for spot.
    func positions() throws(ABIError) -> [PositionSnapshot]
    /// Leverage in force for `symbol` (1 for spot).
    func leverage(symbol: String) throws(ABIError) -> ExactDecimal
}

/// A venue that simulates orders locally against the live market data of its connector
/// (paper trading). The bot feeds it the connector's market events and publishes the
/// account events it produces as if they came from the connector.
public protocol SimulatedVenue: TradingVenue {
    /// Where the venue sends the events it produces (fills, order updates, balances, ...).
    func attach(_ sink: @escaping @Sendable (Event) -> Void)
    /// One market event of the wrapped connector (book, trade, ticker, funding info).
    func observe(_ event: Event)
}

/// A venue that passes every call to the connector plugin.
public final class LiveVenue: TradingVenue {
    public let id: String
    public let connector: PluginInstance
    public var isPaper: Bool { false }
    public var pluginKey: String { connector.library.info.key }
    private let trading: TradingClient
    private let perpetual: PerpetualClient?

    /// Binds to the connector's trading table (and perpetual table, if it has one).
    public init(id: String, connector: PluginInstance) throws(HostError) {
        self.id = id
        self.connector = connector
        trading = try TradingClient(connector)
        perpetual = try? PerpetualClient(connector)
    }

    public func instrument(_ symbol: String) throws(ABIError) -> Instrument { try trading.instrument(symbol) }
    public func subscribe(_ channel: MarketChannel, symbol: String) throws(ABIError) {
        try trading.subscribe(channel, symbol: symbol)
    }
    public func place(_ request: OrderRequest) throws(ABIError) { _ = try trading.placeOrder(request) }
    public func cancel(symbol: String, clientOrderID: String) throws(ABIError) {
        try trading.cancelOrder(symbol: symbol, clientOrderID: clientOrderID)
    }
    public func cancelAll(symbol: String) throws(ABIError) { try trading.cancelAll(symbol: symbol) }
    public func order(_ clientOrderID: String) throws(ABIError) -> OrderSnapshot { try trading.order(clientOrderID) }
    public func openOrders(symbol: String) throws(ABIError) -> [OrderSnapshot] { try trading.openOrders(symbol: symbol) }
    public func balances() throws(ABIError) -> [Balance] { try trading.balances() }
    public func positions() throws(ABIError) -> [PositionSnapshot] { try perpetual?.positions() ?? [] }
    public func leverage(symbol: String) throws(ABIError) -> ExactDecimal {
        guard let perpetual else { return ExactDecimal(1) }
        return try perpetual.leverage(symbol: symbol)
    }
}

import CSwiftletSDK
public import SwiftletABI
public import SwiftletCore
public import SwiftletHost
import SwiftletPaper
import Synchronization

/// Paper trading: orders are simulated by a `PaperExchange` against the live market
/// data of a real connector (spot or perpetual), with its trading rules and fees, and
/// balances kept locally. The account events it produces carry the connector's id, so a
/// strategy sees exactly what live trading would show it.
public final class PaperVenue: SimulatedVenue, @unchecked Sendable {
    public let id: String
    public var isPaper: Bool { true }
    public var pluginKey: String { connector.library.info.key }
    private let connector: PluginInstance
    private let trading: TradingClient
    /// The engine is not thread-safe: every call holds this lock, and events are
    /// published before it is released, so they keep the engine's order whichever thread
    /// (connector's market data, strategy's orders) caused them. Nothing under it calls a
    /// plugin: the bot only records and routes account events.
    private let engine: Mutex<PaperExchangeBox>
    private let sink = Mutex<(@Sendable (Event) -> Void)?>(nil)

    private struct PaperExchangeBox: @unchecked Sendable {
        let exchange: PaperExchange
    }

    /// Wraps `connector`, whose instruments must already be loaded.
    /// - Parameters:
    ///   - balances: starting balances (spot assets, or the margin asset for perpetuals).
    ///   - leverage: leverage of perpetual symbols.
    public init(id: String, connector: PluginInstance, balances: [Balance],
                leverage: ExactDecimal = ExactDecimal(1)) throws(HostError) {
        self.id = id
        self.connector = connector
        trading = try TradingClient(connector)
        let instruments: [Instrument]
        do {
            instruments = try trading.instruments()
        } catch {
            throw HostError("paper \(id): cannot read the connector's instruments: \(error.description)")
        }
        guard !instruments.isEmpty else { throw HostError("paper \(id): the connector has not loaded its instruments yet") }
        do {
            let exchange = try PaperExchange(connector: id, instruments: instruments, balances: balances,
                                             defaultLeverage: leverage, sessionSeed: Clocks.wallNanoseconds())
            engine = Mutex(PaperExchangeBox(exchange: exchange))
        } catch {
            throw HostError("paper \(id): \(error.description)")
        }
    }

    public func attach(_ sink: @escaping @Sendable (Event) -> Void) {
        self.sink.withLock { $0 = sink }
    }

    public func observe(_ event: Event) {
        engine.withLock { box in publish(box.exchange.apply(event)) }
    }

    private func publish(_ events: [Event]) {
        guard !events.isEmpty, let sink = sink.withLock({ $0 }) else { return }
        for event in events { sink(event) }
    }

    /// Runs an engine call that produces events and publishes them, under the lock.
    private func act(_ body: (PaperExchange) throws(PaperError) -> [Event]) throws(ABIError) {
        try run { exchange throws(PaperError) in publish(try body(exchange)) }
    }

    /// Runs an engine call, turning its refusal into the ABI status a connector would give.
    private func run<R>(_ body: (PaperExchange) throws(PaperError) -> R) throws(ABIError) -> R {
        do {
            return try engine.withLock { (box: inout PaperExchangeBox) throws(PaperError) -> R in try body(box.exchange) }
        } catch {
            throw ABIError(error.kind.status, error.message)
        }
    }

    public func instrument(_ symbol: String) throws(ABIError) -> Instrument { try trading.instrument(symbol) }

    public func subscribe(_ channel: MarketChannel, symbol: String) throws(ABIError) {
        try trading.subscribe(channel, symbol: symbol)
    }

    public func place(_ request: OrderRequest) throws(ABIError) {
        let now = Clocks.wallNanoseconds()
        try act { exchange throws(PaperError) in try exchange.place(request, now: now).events }
    }

    public func cancel(symbol: String, clientOrderID: String) throws(ABIError) {
        let now = Clocks.wallNanoseconds()
        try act { exchange throws(PaperError) in try exchange.cancel(symbol: symbol, clientOrderID: clientOrderID, now: now) }
    }

    public func cancelAll(symbol: String) throws(ABIError) {
        let now = Clocks.wallNanoseconds()
        try act { exchange throws(PaperError) in exchange.cancelAll(symbol: symbol, now: now) }
    }

    public func order(_ clientOrderID: String) throws(ABIError) -> OrderSnapshot {
        guard let order = try run({ exchange throws(PaperError) in exchange.order(clientOrderID) }) else {
            throw ABIError(SWL_ERR_NOT_FOUND, "no order \(clientOrderID)")
        }
        return order
    }

    public func openOrders(symbol: String) throws(ABIError) -> [OrderSnapshot] {
        try run { exchange throws(PaperError) in exchange.openOrders(symbol: symbol) }
    }

    public func balances() throws(ABIError) -> [Balance] {
        try run { exchange throws(PaperError) in exchange.balances }
    }

    public func positions() throws(ABIError) -> [PositionSnapshot] {
        try run { exchange throws(PaperError) in try exchange.positions() }
    }

    public func leverage(symbol: String) throws(ABIError) -> ExactDecimal {
        try run { exchange throws(PaperError) in try exchange.leverage(symbol: symbol) }
    }
}

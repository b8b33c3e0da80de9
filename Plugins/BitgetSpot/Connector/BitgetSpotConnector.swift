import BitgetCommon
import Foundation
public import SwiftletPluginKit

/// The Bitget spot connector (`bitget`): trading rules, checksummed order books, trades and
/// tickers, private order/fill/balance streams, order lifecycle by client id, and REST
/// reconciliation, over the host's services only.
///
/// All state is touched from the instance's own context (host calls and callbacks, which
/// the host serializes), so nothing here locks.
public final class BitgetSpotConnector: TradingConnectorPlugin {
    let host: PluginHost
    let config: ConnectorConfig
    let rest: BitgetREST
    var publicStreams: [BitgetStream] = []
    var privateStream: BitgetStream?
    /// `seq` must advance by exactly one per update, as in the recorded Bitget feed (bench corpus).
    var books = BookTracker(sequencePolicy: .consecutive)
    var orders = OrderTracker()
    var ids: ClientOrderIDs

    var instrumentsBySymbol: [String: Instrument] = [:]
    var quoteScales: [String: Int32] = [:]
    var balancesByAsset: [String: Balance] = [:]
    /// Market-data subscriptions wanted, kept so they survive instrument reloads.
    var marketSubscriptions: Set<StreamSubscription> = []
    /// Fills from the `fill` channel whose order id is not known yet, by exchange order id.
    var unmatchedFills: [String: [SpotPayloads.FillRecord]] = [:]
    var started = false
    var loaded = false
    var reconcileTimer: UInt64?
    var reconciling = false

    /// Channels per public connection: Bitget recommends fewer than 50.
    static let channelsPerConnection = 50

    /// REST budgets per endpoint, requests/second, from each endpoint's Bitget doc page.
    static let restLimits = RateLimiter(limits: [
        "/api/v2/public/time": 20,
        "/api/v2/spot/public/symbols": 20,
        "/api/v2/spot/trade/place-order": 10,
        "/api/v2/spot/trade/batch-orders": 5,
        "/api/v2/spot/trade/cancel-order": 10,
        "/api/v2/spot/trade/batch-cancel-order": 10,
        "/api/v2/spot/trade/cancel-symbol-order": 5,
        "/api/v2/spot/trade/orderInfo": 20,
        "/api/v2/spot/trade/unfilled-orders": 20,
        "/api/v2/spot/trade/history-orders": 20,
        "/api/v2/spot/trade/fills": 10,
        "/api/v2/spot/account/assets": 10,
    ], defaultLimit: 10)

    public init(host: PluginHost, config: String) throws(PluginError) {
        self.host = host
        self.config = try ConnectorConfig(json: config)
        self.rest = BitgetREST(host: host, baseURL: self.config.restURL, credential: self.config.credential,
                               limits: Self.restLimits,
                               extraHeaders: self.config.demoTrading ? [("paptrading", "1")] : [])
        self.ids = ClientOrderIDs(prefix: self.config.orderIDPrefix, sessionSeed: host.now)
    }

    // MARK: lifecycle

    public func start() throws(PluginError) {
        guard !started else { return }
        started = true
        restoreState()
        connection("rest", .connecting, "loading trading rules")
        rest.syncTime { [weak self] result in
            if case .failure(let error) = result { self?.report(error.pluginError, "server time") }
            self?.loadInstruments()
        }
        if config.credential != nil {
            let stream = BitgetStream(host: host, name: "private", url: config.privateWebSocketURL,
                                      loginCredential: config.credential, clockOffsetMs: { [weak self] in self?.rest.clockOffsetMs ?? 0 },
                                      settings: config.stream,
                                      onMessage: { [weak self] in self?.privateMessage($0) },
                                      onNotice: { [weak self] in self?.streamNotice("private", $0) })
            stream.subscribe([StreamSubscription(instType: "SPOT", channel: "orders", instId: "default"),
                              StreamSubscription(instType: "SPOT", channel: "fill", instId: "default"),
                              StreamSubscription(instType: "SPOT", channel: "account", instId: "default", idKey: "coin")])
            privateStream = stream
            stream.start()
            reconcileTimer = try host.startTimer(after: config.reconcileInterval, every: config.reconcileInterval) { [weak self] _ in
                self?.reconcile()
            }
        }
    }

    public func stop() {
        guard started else { return }
        started = false
        if let reconcileTimer { try? host.cancelTimer(reconcileTimer) }
        reconcileTimer = nil
        privateStream?.stop()
        for stream in publicStreams { stream.stop() }
        saveState()
    }

    private func loadInstruments(attempt: Int = 0) {
        guard started else { return }
        rest.send("GET", "/api/v2/spot/public/symbols", signed: false, as: [SpotPayloads.Symbol].self) { [weak self] result in
            guard let self, self.started else { return }
            switch result {
            case .success(let symbols):
                var loadedRules: [String: Instrument] = [:]
                for symbol in symbols {
                    do throws(PayloadError) {
                        loadedRules[symbol.symbol] = try SpotPayloads.instrument(symbol)
                        self.quoteScales[symbol.symbol] = SpotPayloads.quoteScale(symbol)
                    } catch {
                        self.report(PluginError(SWL_ERR_EXCHANGE, "symbol \(symbol.symbol) skipped: \(error.message)"), "symbols")
                    }
                }
                self.instrumentsBySymbol = loadedRules
                self.loaded = true
                self.connection("rest", .connected, "\(loadedRules.count) symbols")
                if self.config.credential != nil {
                    self.loadBalances()
                    self.reconcile()
                }
            case .failure(let error):
                self.report(error.pluginError, "symbols")
                let delay = min(30_000, 500 << min(attempt, 6))
                _ = try? self.host.startTimer(after: .milliseconds(delay)) { [weak self] _ in self?.loadInstruments(attempt: attempt + 1) }
            }
        }
    }

    func loadBalances() {
        rest.send("GET", "/api/v2/spot/account/assets", signed: true, as: [SpotPayloads.Asset].self) { [weak self] result in
            guard let self else { return }
            switch result {
            case .success(let assets): self.applyBalances(assets)
            case .failure(let error): self.report(error.pluginError, "balances")
            }
        }
    }

    func applyBalances(_ assets: [SpotPayloads.Asset]) {
        for asset in assets {
            do throws(PayloadError) {
                let balance = try SpotPayloads.balance(asset)
                guard balancesByAsset[balance.asset] != balance else { continue }
                balancesByAsset[balance.asset] = balance
                emit(.balance(balance))
            } catch {
                report(PluginError(SWL_ERR_EXCHANGE, "account: \(error.message)"), "balances")
            }
        }
    }

    // MARK: reads

    public func instrument(symbol: String) throws(PluginError) -> Instrument {
        try requireLoaded()
        guard let instrument = instrumentsBySymbol[symbol] else {
            throw PluginError(SWL_ERR_NOT_FOUND, "unknown symbol \(symbol)")
        }
        return instrument
    }

    public func instruments() throws(PluginError) -> [Instrument] {
        try requireLoaded()
        return instrumentsBySymbol.values.sorted { $0.symbol < $1.symbol }
    }

    public func order(clientOrderID: String) throws(PluginError) -> OrderSnapshot {
        guard let snapshot = orders.reported(clientOrderID) else {
            throw PluginError(SWL_ERR_NOT_FOUND, "unknown client order id \(clientOrderID)")
        }
        return snapshot
    }

    public func openOrders(symbol: String) throws(PluginError) -> [OrderSnapshot] {
        orders.openOrders(symbol: symbol).compactMap { orders.reported($0.clientOrderID) }
    }

    public func balances() throws(PluginError) -> [Balance] {
        balancesByAsset.values.sorted { $0.asset < $1.asset }
    }

    func requireLoaded() throws(PluginError) {
        guard loaded else { throw PluginError(SWL_ERR_STATE, "trading rules are not loaded yet (connector starting)") }
    }

    // MARK: events

    func emit(_ payload: EventPayload, symbol: String = "", exchangeTime: Int64 = 0) {
        let event = Event(context: EventContext(exchangeTime: exchangeTime, localTime: host.now, symbol: symbol),
                          payload: payload)
        do {
            try host.emit(event)
        } catch {
            host.log(.error, "emit failed: \(error.message)")
        }
    }

    /// Reports an asynchronous failure as an ERROR event and a log line.
    func report(_ error: PluginError, _ context: String, code: String = "", symbol: String = "") {
        host.log(.warning, "\(context): \(error.message)")
        emit(.error(ErrorReport(status: error.status, code: code, message: "\(context): \(error.message)")), symbol: symbol)
    }

    func connection(_ stream: String, _ state: ConnectionState, _ detail: String) {
        emit(.connection(ConnectionChange(stream: stream, state: state, detail: detail)))
    }

    func emitOrder(_ update: OrderUpdate?, symbol: String) {
        guard let update else { return }
        emit(.order(update), symbol: symbol)
        saveState()
    }
}

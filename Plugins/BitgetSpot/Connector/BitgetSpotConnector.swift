import BitgetCommon
import Foundation
public import SwiftletPluginKit

/// The Bitget spot connector (`bitget`): trading rules, checksummed order books, trades and
/// tickers, private order/fill/balance streams, order lifecycle by client id, and REST
/// reconciliation, over the host's services only. What spot and perpetual share lives in
/// `ConnectorCore` (BitgetCommon); this type adds spot's endpoints and payloads.
public final class BitgetSpotConnector: CoreBackedConnector, OrderGateway {
    public let core: ConnectorCore
    var host: PluginHost { core.host }
    var rest: BitgetREST { core.rest }
    var quoteScales: [String: Int32] = [:]
    /// `account` pushes received, and the count at each asset's latest one: a REST
    /// snapshot requested before that push is older than it for that asset.
    private var accountPushes = 0
    private var pushedAt: [String: Int] = [:]

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

    /// The `bitget` library's identity (Plugins/BitgetSpot/Entry); the versions built for
    /// hot-swap tests (Plugins/BitgetSpotVersions) pass their own.
    public static let build = ConnectorBuild(pluginID: "bitget", version: "1.0.0")

    public convenience init(host: PluginHost, config: String) throws(PluginError) {
        try self.init(host: host, config: config, build: Self.build)
    }

    /// An instance of another build of this connector (another version of the library).
    public init(host: PluginHost, config: String, build: ConnectorBuild) throws(PluginError) {
        core = ConnectorCore(host: host, config: try ConnectorConfig(json: config, defaultOrderIDPrefix: build.orderIDPrefix),
                             build: build, instType: "SPOT", stateKey: "spot.state", restLimits: Self.restLimits)
        core.gateway = self
    }

    // MARK: lifecycle

    public func start() throws(PluginError) {
        try core.start(privateChannels: [
            StreamSubscription(instType: "SPOT", channel: "orders", instId: "default"),
            StreamSubscription(instType: "SPOT", channel: "fill", instId: "default"),
            StreamSubscription(instType: "SPOT", channel: "account", instId: "default", idKey: "coin"),
        ], onPrivateMessage: { [weak self] in self?.privateMessage($0) }, loadRules: { [weak self] in self?.loadInstruments() })
    }

    public func stop() { core.stop() }

    private func loadInstruments(attempt: Int = 0) {
        guard core.started else { return }
        rest.send("GET", "/api/v2/spot/public/symbols", signed: false, as: [SpotPayloads.Symbol].self) { [weak self] result in
            guard let self, self.core.started else { return }
            switch result {
            case .success(let symbols):
                var rules: [String: Instrument] = [:]
                for symbol in symbols {
                    do throws(PayloadError) {
                        rules[symbol.symbol] = try SpotPayloads.instrument(symbol)
                        self.quoteScales[symbol.symbol] = SpotPayloads.quoteScale(symbol)
                    } catch {
                        self.core.report(PluginError(SWL_ERR_EXCHANGE, "symbol \(symbol.symbol) skipped: \(error.message)"), "symbols")
                    }
                }
                self.core.rulesLoaded(rules)
            case .failure(let error):
                self.core.report(error.pluginError, "symbols")
                self.core.retryLater(attempt: attempt) { [weak self] in self?.loadInstruments(attempt: $0) }
            }
        }
    }

    // MARK: private stream

    func privateMessage(_ bytes: UnsafeRawBufferPointer) {
        core.routePrivate(bytes) { channel, data throws(PayloadError) in
            switch channel {
            case "orders":
                for item in try ConnectorCore.items(SpotPayloads.OrderPush.self, in: data, channel: channel) {
                    try core.applyOrderPush(try SpotPayloads.report(item), fillTime: item.fillTime?.text) { clientID throws(PayloadError) in
                        try SpotPayloads.fill(item, clientOrderID: clientID)
                    }
                }
            case "fill":
                for item in try ConnectorCore.items(SpotPayloads.FillRecord.self, in: data, channel: channel) {
                    core.fill(try SpotPayloads.fill(item, clientOrderID: "", pushed: true), symbol: item.symbol,
                              time: try Field.milliseconds(item.cTime?.text, "cTime"))
                }
            case "account":
                let assets = try ConnectorCore.items(SpotPayloads.Asset.self, in: data, channel: channel)
                accountPushes += 1
                for asset in assets { pushedAt[asset.coin.uppercased()] = accountPushes }
                applyBalances(assets)
            default:
                break
            }
        }
    }

    func applyBalances(_ assets: [SpotPayloads.Asset]) {
        for asset in assets {
            do throws(PayloadError) {
                core.updateBalance(try SpotPayloads.balance(asset))
            } catch {
                core.report(PluginError(SWL_ERR_EXCHANGE, "account: \(error.message)"), "balances")
            }
        }
    }

    // MARK: OrderGateway (reconciliation reads)

    /// Balances over REST. An asset pushed after the request keeps the pushed (newer) value.
    public func refreshAccount() {
        let pushesAtRequest = accountPushes
        rest.send("GET", "/api/v2/spot/account/assets", signed: true, as: [SpotPayloads.Asset].self) { [weak self] result in
            guard let self else { return }
            switch result {
            case .success(let assets):
                self.applyBalances(assets.filter { (self.pushedAt[$0.coin.uppercased()] ?? 0) <= pushesAtRequest })
            case .failure(let error): self.core.report(error.pluginError, "balances")
            }
        }
    }

    public func fetchOrder(clientID: String, symbol: String,
                           completion: @escaping (Result<ExchangeOrderReport?, BitgetAPIError>) -> Void) {
        rest.send("GET", "/api/v2/spot/trade/orderInfo", query: [("clientOid", clientID)], signed: true,
                  as: [SpotPayloads.OrderInfo].self) { result in
            completion(result.flatMap { infos in
                guard let info = infos.first else { return .success(nil) }
                return BitgetAPIError.translating { () throws(PayloadError) in try SpotPayloads.report(info) }.map { $0 }
            })
        }
    }

    public func fetchOpenOrders(completion: @escaping (Result<[ExchangeOrderReport], BitgetAPIError>) -> Void) {
        fetchOpenOrders(before: nil, collected: [], completion: completion)
    }

    private func fetchOpenOrders(before: String?, collected: [ExchangeOrderReport],
                                 completion: @escaping (Result<[ExchangeOrderReport], BitgetAPIError>) -> Void) {
        var query = [("limit", "100")]
        if let before { query.append(("idLessThan", before)) }
        rest.send("GET", "/api/v2/spot/trade/unfilled-orders", query: query, signed: true,
                  as: [SpotPayloads.OrderInfo].self) { [weak self] result in
            switch result {
            case .failure(let error): completion(.failure(error))
            case .success(let page):
                var all = collected
                for info in page {
                    switch BitgetAPIError.translating({ () throws(PayloadError) in try SpotPayloads.report(info) }) {
                    case .success(let report): all.append(report)
                    case .failure(let error): self?.core.report(error.pluginError, "open orders")
                    }
                }
                if page.count == 100, let last = page.last?.orderId {
                    self?.fetchOpenOrders(before: last, collected: all, completion: completion)
                } else {
                    completion(.success(all))
                }
            }
        }
    }

    public func fetchFills(symbol: String, orderID: String?,
                           completion: @escaping (Result<[(Fill, Int64)], BitgetAPIError>) -> Void) {
        var query = [("symbol", symbol), ("limit", "100")]
        if let orderID { query.append(("orderId", orderID)) }
        rest.send("GET", "/api/v2/spot/trade/fills", query: query, signed: true,
                  as: [SpotPayloads.FillRecord].self) { result in
            completion(result.flatMap { records in
                BitgetAPIError.translating { () throws(PayloadError) in
                    var fills: [(Fill, Int64)] = []
                    for record in records {
                        fills.append((try SpotPayloads.fill(record, clientOrderID: ""),
                                      try Field.milliseconds(record.cTime?.text, "cTime")))
                    }
                    return fills
                }
            })
        }
    }
}

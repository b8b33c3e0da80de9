import BitgetCommon
import Foundation
public import SwiftletPluginKit

/// The Bitget perpetual connector (`bitget_perpetual`) for one productType (USDT-FUTURES,
/// USDC-FUTURES or COIN-FUTURES): everything `ConnectorCore` gives the spot connector, plus
/// position and margin modes, leverage, positions and funding.
public final class BitgetPerpetualConnector: PerpetualConnectorPlugin, CoreBackedConnector, OrderGateway {
    public let core: ConnectorCore
    let productType: String
    let fundingPoll: Duration
    var host: PluginHost { core.host }
    var rest: BitgetREST { core.rest }

    var contracts: [String: PerpPayloads.Contract] = [:]
    /// The account's position mode as last confirmed by the exchange (never changed on our own).
    var mode: PositionMode?
    var marginModes: [String: MarginMode] = [:]
    var defaultMarginMode: MarginMode = .crossed
    var leverages: [String: ExactDecimal] = [:]
    var defaultLeverage = ExactDecimal(20)
    /// Positions by "SYMBOL|long" / "SYMBOL|short".
    var positionsByKey: [String: PositionSnapshot] = [:]
    var funding: [String: FundingInfo] = [:]
    /// Positions pushes received, to tell a REST snapshot older than the latest push.
    var positionPushes = 0
    var fundingTimer: UInt64?

    /// REST budgets per endpoint, requests/second, from each endpoint's Bitget doc page.
    static let restLimits = RateLimiter(limits: [
        "/api/v2/public/time": 20,
        "/api/v2/mix/market/contracts": 20,
        "/api/v2/mix/market/current-fund-rate": 20,
        "/api/v2/mix/market/ticker": 20,
        "/api/v2/mix/order/place-order": 10,
        "/api/v2/mix/order/batch-place-order": 5,
        "/api/v2/mix/order/cancel-order": 10,
        "/api/v2/mix/order/batch-cancel-orders": 10,
        "/api/v2/mix/order/cancel-all-orders": 10,
        "/api/v2/mix/order/detail": 10,
        "/api/v2/mix/order/orders-pending": 10,
        "/api/v2/mix/order/fills": 10,
        "/api/v2/mix/account/accounts": 10,
        "/api/v2/mix/account/bill": 10,
        "/api/v2/mix/position/all-position": 5,
        "/api/v2/mix/account/set-leverage": 5,
        "/api/v2/mix/account/set-margin-mode": 5,
        "/api/v2/mix/account/set-position-mode": 5,
    ], defaultLimit: 10)

    /// The perpetual connector's own config key (the rest: `ConnectorConfig`).
    private struct Extra: Decodable {
        var funding_poll_ms: Int?
    }

    /// The `bitget_perpetual` library's identity (Plugins/BitgetPerpetual/Entry).
    public static let build = ConnectorBuild(pluginID: "bitget_perpetual", version: "1.0.0")

    public init(host: PluginHost, config: String) throws(PluginError) {
        let extra: Extra
        do {
            extra = try JSONDecoder().decode(Extra.self, from: Data((config.isEmpty ? "{}" : config).utf8))
        } catch {
            throw PluginError(SWL_ERR_INVALID_ARGUMENT, "config is not a valid JSON object of the documented keys: \(error)")
        }
        if let poll = extra.funding_poll_ms, poll <= 0 {
            throw PluginError(SWL_ERR_INVALID_ARGUMENT, "config key 'funding_poll_ms' must be positive")
        }
        let settings = try ConnectorConfig(json: config)
        productType = settings.productType
        fundingPoll = .milliseconds(extra.funding_poll_ms ?? 60_000)
        core = ConnectorCore(host: host, config: settings, build: Self.build, instType: productType,
                             stateKey: "perp.\(productType).state", restLimits: Self.restLimits)
        core.gateway = self
        core.onTicker = { [weak self] symbol, ticker in self?.tickerFunding(symbol, ticker) }
    }

    // MARK: lifecycle

    public func start() throws(PluginError) {
        // The `account` channel names `coin`, the others `instId` (Bitget's subscription examples).
        try core.start(privateChannels: ["orders", "fill", "account", "positions"].map {
            StreamSubscription(instType: productType, channel: $0, instId: "default", idKey: $0 == "account" ? "coin" : "instId")
        }, onPrivateMessage: { [weak self] in self?.privateMessage($0) }, loadRules: { [weak self] in self?.loadContracts() })
        fundingTimer = try host.startTimer(after: fundingPoll, every: fundingPoll) { [weak self] _ in self?.pollFunding() }
    }

    public func stop() {
        if let fundingTimer { try? host.cancelTimer(fundingTimer) }
        fundingTimer = nil
        core.stop()
    }

    private func loadContracts(attempt: Int = 0) {
        guard core.started else { return }
        rest.send("GET", "/api/v2/mix/market/contracts", query: [("productType", productType)], signed: false,
                  as: [PerpPayloads.Contract].self) { [weak self] result in
            guard let self, self.core.started else { return }
            switch result {
            case .success(let list):
                var rules: [String: Instrument] = [:]
                for contract in list {
                    do throws(PayloadError) {
                        rules[contract.symbol] = try PerpPayloads.instrument(contract)
                        self.contracts[contract.symbol] = contract
                    } catch {
                        self.core.report(PluginError(SWL_ERR_EXCHANGE, "contract \(contract.symbol) skipped: \(error.message)"), "contracts")
                    }
                }
                self.core.rulesLoaded(rules)
            case .failure(let error):
                self.core.report(error.pluginError, "contracts")
                self.core.retryLater(attempt: attempt) { [weak self] in self?.loadContracts(attempt: $0) }
            }
        }
    }

    // MARK: reads

    public func positionMode() throws(PluginError) -> PositionMode {
        guard let mode else { throw PluginError(SWL_ERR_STATE, "position mode not read from the exchange yet") }
        return mode
    }

    public func marginMode(symbol: String) throws(PluginError) -> MarginMode {
        _ = try core.instrument(symbol)
        return marginModes[symbol] ?? defaultMarginMode
    }

    public func leverage(symbol: String, side: PositionSide) throws(PluginError) -> ExactDecimal {
        _ = try core.instrument(symbol)
        return leverages[symbol] ?? defaultLeverage
    }

    public func position(symbol: String, side: PositionSide) throws(PluginError) -> PositionSnapshot {
        _ = try core.instrument(symbol)
        guard side != .none else { throw PluginError(SWL_ERR_INVALID_ARGUMENT, "a position is LONG or SHORT") }
        if let position = positionsByKey[Self.key(symbol, side)] { return position }
        return PositionSnapshot(symbol: symbol, position: Position(
            side: side, marginMode: marginModes[symbol] ?? defaultMarginMode, size: .zero, entryPrice: .zero, markPrice: .zero,
            unrealizedPnL: .zero, realizedPnL: .zero, margin: .zero, leverage: leverages[symbol] ?? defaultLeverage,
            liquidationPrice: .zero, marginAsset: ""))
    }

    public func positions() throws(PluginError) -> [PositionSnapshot] {
        positionsByKey.values.filter { !$0.position.size.isZero }
            .sorted { ($0.symbol, $0.position.side.rawValue) < ($1.symbol, $1.position.side.rawValue) }
    }

    public func fundingInfo(symbol: String) throws(PluginError) -> FundingInfo {
        _ = try core.instrument(symbol)
        guard let info = funding[symbol] else {
            throw PluginError(SWL_ERR_NOT_FOUND, "no funding info for \(symbol) yet (subscribe to its ticker or wait for the poll)")
        }
        return info
    }

    static func key(_ symbol: String, _ side: PositionSide) -> String { "\(symbol)|\(side == .long ? "long" : "short")" }
}

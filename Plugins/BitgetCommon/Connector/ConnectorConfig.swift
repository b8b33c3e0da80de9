import Foundation
public import SwiftletPluginKit

/// Configuration every Bitget connector accepts (the JSON object given to `create`).
/// Every endpoint defaults to Bitget production and can point anywhere (bitget-sim, demo).
///
/// ```json
/// {"rest_url": "http://127.0.0.1:8080", "ws_public_url": "ws://127.0.0.1:8080/v2/ws/public",
///  "ws_private_url": "ws://127.0.0.1:8080/v2/ws/private", "credential": "bitget"}
/// ```
public struct ConnectorConfig: Sendable {
    public var restURL = "https://api.bitget.com"
    public var publicWebSocketURL = "wss://ws.bitget.com/v2/ws/public"
    public var privateWebSocketURL = "wss://ws.bitget.com/v2/ws/private"
    /// Host credential to sign with; nil runs market data only.
    public var credential: String?
    /// REST reconciliation of orders and fills runs this often (and after every reconnect).
    public var reconcileInterval: Duration = .seconds(30)
    public var stream = StreamSettings()
    /// Adds Bitget's `paptrading: 1` header (demo trading).
    public var demoTrading = false
    /// Prefix of generated client order ids (letters and digits, up to 8).
    public var orderIDPrefix = "swl"
    /// The futures productType a perpetual connector or feed serves.
    public var productType = "USDT-FUTURES"

    /// Bitget's futures productTypes, demo trading's included.
    public static let productTypes: Set<String> = ["USDT-FUTURES", "USDC-FUTURES", "COIN-FUTURES",
                                                   "SUSDT-FUTURES", "SUSDC-FUTURES", "SCOIN-FUTURES"]

    private struct Raw: Decodable {
        var rest_url: String?
        var ws_public_url: String?
        var ws_private_url: String?
        var credential: String?
        var reconcile_interval_ms: Int?
        var ping_interval_ms: Int?
        var reconnect_base_ms: Int?
        var reconnect_max_ms: Int?
        var demo_trading: Bool?
        var order_id_prefix: String?
        var product_type: String?
    }

    public init() {}

    /// Parses the config object; refuses bad values naming the key. `defaultOrderIDPrefix`
    /// applies when the object sets no `order_id_prefix`.
    public init(json: String, defaultOrderIDPrefix: String = "swl") throws(PluginError) {
        let raw: Raw
        do {
            raw = try JSONDecoder().decode(Raw.self, from: Data((json.isEmpty ? "{}" : json).utf8))
        } catch {
            throw PluginError(SWL_ERR_INVALID_ARGUMENT, "config is not a valid JSON object of the documented keys: \(error)")
        }
        func url(_ value: String?, _ key: String, schemes: [String]) throws(PluginError) -> String? {
            guard let value else { return nil }
            guard let scheme = value.split(separator: ":").first, schemes.contains(String(scheme)),
                  value.contains("://") else {
                throw PluginError(SWL_ERR_INVALID_ARGUMENT, "config key '\(key)' must be a \(schemes.joined(separator: "/")) URL")
            }
            return value
        }
        func positive(_ value: Int?, _ key: String) throws(PluginError) -> Duration? {
            guard let value else { return nil }
            guard value > 0 else { throw PluginError(SWL_ERR_INVALID_ARGUMENT, "config key '\(key)' must be positive") }
            return .milliseconds(value)
        }
        if let v = try url(raw.rest_url, "rest_url", schemes: ["http", "https"]) { restURL = v }
        if let v = try url(raw.ws_public_url, "ws_public_url", schemes: ["ws", "wss"]) { publicWebSocketURL = v }
        if let v = try url(raw.ws_private_url, "ws_private_url", schemes: ["ws", "wss"]) { privateWebSocketURL = v }
        if let credential = raw.credential {
            guard !credential.isEmpty else { throw PluginError(SWL_ERR_INVALID_ARGUMENT, "config key 'credential' is empty") }
            self.credential = credential
        }
        if let v = try positive(raw.reconcile_interval_ms, "reconcile_interval_ms") { reconcileInterval = v }
        if let v = try positive(raw.ping_interval_ms, "ping_interval_ms") { stream.pingInterval = v }
        if let v = try positive(raw.reconnect_base_ms, "reconnect_base_ms") { stream.baseBackoff = v }
        if let v = try positive(raw.reconnect_max_ms, "reconnect_max_ms") { stream.maxBackoff = v }
        demoTrading = raw.demo_trading ?? false
        orderIDPrefix = defaultOrderIDPrefix
        if let prefix = raw.order_id_prefix {
            guard prefix.count <= 8, prefix.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber) }) else {
                throw PluginError(SWL_ERR_INVALID_ARGUMENT, "config key 'order_id_prefix' must be up to 8 letters or digits")
            }
            orderIDPrefix = prefix
        }
        if let type = raw.product_type {
            guard Self.productTypes.contains(type.uppercased()) else {
                throw PluginError(SWL_ERR_INVALID_ARGUMENT,
                                  "config key 'product_type' must be one of \(Self.productTypes.sorted().joined(separator: ", "))")
            }
            productType = type.uppercased()
        }
    }
}

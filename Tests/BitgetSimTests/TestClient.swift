import BitgetSim
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// A minimal, independent Bitget REST client for the tests (URLSession + Bitget signing).
struct RestClient {
    let base: String
    var key = "sim-key"
    var secret = "sim-secret"
    var passphrase = "sim-passphrase"
    var timestampOffset: Int64 = 0

    /// Sends a request; returns HTTP status and the parsed JSON body.
    func call(_ method: String, _ path: String, query: String = "", body: String = "", signed: Bool = false,
              sign overrideSign: String? = nil) async throws -> (Int, [String: Any]) {
        let (status, text) = try await callText(method, path, query: query, body: body, signed: signed, sign: overrideSign)
        let json = (try JSONSerialization.jsonObject(with: Data(text.utf8))) as? [String: Any] ?? [:]
        return (status, json)
    }

    /// Sends a request; returns HTTP status and the body text as received.
    func callText(_ method: String, _ path: String, query: String = "", body: String = "", signed: Bool = false,
                  sign overrideSign: String? = nil) async throws -> (Int, String) {
        var request = URLRequest(url: URL(string: base + path + (query.isEmpty ? "" : "?" + query))!)
        request.httpMethod = method
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        if !body.isEmpty { request.httpBody = Data(body.utf8) }
        if signed {
            let ts = String(Int64(Date().timeIntervalSince1970 * 1000) + timestampOffset)
            let sign = overrideSign ?? BitgetSign.sign(
                BitgetSign.restPrehash(timestamp: ts, method: method, path: path, query: query, body: body), secret: secret)
            request.setValue(key, forHTTPHeaderField: "ACCESS-KEY")
            request.setValue(sign, forHTTPHeaderField: "ACCESS-SIGN")
            request.setValue(ts, forHTTPHeaderField: "ACCESS-TIMESTAMP")
            request.setValue(passphrase, forHTTPHeaderField: "ACCESS-PASSPHRASE")
        }
        let (data, response) = try await URLSession.shared.data(for: request)
        return ((response as! HTTPURLResponse).statusCode, String(decoding: data, as: UTF8.self))
    }

    func get(_ path: String, _ query: String = "", signed: Bool = false) async throws -> [String: Any] {
        try await call("GET", path, query: query, signed: signed).1
    }

    func post(_ path: String, _ body: String) async throws -> [String: Any] {
        try await call("POST", path, body: body, signed: true).1
    }
}

/// A simulator for tests: no agents unless asked; it publishes the books every 20 ms, or
/// only when told (`publishNow`) with `periodicPublishing: false`, for a test that must know
/// which update each push carries.
func quietSim(agents: Bool = false, idle: Int = 120, periodicPublishing: Bool = true) async throws -> BitgetSimulator {
    var config = SimConfig()
    config.agents = agents
    config.publishIntervalMs = periodicPublishing ? 20 : 3_600_000
    config.agentIntervalMs = 20
    config.wsIdleTimeoutSeconds = idle
    config.rateLimits = false
    config.historyDays = 2
    return try await BitgetSimulator.start(config)
}

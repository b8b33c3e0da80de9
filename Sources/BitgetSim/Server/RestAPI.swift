import SwiftletCore

/// Routes Bitget v2 REST paths to the exchange.
final class RestAPI: @unchecked Sendable {
    typealias Handler = (RestRequest, Int32) throws -> JSONValue

    let exchange: Exchange
    let limiter = RateLimiter()
    let faults: Faults
    let hub: StreamHub
    /// Public routes by `METHOD path`.
    var publicRoutes: [String: (RestRequest) throws -> JSONValue] = [:]
    /// Signed routes by `METHOD path`; the handler gets the account index.
    var privateRoutes: [String: Handler] = [:]

    init(exchange: Exchange, faults: Faults, hub: StreamHub) {
        self.exchange = exchange
        self.faults = faults
        self.hub = hub
        registerMarket()
        registerSpotTrading()
        registerFutures()
    }

    /// Answers one request.
    func handle(_ request: RestRequest) -> RestResponse {
        if request.path.hasPrefix("/admin/") { return admin(request) }
        let now = WallClock.milliseconds()
        let fault = faults.read()
        if fault.restErrorsUntil > now { return .error(.injected5xx) }
        if fault.rateLimitUntil > now { return .error(.tooManyRequests) }
        let route = request.method + " " + request.path
        if request.path == "/api/v3/account/settings" || request.path.hasPrefix("/api/v3/") {
            return .error(.unifiedOnly)
        }
        if let handler = publicRoutes[route] {
            if exchange.config.rateLimits, !limiter.allow(path: request.path, who: request.remote, now: now) {
                return .error(.tooManyRequests)
            }
            do { return .ok(try handler(request)) } catch { return .error(RestAPI.bitget(error)) }
        }
        if let handler = privateRoutes[route] {
            do {
                let owner = try exchange.locked { () throws(BitgetError) -> Int32 in
                    try exchange.authenticate(key: request.header("ACCESS-KEY"), sign: request.header("ACCESS-SIGN"),
                                              timestamp: request.header("ACCESS-TIMESTAMP"),
                                              passphrase: request.header("ACCESS-PASSPHRASE"), method: request.method,
                                              path: request.path, query: request.rawQuery, body: request.body)
                }
                if exchange.config.rateLimits,
                   !limiter.allow(path: request.path, who: request.header("ACCESS-KEY") ?? "", now: now) {
                    return .error(.tooManyRequests)
                }
                return .ok(try handler(request, owner))
            } catch {
                return .error(RestAPI.bitget(error))
            }
        }
        return .error(.notFound)
    }

    /// Any error as Bitget's envelope error.
    static func bitget(_ error: any Error) -> BitgetError {
        (error as? BitgetError) ?? BitgetError(status: 500, code: "40015", msg: "System error")
    }

    /// The JSON body of a POST, or Bitget's parameter error.
    static func body(_ request: RestRequest) throws(BitgetError) -> JSONValue {
        guard !request.body.isEmpty else { return .object([]) }
        guard let value = try? JSONParser.parse(request.body) else { throw .malformedBody }
        guard case .object = value else { throw .malformedBody }
        return value
    }

    /// `limit` query parameter clamped to `1...max`.
    static func limit(_ request: RestRequest, default value: Int, max: Int) -> Int {
        guard let text = request.query["limit"], let n = Int(text), n > 0 else { return value }
        return min(n, max)
    }
}

import BitgetCommon
import Foundation
public import SwiftletPluginKit

/// Bitget candle feeds: `bitget_spot_candles` and `bitget_perpetual_candles`. History is
/// paged from the history-candles endpoints; live candles come from the WebSocket candle
/// channels. Closed candles are always taken from REST (the exchange's final values), so a
/// live window equals the exchange's history; the forming candle comes from the stream.
public final class BitgetCandleFeeds: CandleFeedPlugin {
    public static let spotFeed = "bitget_spot_candles"
    public static let perpetualFeed = "bitget_perpetual_candles"

    let host: PluginHost
    let config: ConnectorConfig
    let productType: String
    let rest: BitgetREST
    var streams: [String: BitgetStream] = [:]
    var subscriptions: [SubscriptionKey: CandleSubscription] = [:]
    var started = false

    /// history-candles serves at most 200 rows per request (Bitget's documentation).
    static let pageLimit = 200
    static let restLimits = RateLimiter(limits: [
        "/api/v2/spot/market/history-candles": 20, "/api/v2/mix/market/history-candles": 20,
        "/api/v2/spot/market/candles": 20, "/api/v2/mix/market/candles": 20,
    ], defaultLimit: 10)

    public struct SubscriptionKey: Hashable, Sendable {
        public let feed: String
        public let symbol: String
        public let interval: String
    }

    public init(host: PluginHost, config: String) throws(PluginError) {
        self.host = host
        self.config = try ConnectorConfig(json: config)
        productType = self.config.productType
        rest = BitgetREST(host: host, baseURL: self.config.restURL, credential: nil, limits: Self.restLimits)
    }

    public func feeds() -> [String] { [Self.spotFeed, Self.perpetualFeed] }

    public func start() throws(PluginError) {
        started = true
        rest.syncTime { [weak self] result in
            if case .failure(let error) = result { self?.report(error.pluginError, "server time") }
        }
    }

    public func stop() {
        started = false
        for stream in streams.values { stream.stop() }
        streams = [:]
    }

    // MARK: subscriptions

    public func subscribe(feed: String, symbol: String, interval: String, history: Int) throws(PluginError) {
        guard started else { throw PluginError(SWL_ERR_STATE, "candle feeds are not started") }
        let resolved = try resolve(feed: feed, interval: interval)
        guard !symbol.isEmpty else { throw PluginError(SWL_ERR_INVALID_ARGUMENT, "symbol is empty") }
        let key = SubscriptionKey(feed: feed, symbol: symbol, interval: interval)
        guard subscriptions[key] == nil else { return }
        let subscription = CandleSubscription(key: key, interval: resolved, capacity: max(history, 1), feeds: self)
        subscriptions[key] = subscription
        subscription.backfill(count: history)
        stream(for: feed).subscribe([StreamSubscription(instType: instType(feed), channel: resolved.channel, instId: symbol)])
    }

    public func unsubscribe(feed: String, symbol: String, interval: String) throws(PluginError) {
        let key = SubscriptionKey(feed: feed, symbol: symbol, interval: interval)
        guard let subscription = subscriptions.removeValue(forKey: key) else {
            throw PluginError(SWL_ERR_NOT_FOUND, "not subscribed to \(feed) \(symbol) \(interval)")
        }
        subscription.cancel()
        streams[feed]?.unsubscribe([StreamSubscription(instType: instType(feed), channel: subscription.interval.channel,
                                                       instId: symbol)])
    }

    public func window(feed: String, symbol: String, interval: String) throws(PluginError) -> CandleRing {
        guard let subscription = subscriptions[SubscriptionKey(feed: feed, symbol: symbol, interval: interval)] else {
            throw PluginError(SWL_ERR_NOT_FOUND, "not subscribed to \(feed) \(symbol) \(interval)")
        }
        return subscription.ring
    }

    public func fetchRange(feed: String, symbol: String, interval: String, start: Int64, end: Int64,
                           completion: @escaping (Result<[Candle], PluginError>) -> Void) throws(PluginError) {
        let resolved = try resolve(feed: feed, interval: interval)
        let startMs = start / 1_000_000
        let endMs = (end + 999_999) / 1_000_000
        history(feed: feed, symbol: symbol, interval: resolved, before: endMs, from: startMs, count: nil) { [weak self] result in
            guard let self else { return }
            completion(result.map { candles in
                let now = self.rest.exchangeNowMs
                return candles.filter {
                    $0.openTime >= start && $0.openTime < end && resolved.endMs(of: $0.openTime / 1_000_000) <= now
                }
            }.mapError(\.pluginError))
        }
    }

    func resolve(feed: String, interval: String) throws(PluginError) -> CandleInterval {
        guard feed == Self.spotFeed || feed == Self.perpetualFeed else {
            throw PluginError(SWL_ERR_NOT_FOUND, "unknown feed \(feed); this plugin serves \(feeds().joined(separator: ", "))")
        }
        guard let resolved = CandleInterval.named(interval) else {
            throw PluginError(SWL_ERR_INVALID_ARGUMENT,
                              "unknown interval \(interval); use one of \(CandleInterval.all.map(\.name).joined(separator: ", "))")
        }
        return resolved
    }

    func instType(_ feed: String) -> String { feed == Self.spotFeed ? "SPOT" : productType }

    // MARK: REST history

    /// Closed and forming candles with `from <= openTime < before` (ms), oldest first, paging
    /// backwards through history-candles; stops early once `count` candles are collected.
    func history(feed: String, symbol: String, interval: CandleInterval, before: Int64, from: Int64?, count: Int?,
                 collected: [Int64: Candle] = [:], completion: @escaping (Result<[Candle], BitgetAPIError>) -> Void) {
        let spot = feed == Self.spotFeed
        var query = [("symbol", symbol), ("granularity", spot ? interval.spotREST : interval.futuresREST),
                     ("endTime", String(before)), ("limit", String(Self.pageLimit))]
        if !spot { query.insert(("productType", productType), at: 1) }
        let path = spot ? "/api/v2/spot/market/history-candles" : "/api/v2/mix/market/history-candles"
        rest.send("GET", path, query: query, signed: false, as: [[String]].self) { [weak self] result in
            guard let self else { return }
            switch result {
            case .failure(let error): completion(.failure(error))
            case .success(let rows):
                var all = collected
                var oldest = Int64.max
                for row in rows {
                    do throws(PayloadError) {
                        let candle = try CandlePayloads.candle(row)
                        let ms = candle.openTime / 1_000_000
                        oldest = min(oldest, ms)
                        if ms < before, from.map({ ms >= $0 }) ?? true { all[candle.openTime] = candle }
                    } catch {
                        self.report(PluginError(SWL_ERR_EXCHANGE, "\(symbol) \(interval.name): \(error.message)"), "history", symbol: symbol)
                    }
                }
                let enough = count.map { all.count >= $0 } ?? false
                let reachedStart = from.map { oldest <= $0 } ?? false
                // An empty page, or one that did not go further back, ends the history.
                if rows.isEmpty || enough || reachedStart || oldest >= before {
                    completion(.success(all.values.sorted { $0.openTime < $1.openTime }))
                } else {
                    self.history(feed: feed, symbol: symbol, interval: interval, before: oldest, from: from, count: count,
                                 collected: all, completion: completion)
                }
            }
        }
    }

    // MARK: live

    private func stream(for feed: String) -> BitgetStream {
        if let stream = streams[feed] { return stream }
        let stream = BitgetStream(host: host, name: feed, url: config.publicWebSocketURL, settings: config.stream,
                                  onMessage: { [weak self] in self?.message($0, feed: feed) },
                                  onNotice: { [weak self] in self?.notice($0, feed: feed) })
        streams[feed] = stream
        stream.start()
        return stream
    }

    /// A decoded candle push: its channel, symbol and candles (oldest first).
    public struct CandlePush: Sendable {
        public let channel: String
        public let symbol: String
        public let candles: [Candle]
        /// Rows that were refused, with why.
        public let refused: [String]
    }

    /// Parses one WebSocket candle push (the live path, also what the benchmark measures).
    public static func parsePush(_ bytes: UnsafeRawBufferPointer) throws(PayloadError) -> CandlePush {
        let push = try decodePayload(MarketPayloads.Push<[String]>.self, from: Data(bytes), what: "candle push")
        var candles: [Candle] = []
        var refused: [String] = []
        for row in push.data {
            do throws(PayloadError) { candles.append(try CandlePayloads.candle(row)) } catch { refused.append(error.message) }
        }
        return CandlePush(channel: push.arg.channel, symbol: push.arg.instId ?? "",
                          candles: candles.sorted { $0.openTime < $1.openTime }, refused: refused)
    }

    private func message(_ bytes: UnsafeRawBufferPointer, feed: String) {
        let push: CandlePush
        do throws(PayloadError) {
            push = try Self.parsePush(bytes)
        } catch {
            report(PluginError(SWL_ERR_EXCHANGE, error.message), "\(feed) stream")
            return
        }
        for reason in push.refused {
            report(PluginError(SWL_ERR_EXCHANGE, "\(push.symbol) \(push.channel): \(reason)"), "\(feed) stream", symbol: push.symbol)
        }
        guard let interval = CandleInterval.all.first(where: { $0.channel == push.channel }),
              let subscription = subscriptions[SubscriptionKey(feed: feed, symbol: push.symbol, interval: interval.name)] else { return }
        for candle in push.candles { subscription.live(candle) }
    }

    private func notice(_ notice: BitgetStream.Notice, feed: String) {
        let state: ConnectionState
        var detail = ""
        switch notice {
        case .ready: state = .connected
        case .lost(let reason): state = .disconnected; detail = reason
        case .reconnecting: state = .reconnecting
        case .error(let code, let message):
            report(PluginError(SWL_ERR_EXCHANGE, message), "\(feed) stream", code: code)
            return
        }
        emit(.connection(ConnectionChange(stream: feed, state: state, detail: detail)))
    }

    // MARK: events

    func emit(_ payload: EventPayload, symbol: String = "", exchangeTime: Int64 = 0) {
        do {
            try host.emit(Event(context: EventContext(exchangeTime: exchangeTime, localTime: host.now, symbol: symbol), payload: payload))
        } catch {
            host.log(.error, "emit failed: \(error.message)")
        }
    }

    func report(_ error: PluginError, _ context: String, code: String = "", symbol: String = "") {
        host.log(.warning, "\(context): \(error.message)")
        emit(.error(ErrorReport(status: error.status, code: code, message: "\(context): \(error.message)")), symbol: symbol)
    }
}

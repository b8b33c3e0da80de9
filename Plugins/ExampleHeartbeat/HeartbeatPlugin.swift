import Foundation
import SwiftletPluginKit

/// Example strategy plugin in Swift; `Plugins/ExampleC/heartbeat.c` is its twin in C
/// and the same tests run against both.
///
/// Every `interval_ms` it fetches `url` (whose body is a plain decimal price) until it
/// has `count` answers, emits each price as a TICKER event and stores the last one in
/// the host's key-value store. As a strategy it counts TIMER events and echoes each
/// TRADE event back as a TICKER.
final class HeartbeatPlugin: StrategyPlugin {
    private struct Config: Decodable {
        var url: String?
        var interval_ms: Int?
        var symbol: String?
        var count: Int?
    }

    private let host: PluginHost
    private let url: String
    private let interval: Duration
    private let symbol: String
    private let count: Int
    private var sent = 0
    private var answered = 0
    private var timer: UInt64?
    private(set) var timerEvents = 0

    init(host: PluginHost, config: String) throws(PluginError) {
        let parsed: Config
        do {
            parsed = try JSONDecoder().decode(Config.self, from: Data(config.utf8))
        } catch {
            throw PluginError(SWL_ERR_INVALID_ARGUMENT, "config is not a valid JSON object: \(error)")
        }
        guard let url = parsed.url, !url.isEmpty else {
            throw PluginError(SWL_ERR_INVALID_ARGUMENT, "config key 'url' is required")
        }
        let intervalMilliseconds = parsed.interval_ms ?? 1000
        guard intervalMilliseconds > 0 else {
            throw PluginError(SWL_ERR_INVALID_ARGUMENT, "config key 'interval_ms' must be positive")
        }
        let symbol = parsed.symbol ?? "BTCUSDT"
        guard !symbol.isEmpty else { throw PluginError(SWL_ERR_INVALID_ARGUMENT, "config key 'symbol' must not be empty") }
        let count = parsed.count ?? 3
        guard count > 0 else { throw PluginError(SWL_ERR_INVALID_ARGUMENT, "config key 'count' must be positive") }
        self.host = host
        self.url = url
        self.interval = .milliseconds(intervalMilliseconds)
        self.symbol = symbol
        self.count = count
    }

    func start() throws(PluginError) {
        timer = try host.startTimer(after: interval, every: interval) { [weak self] _ in self?.tick() }
    }

    func stop() {
        if let timer { try? host.cancelTimer(timer) }
        timer = nil
    }

    func onEvent(_ event: Event) throws(PluginError) {
        switch event.payload {
        case .timer:
            timerEvents += 1
        case .trade(let trade):
            let context = EventContext(localTime: host.now, symbol: event.context.symbol)
            try host.emit(Event(context: context, payload: .ticker(Ticker(lastPrice: trade.price))))
        default:
            break
        }
    }

    private func tick() {
        guard sent < count else { return }
        sent += 1
        do {
            try host.request(url: url) { [weak self] result in self?.handle(result) }
        } catch {
            // Refused up front: it still counts as an answer, so the timer stops after `count`.
            handle(.failure(error))
        }
    }

    private func handle(_ result: Result<PluginHost.HTTPResponse, PluginError>) {
        answered += 1
        defer {
            if answered >= count {
                stop()
                host.log(.info, "heartbeat done")
            }
        }
        switch result {
        case .failure(let error):
            report(PluginError(SWL_ERR_IO, "GET \(url) failed: \(error.message)"))
        case .success(let response) where response.status != 200:
            report(PluginError(SWL_ERR_EXCHANGE, "GET \(url) answered HTTP \(response.status)"))
        case .success(let response):
            guard let price = try? ExactDecimal(response.text) else {
                report(PluginError(SWL_ERR_EXCHANGE, "GET \(url) answered a body that is not a decimal"))
                return
            }
            do {
                let context = EventContext(localTime: host.now, symbol: symbol)
                try host.emit(Event(context: context, payload: .ticker(Ticker(lastPrice: price))))
                try host.store(response.body, forKey: "last_price")
            } catch {
                report(error)
            }
        }
    }

    private func report(_ error: PluginError) {
        let context = EventContext(localTime: host.now, symbol: symbol)
        try? host.emit(Event(context: context,
                             payload: .error(ErrorReport(status: error.status, code: "", message: error.message))))
    }
}

let export = PluginExport(PluginManifest(
    id: "example_heartbeat", version: "1.0.0", name: "Example heartbeat (Swift)",
    vendor: "Swiftlet", summary: "Polls a price over HTTP on a timer and emits it as a ticker.",
    kinds: UInt64(SWL_KIND_STRATEGY)
) { host, config throws(PluginError) in try HeartbeatPlugin(host: host, config: config) })

/// The library's one exported symbol (entry.h).
@_cdecl("swiftlet_plugin_entry")
public func swiftletPluginEntry() -> UnsafePointer<swl_plugin_descriptor_t> {
    export.descriptor
}

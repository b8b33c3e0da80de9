public import SwiftletPluginKit

/// The `candle_directional` strategy plugin: parses the config, takes the host's trading
/// API and hands events to a `CandleDirectionalTrader`. Time limits and exit retries run
/// on the host's TIMER events (one per bot tick). Stopping leaves an open position as it is.
public final class CandleDirectionalPlugin: StrategyPlugin {
    private let host: PluginHost
    public let trader: CandleDirectionalTrader

    public init(host: PluginHost, config: String) throws(PluginError) {
        self.host = host
        let parsed = try CandleDirectionalConfig(json: config)
        trader = CandleDirectionalTrader(config: parsed, trading: try host.trading()) { [host] level, message in
            host.log(level, message)
        }
    }

    public func start() throws(PluginError) {
        try trader.start()
    }

    public func stop() {}

    public func onEvent(_ event: Event) throws(PluginError) {
        trader.handle(event, now: host.now)
    }
}

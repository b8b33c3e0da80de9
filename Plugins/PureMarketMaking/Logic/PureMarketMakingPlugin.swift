public import SwiftletPluginKit

/// The `pure_market_making` strategy plugin: parses the config, takes the host's trading
/// API and hands events to a `PureMarketMaker`. Ticks are the host's TIMER events (one per
/// bot tick, default 1 s), so the strategy starts no timer of its own.
public final class PureMarketMakingPlugin: StrategyPlugin {
    private let host: PluginHost
    public let maker: PureMarketMaker

    public init(host: PluginHost, config: String) throws(PluginError) {
        self.host = host
        let parsed = try PureMarketMakingConfig(json: config)
        maker = PureMarketMaker(config: parsed, trading: try host.trading()) { [host] level, message in
            host.log(level, message)
        }
    }

    public func start() throws(PluginError) {
        try maker.start()
    }

    public func stop() {
        maker.stop()
    }

    public func onEvent(_ event: Event) throws(PluginError) {
        maker.handle(event, now: host.now)
    }
}

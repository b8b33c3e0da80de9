public import SwiftletPluginKit

/// The `candle_directional` strategy plugin: parses the config, takes the host's trading
/// API and hands events to a `CandleDirectionalTrader`. Time limits and exit retries run
/// on the host's TIMER events (one per bot tick). Stopping leaves an open position as it is.
///
/// Hot-swappable: its position, cooldown and candle window move to the next instance (the
/// host holds the strategy's events meanwhile, so a quiesced instance simply gets none).
public final class CandleDirectionalPlugin: StrategyPlugin, HotSwappable {
    private let host: PluginHost
    public let trader: CandleDirectionalTrader
    private var quiesced = false
    private var started = false

    public init(host: PluginHost, config: String) throws(PluginError) {
        self.host = host
        let parsed = try CandleDirectionalConfig(json: config)
        trader = CandleDirectionalTrader(config: parsed, trading: try host.trading()) { [host] level, message in
            host.log(level, message)
        }
    }

    public func start() throws(PluginError) {
        try trader.start()
        started = true
    }

    public func stop() {}

    public func quiesce() throws(PluginError) {
        guard started else { throw PluginError(SWL_ERR_STATE, "not running") }
        quiesced = true
    }

    public func resume() throws(PluginError) {
        quiesced = false
    }

    public func exportState() throws(PluginError) -> String {
        guard quiesced else { throw PluginError(SWL_ERR_STATE, "export needs a quiesced instance") }
        return try trader.handover.encoded()
    }

    public func importState(_ state: String) throws(PluginError) {
        guard !started else { throw PluginError(SWL_ERR_STATE, "import needs an instance that has not started") }
        trader.adopt(try CandleDirectionalHandover.decode(state))
    }

    public func onEvent(_ event: Event) throws(PluginError) {
        trader.handle(event, now: host.now)
    }
}

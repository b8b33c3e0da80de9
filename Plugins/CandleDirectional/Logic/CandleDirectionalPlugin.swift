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
    private var phase = HotSwapPhase()

    public init(host: PluginHost, config: String) throws(PluginError) {
        self.host = host
        let parsed = try CandleDirectionalConfig(json: config)
        trader = CandleDirectionalTrader(config: parsed, trading: try host.trading()) { [host] level, message in
            host.log(level, message)
        }
    }

    public func start() throws(PluginError) {
        try trader.start()
        phase.didStart()
    }

    public func stop() {}

    public func quiesce() throws(PluginError) { try phase.quiesce() }

    public func resume() throws(PluginError) { phase.resume() }

    public func exportState() throws(PluginError) -> String {
        try phase.checkExport()
        return try trader.handover.encoded()
    }

    public func importState(_ state: String) throws(PluginError) {
        try phase.checkImport()
        trader.adopt(try CandleDirectionalHandover.decode(state))
    }

    public func onEvent(_ event: Event) throws(PluginError) {
        trader.handle(event, now: host.now)
    }
}

public import SwiftletPluginKit

/// The `pure_market_making` strategy plugin: parses the config, takes the host's trading
/// API and hands events to a `PureMarketMaker`. Ticks are the host's TIMER events (one per
/// bot tick, default 1 s), so the strategy starts no timer of its own.
///
/// Hot-swappable: its orders and refresh timers move to the next instance (the host holds
/// the strategy's events meanwhile, so a quiesced instance simply gets none).
public final class PureMarketMakingPlugin: StrategyPlugin, HotSwappable {
    private let host: PluginHost
    public let maker: PureMarketMaker
    private var phase = HotSwapPhase()

    public init(host: PluginHost, config: String) throws(PluginError) {
        self.host = host
        let parsed = try PureMarketMakingConfig(json: config)
        maker = PureMarketMaker(config: parsed, trading: try host.trading()) { [host] level, message in
            host.log(level, message)
        }
    }

    public func start() throws(PluginError) {
        try maker.start()
        phase.didStart()
    }

    /// Cancels the strategy's orders, unless it was quiesced for a hot swap: then they
    /// belong to the instance that carries on.
    public func stop() {
        if !phase.quiesced { maker.stop() }
    }

    public func quiesce() throws(PluginError) { try phase.quiesce() }

    public func resume() throws(PluginError) { phase.resume() }

    public func exportState() throws(PluginError) -> String {
        try phase.checkExport()
        return try maker.handover.encoded()
    }

    public func importState(_ state: String) throws(PluginError) {
        try phase.checkImport()
        maker.adopt(try PureMarketMakingHandover.decode(state))
    }

    public func onEvent(_ event: Event) throws(PluginError) {
        maker.handle(event, now: host.now)
    }
}

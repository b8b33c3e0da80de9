/// What the control endpoint asks of a running bot. The bot runtime implements it and hands
/// it to ``ControlServer``; further operations get routes through
/// ``ControlServer/init(socketPath:control:routes:logger:)``'s `routes`.
public protocol BotControl: Sendable {
    /// A snapshot of the bot's state.
    func status() async -> BotStatus
    /// Stops the bot: cancel orders as configured, stop plugins, close the control endpoint.
    /// Called after `POST /stop` has been answered, so it may shut the server down.
    func stop() async
    /// Hot-swaps a connector to another installed version of its plugin; throws
    /// ``PluginSwapRefused`` when the swap did not happen.
    func swapPlugin(_ request: PluginSwapRequest) async throws(PluginSwapRefused) -> PluginSwapOutcome
}

extension BotControl {
    /// Bots that cannot hot-swap refuse.
    public func swapPlugin(_ request: PluginSwapRequest) async throws(PluginSwapRefused) -> PluginSwapOutcome {
        throw PluginSwapRefused("this bot does not support hot swap")
    }
}

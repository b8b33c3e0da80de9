/// What the control endpoint asks of a running bot. The bot runtime implements it and hands
/// it to ``ControlServer``; further operations get routes through
/// ``ControlServer/init(socketPath:control:routes:logger:)``'s `routes`.
public protocol BotControl: Sendable {
    /// A snapshot of the bot's state.
    func status() async -> BotStatus
    /// Stops the bot: cancel orders as configured, stop plugins, close the control endpoint.
    /// Called after `POST /stop` has been answered, so it may shut the server down.
    func stop() async
}

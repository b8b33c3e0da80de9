import ServiceLifecycle

/// A server (a Hummingbird application) serving in the background for a test, stopped
/// gracefully: cancelling the task that serves it can trap in NIO when a connection is
/// accepted just then ("Deinited NIOAsyncWriter without calling finish()", swift-nio#3481).
public final class BackgroundServer: Sendable {
    private let group: ServiceGroup
    private let task: Task<Void, any Error>

    /// Starts serving `service` at once.
    public init(_ service: some Service) {
        let group = ServiceGroup(services: [service])
        self.group = group
        task = Task { try await group.run() }
    }

    /// Stops accepting, lets open connections finish (WebSockets are closed normally) and
    /// returns once the server is down. Idempotent.
    public func stop() async {
        await group.triggerGracefulShutdown()
        _ = await task.result
    }
}

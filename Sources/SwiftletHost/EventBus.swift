public import SwiftletCore
import Synchronization

/// Fans normalized events out to subscribers (state keepers, persistence, strategies).
///
/// `publish` runs on the emitting plugin's thread and calls every handler in
/// subscription order before returning, so handlers must not block: a slow consumer
/// hands the event to its own queue.
public final class EventBus: Sendable {
    /// Receives one event.
    public typealias Handler = @Sendable (Event) -> Void

    private let handlers = Mutex<[(token: UInt64, handler: Handler)]>([])
    private let nextToken = Atomic<UInt64>(1)

    public init() {}

    /// Adds a handler; returns a token for `unsubscribe`.
    @discardableResult
    public func subscribe(_ handler: @escaping Handler) -> UInt64 {
        let token = nextToken.add(1, ordering: .relaxed).oldValue
        handlers.withLock { $0.append((token, handler)) }
        return token
    }

    /// Removes a handler; unknown tokens are ignored.
    public func unsubscribe(_ token: UInt64) {
        handlers.withLock { $0.removeAll { $0.token == token } }
    }

    /// Delivers `event` to every handler.
    public func publish(_ event: Event) {
        let current = handlers.withLock { $0 }
        for entry in current { entry.handler(event) }
    }
}

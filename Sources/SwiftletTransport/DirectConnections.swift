import NIOCore
import NIOPosix
import NIOSSL
import Synchronization

/// The ``DirectConnection``s of an ``HTTPService``: up to ``perLoop`` per origin and event
/// loop. A request made on a loop takes an idle one; when none is idle it goes through
/// AsyncHTTPClient, and one more connection is opened for next time, so a loop that sends
/// bursts (a quote refresh: cancel, then place both sides) ends up with one per request of
/// the burst.
final class DirectConnections: Sendable {
    private struct Key: Hashable {
        let origin: DirectConnection.Origin
        let loop: ObjectIdentifier
    }

    /// The connections of one origin on one loop.
    private struct Slot {
        var connections: [DirectConnection] = []
        /// A connection failed before it carried an answer: none is opened before this time.
        var restingUntil: NIODeadline?
    }

    /// Most connections kept per origin and event loop.
    static let perLoop = 4
    /// How long to wait before connecting again to an origin that refused.
    static let retryDelay = TimeAmount.seconds(5)

    private let loops: [ObjectIdentifier]
    private let maxResponseSize: Int
    private let idleTimeout: TimeAmount
    private let tlsConfiguration: TLSConfiguration
    private let state = Mutex<(slots: [Key: Slot], tls: NIOSSLContext?, closed: Bool)>(([:], nil, false))

    /// A connection idle for `idleTimeout` is closed (see ``DirectConnection``).
    init(eventLoopGroup: any EventLoopGroup, maxResponseSize: Int, idleTimeout: TimeAmount, tlsConfiguration: TLSConfiguration) {
        loops = eventLoopGroup.makeIterator().map { ObjectIdentifier($0) }
        self.maxResponseSize = maxResponseSize
        self.idleTimeout = idleTimeout
        self.tlsConfiguration = tlsConfiguration
    }

    /// An idle connection to `origin` on the calling thread's event loop, if there is one.
    /// When the caller is on one of the group's loops and none is idle, starts opening one
    /// more (up to ``perLoop``) for next time and returns nil.
    func idleConnection(to origin: DirectConnection.Origin) -> DirectConnection? {
        guard let loop = MultiThreadedEventLoopGroup.currentEventLoop, loops.contains(ObjectIdentifier(loop)) else {
            return nil
        }
        let key = Key(origin: origin, loop: ObjectIdentifier(loop))
        let (closed, slot, tls) = state.withLock { ($0.closed, $0.slots[key] ?? Slot(), $0.tls) }
        guard !closed else { return nil }
        // Only this loop's thread touches these connections, so reading their state is safe.
        if let idle = slot.connections.first(where: \.isIdle) { return idle }
        if let until = slot.restingUntil, NIODeadline.now() < until { return nil }
        if slot.connections.count < Self.perLoop {
            open(key, on: loop, tls: origin.secure ? (tls ?? makeTLSContext()) : nil)
        }
        return nil
    }

    /// Starts closing every connection; none is opened afterwards. The futures succeed once
    /// each close has been started on its loop.
    @discardableResult
    func close() -> [EventLoopFuture<Void>] {
        let connections = state.withLock { state -> [DirectConnection] in
            state.closed = true
            defer { state.slots = [:] }
            return state.slots.values.flatMap(\.connections)
        }
        return connections.map { connection in connection.loop.submit { connection.close() } }
    }

    private func open(_ key: Key, on loop: any EventLoop, tls: NIOSSLContext?) {
        if key.origin.secure && tls == nil { return }  // no TLS context: AsyncHTTPClient reports the error
        let connection = DirectConnection(loop: loop, maxResponseSize: maxResponseSize, idleTimeout: idleTimeout)
        connection.onClose = { [weak self, unowned connection] in self?.closed(connection, key) }
        let added = state.withLock { state -> Bool in
            guard !state.closed else { return false }  // closed since the caller looked: `close()` would miss it
            state.slots[key, default: Slot()].connections.append(connection)
            state.slots[key]?.restingUntil = nil
            return true
        }
        if added { connection.connect(to: key.origin, tls: tls) }
    }

    /// A connection closed: it leaves its slot. If it failed before it carried an answer
    /// (refused, TLS failure, dropped at once), none is opened for the retry delay.
    private func closed(_ connection: DirectConnection, _ key: Key) {
        state.withLock { state in
            guard var slot = state.slots[key] else { return }
            slot.connections.removeAll { $0 === connection }
            if !connection.hasAnswered && !connection.closedForIdleness {
                slot.restingUntil = .now() + Self.retryDelay
            }
            state.slots[key] = slot
        }
    }

    private func makeTLSContext() -> NIOSSLContext? {
        guard let context = try? NIOSSLContext(configuration: tlsConfiguration) else { return nil }
        state.withLock { $0.tls = context }
        return context
    }
}

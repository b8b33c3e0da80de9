import NIOCore
import NIOPosix
import NIOSSL
import Synchronization

/// The ``DirectConnection``s of an ``HTTPService``: at most one per origin and event loop,
/// opened the first time a request to that origin is made on that loop (that request, and
/// any made while the connection is busy, go through AsyncHTTPClient).
final class DirectConnections: Sendable {
    private struct Key: Hashable {
        let origin: DirectConnection.Origin
        let loop: ObjectIdentifier
    }

    private enum Entry {
        case open(DirectConnection)
        /// Connecting failed; not tried again before this time.
        case resting(until: NIODeadline)
    }

    /// How long to wait before connecting again to an origin that refused.
    static let retryDelay = TimeAmount.seconds(5)

    private let loops: [ObjectIdentifier]
    private let maxResponseSize: Int
    private let idleTimeout: TimeAmount
    private let tlsConfiguration: TLSConfiguration
    private let state = Mutex<(entries: [Key: Entry], tls: NIOSSLContext?, closed: Bool)>(([:], nil, false))

    /// A connection idle for `idleTimeout` is closed (see ``DirectConnection``).
    init(eventLoopGroup: any EventLoopGroup, maxResponseSize: Int, idleTimeout: TimeAmount, tlsConfiguration: TLSConfiguration) {
        loops = eventLoopGroup.makeIterator().map { ObjectIdentifier($0) }
        self.maxResponseSize = maxResponseSize
        self.idleTimeout = idleTimeout
        self.tlsConfiguration = tlsConfiguration
    }

    /// The idle connection to `origin` on the calling thread's event loop, if there is one.
    /// When the caller is on one of the group's loops and there is none, starts opening one
    /// for next time and returns nil.
    func idleConnection(to origin: DirectConnection.Origin) -> DirectConnection? {
        guard let loop = MultiThreadedEventLoopGroup.currentEventLoop, loops.contains(ObjectIdentifier(loop)) else {
            return nil
        }
        let key = Key(origin: origin, loop: ObjectIdentifier(loop))
        let (closed, entry, tls) = state.withLock { ($0.closed, $0.entries[key], $0.tls) }
        guard !closed else { return nil }
        switch entry {
        case .open(let connection):
            return connection.isIdle ? connection : nil
        case .resting(let until) where NIODeadline.now() < until:
            return nil
        case .resting, nil:
            open(key, on: loop, tls: origin.secure ? (tls ?? makeTLSContext()) : nil)
            return nil
        }
    }

    /// Starts closing every connection; none is opened afterwards. The futures succeed once
    /// each close has been started on its loop.
    @discardableResult
    func close() -> [EventLoopFuture<Void>] {
        let connections = state.withLock { state -> [DirectConnection] in
            state.closed = true
            defer { state.entries = [:] }
            return state.entries.values.compactMap { if case .open(let connection) = $0 { connection } else { nil } }
        }
        return connections.map { connection in connection.loop.submit { connection.close() } }
    }

    private func open(_ key: Key, on loop: any EventLoop, tls: NIOSSLContext?) {
        if key.origin.secure && tls == nil { return }  // no TLS context: AsyncHTTPClient reports the error
        let connection = DirectConnection(loop: loop, maxResponseSize: maxResponseSize, idleTimeout: idleTimeout) { [weak self] in
            self?.closed(key)
        }
        state.withLock { $0.entries[key] = .open(connection) }
        connection.connect(to: key.origin, tls: tls)
    }

    /// A connection closed: the next request opens a new one, or waits out the retry
    /// delay if this one failed before it carried a response (refused, TLS failure,
    /// dropped at once).
    private func closed(_ key: Key) {
        state.withLock { state in
            guard case .open(let connection) = state.entries[key] else { return }
            let failed = !connection.hasAnswered && !connection.closedForIdleness
            state.entries[key] = failed ? .resting(until: .now() + Self.retryDelay) : nil
        }
    }

    private func makeTLSContext() -> NIOSSLContext? {
        guard let context = try? NIOSSLContext(configuration: tlsConfiguration) else { return nil }
        state.withLock { $0.tls = context }
        return context
    }
}

import Foundation
import NIOCore
import Synchronization
import WebSocketKit

/// What happens on a WebSocket connection, in order: `.open`, `.message`s, then exactly one
/// terminal `.closed` or `.failed`.
public enum WebSocketEvent: Sendable, Equatable {
    /// The handshake completed; `send` is allowed from now on.
    case open
    /// A whole text (`isBinary == false`, UTF-8 bytes) or binary message.
    case message([UInt8], isBinary: Bool)
    /// The connection ended (closed by either side, lost, or closed by `close` before it opened); the id is dead.
    case closed(String)
    /// The connection never opened (refused, DNS, TLS, handshake rejected or timed out); the id is dead.
    case failed(String)
}

/// Client WebSocket connections over WebSocketKit (ws:// and wss:// with TLS), owned by the service, addressed by id.
///
/// All events of one connection are delivered on that connection's event loop, one at a
/// time and in order. Ping/pong and close frames are handled internally.
public final class WebSocketService: Sendable {
    /// Receives the events of one connection.
    public typealias Handler = @Sendable (UInt64, WebSocketEvent) -> Void

    private enum Phase: Sendable {
        case connecting
        case open(WebSocket)
        case closing(WebSocket)
    }

    private struct Connection: Sendable {
        let handler: Handler
        var phase: Phase
        let loop: any EventLoop
    }

    private struct State: Sendable {
        var lastID: UInt64 = 0
        var connections: [UInt64: Connection] = [:]
        var isShutdown = false
        var drainWaiters: [CheckedContinuation<Void, Never>] = []

        /// Removes a connection; returns waiters to resume if that emptied the table.
        mutating func remove(_ id: UInt64) -> (Connection?, [CheckedContinuation<Void, Never>]) {
            let removed = connections.removeValue(forKey: id)
            guard connections.isEmpty, !drainWaiters.isEmpty else { return (removed, []) }
            defer { drainWaiters.removeAll() }
            return (removed, drainWaiters)
        }
    }

    private let group: any EventLoopGroup
    private let configuration: WebSocketClient.Configuration
    private let handshakeTimeout: Duration
    private let closeTimeout: Duration
    private let state = Mutex(State())
    private let probe: (any TransportProbe)?

    /// Makes the service; connections run on `eventLoopGroup`.
    /// - Parameters:
    ///   - handshakeTimeout: a connection not open by then fails with `.failed`.
    ///   - closeTimeout: after `close`, how long to wait for the server's close reply before reporting `.closed` anyway.
    ///   - maxMessageSize: largest incoming message (and frame) accepted; bigger ones close the connection.
    ///   - probe: told when each message arrives (benchmarks).
    public init(eventLoopGroup: any EventLoopGroup, handshakeTimeout: Duration = .seconds(30),
                closeTimeout: Duration = .seconds(5), maxMessageSize: Int = 16 << 20,
                probe: (any TransportProbe)? = nil) {
        group = eventLoopGroup
        self.probe = probe
        var configuration = WebSocketClient.Configuration(maxFrameSize: maxMessageSize)
        configuration.maxAccumulatedFrameSize = maxMessageSize
        self.configuration = configuration
        self.handshakeTimeout = handshakeTimeout
        self.closeTimeout = closeTimeout
    }

    /// Starts connecting and returns the id at once. The handler gets events for this id strictly in order and never
    /// concurrently: .open, then .message..., then exactly one terminal .closed(reason) or .failed(reason) (failed = never opened).
    /// Malformed URL → throws .invalidRequest.
    public func open(url text: String, headers: [HTTPHeader],
                     handler: @escaping @Sendable (UInt64, WebSocketEvent) -> Void) throws(TransportError) -> UInt64 {
        guard let url = URL(string: text), let scheme = url.scheme?.lowercased() else {
            throw TransportError(.invalidRequest, "malformed WebSocket URL \(String(reflecting: text))")
        }
        guard scheme == "ws" || scheme == "wss" else {
            throw TransportError(.invalidRequest, "unsupported WebSocket URL scheme \(String(reflecting: scheme)) (ws or wss)")
        }
        guard let host = url.host, !host.isEmpty else {
            throw TransportError(.invalidRequest, "WebSocket URL has no host: \(String(reflecting: text))")
        }
        try Validation.checkHeaders(headers)
        let port = url.port ?? (scheme == "wss" ? 443 : 80)
        var path = url.path(percentEncoded: true)
        if path.isEmpty { path = "/" }
        let query = url.query(percentEncoded: true)
        var handshakeHeaders = HTTPHeaders()
        for header in headers { handshakeHeaders.add(name: header.name, value: header.value) }

        let loop = group.next()
        let id = state.withLock { state -> UInt64? in
            guard !state.isShutdown else { return nil }
            state.lastID += 1
            state.connections[state.lastID] = Connection(handler: handler, phase: .connecting, loop: loop)
            return state.lastID
        }
        guard let id else { throw TransportError(.io, "the WebSocket service is shut down") }

        // The client runs everything on `loop`: connect, upgrade, frames and close.
        let client = WebSocketClient(eventLoopGroupProvider: .shared(loop), configuration: configuration)
        client.connect(scheme: scheme, host: host, port: port, path: path, query: query, headers: handshakeHeaders) {
            [weak self] socket in
            guard let self else {
                socket.close(code: .goingAway, promise: nil)
                return
            }
            self.upgraded(id, socket)
        }.whenFailure { [weak self] error in
            self?.failConnecting(id, reason: Self.describeConnectError(error))
        }
        let seconds = handshakeTimeout
        loop.scheduleTask(in: .nanoseconds(handshakeTimeout.clampedNanoseconds)) { [weak self] in
            self?.failConnecting(id, reason: "WebSocket handshake timed out after \(seconds)")
        }
        return id
    }

    /// Sends one message; text must be valid UTF-8. `.notFound` for an unknown id, `.notOpen` before open/after close.
    public func send(_ id: UInt64, _ data: [UInt8], isBinary: Bool) throws(TransportError) {
        if !isBinary && String(validating: data, as: UTF8.self) == nil {
            throw TransportError(.invalidRequest, "text WebSocket message is not valid UTF-8")
        }
        let socket = try state.withLock { state throws(TransportError) -> WebSocket in
            guard let connection = state.connections[id] else {
                throw TransportError(.notFound, "no WebSocket connection \(id)")
            }
            guard case .open(let socket) = connection.phase else {
                throw TransportError(.notOpen, "WebSocket connection \(id) is not open")
            }
            return socket
        }
        socket.send(raw: data, opcode: isBinary ? .binary : .text, fin: true, promise: nil)
    }

    /// Closes the connection (close handshake with code 1000) → the handler gets `.closed` (also when it was
    /// still connecting). Closing one that is already closing is a no-op. `.notFound` for an unknown id.
    public func close(_ id: UInt64) throws(TransportError) {
        enum Action { case nothing, endConnecting(Handler, any EventLoop), closeSocket(WebSocket, any EventLoop) }
        let (action, waiters) = try state.withLock { state throws(TransportError) -> (Action, [CheckedContinuation<Void, Never>]) in
            guard var connection = state.connections[id] else {
                throw TransportError(.notFound, "no WebSocket connection \(id)")
            }
            switch connection.phase {
            case .connecting:
                let (_, waiters) = state.remove(id)
                return (.endConnecting(connection.handler, connection.loop), waiters)
            case .open(let socket):
                connection.phase = .closing(socket)
                state.connections[id] = connection
                return (.closeSocket(socket, connection.loop), [])
            case .closing:
                return (.nothing, [])
            }
        }
        switch action {
        case .nothing:
            break
        case .endConnecting(let handler, let loop):
            // Nothing was delivered for this id yet and nothing else will be: the upgrade or failure
            // callbacks find no connection. Deliver on the loop, never synchronously.
            loop.execute { handler(id, .closed("closed by client before the connection opened")) }
        case .closeSocket(let socket, let loop):
            socket.close(code: .normalClosure, promise: nil)
            loop.scheduleTask(in: .nanoseconds(closeTimeout.clampedNanoseconds)) { [weak self] in
                self?.finish(id, socket: socket, timedOut: true)
            }
        }
        for waiter in waiters { waiter.resume() }
    }

    /// Connections not yet ended (connecting, open or closing).
    public var openConnectionCount: Int {
        state.withLock { $0.connections.count }
    }

    /// Refuses new connections, closes every live one (each handler gets its terminal event)
    /// and returns once all have ended (at most about `closeTimeout` for unresponsive servers).
    public func shutdown() async {
        let ids = state.withLock { state -> [UInt64] in
            state.isShutdown = true
            return Array(state.connections.keys)
        }
        for id in ids { try? close(id) }
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let done = state.withLock { state -> Bool in
                if state.connections.isEmpty { return true }
                state.drainWaiters.append(continuation)
                return false
            }
            if done { continuation.resume() }
        }
    }

    // MARK: - event loop side (each runs on the connection's loop)

    private func upgraded(_ id: UInt64, _ socket: WebSocket) {
        let handler = state.withLock { state -> Handler? in
            guard var connection = state.connections[id], case .connecting = connection.phase else { return nil }
            connection.phase = .open(socket)
            state.connections[id] = connection
            return connection.handler
        }
        guard let handler else {
            // Closed, timed out or shut down while connecting.
            socket.close(code: .goingAway, promise: nil)
            return
        }
        socket.onText { [weak self] _, text in
            self?.probe?.messageArrived(connection: id)
            self?.deliver(id, .message(Array(text.utf8), isBinary: false))
        }
        socket.onBinary { [weak self] _, buffer in
            self?.probe?.messageArrived(connection: id)
            self?.deliver(id, .message(Array(buffer.readableBytesView), isBinary: true))
        }
        socket.onClose.whenComplete { [weak self] _ in
            self?.finish(id, socket: socket, timedOut: false)
        }
        handler(id, .open)
    }

    private func deliver(_ id: UInt64, _ event: WebSocketEvent) {
        let handler = state.withLock { $0.connections[id]?.handler }
        handler?(id, event)
    }

    private func failConnecting(_ id: UInt64, reason: String) {
        let (connection, waiters) = state.withLock { state -> (Connection?, [CheckedContinuation<Void, Never>]) in
            guard let connection = state.connections[id], case .connecting = connection.phase else { return (nil, []) }
            return state.remove(id)
        }
        connection?.handler(id, .failed(TransportError.oneLine(reason)))
        for waiter in waiters { waiter.resume() }
    }

    private func finish(_ id: UInt64, socket: WebSocket, timedOut: Bool) {
        let (connection, waiters) = state.withLock { state -> (Connection?, [CheckedContinuation<Void, Never>]) in
            guard let connection = state.connections[id] else { return (nil, []) }
            switch connection.phase {
            case .connecting: return (nil, [])
            case .open(let current): if current !== socket || timedOut { return (nil, []) }
            case .closing(let current): if current !== socket { return (nil, []) }
            }
            return state.remove(id)
        }
        guard let connection else { return }
        if timedOut {
            // The server never answered our close frame. WebSocketKit offers no direct channel close,
            // but its ping watchdog closes the channel when a ping goes unanswered for one interval.
            socket.pingInterval = .seconds(1)
        }
        let reason: String
        if case .closing = connection.phase {
            reason = timedOut ? "closed by client (the server did not answer the close)" : "closed by client"
        } else if let code = socket.closeCode {
            reason = "closed by server (\(code))"
        } else {
            reason = "connection lost"
        }
        connection.handler(id, .closed(reason))
        for waiter in waiters { waiter.resume() }
    }

    private static func describeConnectError(_ error: any Error) -> String {
        if let error = error as? WebSocketClient.Error, case .invalidResponseStatus(let head) = error {
            return "WebSocket handshake rejected: HTTP \(head.status.code) \(head.status.reasonPhrase)"
        }
        return "WebSocket connect failed: \(error)"
    }
}

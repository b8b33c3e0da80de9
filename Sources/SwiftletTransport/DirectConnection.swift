import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL
import NIOTLS

/// An HTTP/1.1 keep-alive connection to one origin, bound to one event loop, that writes a
/// request on the calling thread: the order path's connection.
///
/// Hand-written because the library is slow on exactly this path: with AsyncHTTPClient's
/// pool, task and request state machines a request takes about 90 µs to write back to back
/// and 230–250 µs after the idle gaps a trading bot's orders come in; on this connection,
/// with a request serialized by hand and only NIO's response decoder, about 27 and 120–130 µs
/// (`swiftlet-bench http-write`).
/// It carries one request at a time and is used only when it is idle; everything else
/// goes through AsyncHTTPClient (``HTTPService``). Requests come serialized
/// (``DirectRequest``) and are written below NIO's HTTP/1 codec, which only decodes the
/// responses.
///
/// All state is touched on `loop` only (hence `@unchecked Sendable`).
final class DirectConnection: @unchecked Sendable {
    /// The request in flight and what has come back so far.
    private struct Exchange {
        let completion: @Sendable (Result<HTTPResponse, TransportError>) -> Void
        let deadline: NIODeadline
        var head: HTTPResponseHead?
        var body: [UInt8] = []
        var informational = false
    }

    private enum State {
        case connecting
        /// Connected; the TLS handshake is still going on.
        case handshaking(any Channel)
        case idle(any Channel)
        case busy(any Channel)
        case closed
    }

    let loop: any EventLoop
    private let maxResponseSize: Int
    private let idleTimeout: TimeAmount
    /// Runs once, on `loop`, when the connection fails to connect or closes; set before ``connect(to:tls:)``.
    var onClose: @Sendable () -> Void = {}
    private var state = State.connecting
    private var exchange: Exchange?
    /// Decodes the responses; it is told of each request's method (a HEAD's answer has no body).
    private let decoder = HTTPResponseDecoder()
    /// Writes serialized requests past the decoder, straight to TLS or the socket.
    private let writer = RequestWriter()
    /// Since when the connection has been idle (it closes after `idleTimeout`).
    private var idleSince = NIODeadline.now()
    /// The one scheduled check of the request's deadline and of the idle timeout, and when
    /// it runs. It is moved earlier when needed and never cancelled for a later time, so a
    /// request schedules no timer of its own (in a profile of the order path, scheduling
    /// and cancelling a timer per request were about 5% of the time from the strategy's
    /// order to the write).
    private var watchdog: (task: Scheduled<Void>, due: NIODeadline)?
    /// True for an https origin until its TLS handshake has finished.
    private var awaitingHandshake = false

    /// A connection on `loop`, closed after `idleTimeout` without a request (before a load
    /// balancer or NAT on the way drops it silently and an order waits for its timeout on a
    /// dead connection).
    init(loop: any EventLoop, maxResponseSize: Int, idleTimeout: TimeAmount) {
        self.loop = loop
        self.maxResponseSize = maxResponseSize
        self.idleTimeout = idleTimeout
    }

    /// Starts connecting to `origin` (call on `loop`); the connection becomes idle once
    /// connected and, with `tls`, once the TLS handshake has finished.
    func connect(to origin: Origin, tls: NIOSSLContext?) {
        awaitingHandshake = tls != nil
        let handler = ResponseHandler(self)
        // The initializer runs on `loop`, where the decoder lives.
        let handlers = NIOLoopBound((writer, decoder), eventLoop: loop)
        let serverName = origin.isIPAddress ? nil : origin.host
        ClientBootstrap(group: loop)
            .connectTimeout(.seconds(10))
            .channelOption(.socketOption(.tcp_nodelay), value: 1)
            .channelInitializer { channel in
                do {
                    if let tls {
                        try channel.pipeline.syncOperations.addHandler(
                            try NIOSSLClientHandler(context: tls, serverHostname: serverName))
                    }
                    let (writer, decoder) = handlers.value
                    try channel.pipeline.syncOperations.addHandlers(writer, ByteToMessageHandler(decoder), handler)
                    return channel.eventLoop.makeSucceededVoidFuture()
                } catch {
                    return channel.eventLoop.makeFailedFuture(error)
                }
            }
            .connect(host: origin.host, port: origin.port)
            .whenComplete { [self] result in connected(result) }
    }

    /// True once a response has come back on this connection (it may have closed since).
    private(set) var hasAnswered = false
    /// True if the connection was closed for having been idle too long.
    private(set) var closedForIdleness = false

    /// True when a request can be sent now. Call on `loop`.
    var isIdle: Bool {
        if case .idle = state { return true }
        return false
    }

    /// Writes `request` (call on `loop`, only when ``isIdle``); `written` runs when the
    /// request has been handed to the socket, `completion` exactly once with the response
    /// or an error. The connection cannot be reused after a timeout.
    func send(_ request: DirectRequest, deadline: NIODeadline, written: @escaping @Sendable () -> Void,
              completion: @escaping @Sendable (Result<HTTPResponse, TransportError>) -> Void) {
        loop.preconditionInEventLoop()
        guard case .idle(let channel) = state else {
            preconditionFailure("DirectConnection.send on a connection that is not idle")
        }
        state = .busy(channel)
        exchange = Exchange(completion: completion, deadline: deadline)
        watch(until: deadline)
        let sent = loop.makePromise(of: Void.self)
        sent.futureResult.whenComplete { [self] result in
            switch result {
            case .success: written()
            case .failure(let error): finish(.failure(TransportError(.io, "HTTP request failed: \(error)")), close: true)
            }
        }
        decoder.write(data: .head(request.head))
        writer.write(request.bytes, promise: sent)
    }

    /// Closes the connection; a request in flight fails with `.io`. Call on `loop`.
    func close() {
        switch state {
        case .handshaking(let channel), .idle(let channel), .busy(let channel): channel.close(promise: nil)
        case .connecting, .closed: state = .closed
        }
    }

    // MARK: - events from the channel (on `loop`)

    private func connected(_ result: Result<any Channel, any Error>) {
        switch (result, state) {
        case (.success(let channel), .connecting):
            if awaitingHandshake { state = .handshaking(channel) } else { becomeIdle(channel) }
        case (.success(let channel), _):
            channel.close(promise: nil)  // closed while connecting
        case (.failure, _):
            state = .closed
            onClose()
        }
    }

    fileprivate func handshakeCompleted() {
        awaitingHandshake = false
        if case .handshaking(let channel) = state { becomeIdle(channel) }
    }

    private func becomeIdle(_ channel: any Channel) {
        state = .idle(channel)
        idleSince = .now()
        watch(until: idleSince + idleTimeout)
    }

    /// Makes sure the watchdog runs no later than `due`.
    private func watch(until due: NIODeadline) {
        if let watchdog, watchdog.due <= due { return }
        watchdog?.task.cancel()
        let task = loop.scheduleTask(deadline: due) { [self] in
            watchdog = nil
            checkDeadlines()
        }
        watchdog = (task, due)
    }

    /// Times the request in flight out, or closes the idle connection, when its time has
    /// come; otherwise watches again until it does.
    private func checkDeadlines() {
        let now = NIODeadline.now()
        switch state {
        case .busy:
            guard let exchange else { return }
            if exchange.deadline <= now {
                finish(.failure(TransportError(.timeout, "HTTP request timed out")), close: true)
            } else {
                watch(until: exchange.deadline)
            }
        case .idle(let channel):
            if idleSince + idleTimeout <= now {
                closedForIdleness = true
                channel.close(promise: nil)
            } else {
                watch(until: idleSince + idleTimeout)
            }
        case .connecting, .handshaking, .closed:
            break
        }
    }

    fileprivate func received(_ part: HTTPClientResponsePart) {
        guard var current = exchange else {
            close()  // a response nobody asked for: the connection is out of step
            return
        }
        switch part {
        case .head(let head):
            // 1xx answers (other than a protocol switch) come before the real one.
            current.informational = head.status.code < 200 && head.status.code != 101
            if !current.informational { current.head = head }
            exchange = current
        case .body(let buffer):
            guard !current.informational else { return }
            guard current.body.count + buffer.readableBytes <= maxResponseSize else {
                finish(.failure(TransportError(.io, "HTTP response body exceeds \(maxResponseSize) bytes")), close: true)
                return
            }
            exchange = nil  // keep the array uniquely referenced while appending
            current.body.append(contentsOf: buffer.readableBytesView)
            exchange = current
        case .end:
            if current.informational {
                current.informational = false
                exchange = current
                return
            }
            guard let head = current.head else {
                finish(.failure(TransportError(.io, "HTTP response ended without a head")), close: true)
                return
            }
            let headers = head.headers.map { HTTPHeader(name: $0.name, value: $0.value) }
            finish(.success(HTTPResponse(status: Int(head.status.code), headers: headers, body: current.body)),
                   close: !head.isKeepAlive)
        }
    }

    /// The pipeline failed (a malformed response, a TLS error): the request in flight fails
    /// with that error and the connection closes.
    fileprivate func failed(_ error: any Error) {
        finish(.failure(TransportError(.io, "HTTP request failed: \(error)")), close: true)
        close()
    }

    fileprivate func channelClosed() {
        state = .closed
        watchdog?.task.cancel()
        watchdog = nil
        finish(.failure(TransportError(.io, "HTTP request failed: the connection closed before the response ended")),
               close: false)
        onClose()
    }

    /// Completes the request in flight, if any, leaving the connection idle or closing it.
    private func finish(_ result: Result<HTTPResponse, TransportError>, close closing: Bool) {
        guard let current = exchange else { return }
        exchange = nil
        if case .success = result { hasAnswered = true }
        if case .busy(let channel) = state {
            if closing { channel.close(promise: nil) } else { becomeIdle(channel) }
        }
        current.completion(result)
    }
}

extension DirectConnection {
    /// Scheme, host and port of a request's URL.
    struct Origin: Hashable, Sendable {
        let secure: Bool
        let host: String
        let port: Int
        /// The Host header's value: the port only when it is not the scheme's default.
        let hostHeader: String

        init(secure: Bool, host: String, port: Int) {
            self.secure = secure
            self.host = host
            self.port = port
            let name = host.utf8.contains(UInt8(ascii: ":")) ? "[\(host)]" : host
            hostHeader = port == (secure ? 443 : 80) ? name : "\(name):\(port)"
        }

        /// A literal IPv4 or IPv6 address (no SNI for those).
        var isIPAddress: Bool { (try? SocketAddress(ipAddress: host, port: 0)) != nil }
    }

    /// Sits between the socket (or TLS) and the response decoder, and writes serialized
    /// requests from there, so they pass no HTTP handler on their way out.
    private final class RequestWriter: ChannelOutboundHandler, @unchecked Sendable {
        typealias OutboundIn = ByteBuffer
        typealias OutboundOut = ByteBuffer
        private var context: ChannelHandlerContext?

        func handlerAdded(context: ChannelHandlerContext) { self.context = context }
        func handlerRemoved(context: ChannelHandlerContext) { self.context = nil }

        /// Writes and flushes `bytes`; fails `promise` if the handler has left the pipeline.
        func write(_ bytes: ByteBuffer, promise: EventLoopPromise<Void>) {
            guard let context else { return promise.fail(ChannelError.ioOnClosedChannel) }
            context.writeAndFlush(wrapOutboundOut(bytes), promise: promise)
        }
    }

    /// Hands the decoder's output to the connection.
    private final class ResponseHandler: ChannelInboundHandler, @unchecked Sendable {
        typealias InboundIn = HTTPClientResponsePart
        private let connection: DirectConnection

        init(_ connection: DirectConnection) { self.connection = connection }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            connection.received(unwrapInboundIn(data))
        }

        func channelInactive(context: ChannelHandlerContext) {
            connection.channelClosed()
            context.fireChannelInactive()
        }

        func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
            if case .handshakeCompleted = event as? TLSUserEvent { connection.handshakeCompleted() }
            context.fireUserInboundEventTriggered(event)
        }

        func errorCaught(context: ChannelHandlerContext, error: any Error) {
            connection.failed(error)
        }
    }
}

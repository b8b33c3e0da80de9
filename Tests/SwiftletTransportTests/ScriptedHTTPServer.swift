import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL
import Synchronization

/// A bare HTTP/1.1 server on 127.0.0.1 (SwiftNIO), optionally over TLS, that answers each
/// request as the test says and records which connection every request came on.
final class ScriptedHTTPServer: Sendable {
    /// How the server answers the next requests.
    enum Answer: Sendable {
        /// 200 with the request's method, target and `X-Test` header as `X-Method`, `X-URI`,
        /// `X-Echo`, and its body.
        case echo
        /// The echo, with `Connection: close`, then the server closes the connection.
        case echoThenClose
        /// The server closes the connection without answering.
        case drop
        /// No answer at all.
        case silence
        /// 200 with a body of this many bytes.
        case body(Int)
        /// Bytes that are not an HTTP response.
        case garbage
    }

    /// One request as the server received it.
    struct Received: Sendable {
        /// Connections are numbered from 1 in the order they were accepted.
        let connection: Int
        let method: String
        let uri: String
        let headers: [String: String]
        let body: [UInt8]
    }

    let port: Int
    private let channel: any Channel
    private let state: Shared

    private struct State {
        var answer = Answer.echo
        var received: [Received] = []
        var connections = 0
        var closedConnections: Set<Int> = []
    }

    /// The state all connections share.
    private final class Shared: Sendable {
        let lock = Mutex(State())
    }

    private init(port: Int, channel: any Channel, state: Shared) {
        self.port = port
        self.channel = channel
        self.state = state
    }

    var base: String { "http://127.0.0.1:\(port)" }
    var secureBase: String { "https://localhost:\(port)" }

    /// The test-only certificate for localhost and 127.0.0.1 (Tests/Fixtures/tls).
    static let certificatePath = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../Fixtures/tls/localhost-cert.pem").standardized.path
    static let keyPath = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../Fixtures/tls/localhost-key.pem").standardized.path

    /// A client configuration that trusts the test certificate (and nothing else).
    static func trustingTestCertificate() throws -> TLSConfiguration {
        var configuration = TLSConfiguration.makeClientConfiguration()
        configuration.trustRoots = .certificates(try NIOSSLCertificate.fromPEMFile(certificatePath))
        return configuration
    }

    /// With `tls` and a `handshakeGate`, the server holds each new connection's first bytes
    /// (the client's TLS hello) until the gate opens.
    static func start(tls: Bool = false, handshakeGate: Gate? = nil) async throws -> ScriptedHTTPServer {
        let sslContext = tls ? try NIOSSLContext(configuration: .makeServerConfiguration(
            certificateChain: try NIOSSLCertificate.fromPEMFile(certificatePath).map { .certificate($0) },
            privateKey: .file(keyPath))) : nil
        let state = Shared()
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                do {
                    if let sslContext {
                        if let handshakeGate {
                            try channel.pipeline.syncOperations.addHandler(HeldReads(gate: handshakeGate))
                        }
                        try channel.pipeline.syncOperations.addHandler(NIOSSLServerHandler(context: sslContext))
                    }
                    let raw = RawWriter()
                    try channel.pipeline.syncOperations.addHandler(raw)
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline(withPipeliningAssistance: false)
                    try channel.pipeline.syncOperations.addHandler(Handler(state: state, raw: raw))
                    return channel.eventLoop.makeSucceededVoidFuture()
                } catch {
                    return channel.eventLoop.makeFailedFuture(error)
                }
            }
            .bind(host: "127.0.0.1", port: 0).get()
        guard let port = channel.localAddress?.port else { throw TestFailure("scripted server has no port") }
        return ScriptedHTTPServer(port: port, channel: channel, state: state)
    }

    func answer(with answer: Answer) { state.lock.withLock { $0.answer = answer } }
    var received: [Received] { state.lock.withLock { $0.received } }
    var connections: Int { state.lock.withLock { $0.connections } }
    /// Numbers of the connections that have closed.
    var closedConnections: Set<Int> { state.lock.withLock { $0.closedConnections } }

    func stop() async { try? await channel.close() }

    /// One per connection; runs on its channel's loop.
    private final class Handler: ChannelInboundHandler, @unchecked Sendable {
        typealias InboundIn = HTTPServerRequestPart
        typealias OutboundOut = HTTPServerResponsePart
        private let state: Shared
        private let raw: RawWriter
        private var connection = 0
        private var head: HTTPRequestHead?
        private var body: [UInt8] = []

        init(state: Shared, raw: RawWriter) {
            self.state = state
            self.raw = raw
        }

        func channelActive(context: ChannelHandlerContext) {
            connection = state.lock.withLock { state in
                state.connections += 1
                return state.connections
            }
            context.fireChannelActive()
        }

        func channelInactive(context: ChannelHandlerContext) {
            let connection = connection
            state.lock.withLock { _ = $0.closedConnections.insert(connection) }
            context.fireChannelInactive()
        }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            switch unwrapInboundIn(data) {
            case .head(let head):
                self.head = head
                body = []
            case .body(let buffer):
                body.append(contentsOf: buffer.readableBytesView)
            case .end:
                guard let head else { return }
                let received = Received(
                    connection: connection, method: head.method.rawValue, uri: head.uri,
                    headers: Dictionary(head.headers.map { ($0.name.lowercased(), $0.value) }, uniquingKeysWith: { a, _ in a }),
                    body: body)
                let answer = state.lock.withLock { state in
                    state.received.append(received)
                    return state.answer
                }
                respond(answer, to: received, context: context)
            }
        }

        private func respond(_ answer: Answer, to request: Received, context: ChannelHandlerContext) {
            var headers = HTTPHeaders()
            var body = request.body
            switch answer {
            case .drop:
                context.close(promise: nil)
                return
            case .silence:
                return
            case .garbage:
                raw.write(Array("NOT HTTP AT ALL\r\n\r\n".utf8))
                return
            case .echo, .echoThenClose:
                headers.add(name: "X-Method", value: request.method)
                headers.add(name: "X-URI", value: request.uri)
                if let test = request.headers["x-test"] { headers.add(name: "X-Echo", value: test) }
                if case .echoThenClose = answer { headers.add(name: "Connection", value: "close") }
            case .body(let size):
                body = [UInt8](repeating: UInt8(ascii: "a"), count: size)
            }
            headers.add(name: "Content-Length", value: String(body.count))
            context.write(wrapOutboundOut(.head(HTTPResponseHead(version: .http1_1, status: .ok, headers: headers))), promise: nil)
            context.write(wrapOutboundOut(.body(.byteBuffer(context.channel.allocator.buffer(bytes: body)))), promise: nil)
            let done = context.writeAndFlush(wrapOutboundOut(.end(nil)))
            if case .echoThenClose = answer {
                let channel = context.channel
                done.whenComplete { _ in channel.close(promise: nil) }
            }
        }
    }

    /// Holds what a connection reads until its gate opens, then passes it on.
    private final class HeldReads: ChannelInboundHandler, @unchecked Sendable {
        typealias InboundIn = ByteBuffer
        private let gate: Gate
        private var held: [NIOAny] = []
        private var released = false

        init(gate: Gate) { self.gate = gate }

        func channelActive(context: ChannelHandlerContext) {
            let bound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
            let loop = context.eventLoop
            let gate = gate
            Task {
                await gate.wait()
                loop.execute {
                    let (handler, context) = bound.value
                    handler.released = true
                    for data in handler.held { context.fireChannelRead(data) }
                    handler.held = []
                    context.fireChannelReadComplete()
                }
            }
            context.fireChannelActive()
        }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            if released { context.fireChannelRead(data) } else { held.append(data) }
        }
    }

    /// Sits next to the socket so a test can write bytes that bypass the HTTP encoder.
    private final class RawWriter: ChannelOutboundHandler, @unchecked Sendable {
        typealias OutboundIn = ByteBuffer
        private var context: ChannelHandlerContext?

        func handlerAdded(context: ChannelHandlerContext) { self.context = context }
        func handlerRemoved(context: ChannelHandlerContext) { self.context = nil }

        func write(_ bytes: [UInt8]) {
            guard let context else { return }
            context.writeAndFlush(NIOAny(context.channel.allocator.buffer(bytes: bytes)), promise: nil)
        }
    }
}

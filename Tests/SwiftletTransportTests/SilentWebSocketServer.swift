import Crypto
import Foundation
import Synchronization
import NIOCore
import NIOPosix

/// A bare TCP server that completes the WebSocket handshake and then ignores every frame
/// (so it never answers a close), to exercise the client's close timeout. Counts open sockets.
final class SilentWebSocketServer: Sendable {
    let channel: any Channel
    let port: Int
    private let closed = Mutex(0)

    private init(channel: any Channel, port: Int) {
        self.channel = channel
        self.port = port
    }

    /// Connections the client side has closed (TCP) so far.
    var closedConnections: Int { closed.withLock { $0 } }

    static func start() async throws -> SilentWebSocketServer {
        let counter = Counter()
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .childChannelInitializer { child in
                child.eventLoop.makeCompletedFuture {
                    try child.pipeline.syncOperations.addHandler(HandshakeThenIgnore(onClose: { counter.increment() }))
                }
            }
            .bind(host: "127.0.0.1", port: 0).get()
        guard let port = channel.localAddress?.port else { throw TestFailure("silent server has no port") }
        let server = SilentWebSocketServer(channel: channel, port: port)
        counter.sink.withLock { $0 = server }
        return server
    }

    func stop() async throws {
        try await channel.close()
    }

    /// Forwards close counts to the server once it exists.
    private final class Counter: Sendable {
        let sink = Mutex<SilentWebSocketServer?>(nil)
        func increment() { sink.withLock { $0?.closed.withLock { $0 += 1 } } }
    }

    private final class HandshakeThenIgnore: ChannelInboundHandler {
        typealias InboundIn = ByteBuffer
        typealias OutboundOut = ByteBuffer
        private let onClose: @Sendable () -> Void
        private var request = ""
        private var upgraded = false

        init(onClose: @escaping @Sendable () -> Void) {
            self.onClose = onClose
        }

        func channelInactive(context: ChannelHandlerContext) {
            onClose()
            context.fireChannelInactive()
        }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            guard !upgraded else { return }  // swallow frames, including close
            var buffer = unwrapInboundIn(data)
            request += buffer.readString(length: buffer.readableBytes) ?? ""
            guard request.contains("\r\n\r\n") else { return }
            upgraded = true
            let key = request.split(separator: "\r\n")
                .first { $0.lowercased().hasPrefix("sec-websocket-key:") }?
                .split(separator: ":", maxSplits: 1).last?
                .trimmingCharacters(in: .whitespaces) ?? ""
            let digest = Insecure.SHA1.hash(data: Data((key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11").utf8))
            let accept = Data(digest).base64EncodedString()
            let response = "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Accept: \(accept)\r\n\r\n"
            context.writeAndFlush(wrapOutboundOut(context.channel.allocator.buffer(string: response)), promise: nil)
        }
    }
}

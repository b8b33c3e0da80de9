import Foundation
import Hummingbird
import ServerTestSupport
import NIOCore
import Synchronization

/// A Hummingbird HTTP server on 127.0.0.1, port 0, for host-service tests.
/// `GET /price` answers with the next body of `prices` (then the last one again).
final class LoopbackHTTPServer: Sendable {
    private let running: BackgroundServer
    let port: Int
    let requests = Mutex<Int>(0)

    private init(running: BackgroundServer, port: Int) {
        self.running = running
        self.port = port
    }

    var baseURL: String { "http://127.0.0.1:\(port)" }

    static func start(prices: [String], status: HTTPResponse.Status = .ok) async throws -> LoopbackHTTPServer {
        let counter = Mutex<Int>(0)
        let router = Router()
        router.get("price") { _, _ -> Response in
            let index = counter.withLock { value -> Int in
                defer { value += 1 }
                return value
            }
            let body = prices[min(index, prices.count - 1)]
            return Response(status: status, body: ResponseBody(byteBuffer: ByteBuffer(string: body)))
        }
        let (stream, continuation) = AsyncStream.makeStream(of: Int.self)
        let app = Application(
            router: router,
            configuration: .init(address: .hostname("127.0.0.1", port: 0)),
            onServerRunning: { channel in continuation.yield(channel.localAddress?.port ?? 0) }
        )
        let running = BackgroundServer(app)
        var iterator = stream.makeAsyncIterator()
        guard let port = await iterator.next(), port > 0 else { throw TestFailure("HTTP server did not start") }
        let server = LoopbackHTTPServer(running: running, port: port)
        return server
    }

    func stop() async {
        await running.stop()
    }
}

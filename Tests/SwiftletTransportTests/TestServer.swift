import Foundation
import Hummingbird
import ServerTestSupport
import HummingbirdWebSocket
import Logging
import NIOCore
import NIOPosix
import SwiftletTransport
import Synchronization

struct TestFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// Holds requests until released (for the slow-handler timeout test), without sleeping.
final class Gate: Sendable {
    private let state = Mutex<(open: Bool, waiters: [CheckedContinuation<Void, Never>])>((false, []))

    func wait() async {
        await withCheckedContinuation { continuation in
            let resumeNow = state.withLock { state -> Bool in
                if state.open { return true }
                state.waiters.append(continuation)
                return false
            }
            if resumeNow { continuation.resume() }
        }
    }

    func open() {
        let waiters = state.withLock { state -> [CheckedContinuation<Void, Never>] in
            state.open = true
            defer { state.waiters.removeAll() }
            return state.waiters
        }
        for waiter in waiters { waiter.resume() }
    }
}

/// A Hummingbird HTTP + WebSocket server on 127.0.0.1, port 0.
///
/// HTTP: `GET /echo` and `POST /echo` echo method, header `X-Test` (as `X-Echo`) and body;
/// `GET /status/<code>` answers with that status; `GET /slow` waits for `slowGate`.
/// WebSocket `/ws`: echoes text and binary messages; on text "close" the server closes (code 1000);
/// on text "header" it answers with the handshake's `X-Test` header.
final class TestServer: Sendable {
    let port: Int
    let slowGate: Gate
    private let running: BackgroundServer

    private init(port: Int, slowGate: Gate, running: BackgroundServer) {
        self.port = port
        self.slowGate = slowGate
        self.running = running
    }

    var httpBase: String { "http://127.0.0.1:\(port)" }
    var wsURL: String { "ws://127.0.0.1:\(port)/ws" }

    private static let quietLogger: Logger = {
        var logger = Logger(label: "swiftlet-transport-tests")
        logger.logLevel = .critical
        return logger
    }()

    static func start() async throws -> TestServer {
        let gate = Gate()
        let router = Router(context: BasicWebSocketRequestContext.self)
        let echo: @Sendable (Request, BasicWebSocketRequestContext) async throws -> Response = { request, _ in
            var request = request
            let body = try await request.collectBody(upTo: 1 << 20)
            var headers = HTTPFields()
            headers.append(.init(name: .init("X-Method")!, value: request.method.rawValue))
            if let test = request.headers[.init("X-Test")!] {
                headers.append(.init(name: .init("X-Echo")!, value: test))
            }
            let status: HTTPResponse.Status = request.method == .post ? .created : .ok
            return Response(status: status, headers: headers, body: ResponseBody(byteBuffer: body))
        }
        router.get("echo", use: echo)
        router.post("echo", use: echo)
        router.get("status/:code") { _, context -> Response in
            let code = try context.parameters.require("code", as: Int.self)
            return Response(status: .init(code: code), body: ResponseBody(byteBuffer: ByteBuffer(string: "status \(code)")))
        }
        router.get("slow") { _, _ -> Response in
            await gate.wait()
            return Response(status: .ok, body: ResponseBody(byteBuffer: ByteBuffer(string: "late")))
        }
        router.ws("ws") { inbound, outbound, context in
            let testHeader = context.request.headers[.init("X-Test")!] ?? ""
            for try await message in inbound.messages(maxSize: 1 << 22) {
                switch message {
                case .text(let text):
                    if text == "close" {
                        try await outbound.close(.normalClosure, reason: "server says bye")
                        return
                    } else if text == "header" {
                        try await outbound.write(.text(testHeader))
                    } else {
                        try await outbound.write(.text(text))
                    }
                case .binary(let buffer):
                    try await outbound.write(.binary(buffer))
                }
            }
        }
        let (stream, continuation) = AsyncStream.makeStream(of: Int.self)
        let app = Application(
            router: router,
            server: .http1WebSocketUpgrade(webSocketRouter: router, configuration: .init(ws: .init(maxFrameSize: 1 << 22))),
            configuration: .init(address: .hostname("127.0.0.1", port: 0)),
            onServerRunning: { channel in continuation.yield(channel.localAddress?.port ?? 0) },
            logger: quietLogger
        )
        let running = BackgroundServer(app)
        var iterator = stream.makeAsyncIterator()
        guard let port = await iterator.next(), port > 0 else { throw TestFailure("test server did not start") }
        return TestServer(port: port, slowGate: gate, running: running)
    }

    func stop() async {
        slowGate.open()
        await running.stop()
    }
}

/// Polls `condition` until it holds or `timeout` passes (bounded; no timing assertions).
func eventually(timeout: Duration = .seconds(10), _ condition: @Sendable () -> Bool) async -> Bool {
    let deadline = ContinuousClock.now + timeout
    while ContinuousClock.now < deadline {
        if condition() { return true }
        try? await Task.sleep(for: .milliseconds(5))
    }
    return condition()
}

/// A thread-safe list of things that happened, in order.
final class Recorder<Element: Sendable>: Sendable {
    private let items = Mutex<[Element]>([])
    func append(_ item: Element) { items.withLock { $0.append(item) } }
    var all: [Element] { items.withLock { $0 } }
    var count: Int { items.withLock { $0.count } }
}

/// A transport probe that records what it hears about requests, in order.
final class ProbeLog: TransportProbe {
    private let events = Recorder<(kind: String, request: UInt64)>()
    func messageArrived(connection: UInt64) {}
    func requestStarted(request: UInt64) { events.append(("started", request)) }
    func requestWritten(request: UInt64) { events.append(("written", request)) }
    /// What was heard about `request`: "started", "written", in order.
    func events(of request: UInt64) -> [String] { events.all.filter { $0.request == request }.map(\.kind) }
    var startedCount: Int { events.all.filter { $0.kind == "started" }.count }
}

/// A port on 127.0.0.1 that was just bound and released: nothing listens there.
func refusedPort() async throws -> Int {
    let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
        .bind(host: "127.0.0.1", port: 0).get()
    guard let port = channel.localAddress?.port else { throw TestFailure("no port bound") }
    try await channel.close()
    return port
}

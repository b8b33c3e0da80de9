import CSwiftletSDK
import Foundation
import Hummingbird
import HummingbirdWebSocket
import NIOCore
import SwiftletABI
@testable import SwiftletHost
import Synchronization
import Testing

/// Host-owned WebSockets through `swl_host_t`, against a real loopback echo server.
@Suite struct WebSocketHostTests {
    /// A Hummingbird WebSocket server on 127.0.0.1 that echoes text frames and closes
    /// when it receives "bye".
    static func startEchoServer() async throws -> (port: Int, task: Task<Void, any Error>) {
        let router = Router(context: BasicWebSocketRequestContext.self)
        router.ws("echo") { inbound, outbound, _ in
            for try await frame in inbound.messages(maxSize: 1 << 20) {
                if case .text(let text) = frame {
                    if text == "bye" { return }
                    try await outbound.write(.text("echo:" + text))
                }
            }
        }
        let (stream, continuation) = AsyncStream.makeStream(of: Int.self)
        let app = Application(
            router: router,
            server: .http1WebSocketUpgrade(webSocketRouter: router),
            configuration: .init(address: .hostname("127.0.0.1", port: 0)),
            onServerRunning: { channel in continuation.yield(channel.localAddress?.port ?? 0) }
        )
        let task = Task { try await app.runService() }
        var iterator = stream.makeAsyncIterator()
        guard let port = await iterator.next(), port > 0 else { throw TestFailure("WebSocket server did not start") }
        return (port, task)
    }

    final class Log: @unchecked Sendable {
        let lines = Mutex<[String]>([])
        func add(_ line: String) { lines.withLock { $0.append(line) } }
        var all: [String] { lines.withLock { $0 } }
    }

    private static func callbacks(_ log: Log) -> swl_ws_callbacks_t {
        var callbacks = swl_ws_callbacks_t()
        callbacks.struct_size = UInt32(MemoryLayout<swl_ws_callbacks_t>.size)
        callbacks.user = Unmanaged.passUnretained(log).toOpaque()
        callbacks.on_message = { user, _, data, _ in
            let text = String(decoding: UnsafeRawBufferPointer(start: data.ptr, count: data.len), as: UTF8.self)
            Unmanaged<Log>.fromOpaque(user!).takeUnretainedValue().add("message:" + text)
        }
        callbacks.on_state = { user, _, state, _ in
            let name = switch Int(state) {
            case Int(SWL_WS_OPEN): "open"
            case Int(SWL_WS_CLOSED): "closed"
            default: "failed"
            }
            Unmanaged<Log>.fromOpaque(user!).takeUnretainedValue().add("state:" + name)
        }
        return callbacks
    }

    private func open(_ host: UnsafePointer<swl_host_t>, url: String, log: Log) -> (swl_status_t, UInt64) {
        var params = swl_ws_open_params_t()
        params.struct_size = UInt32(MemoryLayout<swl_ws_open_params_t>.size)
        params.callbacks = Self.callbacks(log)
        var id: UInt64 = 0
        var record = ABIError.emptyRecord()
        let status = ABIValue.withCString(url) { text in
            params.url = text
            return host.pointee.ws_open!(host, &params, &id, &record)
        }
        return (status, id)
    }

    private func send(_ host: UnsafePointer<swl_host_t>, _ id: UInt64, _ text: String) -> swl_status_t {
        var record = ABIError.emptyRecord()
        return ABIValue.withCString(text) { host.pointee.ws_send!(host, id, $0, 0, &record) }
    }

    @Test func openSendReceiveInOrderAndServerClose() async throws {
        let server = try await Self.startEchoServer()
        let runtime = try HostRuntime()
        let library = try PluginLoader.load(path: try TestSupport.builtPlugin("ExampleCHeartbeat"))
        let instance = try runtime.instantiate(library, config: #"{"url":"http://127.0.0.1:9/"}"#)
        let host = instance.hostTable
        let log = Log()
        let (status, id) = open(host, url: "ws://127.0.0.1:\(server.port)/echo", log: log)
        #expect(status == SWL_OK)
        #expect(await TestSupport.eventually { log.all.contains("state:open") })
        for index in 0..<20 { #expect(send(host, id, "m\(index)") == SWL_OK) }
        #expect(await TestSupport.eventually { log.all.count == 21 })
        #expect(log.all == ["state:open"] + (0..<20).map { "message:echo:m\($0)" })
        #expect(send(host, id, "bye") == SWL_OK)
        #expect(await TestSupport.eventually { log.all.last == "state:closed" })
        #expect(log.all.filter { $0.hasPrefix("state:closed") }.count == 1)
        #expect(send(host, id, "late") != SWL_OK)
        instance.destroy()
        server.task.cancel()
        await runtime.shutdown()
    }

    @Test func clientCloseAndConnectFailureAreReportedOnce() async throws {
        let server = try await Self.startEchoServer()
        let runtime = try HostRuntime()
        let library = try PluginLoader.load(path: try TestSupport.builtPlugin("ExampleCHeartbeat"))
        let instance = try runtime.instantiate(library, config: #"{"url":"http://127.0.0.1:9/"}"#)
        let host = instance.hostTable

        let log = Log()
        let (_, id) = open(host, url: "ws://127.0.0.1:\(server.port)/echo", log: log)
        #expect(await TestSupport.eventually { log.all.contains("state:open") })
        var record = ABIError.emptyRecord()
        #expect(host.pointee.ws_close!(host, id, &record) == SWL_OK)
        #expect(await TestSupport.eventually { log.all.last == "state:closed" })

        let refused = Log()
        let (status, _) = open(host, url: "ws://127.0.0.1:9/nothing", log: refused)
        #expect(status == SWL_OK)
        #expect(await TestSupport.eventually { refused.all == ["state:failed"] })

        let malformed = Log()
        #expect(open(host, url: "not a url", log: malformed).0 == SWL_ERR_INVALID_ARGUMENT)
        #expect(send(host, 987_654, "x") == SWL_ERR_NOT_FOUND)
        instance.destroy()
        server.task.cancel()
        await runtime.shutdown()
    }
}

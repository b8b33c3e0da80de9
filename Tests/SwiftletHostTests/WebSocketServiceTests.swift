import CSwiftletSDK
import Foundation
import Hummingbird
import ServerTestSupport
import HummingbirdWebSocket
import NIOCore
import SwiftletABI
@testable import SwiftletHost
import Synchronization
import SwiftletTransport
import Testing

/// Host-owned WebSockets through `swl_host_t`, against a real loopback echo server.
@Suite struct WebSocketHostTests {
    /// A Hummingbird WebSocket server on 127.0.0.1 that echoes text frames and closes
    /// when it receives "bye".
    static func startEchoServer() async throws -> (port: Int, running: BackgroundServer) {
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
        let running = BackgroundServer(app)
        var iterator = stream.makeAsyncIterator()
        guard let port = await iterator.next(), port > 0 else { throw TestFailure("WebSocket server did not start") }
        return (port, running)
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

    @Test func aMessageNamingACredentialGoesWithItsPlaceholdersFilledInOrNotAtAll() async throws {
        let server = try await Self.startEchoServer()
        let runtime = try HostRuntime()
        runtime.credentials.add(Credential(name: "main", apiKey: "bg_key", secret: "s3cret", passphrase: #"p"q"#))
        runtime.credentials.add(Credential(name: "other", apiKey: "k", secret: "s", passphrase: "p"))
        let library = try PluginLoader.load(path: try TestSupport.builtPlugin("ExampleCHeartbeat"))
        let instance = try runtime.instantiate(library, config: #"{"url":"http://127.0.0.1:9/"}"#, credentials: ["main"])
        let host = instance.hostTable
        let log = Log()
        let (status, id) = open(host, url: "ws://127.0.0.1:\(server.port)/echo", log: log)
        #expect(status == SWL_OK)
        #expect(await TestSupport.eventually { log.all.contains("state:open") })
        func sendFilled(_ text: String, credential: String, to connection: UInt64 = id) -> (swl_status_t, String) {
            var record = ABIError.emptyRecord()
            let status = ABIValue.withCString(credential) { name in
                ABIValue.withCString(text) { host.pointee.ws_send_with_credential!(host, connection, name, $0, &record) }
            }
            return (status, status == SWL_OK ? "" : ABIError.read(record, status: status).message)
        }
        let login = #"{"apiKey":"{{api_key}}","passphrase":"{{passphrase}}"}"#
        #expect(sendFilled(login, credential: "main").0 == SWL_OK)
        let unknown = sendFilled(#"{"secret":"{{secret}}"}"#, credential: "main")
        #expect(unknown.0 == SWL_ERR_INVALID_ARGUMENT)
        #expect(unknown.1.contains("unknown credential placeholder {{secret}}"))
        #expect(sendFilled(login, credential: "other").0 == SWL_ERR_NOT_FOUND)
        #expect(sendFilled(login, credential: "main", to: id + 1000).0 == SWL_ERR_NOT_FOUND)
        #expect(send(host, id, "after") == SWL_OK)
        // The refused messages were not sent: the echo of "after" follows the login's.
        #expect(await TestSupport.eventually { log.all.count == 3 })
        #expect(log.all == ["state:open", #"message:echo:{"apiKey":"bg_key","passphrase":"p\"q"}"#, "message:echo:after"])
        instance.destroy()
        await server.running.stop()
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
        await server.running.stop()
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
        await server.running.stop()
        await runtime.shutdown()
    }

    // MARK: hand-over during a hot swap (SocketRoutes, adopt_websocket)

    private func adopt(_ host: UnsafePointer<swl_host_t>, _ id: UInt64, log: Log) -> swl_status_t {
        let table = ABIValue.withCString(SWL_EXT_HOST_HOTSWAP) { host.pointee.get_extension!(host, $0) }
        guard let hotswap = table?.assumingMemoryBound(to: swl_host_hotswap_t.self) else { return swl_status_t(SWL_ERR_UNSUPPORTED) }
        var callbacks = Self.callbacks(log)
        var record = ABIError.emptyRecord()
        return hotswap.pointee.adopt_websocket!(host, id, &callbacks, &record)
    }

    /// Two instances of one name (as a swap creates them), another one, and an open connection of the first.
    private func handOverSetup(_ port: Int) async throws
        -> (runtime: HostRuntime, old: PluginInstance, new: PluginInstance, other: PluginInstance, id: UInt64, log: Log) {
        let runtime = try HostRuntime()
        let library = try PluginLoader.load(path: try TestSupport.builtPlugin("ExampleCHeartbeat"))
        let config = #"{"url":"http://127.0.0.1:9/"}"#
        let old = try runtime.instantiate(library, name: "feed", config: config)
        let new = try runtime.instantiate(library, name: "feed", config: config)
        let other = try runtime.instantiate(library, name: "other", config: config)
        let log = Log()
        let (status, id) = open(old.hostTable, url: "ws://127.0.0.1:\(port)/echo", log: log)
        #expect(status == SWL_OK)
        #expect(await TestSupport.eventually { log.all.contains("state:open") })
        return (runtime, old, new, other, id, log)
    }

    @Test func aHeldConnectionIsAdoptedAndItsHeldFramesComeFirstInOrder() async throws {
        let server = try await Self.startEchoServer()
        let setup = try await handOverSetup(server.port)
        let (old, new, id) = (setup.old, setup.new, setup.id)
        let adopted = Log()
        // Only while a swap holds the connection, and only by an instance of the same name.
        #expect(adopt(new.hostTable, id, log: adopted) == SWL_ERR_STATE)
        let held = setup.runtime.socketRoutes.hold(ownedBy: old.context)
        #expect(held.count == 1)
        #expect(adopt(setup.other.hostTable, id, log: adopted) == SWL_ERR_NOT_FOUND)
        #expect(adopt(new.hostTable, 987_654, log: adopted) == SWL_ERR_NOT_FOUND)
        // Echoes of these arrive during the hold: nobody sees them yet.
        for index in 0..<5 { #expect(send(old.hostTable, id, "h\(index)") == SWL_OK) }
        try await Task.sleep(for: .milliseconds(300))
        #expect(setup.log.all == ["state:open"])
        #expect(adopt(new.hostTable, id, log: adopted) == SWL_OK)
        #expect(send(old.hostTable, id, "from-old") == SWL_ERR_NOT_FOUND)
        #expect(send(new.hostTable, id, "after") == SWL_OK)
        setup.runtime.socketRoutes.release(held, revert: false)
        #expect(await TestSupport.eventually { adopted.all.count == 6 })
        #expect(adopted.all == (0..<5).map { "message:echo:h\($0)" } + ["message:echo:after"])
        #expect(setup.log.all == ["state:open"])
        // The old instance going away no longer closes the connection.
        old.destroy()
        #expect(send(new.hostTable, id, "still") == SWL_OK)
        #expect(await TestSupport.eventually { adopted.all.last == "message:echo:still" })
        new.destroy()
        setup.other.destroy()
        await server.running.stop()
        await setup.runtime.shutdown()
    }

    @Test func aRollbackGivesTheConnectionAndItsHeldFramesBack() async throws {
        let server = try await Self.startEchoServer()
        let setup = try await handOverSetup(server.port)
        let (old, new, id) = (setup.old, setup.new, setup.id)
        let held = setup.runtime.socketRoutes.hold(ownedBy: old.context)
        let adopted = Log()
        #expect(adopt(new.hostTable, id, log: adopted) == SWL_OK)
        for index in 0..<3 { #expect(send(new.hostTable, id, "r\(index)") == SWL_OK) }
        try await Task.sleep(for: .milliseconds(300))
        setup.runtime.socketRoutes.release(held, revert: true)
        // The abandoned instance is destroyed; the connection is the old one's again.
        new.destroy()
        #expect(await TestSupport.eventually { setup.log.all.count == 4 })
        #expect(setup.log.all == ["state:open"] + (0..<3).map { "message:echo:r\($0)" })
        #expect(adopted.all.isEmpty)
        #expect(send(old.hostTable, id, "back") == SWL_OK)
        #expect(await TestSupport.eventually { setup.log.all.last == "message:echo:back" })
        old.destroy()
        setup.other.destroy()
        await server.running.stop()
        await setup.runtime.shutdown()
    }
}

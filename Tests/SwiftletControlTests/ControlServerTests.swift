import Foundation
import Hummingbird
import SwiftletConfig
import SwiftletControl
import SwiftletCore
import Synchronization
import Testing

/// A bot that reports a fixed status and records stop requests.
final class FakeBot: BotControl {
    let snapshot: BotStatus
    private let stops = Mutex(0)

    init(_ snapshot: BotStatus) { self.snapshot = snapshot }

    var stopCount: Int { stops.withLock { $0 } }
    func status() async -> BotStatus { snapshot }
    func stop() async { stops.withLock { $0 += 1 } }

    /// Swaps to any version but `9.9.9`, which it refuses as a missing install.
    func swapPlugin(_ request: PluginSwapRequest) async throws(PluginSwapRefused) -> PluginSwapOutcome {
        guard request.version != "9.9.9" else { throw PluginSwapRefused("\(request.id)@9.9.9 is not installed") }
        return PluginSwapOutcome(id: request.id, kind: .connector, from: "\(request.id)@1.0.0",
                                 to: "\(request.id)@\(request.version)", pauseMicroseconds: 1234,
                                 replayedIntents: 2, failedIntents: 0)
    }
}

/// A short socket path (sockaddr_un holds 107 bytes) in a fresh directory.
func temporarySocketPath() -> String {
    let directory = "/tmp/swl-\(UUID().uuidString.prefix(8))"
    return directory + "/control.sock"
}

/// Runs `server` while `body` runs, then cancels it and waits for it to exit.
func withServer(_ server: ControlServer, _ body: () async throws -> Void) async throws {
    let (ready, readyContinuation) = AsyncStream.makeStream(of: Void.self)
    let task = Task {
        try await server.run(onReady: { readyContinuation.yield() })
    }
    var iterator = ready.makeAsyncIterator()
    _ = await iterator.next()
    do {
        try await body()
    } catch {
        task.cancel()
        _ = try? await task.value
        throw error
    }
    task.cancel()
    try await task.value
}

@Suite struct ControlServerTests {
    static let status = BotStatus(
        connectors: [ConnectorStatus(
            id: "bitget", plugin: "bitget", version: "1.0.0", paper: true, health: .connected,
            balances: [BalanceStatus(asset: "USDT", total: try! ExactDecimal("10000.10"),
                                     available: try! ExactDecimal("9000.10"), locked: ExactDecimal(1000))],
            openOrders: [OpenOrderStatus(symbol: "BTCUSDT", clientOrderID: "swl-1", side: .buy,
                                         price: try! ExactDecimal("97000.01"), size: try! ExactDecimal("0.010"),
                                         state: .open)],
            positions: [])],
        strategies: [StrategyStatus(id: "mm1", plugin: "pure_market_making", version: "1.0.0", state: .running)],
        pnl: [MarketPnL(market: "bitget:BTCUSDT", realized: try! ExactDecimal("1.5"), unrealized: try! ExactDecimal("-0.25"),
                        fees: try! ExactDecimal("0.0123"))],
        killSwitch: KillSwitchStatus(), uptimeSeconds: 42,
        eventLoops: EventLoopStatus(cpus: [1], reserved: true, keptAwake: true))

    @Test func statusAndStopOverTheSocket() async throws {
        let socket = temporarySocketPath()
        let bot = FakeBot(Self.status)
        let server = ControlServer(socketPath: socket, control: bot)
        try await withServer(server) {
            #expect(PrivateFile.mode(of: socket) == 0o600)
            #expect(PrivateFile.mode(of: server.tokenPath) == 0o600)
            let client = ControlClient(socketPath: socket)
            #expect(try await client.status() == Self.status)
            try await client.stop()
            for _ in 0..<100 where bot.stopCount == 0 { try await Task.sleep(for: .milliseconds(10)) }
            #expect(bot.stopCount == 1)
        }
        #expect(!FileManager.default.fileExists(atPath: socket))
        #expect(!FileManager.default.fileExists(atPath: server.tokenPath))
    }

    @Test func statusJSONCarriesDecimalsAsExactStrings() async throws {
        let socket = temporarySocketPath()
        try await withServer(ControlServer(socketPath: socket, control: FakeBot(Self.status))) {
            let response = try await ControlClient(socketPath: socket).send(method: "GET", path: "/status")
            let text = String(decoding: response.body, as: UTF8.self)
            #expect(response.status == 200)
            #expect(text.contains(#""total":"10000.10""#))
            #expect(text.contains(#""size":"0.010""#))
            #expect(text.contains(#""health":"connected""#) && text.contains(#""clientOrderID":"swl-1""#))
        }
    }

    @Test func wrongTokenIsRefusedWith401() async throws {
        let socket = temporarySocketPath()
        let bot = FakeBot(Self.status)
        let server = ControlServer(socketPath: socket, control: bot)
        try await withServer(server) {
            try PrivateFile.write(Array(String(repeating: "0", count: 64).utf8), to: server.tokenPath)
            let client = ControlClient(socketPath: socket)
            await #expect(throws: ControlError(.unauthorized, "the bot refused the control token in \(server.tokenPath) (401)")) {
                _ = try await client.status()
            }
            await #expect(throws: ControlError.self) { try await client.stop() }
            #expect(bot.stopCount == 0)
            unlink(server.tokenPath)
            await #expect { _ = try await client.status() } throws: { error in
                guard let error = error as? ControlError else { return false }
                return error.kind == .unauthorized && error.message.hasPrefix("cannot read the control token at \(server.tokenPath)")
            }
        }
    }

    @Test func noServerIsAClearError() async throws {
        let socket = temporarySocketPath()
        await #expect(throws: ControlError(.notRunning, "no bot is running (no control socket at \(socket))")) {
            _ = try await ControlClient(socketPath: socket).status()
        }
    }

    @Test func staleSocketIsReportedThenReplacedByANewServer() async throws {
        let socket = temporarySocketPath()
        try FileManager.default.createDirectory(atPath: (socket as NSString).deletingLastPathComponent,
                                                withIntermediateDirectories: true)
        try makeStaleSocket(at: socket)
        await #expect { _ = try await ControlClient(socketPath: socket).status() } throws: { error in
            guard let error = error as? ControlError else { return false }
            return error.kind == .staleSocket && error.message.hasPrefix("no bot is running: \(socket) is a stale control socket")
        }
        try await withServer(ControlServer(socketPath: socket, control: FakeBot(Self.status))) {
            let status = try await ControlClient(socketPath: socket).status()
            #expect(status.uptimeSeconds == 42)
        }
    }

    @Test func aSecondServerOnALiveSocketIsRefused() async throws {
        let socket = temporarySocketPath()
        try await withServer(ControlServer(socketPath: socket, control: FakeBot(Self.status))) {
            await #expect(throws: ControlError(.alreadyRunning, "a bot is already running (its control socket is \(socket))")) {
                try await ControlServer(socketPath: socket, control: FakeBot(BotStatus())).run()
            }
            // The first bot is untouched.
            let status = try await ControlClient(socketPath: socket).status()
            #expect(status == Self.status)
        }
    }

    @Test func extraRoutesSitBehindTheSameToken() async throws {
        let socket = temporarySocketPath()
        let server = ControlServer(socketPath: socket, control: FakeBot(Self.status)) { router in
            router.post("echo") { request, context in
                let body = try await request.body.collect(upTo: 1024)
                return "swapped " + String(buffer: body)
            }
        }
        try await withServer(server) {
            let client = ControlClient(socketPath: socket)
            let response = try await client.send(method: "POST", path: "/echo", body: Array("bitget 1.1.0".utf8))
            #expect(String(decoding: response.body, as: UTF8.self) == "swapped bitget 1.1.0")
            await #expect { _ = try await client.send(method: "GET", path: "/nope") } throws: { error in
                (error as? ControlError)?.kind == .badResponse
            }
            try PrivateFile.write(Array("x".utf8), to: server.tokenPath)
            await #expect { _ = try await client.send(method: "POST", path: "/echo") } throws: { error in
                (error as? ControlError)?.kind == .unauthorized
            }
        }
    }

    @Test func pluginSwapAnswersTheOutcomeOrTheRefusal() async throws {
        let socket = temporarySocketPath()
        try await withServer(ControlServer(socketPath: socket, control: FakeBot(Self.status))) {
            let client = ControlClient(socketPath: socket)
            let outcome = try await client.swapPlugin(PluginSwapRequest(id: "bitget", version: "1.1.0"))
            #expect(outcome.to == "bitget@1.1.0" && outcome.kind == .connector && outcome.pauseMicroseconds == 1234
                    && outcome.replayedIntents == 2)
            await #expect { _ = try await client.swapPlugin(PluginSwapRequest(id: "bitget", version: "9.9.9")) } throws: { error in
                guard let error = error as? ControlError else { return false }
                return error.kind == .badResponse && error.message.contains("409") && error.message.contains("not installed")
            }
            await #expect { _ = try await client.send(method: "POST", path: "/plugins/swap", body: Array("not json".utf8)) } throws: { error in
                (error as? ControlError)?.kind == .badResponse
            }
        }
    }

    @Test func tooLongSocketPathIsRefused() async throws {
        let socket = "/tmp/" + String(repeating: "s", count: 200)
        await #expect { try await ControlServer(socketPath: socket, control: FakeBot(BotStatus())).run() } throws: { error in
            (error as? ControlError)?.kind == .invalidArgument
        }
        await #expect { _ = try await ControlClient(socketPath: socket).status() } throws: { error in
            (error as? ControlError)?.kind == .invalidArgument
        }
    }
}

/// Binds a Unix socket at `path` and closes it without unlinking: what a crashed bot leaves.
func makeStaleSocket(at path: String) throws {
    let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
    #expect(fd >= 0)
    defer { close(fd) }
    var address = sockaddr_un()
    address.sun_family = sa_family_t(AF_UNIX)
    withUnsafeMutableBytes(of: &address.sun_path) { $0.copyBytes(from: path.utf8) }
    let bound = withUnsafePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
    }
    #expect(bound == 0)
    #expect(listen(fd, 1) == 0)
}

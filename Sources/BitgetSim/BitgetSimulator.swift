import Foundation
import Hummingbird
import HummingbirdWebSocket
import Logging
import NIOCore
import ServiceLifecycle
import SwiftletCore

/// A Bitget v2-compatible exchange on loopback: REST at `baseURL`, WebSockets at
/// `publicWebSocketURL` and `privateWebSocketURL`.
///
/// Start it with `BitgetSimulator.start(_:)`, stop it with `shutdown()`. Fault injection and
/// test hooks are methods here and, for out-of-process use, `POST /admin/...` endpoints.
public final class BitgetSimulator: Sendable {
    /// The port actually bound (useful when the configuration asked for 0).
    public let port: Int
    /// The configuration it runs with.
    public let config: SimConfig
    let exchange: Exchange
    let hub: StreamHub
    let faults: Faults
    let limiter: RateLimiter
    let agents: AgentDriver
    private let server: ServiceGroup
    private let serverTask: Task<Void, any Error>
    private let loopTask: Task<Void, Never>

    /// `http://HOST:PORT`.
    public var baseURL: String { "http://\(config.host):\(port)" }
    /// `ws://HOST:PORT/v2/ws/public`.
    public var publicWebSocketURL: String { "ws://\(config.host):\(port)/v2/ws/public" }
    /// `ws://HOST:PORT/v2/ws/private`.
    public var privateWebSocketURL: String { "ws://\(config.host):\(port)/v2/ws/private" }

    private init(port: Int, config: SimConfig, exchange: Exchange, hub: StreamHub, faults: Faults, limiter: RateLimiter,
                 agents: AgentDriver, server: ServiceGroup, serverTask: Task<Void, any Error>, loopTask: Task<Void, Never>) {
        self.port = port
        self.config = config
        self.exchange = exchange
        self.hub = hub
        self.faults = faults
        self.limiter = limiter
        self.agents = agents
        self.server = server
        self.serverTask = serverTask
        self.loopTask = loopTask
    }

    /// Binds, starts the market and returns once the server accepts connections.
    public static func start(_ config: SimConfig = SimConfig()) async throws -> BitgetSimulator {
        let exchange = Exchange(config: config)
        let faults = Faults()
        let hub = StreamHub(exchange: exchange, faults: faults)
        exchange.sink = { [hub] events in hub.deliver(events) }
        let api = RestAPI(exchange: exchange, faults: faults, hub: hub)
        let agents = AgentDriver(seed: config.seed)
        if config.agents { agents.warmUp(exchange) }

        let router = Router()
        let respond: @Sendable (Request, BasicRequestContext) async throws -> Response = { request, _ in
            let body = try await request.body.collect(upTo: 4 << 20)
            var headers: [String: String] = [:]
            for field in request.headers { headers[field.name.canonicalName.lowercased()] = field.value }
            let rest = RestRequest(method: request.method.rawValue, path: request.uri.path, rawQuery: request.uri.query ?? "",
                                   headers: headers, body: String(buffer: body), remote: "ip")
            let answer = api.handle(rest)
            let delay = faults.read().restAnswerDelayMs
            if delay > 0, !rest.path.hasPrefix("/admin/") { try await Task.sleep(for: .milliseconds(delay)) }
            return Response(status: .init(code: answer.status), headers: [.contentType: "application/json"],
                            body: .init(byteBuffer: ByteBuffer(string: answer.body)))
        }
        router.get("**", use: respond)
        router.post("**", use: respond)
        router.delete("**", use: respond)

        let wsRouter = Router(context: BasicWebSocketRequestContext.self)
        for (path, isPrivate) in [("/v2/ws/public", false), ("/v2/ws/private", true)] {
            wsRouter.ws(RouterPath(path)) { inbound, outbound, _ in
                try await StreamSession.run(hub: hub, isPrivate: isPrivate, inbound: inbound, outbound: outbound)
            }
        }
        let (portStream, portContinuation) = AsyncStream<Int>.makeStream()
        var logger = Logger(label: "bitget-sim")
        logger.logLevel = .error
        let app = Application(
            router: router,
            server: .http1WebSocketUpgrade(webSocketRouter: wsRouter,
                                           configuration: .init(ws: .init(maxFrameSize: 1 << 20, autoPing: .disabled))),
            configuration: .init(address: .hostname(config.host, port: config.port), serverName: "bitget-sim"),
            onServerRunning: { channel in
                portContinuation.yield(channel.localAddress?.port ?? 0)
                portContinuation.finish()
            },
            logger: logger)
        // Never stopped by cancelling its task: NIO traps when a connection accepted just
        // then is dropped unserved ("Deinited NIOAsyncWriter without calling finish()",
        // swift-nio#3481). `shutdown` asks the group to shut down gracefully instead.
        let server = ServiceGroup(configuration: .init(services: [app], logger: logger))
        let serverTask = Task { try await server.run() }
        var bound = 0
        for await port in portStream { bound = port }
        guard bound > 0 else {
            await server.triggerGracefulShutdown()
            throw BitgetError(status: 500, code: "40015", msg: "could not bind \(config.host):\(config.port)")
        }
        let loopTask = Task {
            var lastAgent: Int64 = 0
            while !Task.isCancelled {
                try? await Task.sleep(for: .milliseconds(min(config.publishIntervalMs, config.agentIntervalMs)))
                let now = WallClock.milliseconds()
                if config.agents, agents.isRunning, now - lastAgent >= Int64(config.agentIntervalMs) {
                    lastAgent = now
                    agents.step(exchange)
                }
                _ = try? exchange.locked { () throws(BitgetError) in
                    if now >= exchange.nextFundingTime { exchange.settleFunding(now: now) }
                }
                hub.publishTick()
            }
        }
        return BitgetSimulator(port: bound, config: config, exchange: exchange, hub: hub, faults: faults, limiter: api.limiter,
                               agents: agents, server: server, serverTask: serverTask, loopTask: loopTask)
    }

    /// Stops the market loop and the server, closing every connection.
    public func shutdown() async {
        loopTask.cancel()
        await server.triggerGracefulShutdown()
        // A graceful shutdown waits for the open connections: the WebSocket ones are closed
        // here, with any a client opens meanwhile (connectors reconnect at once).
        let hub = hub
        let closer = Task {
            while !Task.isCancelled {
                hub.dropAll()
                try? await Task.sleep(for: .milliseconds(20))
            }
        }
        _ = await serverTask.result
        closer.cancel()
        _ = await loopTask.value
    }
}

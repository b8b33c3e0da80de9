#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
import Hummingbird
import Logging
import ServiceLifecycle
import SwiftletConfig

/// The running bot's local control endpoint: HTTP/1.1 on a Unix domain socket (mode 0600)
/// with a bearer token in `<socket>.token` (mode 0600) that every request must carry.
///
/// Routes: `GET /status` → ``BotStatus`` as JSON; `POST /stop` → 202, then
/// ``BotControl/stop()``; `POST /plugins/swap` (``PluginSwapRequest``) → ``PluginSwapOutcome``,
/// or 409 with the reason. More routes (e.g. `POST /plugins/swap`) are added with `routes`;
/// they sit behind the same token check. ``ControlClient/send(method:path:body:)`` calls them.
public struct ControlServer: Sendable {
    /// Adds routes to the control router; called once, after the built-in routes.
    public typealias Routes = @Sendable (Router<BasicRequestContext>) -> Void

    /// The socket the server binds.
    public let socketPath: String
    private let control: any BotControl
    private let routes: Routes
    private let logger: Logger

    /// A server for `control` on `socketPath`; nothing happens until ``run(onReady:)``.
    public init(socketPath: String, control: any BotControl, routes: @escaping Routes = { _ in },
                logger: Logger = Logger(label: "swiftlet.control")) {
        self.socketPath = socketPath
        self.control = control
        self.routes = routes
        self.logger = logger
    }

    /// The token file, `<socket>.token`.
    public var tokenPath: String { ControlToken.path(forSocket: socketPath) }

    /// Binds the socket, writes a fresh token and serves until the calling task is
    /// cancelled or, inside a `ServiceGroup`, until graceful shutdown; either way the server
    /// shuts down gracefully and the socket and token files are removed on the way out.
    ///
    /// A socket file left by a bot that died is replaced; one that a running bot still
    /// listens on is refused with ``ControlError/Kind/alreadyRunning``.
    /// - Parameter onReady: called once the socket accepts connections.
    public func run(onReady: @escaping @Sendable () async -> Void = {}) async throws(ControlError) {
        try prepareSocketPath()
        let token = ControlToken.generate()
        try ControlToken.write(token, to: tokenPath)
        defer {
            unlink(socketPath)
            unlink(tokenPath)
        }
        let socketPath = self.socketPath
        let app = Application(
            router: makeRouter(token: token),
            configuration: ApplicationConfiguration(address: .unixDomainSocket(path: socketPath), serverName: nil),
            onServerRunning: { _ in
                chmod(socketPath, 0o600)
                await onReady()
            },
            logger: logger)
        // Hummingbird must not be torn down by cancellation (NIO traps on unfinished
        // writers): the group runs in its own task, and cancelling ours asks it to shut
        // down gracefully.
        let group = ServiceGroup(configuration: .init(services: [app], logger: logger))
        let serving = Task { try await group.run() }
        do {
            try await withTaskCancellationHandler {
                try await serving.value
            } onCancel: {
                Task { await group.triggerGracefulShutdown() }
            }
        } catch {
            if Task.isCancelled { return }
            throw ControlError(.io, "control server on \(socketPath) failed: \(error)")
        }
    }

    private func prepareSocketPath() throws(ControlError) {
        try UnixSocket.checkPath(socketPath)
        switch UnixSocket.isSocketFile(socketPath) {
        case nil:
            break
        case false?:
            throw ControlError(.invalidArgument, "\(socketPath) exists and is not a socket")
        case true?:
            if UnixSocket.isListening(socketPath) {
                throw ControlError(.alreadyRunning, "a bot is already running (its control socket is \(socketPath))")
            }
            unlink(socketPath)
        }
        let directory = (socketPath as NSString).deletingLastPathComponent
        if !directory.isEmpty, !FileManager.default.fileExists(atPath: directory) {
            do {
                try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true,
                                                        attributes: [.posixPermissions: 0o700])
            } catch {
                throw ControlError(.io, "cannot create \(directory): \(error.localizedDescription)")
            }
        }
    }

    private func makeRouter(token: String) -> Router<BasicRequestContext> {
        let control = self.control
        let router = Router(context: BasicRequestContext.self)
        router.add(middleware: BearerTokenMiddleware(token: token))
        router.get("status") { _, _ in
            await control.status()
        }
        router.post("stop") { _, _ in
            // Answer first: stopping the bot also stops this server.
            Task { await control.stop() }
            return EditedResponse(status: .accepted, response: StopAccepted())
        }
        router.post("plugins/swap") { request, context -> PluginSwapOutcome in
            let ask = try await request.decode(as: PluginSwapRequest.self, context: context)
            do throws(PluginSwapRefused) {
                return try await control.swapPlugin(ask)
            } catch {
                throw HTTPError(.conflict, message: error.description)
            }
        }
        routes(router)
        return router
    }
}

extension BotStatus: ResponseEncodable {}

/// The body of `POST /stop`'s 202 answer.
struct StopAccepted: ResponseEncodable {
    var stopping = true
}

/// Refuses, with 401, any request without `Authorization: Bearer <token>`.
struct BearerTokenMiddleware<Context: RequestContext>: RouterMiddleware {
    let token: String

    func handle(_ request: Request, context: Context,
                next: (Request, Context) async throws -> Response) async throws -> Response {
        guard let value = request.headers[.authorization], value.hasPrefix("Bearer "),
              ControlToken.matches(value.dropFirst("Bearer ".count), token) else {
            throw HTTPError(.unauthorized, message: "missing or wrong control token")
        }
        return try await next(request, context)
    }
}

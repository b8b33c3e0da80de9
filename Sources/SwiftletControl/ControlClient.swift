import AsyncHTTPClient
import Foundation
import NIOCore
import SwiftletConfig

/// Talks to a running bot's ``ControlServer`` over its Unix socket, with the token from
/// `<socket>.token`.
public struct ControlClient: Sendable {
    /// The bot's control socket.
    public let socketPath: String
    /// How long one request may take.
    public var timeout: Duration

    /// A client for the bot at `socketPath` (default: ``SwiftletPaths/controlSocket``).
    public init(socketPath: String = SwiftletPaths.controlSocket, timeout: Duration = .seconds(10)) {
        self.socketPath = socketPath
        self.timeout = timeout
    }

    /// True when a bot listens on the socket (false when the socket is missing or stale).
    public var isBotRunning: Bool { UnixSocket.isListening(socketPath) }

    /// `GET /status`.
    public func status() async throws(ControlError) -> BotStatus {
        let response = try await send(method: "GET", path: "/status")
        do {
            return try JSONDecoder().decode(BotStatus.self, from: Data(response.body))
        } catch {
            throw ControlError(.badResponse, "the bot's status could not be read: \(error)")
        }
    }

    /// `POST /stop`: returns once the bot has accepted; it then stops on its own.
    public func stop() async throws(ControlError) {
        _ = try await send(method: "POST", path: "/stop")
    }

    /// Asks the bot to hot-swap a connector; a refused swap throws with the bot's reason.
    public func swapPlugin(_ request: PluginSwapRequest) async throws(ControlError) -> PluginSwapOutcome {
        let body: [UInt8]
        do { body = Array(try JSONEncoder().encode(request)) } catch {
            throw ControlError(.invalidArgument, "cannot encode the swap request: \(error)")
        }
        let response = try await send(method: "POST", path: "/plugins/swap", body: body)
        do {
            return try JSONDecoder().decode(PluginSwapOutcome.self, from: Data(response.body))
        } catch {
            throw ControlError(.badResponse, "unreadable swap answer: \(error)")
        }
    }

    /// Sends one request to the control endpoint and returns a 2xx answer; anything else,
    /// and a missing or stale socket, throws a ``ControlError`` saying which.
    public func send(method: String, path: String, body: [UInt8]? = nil) async throws(ControlError) -> ControlResponse {
        try UnixSocket.checkPath(socketPath)
        guard UnixSocket.isSocketFile(socketPath) != nil else {
            throw ControlError(.notRunning, "no bot is running (no control socket at \(socketPath))")
        }
        guard UnixSocket.isListening(socketPath) else {
            throw ControlError(.staleSocket, "no bot is running: \(socketPath) is a stale control socket "
                + "left by a bot that exited (a new bot replaces it)")
        }
        let tokenPath = ControlToken.path(forSocket: socketPath)
        let token = try ControlToken.read(from: tokenPath)
        guard let url = URL(httpURLWithSocketPath: socketPath, uri: path) else {
            throw ControlError(.invalidArgument, "cannot make a control URL for \(socketPath) and \(path)")
        }
        var request = HTTPClientRequest(url: url.absoluteString)
        request.method = .init(rawValue: method)
        request.headers.add(name: "Authorization", value: "Bearer \(token)")
        if let body {
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(bytes: body))
        }
        let status: Int
        let bytes: [UInt8]
        do {
            let response = try await HTTPClient.shared.execute(request, timeout: .nanoseconds(timeout.nanoseconds))
            status = Int(response.status.code)
            bytes = Array(buffer: try await response.body.collect(upTo: 16 << 20))
        } catch {
            throw ControlError(.io, "control request \(method) \(path) to \(socketPath) failed: \(error)")
        }
        switch status {
        case 200..<300:
            return ControlResponse(status: status, body: bytes)
        case 401:
            throw ControlError(.unauthorized, "the bot refused the control token in \(tokenPath) (401)")
        default:
            throw ControlError(.badResponse, "\(method) \(path) answered \(status): \(ControlClient.errorMessage(bytes))")
        }
    }

    /// The message of Hummingbird's `{"error":{"message":…}}` body, else the body's text.
    private static func errorMessage(_ body: [UInt8]) -> String {
        struct Envelope: Decodable {
            struct Detail: Decodable { var message: String? }
            var error: Detail
        }
        if let envelope = try? JSONDecoder().decode(Envelope.self, from: Data(body)), let message = envelope.error.message {
            return message
        }
        return String(decoding: body.prefix(200), as: UTF8.self)
    }
}

/// A 2xx answer from the control endpoint.
public struct ControlResponse: Sendable {
    /// The HTTP status code.
    public let status: Int
    /// The body bytes (JSON for the built-in routes).
    public let body: [UInt8]
}

extension Duration {
    /// Whole nanoseconds, clamped to Int64.
    fileprivate var nanoseconds: Int64 {
        let (seconds, attoseconds) = components
        let (scaled, overflow) = seconds.multipliedReportingOverflow(by: 1_000_000_000)
        return overflow ? .max : scaled &+ attoseconds / 1_000_000_000
    }
}

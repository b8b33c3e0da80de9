import Foundation
public import SwiftletPluginKit

/// One subscription argument of a Bitget WebSocket op.
public struct StreamSubscription: Hashable, Sendable {
    public var instType: String
    public var channel: String
    public var instId: String
    /// The member naming the instrument: `instId`, or `coin` for the spot `account` channel.
    public var idKey: String

    public init(instType: String, channel: String, instId: String, idKey: String = "instId") {
        self.instType = instType
        self.channel = channel
        self.instId = instId
        self.idKey = idKey
    }

    var json: String { JSONText.object([("instType", instType), ("channel", channel), (idKey, instId)]) }
}

/// Tuning of a stream; the defaults are Bitget's documented figures.
public struct StreamSettings: Sendable {
    /// Send the text `ping` this often ("set a 30 seconds timer").
    public var pingInterval: Duration = .seconds(30)
    /// First reconnect delay; doubles per failed attempt up to `maxBackoff`, with ±50% jitter.
    public var baseBackoff: Duration = .milliseconds(500)
    public var maxBackoff: Duration = .seconds(30)
    /// Messages the client may send per second ("accepts up to 10 messages per second").
    public var messagesPerSecond = 10
    /// Args per subscribe op (keeps each frame small).
    public var argsPerOp = 50
    public init() {}
}

/// A self-healing Bitget WebSocket connection over a host-owned socket: login (private),
/// subscriptions restored after every reconnect, text ping/pong keepalive with a dead
/// peer detector, jittered exponential backoff, and a send budget.
///
/// Use it from the instance's own context only.
public final class BitgetStream {
    /// What the owner hears about.
    public enum Notice {
        /// Connected (and logged in, for private streams), subscriptions re-sent.
        case ready
        /// The connection dropped or could not be made; a reconnect is scheduled.
        case lost(String)
        /// Connecting again after a loss.
        case reconnecting
        /// An `{"event":"error"}` answer (bad subscription, failed login, ...).
        case error(code: String, message: String)
    }

    /// `"public"` or `"private"`, for events and logs.
    public let name: String
    private let host: PluginHost
    private let url: String
    private let loginCredential: String?
    private let clockOffsetMs: () -> Int64
    private let settings: StreamSettings
    private let onMessage: (UnsafeRawBufferPointer) -> Void
    private let onNotice: (Notice) -> Void

    private var desired: [StreamSubscription] = []
    private var connection: UInt64?
    private var isReady = false
    private var stopped = true
    private var attempt = 0
    private var pingTimer: UInt64?
    private var reconnectTimer: UInt64?
    private var awaitingPong = false
    private var sendLimiter: RateLimiter
    private var random = SystemRandomNumberGenerator()

    /// - Parameters:
    ///   - loginCredential: host credential to log in with; nil for public streams.
    ///   - clockOffsetMs: server minus local time, for the login timestamp.
    ///   - onMessage: every data frame (pushes), borrowed for the call.
    public init(host: PluginHost, name: String, url: String, loginCredential: String? = nil,
                clockOffsetMs: @escaping () -> Int64 = { 0 }, settings: StreamSettings = StreamSettings(),
                onMessage: @escaping (UnsafeRawBufferPointer) -> Void, onNotice: @escaping (Notice) -> Void) {
        self.host = host
        self.name = name
        self.url = url
        self.loginCredential = loginCredential
        self.clockOffsetMs = clockOffsetMs
        self.settings = settings
        self.onMessage = onMessage
        self.onNotice = onNotice
        self.sendLimiter = RateLimiter(limits: ["ws": settings.messagesPerSecond])
    }

    /// Subscriptions currently wanted (restored on reconnect).
    public var subscriptions: [StreamSubscription] { desired }
    /// True once connected (and logged in).
    public var ready: Bool { isReady }

    /// Connects; reconnects on its own until `stop`.
    public func start() {
        guard stopped else { return }
        stopped = false
        connect()
    }

    /// The open connection's host id, while connected.
    public var connectionID: UInt64? { isReady ? connection : nil }

    /// Carries on a connection the previous version of this instance opened, instead of
    /// connecting (hot swap; `PluginHost.adoptWebSocket`). The connection is open (logged
    /// in, for a private stream) and the subscriptions already made with `subscribe` are
    /// active at the exchange, so nothing is sent. Throws when the host refuses; the
    /// caller then uses `start`.
    public func adopt(connection id: UInt64) throws(PluginError) {
        guard stopped else { throw PluginError(SWL_ERR_STATE, "\(name) stream is already running") }
        try host.adoptWebSocket(id, onMessage: { [weak self] data, _ in
            self?.received(data)
        }, onState: { [weak self] state in
            self?.stateChanged(state)
        })
        stopped = false
        connection = id
        isReady = true
        attempt = 0
        startKeepalive()
        // The previous instance's last ping may be most of an interval ago, and swaps in
        // quick succession would otherwise never let an interval finish: Bitget closes a
        // connection that sent no ping for two minutes.
        ping()
    }

    /// Stops the keepalive pings (the owner is quiesced for a hot swap and its frames are
    /// held, so a missing pong would mean nothing).
    public func pauseKeepalive() {
        if let pingTimer { try? host.cancelTimer(pingTimer) }
        pingTimer = nil
        awaitingPong = false
    }

    /// Restarts the keepalive pings after `pauseKeepalive`.
    public func resumeKeepalive() {
        guard isReady, pingTimer == nil else { return }
        startKeepalive()
        ping()
    }

    /// Closes for good.
    public func stop() {
        stopped = true
        isReady = false
        cancelTimers()
        if let connection { try? host.closeWebSocket(connection) }
        connection = nil
    }

    /// Adds subscriptions; sent now if connected, else on connect.
    public func subscribe(_ subscriptions: [StreamSubscription]) {
        let fresh = subscriptions.filter { !desired.contains($0) }
        guard !fresh.isEmpty else { return }
        desired += fresh
        if isReady { sendOps("subscribe", fresh) }
    }

    /// Removes subscriptions.
    public func unsubscribe(_ subscriptions: [StreamSubscription]) {
        let present = subscriptions.filter { desired.contains($0) }
        guard !present.isEmpty else { return }
        desired.removeAll { present.contains($0) }
        if isReady { sendOps("unsubscribe", present) }
    }

    /// Unsubscribes and subscribes again: Bitget answers with a fresh snapshot.
    public func resubscribe(_ subscription: StreamSubscription) {
        guard isReady, desired.contains(subscription) else { return }
        sendOps("unsubscribe", [subscription])
        sendOps("subscribe", [subscription])
    }

    /// Drops the connection now and reconnects (used when the owner detects a dead feed).
    public func reconnect(reason: String) {
        guard !stopped else { return }
        if let connection { try? host.closeWebSocket(connection) } else { scheduleReconnect(reason) }
    }

    // MARK: connection

    private func connect() {
        guard !stopped else { return }
        isReady = false
        awaitingPong = false
        do {
            connection = try host.openWebSocket(url: url, onMessage: { [weak self] data, _ in
                self?.received(data)
            }, onState: { [weak self] state in
                self?.stateChanged(state)
            })
        } catch {
            connection = nil
            scheduleReconnect("cannot open \(url): \(error.message)")
        }
    }

    private func stateChanged(_ state: PluginHost.SocketState) {
        switch state {
        case .open:
            if loginCredential != nil { sendLogin() } else { becomeReady() }
        case .closed(let detail), .failed(let detail):
            connection = nil
            isReady = false
            cancelTimers()
            guard !stopped else { return }
            scheduleReconnect(detail.isEmpty ? "connection closed" : detail)
        }
    }

    private func scheduleReconnect(_ reason: String) {
        onNotice(.lost(reason))
        guard reconnectTimer == nil else { return }
        let base = settings.baseBackoff.nanoseconds
        let cap = settings.maxBackoff.nanoseconds
        let exponential = min(cap, base << min(attempt, 20))
        let jittered = exponential / 2 + Int64.random(in: 0...max(1, exponential), using: &random)
        attempt += 1
        reconnectTimer = try? host.startTimer(after: .nanoseconds(min(cap, jittered))) { [weak self] _ in
            guard let self else { return }
            self.reconnectTimer = nil
            self.onNotice(.reconnecting)
            self.connect()
        }
        if reconnectTimer == nil { connect() }
    }

    private func becomeReady() {
        isReady = true
        attempt = 0
        if !desired.isEmpty { sendOps("subscribe", desired) }
        startKeepalive()
        onNotice(.ready)
    }

    private func startKeepalive() {
        pingTimer = try? host.startTimer(after: settings.pingInterval, every: settings.pingInterval) { [weak self] _ in
            self?.ping()
        }
    }

    private func ping() {
        if awaitingPong {
            // Nothing at all arrived for a whole interval after our ping: the peer is gone.
            reconnect(reason: "no pong within \(settings.pingInterval)")
            return
        }
        awaitingPong = true
        send("ping")
    }

    private func cancelTimers() {
        if let pingTimer { try? host.cancelTimer(pingTimer) }
        pingTimer = nil
        if let reconnectTimer { try? host.cancelTimer(reconnectTimer) }
        reconnectTimer = nil
    }

    // MARK: frames

    private struct EventFrame: Decodable {
        let event: String
        let code: FlexibleString?
        let msg: String?
    }

    private func received(_ data: UnsafeRawBufferPointer) {
        awaitingPong = false
        if data.count == 4, data.elementsEqual("pong".utf8) { return }
        // Pushes start with {"action"... or {"arg"...; answers to ops start with {"event".
        if FrameSniffer.startsWithMember(data, "\"event\"") {
            handleEvent(Data(data))
            return
        }
        onMessage(data)
    }

    private func handleEvent(_ data: Data) {
        guard let frame = try? JSONDecoder().decode(EventFrame.self, from: data) else {
            onNotice(.error(code: "", message: "\(name) stream: malformed event frame"))
            return
        }
        switch frame.event {
        case "login":
            if frame.code?.text == "0" || frame.code == nil {
                becomeReady()
            } else {
                onNotice(.error(code: frame.code?.text ?? "", message: "login failed: \(frame.msg ?? "")"))
            }
        case "error":
            onNotice(.error(code: frame.code?.text ?? "", message: frame.msg ?? "error"))
        default:
            break // subscribe/unsubscribe acknowledgements
        }
    }

    private func sendLogin() {
        guard let loginCredential else { return }
        // WebSocket login uses SECONDS (REST uses ms): sign(timestamp + "GET" + "/user/verify").
        let seconds = String((host.now / 1_000_000 + clockOffsetMs()) / 1000)
        do {
            let sign = try host.sign(seconds + "GET" + "/user/verify", credential: loginCredential)
            // The host writes the key and passphrase in: the passphrase never enters the plugin.
            let arg = JSONText.object([("apiKey", "{{api_key}}"), ("passphrase", "{{passphrase}}"),
                                       ("timestamp", seconds), ("sign", sign)])
            send(JSONText.rawObject([("op", JSONText.string("login")), ("args", JSONText.array([arg]))]),
                 credential: loginCredential)
        } catch {
            onNotice(.error(code: "", message: "cannot sign login with credential \(loginCredential): \(error.message)"))
        }
    }

    private func sendOps(_ op: String, _ subscriptions: [StreamSubscription]) {
        var start = 0
        while start < subscriptions.count {
            let chunk = subscriptions[start..<min(subscriptions.count, start + settings.argsPerOp)]
            send(JSONText.rawObject([("op", JSONText.string(op)), ("args", JSONText.array(chunk.map(\.json)))]))
            start += settings.argsPerOp
        }
    }

    /// Sends within the per-connection message budget, in order. With `credential`, the
    /// host fills its placeholders in (the login), and a refusal is reported; other sends
    /// that fail mean the connection is going, which its state callback reports.
    private func send(_ text: String, credential: String? = nil) {
        guard let id = connection else { return }
        let delay = sendLimiter.reserve("ws", now: host.monotonic)
        let write = { [weak self] in
            guard let self, self.connection == id else { return }
            guard let credential else {
                try? self.host.send(id, text: text)
                return
            }
            do throws(PluginError) {
                try self.host.send(id, text: text, credential: credential)
            } catch {
                self.onNotice(.error(code: "", message: "cannot send login with credential \(credential): \(error.message)"))
            }
        }
        if delay <= 0 { write() } else if (try? host.startTimer(after: .nanoseconds(delay), { _ in write() })) == nil { write() }
    }
}

import Foundation
import NIOCore
import NIOPosix
import WebSocketKit

/// An independent WebSocket client for the tests: WebSocketKit over a real loopback socket.
///
/// Every text frame is appended, in arrival order, to an inbox; tests take messages from it in
/// order (`next`) or skip ahead to the first one a predicate accepts (`next(where:)`). Waiting
/// polls the inbox with a deadline, so nothing blocks a cooperative thread.
final class WSTestClient: @unchecked Sendable {
    struct Timeout: Error, CustomStringConvertible {
        let what: String
        let skipped: [String]
        var description: String {
            "timed out waiting for \(what); last messages seen: \(skipped.map { String($0.prefix(300)) })"
        }
    }

    private let lock = NSLock()
    private var inbox: [String] = []
    private var socket: WebSocket?
    private var closedFlag = false
    /// The last few messages taken without being accepted (for failure messages).
    private var skipped: [String] = []

    /// True once the server closed the connection (or it failed).
    var isClosed: Bool { lock.withLock { closedFlag } }

    /// Connects to `url` (e.g. `ws://127.0.0.1:PORT/v2/ws/public`).
    static func connect(_ url: String) async throws -> WSTestClient {
        let client = WSTestClient()
        // Full `books` snapshots are larger than WebSocketKit's default 16 KiB frame limit.
        try await WebSocket.connect(to: url, configuration: .init(maxFrameSize: 1 << 24),
                                    on: MultiThreadedEventLoopGroup.singleton) { ws in
            client.lock.withLock { client.socket = ws }
            ws.onText { _, text in client.lock.withLock { client.inbox.append(text) } }
            ws.onClose.whenComplete { _ in client.lock.withLock { client.closedFlag = true } }
        }.get()
        // The connect future can complete before `onUpgrade` ran: wait for the socket itself,
        // or a `send` right after `connect` would have nothing to send on.
        let deadline = Date().addingTimeInterval(15)
        while client.lock.withLock({ client.socket == nil }) {
            guard Date() < deadline else { throw Timeout(what: "the WebSocket upgrade", skipped: []) }
            try await Task.sleep(for: .milliseconds(2))
        }
        return client
    }

    /// Sends a text frame.
    func send(_ text: String) {
        let ws = lock.withLock { socket }
        ws?.send(text)
    }

    /// Closes from our side.
    func close() async {
        let ws = lock.withLock { socket }
        try? await ws?.close().get()
    }

    /// Number of messages received and not yet taken.
    var pendingCount: Int { lock.withLock { inbox.count } }

    /// The next message in arrival order.
    func next(timeout: Double = 15) async throws -> String {
        try await take(timeout: timeout, what: "a message") { _ in true }
    }

    /// Discards messages until one satisfies `match` (as a JSON object) and returns it.
    func next(timeout: Double = 15, _ what: String = "a matching message",
              where match: @escaping ([String: Any]) -> Bool) async throws -> [String: Any] {
        let text = try await take(timeout: timeout, what: what) { text in
            guard let object = WSTestClient.json(text) else { return false }
            return match(object)
        }
        return WSTestClient.json(text)!
    }

    /// Waits until the server has closed the connection.
    func waitClosed(timeout: Double = 15) async throws {
        let deadline = Date().addingTimeInterval(timeout)
        while !isClosed {
            guard Date() < deadline else { throw Timeout(what: "the connection to close", skipped: []) }
            try await Task.sleep(for: .milliseconds(10))
        }
    }

    /// Every message received so far (without taking them).
    func snapshotInbox() -> [String] { lock.withLock { inbox } }

    private func take(timeout: Double, what: String, _ accept: (String) -> Bool) async throws -> String {
        let deadline = Date().addingTimeInterval(timeout)
        while true {
            let found: String? = lock.withLock {
                while !inbox.isEmpty {
                    let first = inbox.removeFirst()
                    let accepted = accept(first)
                    skipped.append((accepted ? "[taken] " : "[skipped] ") + first)
                    if skipped.count > 6 { skipped.removeFirst() }
                    if accepted { return first }
                }
                return nil
            }
            if let found { return found }
            guard Date() < deadline else { throw Timeout(what: what, skipped: lock.withLock { skipped }) }
            try await Task.sleep(for: .milliseconds(5))
        }
    }

    static func json(_ text: String) -> [String: Any]? {
        (try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [String: Any]
    }
}

/// Small accessors for Bitget push messages.
extension Dictionary where Key == String, Value == Any {
    var channel: String? { (self["arg"] as? [String: Any])?["channel"] as? String }
    var action: String? { self["action"] as? String }
    var event: String? { self["event"] as? String }
    var dataList: [[String: Any]] { self["data"] as? [[String: Any]] ?? [] }
    /// A push (not an event) of `channel`.
    func isPush(_ channel: String) -> Bool { self.channel == channel && self["data"] != nil && action != nil }
}

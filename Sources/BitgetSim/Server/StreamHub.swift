import Foundation
import SwiftletCore

/// WebSocket fan-out: connections, subscriptions, login, and the periodic market pushes.
final class StreamHub: @unchecked Sendable {
    /// What a connection's writer task should do next.
    enum Outbound: Sendable { case text(String), close }

    /// `instType|channel|instId`, instType and channel as sent, compared case-insensitively.
    struct Subscription: Hashable, Sendable {
        var instType: String
        var channel: String
        var instId: String
        /// Bitget's `account` channel names `coin` (e.g. `"coin":"default"`) instead of `instId`;
        /// the arg is echoed back with the key the client used.
        var usesCoin = false
        var key: String { "\(instType.uppercased())|\(channel)|\(instId.uppercased())" }
        var arg: JSONValue {
            .object([("instType", .string(instType)), ("channel", .string(channel)), (usesCoin ? "coin" : "instId", .string(instId))])
        }
    }

    final class Connection: @unchecked Sendable {
        let id: Int
        let isPrivate: Bool
        var owner: Int32?
        var subscriptions: [String: Subscription] = [:]
        var lastSeen: Int64
        let continuation: AsyncStream<Outbound>.Continuation
        init(id: Int, isPrivate: Bool, now: Int64, continuation: AsyncStream<Outbound>.Continuation) {
            self.id = id
            self.isPrivate = isPrivate
            self.lastSeen = now
            self.continuation = continuation
        }
        func send(_ text: String) { continuation.yield(.text(text)) }
    }

    /// Per-book publishing state of the `books` channel.
    struct BookFeed { var seq: Int64 = 0 }

    let exchange: Exchange
    let faults: Faults
    let lock = NSLock()
    var connections: [Int: Connection] = [:]
    var nextId = 1
    /// `ping`s received from clients since start (test hook).
    var pingsReceived = 0
    var feeds: [String: BookFeed] = [:]
    /// Messages sent since start (for the fan-out benchmark).
    var sentCount = 0

    static let publicChannels: Set<String> = {
        var set: Set<String> = ["books", "books1", "books5", "books15", "trade", "ticker"]
        for g in ["1m", "5m", "15m", "30m", "1H", "4H", "6H", "12H", "1D", "3D", "1W", "1M", "6Hutc", "12Hutc", "1Dutc",
                  "3Dutc", "1Wutc", "1Mutc"] { set.insert("candle" + g) }
        return set
    }()
    static let privateChannels: Set<String> = ["orders", "fill", "account", "positions"]

    init(exchange: Exchange, faults: Faults) {
        self.exchange = exchange
        self.faults = faults
    }

    /// Registers a new connection; its outbound messages arrive on the returned stream.
    func open(isPrivate: Bool) -> (Connection, AsyncStream<Outbound>) {
        let (stream, continuation) = AsyncStream<Outbound>.makeStream(bufferingPolicy: .bufferingNewest(100_000))
        lock.lock()
        defer { lock.unlock() }
        let connection = Connection(id: nextId, isPrivate: isPrivate, now: WallClock.milliseconds(), continuation: continuation)
        connections[nextId] = connection
        nextId += 1
        return (connection, stream)
    }

    func close(_ connection: Connection) {
        lock.lock()
        connections[connection.id] = nil
        lock.unlock()
        connection.continuation.finish()
    }

    /// Closes every connection (fault injection).
    func dropAll() {
        lock.lock()
        let all = Array(connections.values)
        connections.removeAll()
        lock.unlock()
        for c in all { c.continuation.yield(.close); c.continuation.finish() }
    }

    /// Sends `text` as is to every open connection of one kind (fault injection: malformed
    /// or unexpected frames).
    func sendRaw(_ text: String, toPrivate: Bool) {
        lock.lock()
        let targets = connections.values.filter { $0.isPrivate == toPrivate }
        lock.unlock()
        for connection in targets { connection.send(text) }
    }

    /// Number of open connections.
    var connectionCount: Int { lock.lock(); defer { lock.unlock() }; return connections.count }
    /// Number of connections accepted since start.
    var connectionsOpened: Int { lock.lock(); defer { lock.unlock() }; return nextId - 1 }

    static func push(action: String, arg: JSONValue, data: [JSONValue], ts: Int64) -> String {
        let message: JSONValue = ["action": .string(action), "arg": arg, "data": .array(data), "ts": .int(ts)]
        return message.render()
    }

    /// Delivers exchange events to matching subscribers.
    func deliver(_ events: [StreamEvent]) {
        let now = WallClock.milliseconds()
        let stalled = faults.read().stalled
        lock.lock()
        defer { lock.unlock() }
        for event in events {
            for connection in connections.values where (event.owner == nil) != connection.isPrivate {
                if let owner = event.owner, connection.owner != owner { continue }
                for sub in connection.subscriptions.values where sub.channel == event.channel
                    && sub.instType.uppercased() == event.instType.uppercased()
                    && (sub.instId.uppercased() == event.instId.uppercased() || sub.instId.lowercased() == "default") {
                    if stalled.contains(sub.key.lowercased()) { continue }
                    connection.send(StreamHub.push(action: event.owner == nil ? "update" : "snapshot", arg: sub.arg,
                                                   data: event.data, ts: now))
                    sentCount += 1
                }
            }
        }
    }
}

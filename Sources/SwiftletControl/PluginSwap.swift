public import Hummingbird

/// Body of `POST /plugins/swap`: hot-swap a connector or a strategy of the running bot to
/// another installed version of its plugin (docs/hot-swap.md).
public struct PluginSwapRequest: Codable, Sendable {
    /// A connector id or a strategy id of the running bot (as in its config).
    public var id: String
    /// Installed version of its plugin to switch to.
    public var version: String

    public init(id: String, version: String) {
        self.id = id
        self.version = version
    }
}

/// Answer of a successful `POST /plugins/swap`.
public struct PluginSwapOutcome: Codable, Sendable, ResponseEncodable {
    /// What was swapped.
    public enum Kind: String, Codable, Sendable { case connector, strategy }

    public var id: String
    public var kind: Kind
    /// Plugin key (`id@version`) before and after.
    public var from: String
    public var to: String
    /// A connector: time during which it took no order and strategies got none of its
    /// events. A strategy: time during which it got no event (they were held).
    public var pauseMicroseconds: Int64
    /// A connector: orders and cancels made during the pause, replayed afterwards, and how
    /// many of those were refused.
    public var replayedIntents: Int
    public var failedIntents: Int
    /// A strategy: events held during the pause and delivered to the instance that carried on.
    public var heldEvents: Int

    public init(id: String, kind: Kind, from: String, to: String, pauseMicroseconds: Int64,
                replayedIntents: Int = 0, failedIntents: Int = 0, heldEvents: Int = 0) {
        self.id = id
        self.kind = kind
        self.from = from
        self.to = to
        self.pauseMicroseconds = pauseMicroseconds
        self.replayedIntents = replayedIntents
        self.failedIntents = failedIntents
        self.heldEvents = heldEvents
    }

    /// One line for a terminal.
    public var summary: String {
        switch kind {
        case .connector:
            "\(id): \(from) -> \(to); pause \(pauseMicroseconds) µs, \(replayedIntents) queued intents replayed (\(failedIntents) refused)"
        case .strategy:
            "\(id): \(from) -> \(to); pause \(pauseMicroseconds) µs, \(heldEvents) held events delivered"
        }
    }
}

/// A swap that did not happen; the message says at which step and whether the old
/// version carries on (the endpoint answers 409 with it).
public struct PluginSwapRefused: Error, CustomStringConvertible, Sendable {
    public let description: String
    public init(_ description: String) { self.description = description }
}

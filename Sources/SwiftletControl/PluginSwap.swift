public import Hummingbird

/// Body of `POST /plugins/swap`: hot-swap a connector of the running bot to another
/// installed version of its plugin (docs/hot-swap.md).
public struct PluginSwapRequest: Codable, Sendable {
    public var connector: String
    public var version: String

    public init(connector: String, version: String) {
        self.connector = connector
        self.version = version
    }
}

/// Answer of a successful `POST /plugins/swap`.
public struct PluginSwapOutcome: Codable, Sendable, ResponseEncodable {
    public var connector: String
    /// Plugin key (`id@version`) before and after.
    public var from: String
    public var to: String
    /// Time during which the connector took no order and strategies got none of its events.
    public var pauseMicroseconds: Int64
    /// Orders and cancels made during the pause, replayed afterwards, and how many of those were refused.
    public var replayedIntents: Int
    public var failedIntents: Int

    public init(connector: String, from: String, to: String, pauseMicroseconds: Int64, replayedIntents: Int, failedIntents: Int) {
        self.connector = connector
        self.from = from
        self.to = to
        self.pauseMicroseconds = pauseMicroseconds
        self.replayedIntents = replayedIntents
        self.failedIntents = failedIntents
    }
}

/// A swap that did not happen; the message says at which step and whether the old
/// version carries on (the endpoint answers 409 with it).
public struct PluginSwapRefused: Error, CustomStringConvertible, Sendable {
    public let description: String
    public init(_ description: String) { self.description = description }
}

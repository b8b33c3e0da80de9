import CSwiftletSDK

/// What a plugin library provides (`swl_plugin_kind_t`).
public struct PluginKinds: OptionSet, Sendable, Hashable, CustomStringConvertible {
    public let rawValue: UInt64
    public init(rawValue: UInt64) { self.rawValue = rawValue }

    public static let connector = PluginKinds(rawValue: 1 << 0)
    public static let candleFeed = PluginKinds(rawValue: 1 << 1)
    public static let strategy = PluginKinds(rawValue: 1 << 2)
    /// Every kind ABI 1.0 defines.
    public static let known: PluginKinds = [.connector, .candleFeed, .strategy]

    public var description: String {
        var names: [String] = []
        if contains(.connector) { names.append("connector") }
        if contains(.candleFeed) { names.append("candle-feed") }
        if contains(.strategy) { names.append("strategy") }
        return names.joined(separator: ",")
    }
}

/// The validated, copied contents of a plugin's descriptor.
public struct PluginInfo: Sendable, Hashable {
    public let id: String
    public let version: String
    public let name: String
    public let vendor: String
    public let summary: String
    public let kinds: PluginKinds
    public let abiMajor: Int
    public let abiMinor: Int
    /// The library file it came from.
    public let path: String

    /// `id@version`, the registry key.
    public var key: String { "\(id)@\(version)" }
}

/// Why the host would not load a library: the file and one line of reason.
public struct PluginRefusal: Error, Sendable, CustomStringConvertible, Equatable {
    public let path: String
    public let reason: String

    public init(path: String, reason: String) {
        self.path = path
        self.reason = reason
    }

    public var description: String { "refused \(path): \(reason)" }
}

@_exported public import CSwiftletSDK
@_exported public import SwiftletABI
@_exported public import SwiftletCore

/// An error a plugin reports to the host: an ABI status (`SWL_ERR_*`) and a message.
public typealias PluginError = ABIError

/// A plugin instance written in Swift. The kit turns it into the C ABI: the host's
/// calls arrive here one at a time, never concurrently (plugin.h).
public protocol SwiftletPlugin: AnyObject {
    /// Creates the instance. `config` is the JSON object the host was given; refuse bad
    /// values with `SWL_ERR_INVALID_ARGUMENT` and a message naming the key.
    init(host: PluginHost, config: String) throws(PluginError)
    /// Begins work: timers, connections.
    func start() throws(PluginError)
    /// Ends work; called once before the instance is destroyed (idempotent).
    func stop()
}

/// A strategy: receives events and acts through the host (ext/strategy.h).
public protocol StrategyPlugin: SwiftletPlugin {
    /// One event, in the order the host received them.
    func onEvent(_ event: Event) throws(PluginError)
}

/// What a plugin library declares about itself (its descriptor).
public struct PluginManifest: Sendable {
    public var id: String
    public var version: String
    public var name: String
    public var vendor: String
    public var summary: String
    /// `SWL_KIND_*` bits.
    public var kinds: UInt64
    /// Creates an instance; usually `{ try MyPlugin(host: $0, config: $1) }`.
    public var make: @Sendable (PluginHost, String) throws(PluginError) -> any SwiftletPlugin
    /// Extension tables beyond the ones the kit answers from `kinds`, by id: the kit's own
    /// optional ones (`SWL_EXT_HOTSWAP: .hotSwap(MyPlugin.self)`) or the plugin's. The
    /// pointers must be to static, never-freed tables.
    public var extensions: [String: ExtensionTable]
    /// A perpetual connector: the kit also answers `swiftlet.perpetual/1`.
    public var isPerpetual: Bool

    public init(id: String, version: String, name: String, vendor: String = "", summary: String = "",
                kinds: UInt64, isPerpetual: Bool = false, extensions: [String: ExtensionTable] = [:],
                make: @escaping @Sendable (PluginHost, String) throws(PluginError) -> any SwiftletPlugin) {
        self.id = id
        self.version = version
        self.name = name
        self.vendor = vendor
        self.summary = summary
        self.kinds = kinds
        self.make = make
        self.extensions = extensions
        self.isPerpetual = isPerpetual
    }
}

/// A pointer to a static extension table.
public struct ExtensionTable: @unchecked Sendable {
    public let pointer: UnsafeRawPointer
    public init(_ pointer: UnsafeRawPointer) { self.pointer = pointer }
}

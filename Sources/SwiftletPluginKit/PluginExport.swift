import Synchronization

/// Builds a library's C descriptor from a `PluginManifest` and routes the host's C
/// calls to Swift. A plugin library creates exactly one, as a global, and returns its
/// `descriptor` from the entry symbol:
///
/// ```swift
/// let export = PluginExport(PluginManifest(id: "my_plugin", version: "1.0.0", name: "My plugin",
///                                          kinds: UInt64(SWL_KIND_STRATEGY)) { try MyPlugin(host: $0, config: $1) })
///
/// @_cdecl("swiftlet_plugin_entry")
/// public func swiftletPluginEntry() -> UnsafePointer<swl_plugin_descriptor_t> { export.descriptor }
/// ```
public final class PluginExport: Sendable {
    public let manifest: PluginManifest
    private let storage: Unchecked<UnsafeMutablePointer<swl_plugin_descriptor_t>>

    /// The library's export; the kit is linked statically into each plugin, so this is
    /// per library.
    static let installed = Mutex<PluginExport?>(nil)

    public init(_ manifest: PluginManifest) {
        self.manifest = manifest
        let descriptor = UnsafeMutablePointer<swl_plugin_descriptor_t>.allocate(capacity: 1)
        descriptor.initialize(to: swl_plugin_descriptor_t())
        descriptor.pointee.struct_size = UInt32(MemoryLayout<swl_plugin_descriptor_t>.size)
        descriptor.pointee.abi_major = UInt16(SWL_ABI_MAJOR)
        descriptor.pointee.abi_minor = UInt16(SWL_ABI_MINOR)
        descriptor.pointee.id = StaticText.make(manifest.id)
        descriptor.pointee.version = StaticText.make(manifest.version)
        descriptor.pointee.name = StaticText.make(manifest.name)
        descriptor.pointee.vendor = StaticText.make(manifest.vendor)
        descriptor.pointee.description = StaticText.make(manifest.summary)
        descriptor.pointee.kinds = manifest.kinds
        descriptor.pointee.get_extension = { id in PluginExport.current?.extensionTable(id) }
        descriptor.pointee.create = { host, config, out, error in
            guard let export = PluginExport.current else {
                ABIError(SWL_ERR_INTERNAL, "plugin has no export").write(to: error)
                return swl_status_t(SWL_ERR_INTERNAL)
            }
            return export.create(host, config, out, error)
        }
        storage = Unchecked(descriptor)
        Self.installed.withLock { current in
            if current == nil { current = self }
        }
    }

    /// The descriptor to return from `swiftlet_plugin_entry`: static for the library's life.
    public var descriptor: UnsafePointer<swl_plugin_descriptor_t> { UnsafePointer(storage.value) }

    static var current: PluginExport? { installed.withLock { $0 } }

    private func extensionTable(_ id: swl_str_t) -> UnsafeRawPointer? {
        guard let text = try? ABIValue.string(id, field: "extension id") else { return nil }
        if text == SWL_EXT_STRATEGY, manifest.kinds & UInt64(SWL_KIND_STRATEGY) != 0 {
            return StrategyTrampolines.table
        }
        if text == SWL_EXT_TRADING, manifest.kinds & UInt64(SWL_KIND_CONNECTOR) != 0 {
            return TradingTrampolines.table
        }
        if text == SWL_EXT_CANDLES, manifest.kinds & UInt64(SWL_KIND_CANDLE_FEED) != 0 {
            return CandleTrampolines.table
        }
        if text == SWL_EXT_PERPETUAL, manifest.kinds & UInt64(SWL_KIND_CONNECTOR) != 0, manifest.isPerpetual {
            return PerpetualTrampolines.table
        }
        return manifest.extensions[text]?.pointer
    }

    private func create(_ host: UnsafePointer<swl_host_t>?, _ config: swl_str_t,
                        _ out: UnsafeMutablePointer<UnsafePointer<swl_plugin_t>?>?,
                        _ record: UnsafeMutablePointer<swl_error_t>?) -> swl_status_t {
        do throws(PluginError) {
            guard let host, let out else { throw PluginError(SWL_ERR_INVALID_ARGUMENT, "host or out_plugin is NULL") }
            let configText = try ABIValue.string(config, field: "config")
            let pluginHost = PluginHost(host)
            let instance = try manifest.make(pluginHost, configText)
            out.pointee = InstanceBox.make(instance, host: pluginHost)
            return swl_status_t(SWL_OK)
        } catch {
            error.write(to: record)
            return error.status
        }
    }
}

/// Copies a string into memory that is never freed (descriptor strings are static).
enum StaticText {
    static func make(_ text: String) -> swl_str_t {
        let utf8 = Array(text.utf8)
        guard !utf8.isEmpty else { return swl_str_t(ptr: nil, len: 0) }
        let memory = UnsafeMutablePointer<CChar>.allocate(capacity: utf8.count)
        utf8.withUnsafeBytes { UnsafeMutableRawPointer(memory).copyMemory(from: $0.baseAddress!, byteCount: $0.count) }
        return swl_str_t(ptr: memory, len: utf8.count)
    }
}

/// Sendable wrapper for pointers the kit owns and only uses under the ABI's rules.
struct Unchecked<Value>: @unchecked Sendable {
    let value: Value
    init(_ value: Value) { self.value = value }
}

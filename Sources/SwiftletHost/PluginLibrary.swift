public import CSwiftletSDK
import Foundation
import SwiftletABI

/// A loaded and validated plugin library: its descriptor and the `dlopen` handle.
///
/// Libraries are never `dlclose`d: Swift code cannot be reliably unloaded, so a retired
/// version stays mapped and idle (ARCHITECTURE.md, principle 7).
public final class PluginLibrary: @unchecked Sendable {
    public let info: PluginInfo
    /// Borrowed from the library: static data valid while it is loaded (forever).
    public let descriptor: UnsafePointer<swl_plugin_descriptor_t>
    let handle: UnsafeMutableRawPointer

    init(info: PluginInfo, descriptor: UnsafePointer<swl_plugin_descriptor_t>, handle: UnsafeMutableRawPointer) {
        self.info = info
        self.descriptor = descriptor
        self.handle = handle
    }

    /// The library's extension table for `id`, if it answers it with a table of at least
    /// `minimumSize` bytes (every table starts with its `uint32_t struct_size`).
    public func extensionTable(_ id: String, minimumSize: Int) throws(PluginRefusal) -> UnsafeRawPointer? {
        guard let lookup = descriptor.pointee.get_extension else { return nil }
        let table = ABIValue.withCString(id) { lookup($0) }
        guard let table else { return nil }
        let size = table.load(as: UInt32.self)
        guard Int(size) >= minimumSize else {
            throw PluginRefusal(path: info.path,
                                reason: "extension \(id) table is \(size) bytes, the host needs at least \(minimumSize)")
        }
        return table
    }

    /// Extension ids whose tables each kind must provide, with the sizes of their 1.0 layouts.
    static func requiredExtensions(for kinds: PluginKinds) -> [(id: String, size: Int)] {
        var required: [(String, Int)] = []
        if kinds.contains(.connector) { required.append((SWL_EXT_TRADING, MemoryLayout<swl_trading_t>.size)) }
        if kinds.contains(.candleFeed) { required.append((SWL_EXT_CANDLES, MemoryLayout<swl_candle_feeds_t>.size)) }
        if kinds.contains(.strategy) { required.append((SWL_EXT_STRATEGY, MemoryLayout<swl_strategy_t>.size)) }
        return required
    }
}

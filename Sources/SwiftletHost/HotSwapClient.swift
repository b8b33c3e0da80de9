import CSwiftletSDK
import SwiftletABI

/// The host's typed handle on an instance's `swiftlet.hotswap/1` table (ext/hotswap.h).
/// Every call is exclusive of other calls into the instance; a refusal keeps the plugin's
/// status and message.
public final class HotSwapClient: @unchecked Sendable {
    /// The instance.
    public let instance: PluginInstance
    private let table: UnsafePointer<swl_hotswap_t>

    /// Binds to `instance`'s hot-swap table; fails naming the plugin if it has none.
    public init(_ instance: PluginInstance) throws(HostError) {
        self.instance = instance
        do {
            table = try instance.extensionTable(SWL_EXT_HOTSWAP, as: swl_hotswap_t.self)
        } catch {
            throw HostError("\(instance.library.info.key) cannot be hot-swapped: \(error.message)")
        }
        let functions = table.pointee
        guard functions.quiesce != nil, functions.resume != nil, functions.export_state != nil, functions.import_state != nil else {
            throw HostError("\(instance.library.info.key): its \(SWL_EXT_HOTSWAP) table lacks a function")
        }
    }

    /// Stops the instance from changing exchange state: no new requests, no events.
    public func quiesce() throws(ABIError) {
        try instance.callExtension { plugin, error in table.pointee.quiesce!(plugin, error) }
    }

    /// Undoes `quiesce` after a failed swap.
    public func resume() throws(ABIError) {
        try instance.callExtension { plugin, error in table.pointee.resume!(plugin, error) }
    }

    /// The instance's state blob, its chunks joined (the plugin owns its format).
    public func exportState() throws(ABIError) -> String {
        let sink = ChunkSink()
        try withExtendedLifetime(sink) { () throws(ABIError) in
            try instance.callExtension { plugin, error in
                table.pointee.export_state!(plugin, { user, chunk in
                    guard let user else { return swl_status_t(SWL_ERR_INVALID_ARGUMENT) }
                    let sink = Unmanaged<ChunkSink>.fromOpaque(user).takeUnretainedValue()
                    guard chunk.len == 0 || chunk.ptr != nil else { return swl_status_t(SWL_ERR_INVALID_ARGUMENT) }
                    if chunk.len > 0 {
                        sink.bytes.append(contentsOf: UnsafeRawBufferPointer(start: chunk.ptr, count: chunk.len))
                    }
                    return swl_status_t(SWL_OK)
                }, Unmanaged.passUnretained(sink).toOpaque(), error)
            }
        }
        guard let text = String(validating: sink.bytes, as: UTF8.self) else {
            throw ABIError(SWL_ERR_INVALID_ARGUMENT, "\(instance.name) exported state that is not UTF-8")
        }
        return text
    }

    /// Hands a created, not yet started instance the state its predecessor exported.
    public func importState(_ state: String) throws(ABIError) {
        try instance.callExtension { plugin, error in
            ABIValue.withCString(state) { table.pointee.import_state!(plugin, $0, error) }
        }
    }

    private final class ChunkSink {
        var bytes: [UInt8] = []
    }
}

/// A plugin whose running instance can be replaced by another version of itself without
/// losing or duplicating anything (ext/hotswap.h, `swiftlet.hotswap/1`). A library
/// answers that extension by listing `ExtensionTable.hotSwap(MyPlugin.self)` under
/// `SWL_EXT_HOTSWAP` in its manifest's `extensions`.
///
/// The host's sequence: `quiesce` the old instance, `exportState` from it, create the new
/// instance and `importState` into it (before its `start`), `start` the new instance,
/// destroy the old one. If any step fails, the host calls `resume` on the old instance
/// and destroys the new one. Calls arrive one at a time, like every other call.
public protocol HotSwappable: SwiftletPlugin {
    /// Stops changing anything outside the instance: no new requests, no timers that send
    /// them, no events. Requests already sent finish at the other end; what they and the
    /// streams report meanwhile is left to whoever continues (this instance after `resume`,
    /// or the new one through its own reconciliation). Calls that would change outside
    /// state (placing, cancelling) fail with `SWL_ERR_STATE` until `resume`. Idempotent;
    /// `SWL_ERR_STATE` if the instance is not running.
    func quiesce() throws(PluginError)
    /// Undoes `quiesce` after a failed swap: timers and requests resume, and the instance
    /// catches up on what it missed while quiesced. Does nothing when not quiesced.
    func resume() throws(PluginError)
    /// The state the next version needs to carry on this instance's work, as a versioned
    /// text whose format belongs to the plugin. Only from a quiesced instance
    /// (`SWL_ERR_STATE` otherwise), so nothing changes after it is taken.
    func exportState() throws(PluginError) -> String
    /// Adopts a state exported by this plugin (this version or an older one); called on a
    /// created, not yet started instance. A state it cannot read (another format version,
    /// another plugin, a missing field) is refused with `SWL_ERR_INVALID_ARGUMENT` and a
    /// message naming the problem, and leaves the instance as it was.
    func importState(_ state: String) throws(PluginError)
}

extension ExtensionTable {
    /// The kit's `swl_hotswap_t`, for a plugin whose instances are `Plugin`s (the type only
    /// makes the compiler check the conformance). List it under `SWL_EXT_HOTSWAP`.
    public static func hotSwap<Plugin: HotSwappable>(_ type: Plugin.Type) -> ExtensionTable {
        ExtensionTable(HotSwapTrampolines.table)
    }
}

/// The kit's `swl_hotswap_t`: routes each call to the instance's `HotSwappable` methods.
enum HotSwapTrampolines {
    static var table: UnsafeRawPointer { storage.value }

    /// Exported state goes to the host's writer in chunks of at most this many bytes.
    static let chunkSize = 64 * 1024

    private static func call(_ raw: UnsafePointer<swl_plugin_t>?, _ record: UnsafeMutablePointer<swl_error_t>?,
                             _ body: (any HotSwappable) throws(PluginError) -> Void) -> swl_status_t {
        InstanceBox.call(raw, record, as: \.hotSwappable, "a hot-swappable plugin") { plugin, _ throws(PluginError) in
            try body(plugin)
        }
    }

    /// Hands `text` to the writer in chunks cut at UTF-8 character boundaries.
    static func write(_ text: String, to write: swl_state_writer_t, user: UnsafeMutableRawPointer?) throws(PluginError) {
        let bytes = Array(text.utf8)
        var start = 0
        while start < bytes.count {
            var end = min(bytes.count, start + chunkSize)
            while end < bytes.count, bytes[end] & 0xC0 == 0x80 { end -= 1 }
            let status = bytes[start..<end].withUnsafeBytes { chunk in
                write(user, swl_str_t(ptr: chunk.baseAddress?.assumingMemoryBound(to: CChar.self), len: chunk.count))
            }
            guard status == SWL_OK else {
                throw PluginError(status, "the host's state writer refused a chunk (status \(status))")
            }
            start = end
        }
    }

    private static let storage: Unchecked<UnsafeRawPointer> = {
        let table = UnsafeMutablePointer<swl_hotswap_t>.allocate(capacity: 1)
        table.initialize(to: swl_hotswap_t())
        table.pointee.struct_size = UInt32(MemoryLayout<swl_hotswap_t>.size)
        table.pointee.quiesce = { raw, record in
            call(raw, record) { plugin throws(PluginError) in try plugin.quiesce() }
        }
        table.pointee.resume = { raw, record in
            call(raw, record) { plugin throws(PluginError) in try plugin.resume() }
        }
        table.pointee.export_state = { raw, writer, user, record in
            call(raw, record) { plugin throws(PluginError) in
                guard let writer else { throw PluginError(SWL_ERR_INVALID_ARGUMENT, "state writer is NULL") }
                try write(try plugin.exportState(), to: writer, user: user)
            }
        }
        table.pointee.import_state = { raw, state, record in
            call(raw, record) { plugin throws(PluginError) in
                try plugin.importState(try ABIValue.string(state, field: "state"))
            }
        }
        return Unchecked(UnsafeRawPointer(table))
    }()
}

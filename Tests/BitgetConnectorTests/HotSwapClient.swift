import CSwiftletSDK
import SwiftletABI
import SwiftletHost

/// The tests' handle on an instance's `swiftlet.hotswap/1` table: each step of a swap,
/// called the way a host calls it (the host's orchestration is not under test here).
final class HotSwapClient: @unchecked Sendable {
    let instance: PluginInstance
    private let table: UnsafePointer<swl_hotswap_t>

    init(_ instance: PluginInstance) throws {
        self.instance = instance
        table = try instance.extensionTable(SWL_EXT_HOTSWAP, as: swl_hotswap_t.self)
    }

    func quiesce() throws(ABIError) {
        try instance.callExtension { plugin, error in table.pointee.quiesce(plugin, error) }
    }

    /// Quiesces as the host does: asks again every 2 ms, for up to `patience` (the host's
    /// 3 s), while the instance answers `SWL_ERR_RATE_LIMITED` (requests still outstanding).
    func quiesceOnceSettled(patience: Duration = .seconds(3)) async throws(ABIError) {
        let patience = ContinuousClock.now + patience
        while true {
            do {
                return try quiesce()
            } catch where error.status == swl_status_t(SWL_ERR_RATE_LIMITED) && ContinuousClock.now < patience {
                try? await Task.sleep(for: .milliseconds(2))
            }
        }
    }

    func resume() throws(ABIError) {
        try instance.callExtension { plugin, error in table.pointee.resume(plugin, error) }
    }

    /// The exported state, with the chunks the plugin wrote joined.
    func exportState() throws(ABIError) -> String {
        final class Sink { var bytes: [UInt8] = [] }
        let sink = Sink()
        try instance.callExtension { plugin, error in
            table.pointee.export_state(plugin, { user, chunk in
                guard let user else { return swl_status_t(SWL_ERR_INVALID_ARGUMENT) }
                if let pointer = chunk.ptr {
                    Unmanaged<Sink>.fromOpaque(user).takeUnretainedValue().bytes += UnsafeRawBufferPointer(start: pointer, count: chunk.len)
                }
                return swl_status_t(SWL_OK)
            }, Unmanaged.passUnretained(sink).toOpaque(), error)
        }
        return String(decoding: sink.bytes, as: UTF8.self)
    }

    func importState(_ state: String) throws(ABIError) {
        try instance.callExtension { plugin, error in
            ABIValue.withCString(state) { table.pointee.import_state(plugin, $0, error) }
        }
    }
}

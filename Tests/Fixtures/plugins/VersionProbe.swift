// A plugin written in Swift straight against the C ABI (no kit), used by the loader's
// "two versions at once" test. The test compiles it twice with swiftc — once plain
// (1.0.0), once with -D PROBE_V2 (2.0.0) — into two libraries with the same module name
// and the same symbol names, WITHOUT a version script, so every public symbol is
// exported: only the loader's dlopen flags keep the copies apart.
//
// On each TRADE event delivered to it, it emits an ERROR event whose message reports
// the version and instance count as seen by its own module's code and globals:
// "version=<v> instances=<n>".
import CSwiftletSDK

#if PROBE_V2
public let probeVersion = "2.0.0"
#else
public let probeVersion = "1.0.0"
#endif

/// Module-global state: each loaded copy must have its own.
public final class ProbeCounter: @unchecked Sendable {
    public static let shared = ProbeCounter()
    public var instances = 0
}

public func probeReport() -> String {
    "version=\(probeVersion) instances=\(ProbeCounter.shared.instances)"
}

private final class ProbeInstance {
    let host: UnsafePointer<swl_host_t>
    let table = UnsafeMutablePointer<swl_plugin_t>.allocate(capacity: 1)
    init(host: UnsafePointer<swl_host_t>) { self.host = host }
}

private func staticString(_ text: String) -> swl_str_t {
    let bytes = Array(text.utf8)
    let memory = UnsafeMutablePointer<CChar>.allocate(capacity: bytes.count)
    for (index, byte) in bytes.enumerated() { memory[index] = CChar(bitPattern: byte) }
    return swl_str_t(ptr: memory, len: bytes.count)
}

private struct Statics: @unchecked Sendable {
    let descriptor: UnsafeMutablePointer<swl_plugin_descriptor_t>
    let strategy: UnsafeMutablePointer<swl_strategy_t>
}

private let statics: Statics = {
    let strategy = UnsafeMutablePointer<swl_strategy_t>.allocate(capacity: 1)
    strategy.initialize(to: swl_strategy_t())
    strategy.pointee.struct_size = UInt32(MemoryLayout<swl_strategy_t>.size)
    strategy.pointee.on_event = { plugin, event, _ in
        guard let plugin, let event, event.pointee.kind == swl_event_kind_t(SWL_EVENT_TRADE),
              let data = plugin.pointee.plugin_data else { return swl_status_t(SWL_OK) }
        let instance = Unmanaged<ProbeInstance>.fromOpaque(data).takeUnretainedValue()
        var report = Array(probeReport().utf8)
        return report.withUnsafeMutableBufferPointer { buffer in
            buffer.baseAddress!.withMemoryRebound(to: CChar.self, capacity: buffer.count) { text in
                var error = swl_error_event_t()
                error.header.struct_size = UInt32(MemoryLayout<swl_error_event_t>.size)
                error.header.kind = swl_event_kind_t(SWL_EVENT_ERROR)
                error.message = swl_str_t(ptr: text, len: buffer.count)
                return withUnsafePointer(to: &error) { pointer in
                    pointer.withMemoryRebound(to: swl_event_header_t.self, capacity: 1) {
                        instance.host.pointee.emit!(instance.host, $0, nil)
                    }
                }
            }
        }
    }
    let descriptor = UnsafeMutablePointer<swl_plugin_descriptor_t>.allocate(capacity: 1)
    descriptor.initialize(to: swl_plugin_descriptor_t())
    descriptor.pointee.struct_size = UInt32(MemoryLayout<swl_plugin_descriptor_t>.size)
    descriptor.pointee.abi_major = UInt16(SWL_ABI_MAJOR)
    descriptor.pointee.abi_minor = UInt16(SWL_ABI_MINOR)
    descriptor.pointee.id = staticString("version_probe")
    descriptor.pointee.version = staticString(probeVersion)
    descriptor.pointee.name = staticString("Version probe")
    descriptor.pointee.kinds = UInt64(SWL_KIND_STRATEGY)
    descriptor.pointee.get_extension = { id in
        let expected = Array(SWL_EXT_STRATEGY.utf8)
        guard id.len == expected.count, let pointer = id.ptr else { return nil }
        for index in 0..<id.len where UInt8(bitPattern: pointer[index]) != expected[index] { return nil }
        return UnsafeRawPointer(statics.strategy)
    }
    descriptor.pointee.create = { host, _, out, _ in
        guard let host, let out else { return swl_status_t(SWL_ERR_INVALID_ARGUMENT) }
        ProbeCounter.shared.instances += 1
        let instance = ProbeInstance(host: host)
        instance.table.initialize(to: swl_plugin_t())
        instance.table.pointee.struct_size = UInt32(MemoryLayout<swl_plugin_t>.size)
        instance.table.pointee.plugin_data = Unmanaged.passRetained(instance).toOpaque()
        instance.table.pointee.destroy = { plugin in
            guard let data = plugin?.pointee.plugin_data else { return }
            let instance = Unmanaged<ProbeInstance>.fromOpaque(data).takeRetainedValue()
            instance.table.deallocate()
        }
        out.pointee = UnsafePointer(instance.table)
        return swl_status_t(SWL_OK)
    }
    return Statics(descriptor: descriptor, strategy: strategy)
}()

@_cdecl("swiftlet_plugin_entry")
public func swiftletPluginEntry() -> UnsafePointer<swl_plugin_descriptor_t> {
    UnsafePointer(statics.descriptor)
}

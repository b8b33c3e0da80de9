/// Holds a Swift plugin instance behind the `swl_plugin_t` the host sees, and the
/// C trampolines of its lifecycle functions.
final class InstanceBox {
    let plugin: any SwiftletPlugin
    /// The plugin as each extension role it plays, cast once: a cast to a protocol looks
    /// the conformance up, which cost every order about a microsecond, cold.
    let roles: Roles
    let host: PluginHost
    let table: UnsafeMutablePointer<swl_plugin_t>
    /// Holds the strings of structs handed out by the last call (valid until the next
    /// call into the instance, ext/trading.h); emptied at every such call.
    let scratch = CStorage()

    /// The extension roles a plugin may play; nil for each it does not.
    struct Roles {
        let trading: (any TradingConnectorPlugin)?
        let perpetual: (any PerpetualConnectorPlugin)?
        let candleFeed: (any CandleFeedPlugin)?
        let strategy: (any StrategyPlugin)?
        let hotSwappable: (any HotSwappable)?
    }

    private init(plugin: any SwiftletPlugin, host: PluginHost) {
        self.plugin = plugin
        roles = Roles(trading: plugin as? any TradingConnectorPlugin, perpetual: plugin as? any PerpetualConnectorPlugin,
                      candleFeed: plugin as? any CandleFeedPlugin, strategy: plugin as? any StrategyPlugin,
                      hotSwappable: plugin as? any HotSwappable)
        self.host = host
        table = .allocate(capacity: 1)
        table.initialize(to: swl_plugin_t())
    }

    /// Wraps `plugin` in a new `swl_plugin_t`, retained until `destroy`.
    static func make(_ plugin: any SwiftletPlugin, host: PluginHost) -> UnsafePointer<swl_plugin_t> {
        let box = InstanceBox(plugin: plugin, host: host)
        box.table.pointee.struct_size = UInt32(MemoryLayout<swl_plugin_t>.size)
        box.table.pointee.plugin_data = Unmanaged.passRetained(box).toOpaque()
        box.table.pointee.start = { raw, record in
            guard let box = InstanceBox.from(raw) else { return InstanceBox.nullInstance(record) }
            do throws(PluginError) {
                try box.plugin.start()
                return swl_status_t(SWL_OK)
            } catch {
                return InstanceBox.fail(error, error: record)
            }
        }
        box.table.pointee.stop = { raw, error in
            guard let box = InstanceBox.from(raw) else { return InstanceBox.nullInstance(error) }
            box.plugin.stop()
            box.host.releaseAll()
            return swl_status_t(SWL_OK)
        }
        box.table.pointee.destroy = { raw in
            guard let data = raw?.pointee.plugin_data else { return }
            let box = Unmanaged<InstanceBox>.fromOpaque(data).takeRetainedValue()
            box.table.deinitialize(count: 1)
            box.table.deallocate()
        }
        return UnsafePointer(box.table)
    }

    /// The box behind an instance pointer the host passed in.
    static func from(_ plugin: UnsafePointer<swl_plugin_t>?) -> InstanceBox? {
        guard let data = plugin?.pointee.plugin_data else { return nil }
        return Unmanaged<InstanceBox>.fromOpaque(data).takeUnretainedValue()
    }

    /// Runs one extension call against the instance in one of its `roles` (`\.trading`,
    /// ...): checks the instance and its role, empties the per-call scratch storage (strings
    /// handed out by the previous call stop being valid, as the headers say), and turns a
    /// thrown error into the status and the caller's error record.
    static func call<Role>(_ raw: UnsafePointer<swl_plugin_t>?, _ record: UnsafeMutablePointer<swl_error_t>?,
                           as role: (Roles) -> Role?, _ roleName: String,
                           _ body: (Role, CStorage) throws(PluginError) -> Void) -> swl_status_t {
        guard let box = from(raw) else { return nullInstance(record) }
        guard let plugin = role(box.roles) else {
            return fail(PluginError(SWL_ERR_UNSUPPORTED, "not \(roleName)"), error: record)
        }
        box.scratch.reset()
        do throws(PluginError) {
            try body(plugin, box.scratch)
            return swl_status_t(SWL_OK)
        } catch {
            return fail(error, error: record)
        }
    }

    static func nullInstance(_ error: UnsafeMutablePointer<swl_error_t>?) -> swl_status_t {
        fail(PluginError(SWL_ERR_INVALID_ARGUMENT, "plugin instance is NULL"), error: error)
    }

    static func fail(_ failure: PluginError, error: UnsafeMutablePointer<swl_error_t>?) -> swl_status_t {
        failure.write(to: error)
        return failure.status
    }
}

/// The kit's `swl_strategy_t`: decodes each event and calls `StrategyPlugin.onEvent`.
enum StrategyTrampolines {
    static var table: UnsafeRawPointer { storage.value }

    private static let storage: Unchecked<UnsafeRawPointer> = {
        let table = UnsafeMutablePointer<swl_strategy_t>.allocate(capacity: 1)
        table.initialize(to: swl_strategy_t())
        table.pointee.struct_size = UInt32(MemoryLayout<swl_strategy_t>.size)
        table.pointee.on_event = { raw, event, record in
            InstanceBox.call(raw, record, as: \.strategy, "a strategy") { strategy, _ throws(PluginError) in
                try strategy.onEvent(try EventDecoding.decode(event))
            }
        }
        return Unchecked(UnsafeRawPointer(table))
    }()
}

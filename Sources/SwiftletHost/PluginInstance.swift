public import CSwiftletSDK
import Foundation
public import SwiftletABI
public import SwiftletCore

/// A created plugin instance and the host's handle on it.
///
/// Every call into the plugin goes through `exclusive`, so the host never calls one
/// instance concurrently (plugin.h). `destroy` is idempotent and runs at deinit at the
/// latest.
public final class PluginInstance: @unchecked Sendable {
    public let library: PluginLibrary
    /// The name logs and events use for it.
    public var name: String { context.instanceName }
    /// The JSON config it was created with (a replacement version is created with it too).
    public let config: String
    /// The credentials it may use.
    public var credentials: Set<String> { context.allowedCredentials }
    let context: InstanceContext
    private let plugin: UnsafePointer<swl_plugin_t>
    private var destroyed = false
    private var strategyTable: UnsafePointer<swl_strategy_t>?

    init(library: PluginLibrary, config: String, context: InstanceContext, plugin: UnsafePointer<swl_plugin_t>) {
        self.library = library
        self.config = config
        self.context = context
        self.plugin = plugin
        if library.info.kinds.contains(.strategy) {
            let table = try? library.extensionTable(SWL_EXT_STRATEGY, minimumSize: MemoryLayout<swl_strategy_t>.size)
            strategyTable = table?.assumingMemoryBound(to: swl_strategy_t.self)
        }
    }

    deinit { destroy() }

    /// The host services table this instance was given. Tools and benchmarks use it to
    /// call host services exactly as the plugin would.
    public var hostTable: UnsafePointer<swl_host_t> { UnsafePointer(context.hostTable) }

    /// Starts the instance.
    public func start() throws(HostError) {
        try invoke("start") { plugin, error in plugin.pointee.start?(plugin, error) ?? swl_status_t(SWL_OK) }
    }

    /// Stops the instance; afterwards no callback reaches it and the timers and
    /// connections it left open are released.
    public func stop() throws(HostError) {
        defer { context.deactivate() }
        let context = self.context
        try invoke("stop") { plugin, error in
            let status = plugin.pointee.stop?(plugin, error) ?? swl_status_t(SWL_OK)
            // Still exclusive: a callback queued meanwhile must not run between the plugin's
            // stop (which frees what its callbacks point to) and the instance going inactive.
            context.markInactive()
            return status
        }
    }

    /// Destroys the instance (stopping it first if needed). Safe to call twice.
    public func destroy() {
        let alreadyDestroyed = context.exclusive { () -> Bool in
            defer { destroyed = true }
            return destroyed
        }
        if alreadyDestroyed { return }
        if context.isActive { try? stop() }
        context.drainCallbacks()
        context.exclusive { plugin.pointee.destroy?(plugin) }
    }

    /// Runs `body` with the raw instance pointer, exclusive of every other call into it.
    /// For calling extension tables; `body` must not keep the pointer.
    public func exclusive<R>(_ body: (UnsafePointer<swl_plugin_t>) throws -> R) throws(HostError) -> R {
        do {
            return try context.exclusive {
                guard !destroyed else { throw HostError("\(name) is destroyed") }
                return try body(plugin)
            }
        } catch let error as HostError {
            throw error
        } catch {
            throw HostError("\(name): \(error)")
        }
    }

    /// The instance's table of extension `id`, at least as large as `T` (the host's 1.0
    /// layout); fails naming what is missing or too small.
    public func extensionTable<T>(_ id: String, as type: T.Type) throws(HostError) -> UnsafePointer<T> {
        let raw: UnsafeRawPointer?
        do {
            raw = try library.extensionTable(id, minimumSize: MemoryLayout<T>.size)
        } catch {
            throw HostError(error.description)
        }
        guard let raw else { throw HostError("\(name) has no \(id) extension") }
        return raw.assumingMemoryBound(to: T.self)
    }

    /// Calls one extension function, exclusive of every other call into the instance; a
    /// status other than `SWL_OK` becomes an `ABIError` carrying the callee's status and message.
    public func callExtension(_ body: (UnsafePointer<swl_plugin_t>, UnsafeMutablePointer<swl_error_t>) -> swl_status_t) throws(ABIError) {
        try callExtension(body, reading: { () throws(ABIError) in })
    }

    /// Like `callExtension`, then reads the outputs with `read` before any other call can
    /// reach the instance: strings and arrays a plugin returns are borrowed only until its
    /// next call (plugin.h).
    public func callExtension<R>(_ body: (UnsafePointer<swl_plugin_t>, UnsafeMutablePointer<swl_error_t>) -> swl_status_t,
                                 reading read: () throws(ABIError) -> R) throws(ABIError) -> R {
        var record = ABIError.emptyRecord()
        var outcome: Result<R, ABIError>?
        let status: swl_status_t
        do {
            status = try exclusive { plugin -> swl_status_t in
                let status = body(plugin, &record)
                if status == SWL_OK {
                    do throws(ABIError) { outcome = .success(try read()) } catch { outcome = .failure(error) }
                }
                return status
            }
        } catch {
            throw ABIError(SWL_ERR_STATE, error.message)
        }
        guard status == SWL_OK, let outcome else { throw ABIError.read(record, status: status) }
        return try outcome.get()
    }

    /// Delivers one event to a strategy plugin (`swl_strategy_t.on_event`).
    public func deliver(_ event: Event) throws(HostError) {
        guard let strategyTable, let onEvent = strategyTable.pointee.on_event else {
            throw HostError("\(name) is not a strategy")
        }
        try invoke("on_event") { plugin, error in
            EventEncoding.withCEvent(event) { onEvent(plugin, $0, error) }
        }
    }

    /// Queues one event for a strategy plugin on the instance's serial context: events
    /// posted from any thread reach `on_event` one at a time, in posting order, after
    /// every earlier callback (timers, HTTP, WebSocket). Dropped once the instance has
    /// stopped. A failing `on_event` is logged, and delivery goes on.
    public func post(_ event: Event) {
        guard let strategyTable, let onEvent = strategyTable.pointee.on_event else { return }
        let plugin = Unchecked(self.plugin)
        let context = self.context
        context.deliver {
            var record = ABIError.emptyRecord()
            let status = EventEncoding.withCEvent(event) { onEvent(plugin.value, $0, &record) }
            if status != SWL_OK {
                context.logger.warning("on_event failed: \(ABIError.read(record, status: status).description)")
            }
        }
    }

    /// Calls one plugin function that reports a status and an error record.
    private func invoke(_ function: String,
                        _ body: (UnsafePointer<swl_plugin_t>, UnsafeMutablePointer<swl_error_t>) -> swl_status_t) throws(HostError) {
        var record = ABIError.emptyRecord()
        let status = try exclusive { plugin in body(plugin, &record) }
        guard status == SWL_OK else {
            throw HostError("\(name) \(function) failed: \(ABIError.read(record, status: status).description)")
        }
    }
}

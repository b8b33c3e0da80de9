import CSwiftletSDK
import Dispatch
import Foundation
import Logging
import SwiftletABI
import SwiftletCore
import Synchronization

/// Everything the host keeps per plugin instance: its host table, its serial context,
/// and the timers and connections it owns.
///
/// Serialization (plugin.h): every call into the instance runs under `callLock`, so the
/// host never calls one instance concurrently. Asynchronous callbacks (timers, HTTP,
/// WebSocket) are first queued on `callbacks`, a serial queue, so they keep their order
/// and never run on the stack of a host-service call the plugin is making.
final class InstanceContext: @unchecked Sendable {
    let runtime: HostRuntime
    let pluginID: String
    let instanceName: String
    let allowedCredentials: Set<String>
    /// Host-side extension tables this instance may look up (`swl_host_t.get_extension`).
    let extensions: (any HostExtensionProvider)?
    let logger: Logger
    /// The `swl_host_t` handed to the plugin; lives as long as this context.
    let hostTable: UnsafeMutablePointer<swl_host_t>

    private let callLock = NSLock()
    private let callbacks: DispatchQueue
    private let active = Atomic<Bool>(true)
    private let owned = Mutex<(timers: Set<UInt64>, sockets: Set<UInt64>)>(([], []))
    private let hostNameStorage: UnsafeMutablePointer<CChar>
    private let hostNameLength: Int

    init(runtime: HostRuntime, pluginID: String, instanceName: String, allowedCredentials: Set<String>,
         extensions: (any HostExtensionProvider)?) {
        self.runtime = runtime
        self.pluginID = pluginID
        self.instanceName = instanceName
        self.allowedCredentials = allowedCredentials
        self.extensions = extensions
        var logger = runtime.logger
        logger[metadataKey: "plugin"] = "\(instanceName)"
        self.logger = logger
        self.callbacks = DispatchQueue(label: "swiftlet.plugin.\(instanceName)")
        let name = Array(runtime.configuration.hostName.utf8)
        hostNameLength = name.count
        let storage = UnsafeMutablePointer<CChar>.allocate(capacity: max(name.count, 1))
        name.withUnsafeBufferPointer { source in
            UnsafeMutableRawPointer(storage).copyMemory(from: source.baseAddress!, byteCount: source.count)
        }
        hostNameStorage = storage
        hostTable = .allocate(capacity: 1)
        hostTable.initialize(to: HostTable.make())
        hostTable.pointee.host_name = swl_str_t(ptr: hostNameStorage, len: hostNameLength)
        hostTable.pointee.host_data = Unmanaged.passUnretained(self).toOpaque()
    }

    deinit {
        hostTable.deallocate()
        hostNameStorage.deallocate()
    }

    /// The context behind a host table pointer a plugin passed back.
    static func from(_ host: UnsafePointer<swl_host_t>?) -> InstanceContext? {
        guard let data = host?.pointee.host_data else { return nil }
        return Unmanaged<InstanceContext>.fromOpaque(data).takeUnretainedValue()
    }

    var isActive: Bool { active.load(ordering: .acquiring) }

    /// Runs a synchronous call into the plugin, exclusive of every other call into it.
    func exclusive<R>(_ body: () throws -> R) rethrows -> R {
        callLock.lock()
        defer { callLock.unlock() }
        return try body()
    }

    /// Queues a callback into the plugin; dropped if the instance has stopped by the
    /// time it runs.
    func deliver(_ body: @escaping @Sendable () -> Void) {
        callbacks.async { [self] in
            exclusive {
                guard isActive else { return }
                body()
            }
        }
    }

    /// Stops callbacks: from now on queued ones are dropped.
    func markInactive() {
        active.store(false, ordering: .releasing)
    }

    /// Stops callbacks and releases what the plugin left behind: timers and sockets.
    func deactivate() {
        active.store(false, ordering: .releasing)
        let leftovers = owned.withLock { owned in
            defer { owned = ([], []) }
            return owned
        }
        for timer in leftovers.timers { runtime.timers.cancel(timer) }
        for socket in leftovers.sockets { try? runtime.webSockets.close(socket) }
    }

    /// Waits until every queued callback has run or been dropped.
    func drainCallbacks() {
        callbacks.sync {}
    }

    /// `drainCallbacks` without blocking a thread.
    func callbacksDrained() async {
        await withCheckedContinuation { (done: CheckedContinuation<Void, Never>) in callbacks.async { done.resume() } }
    }

    func adoptTimer(_ id: UInt64) { _ = owned.withLock { $0.timers.insert(id) } }
    func releaseTimer(_ id: UInt64) -> Bool { owned.withLock { $0.timers.remove(id) != nil } }
    func ownsTimer(_ id: UInt64) -> Bool { owned.withLock { $0.timers.contains(id) } }
    func adoptSocket(_ id: UInt64) { _ = owned.withLock { $0.sockets.insert(id) } }
    func releaseSocket(_ id: UInt64) { _ = owned.withLock { $0.sockets.remove(id) } }
    func ownsSocket(_ id: UInt64) -> Bool { owned.withLock { $0.sockets.contains(id) } }
}

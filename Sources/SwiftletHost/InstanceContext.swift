import CSwiftletSDK
import Dispatch
import Foundation
import Logging
import NIOCore
import NIOPosix
import SwiftletABI
import SwiftletCore
import Synchronization

/// Everything the host keeps per plugin instance: its host table, its serial context,
/// and the timers and connections it owns.
///
/// Serialization (plugin.h): every call into the instance runs under `callLock`, so the
/// host never calls one instance concurrently. Asynchronous callbacks (timers, HTTP,
/// WebSocket frames, strategy events) first go into the instance's mailbox, so they keep
/// their order and never run on the stack of a host-service call the plugin is making.
///
/// One drainer at a time runs the mailbox. A callback posted on an event-loop thread (a
/// frame, a timer, an HTTP answer, or an event a plugin emitted while handling one) is run
/// by that same thread, after what it is doing now: no thread hand-off between a frame
/// arriving, the connector handling it, the strategy reacting and its order being written
/// (docs/strategies.md#tick-to-order-latency, docs/abi.md#threading). A callback posted
/// from any other thread is run on the instance's own serial queue.
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
    private let mailbox = Mutex(Mailbox())
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
        post(.callback(body))
    }

    private func post(_ work: Mailbox.Work) {
        enum Next { case nothing, drain, runMarker(@Sendable () -> Void) }
        let next = mailbox.withLock { box -> Next in
            // Nothing queued or running: a marker has nothing to wait for (and waking a
            // queue thread to learn that can take milliseconds on a busy machine).
            if case .marker(let body) = work, box.isIdle { return .runMarker(body) }
            box.append(work)
            guard !box.draining else { return .nothing }
            box.draining = true
            return .drain
        }
        switch next {
        case .nothing: break
        case .drain: scheduleDrain()
        case .runMarker(let body): body()
        }
    }

    /// Callbacks one drain runs on an event loop before letting the loop's I/O in.
    private static let loopBudget = 64

    private func scheduleDrain() {
        if let loop = MultiThreadedEventLoopGroup.currentEventLoop {
            // Runs on this thread once its current task returns: no lock of the caller is
            // held then, and no thread wakes up.
            loop.execute { [self] in drain(budget: Self.loopBudget) }
        } else {
            callbacks.async { [self] in drain(budget: .max) }
        }
    }

    /// Runs mailbox work in order until it is empty, or `budget` callbacks ran (then the
    /// rest is drained by a new task, keeping the drainer role).
    private func drain(budget: Int) {
        var ran = 0
        while ran < budget {
            let next = mailbox.withLock { box -> Mailbox.Work? in
                guard let work = box.removeFirst() else {
                    box.draining = false
                    return nil
                }
                return work
            }
            switch next {
            case nil:
                return
            case .callback(let body):
                exclusive {
                    guard isActive else { return }
                    body()
                }
                ran += 1
            case .marker(let signal):
                signal()
            }
        }
        scheduleDrain()
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

    /// Waits until every queued callback has run or been dropped. Not from a thread that
    /// is running this instance's callbacks.
    func drainCallbacks() {
        let done = DispatchSemaphore(value: 0)
        post(.marker { done.signal() })
        done.wait()
    }

    /// `drainCallbacks` without blocking a thread.
    func callbacksDrained() async {
        await withCheckedContinuation { (done: CheckedContinuation<Void, Never>) in post(.marker { done.resume() }) }
    }

    func adoptTimer(_ id: UInt64) { _ = owned.withLock { $0.timers.insert(id) } }
    func releaseTimer(_ id: UInt64) -> Bool { owned.withLock { $0.timers.remove(id) != nil } }
    func ownsTimer(_ id: UInt64) -> Bool { owned.withLock { $0.timers.contains(id) } }
    func adoptSocket(_ id: UInt64) { _ = owned.withLock { $0.sockets.insert(id) } }
    func releaseSocket(_ id: UInt64) { _ = owned.withLock { $0.sockets.remove(id) } }
    func ownsSocket(_ id: UInt64) -> Bool { owned.withLock { $0.sockets.contains(id) } }
}

/// An instance's pending callbacks, first in first out.
private struct Mailbox {
    enum Work {
        /// A call into the plugin (dropped once the instance is inactive).
        case callback(@Sendable () -> Void)
        /// Runs, without calling the plugin, once everything posted before it has run.
        case marker(@Sendable () -> Void)
    }

    private var items: [Work] = []
    private var head = 0
    /// Whether a drainer is running or scheduled; only it takes work out.
    var draining = false

    mutating func append(_ work: Work) { items.append(work) }

    /// No work queued and no drainer running.
    var isIdle: Bool { !draining && head == items.count }

    mutating func removeFirst() -> Work? {
        guard head < items.count else {
            items.removeAll(keepingCapacity: true)
            head = 0
            return nil
        }
        defer {
            head += 1
            if head >= 256, head * 2 >= items.count {
                items.removeFirst(head)
                head = 0
            }
        }
        return items[head]
    }
}

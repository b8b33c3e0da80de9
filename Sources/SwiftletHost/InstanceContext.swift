import CSwiftletSDK
import Dispatch
import Foundation
import Logging
import NIOCore
import NIOPosix
import SwiftletABI
import SwiftletCore
import SwiftletTransport
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
/// by that same thread: no thread hand-off between a frame arriving, the connector handling
/// it, the strategy reacting and its order being written (docs/strategies.md#tick-to-order-latency,
/// docs/abi.md#threading). A callback posted from any other thread is run on the instance's
/// own serial queue.
///
/// On an event loop, a WebSocket message for an idle instance is run at once, from the
/// loop's read, and callbacks the run posts to other instances (the events a connector
/// emits, for strategies) are run right after it, in the same turn of the loop: the
/// loop's own work (the rest of the read, other channels, timers) comes after the order
/// is written. Never nested: a callback posted while another runs waits for it to return.
final class InstanceContext: @unchecked Sendable {
    let runtime: HostRuntime
    let pluginID: String
    let instanceName: String
    let allowedCredentials: Set<String>
    /// The ABI minor the plugin was built for (its descriptor's `abi_minor`).
    let abiMinor: Int
    /// Whether the deprecated read of a passphrase (ABI 1.1 and older) was logged.
    let warnedOfPassphraseRead = Atomic<Bool>(false)
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
    /// The signed request templates the plugin made (`http_template_create`), by id.
    private let templates = Mutex<(byID: [UInt64: SignedRequestTemplate], lastID: UInt64)>(([:], 0))
    private let hostNameStorage: UnsafeMutablePointer<CChar>
    private let hostNameLength: Int

    init(runtime: HostRuntime, pluginID: String, instanceName: String, allowedCredentials: Set<String>,
         abiMinor: Int = Int(SWL_ABI_MINOR), extensions: (any HostExtensionProvider)?) {
        self.runtime = runtime
        self.abiMinor = abiMinor
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

    /// `deliver` for a message read off a connection. On an event loop, outside any
    /// plugin callback, with nothing of this instance queued or running, the callback
    /// is queued and the drainer role taken: the caller must run the returned drain,
    /// once it has released its own locks. Only for work posted straight from a
    /// channel's read, where no plugin call is on the thread's stack.
    func deliverFromRead(_ body: @escaping @Sendable () -> Void) -> DrainNow? {
        post(.callback(body), runNowOnLoop: true)
    }

    /// A drain the caller of `deliverFromRead` runs itself, on its own thread (the
    /// mailbox has no other drainer until it does).
    struct DrainNow {
        fileprivate let turn: LoopTurn
        fileprivate let context: InstanceContext
        func run() { turn.run(first: context) }
    }

    @discardableResult
    private func post(_ work: Mailbox.Work, runNowOnLoop: Bool = false) -> DrainNow? {
        enum Next { case nothing, drain, drainNow(LoopTurn), runMarker(@Sendable () -> Void) }
        let turn = runNowOnLoop ? LoopTurn.idle() : nil
        let next = mailbox.withLock { box -> Next in
            // Nothing queued or running: a marker has nothing to wait for (and waking a
            // queue thread to learn that can take milliseconds on a busy machine).
            if case .marker(let body) = work, box.isIdle { return .runMarker(body) }
            let wasIdle = box.isIdle
            box.append(work)
            guard !box.draining else { return .nothing }
            box.draining = true
            if let turn, wasIdle { return .drainNow(turn) }
            return .drain
        }
        switch next {
        case .nothing: return nil
        case .drain: scheduleDrain()
        case .drainNow(let turn): return DrainNow(turn: turn, context: self)
        case .runMarker(let body): body()
        }
        return nil
    }

    /// Callbacks one drain runs on an event loop before letting the loop's I/O in.
    fileprivate static let loopBudget = 64

    /// Has the holder of the drainer role drain later. On an event loop: posted from a
    /// callback this thread is running (and `joiningTurn`), once that returns, in the same
    /// turn; otherwise once the loop's current task returns (no lock of the caller is held
    /// then, and no thread wakes up). Off the event loops: on the instance's queue.
    fileprivate func scheduleDrain(joiningTurn: Bool = true) {
        guard let loop = MultiThreadedEventLoopGroup.currentEventLoop else {
            callbacks.async { [self] in drain(budget: .max) }
            return
        }
        if joiningTurn, let turn = LoopTurn.running() {
            turn.enqueue(self)
        } else {
            loop.execute { [self] in LoopTurn.current().run(first: self) }
        }
    }

    /// Runs mailbox work in order until it is empty, or `budget` callbacks ran (then the
    /// rest is drained by a new loop task, keeping the drainer role: the loop's I/O gets
    /// its turn).
    fileprivate func drain(budget: Int) {
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
        scheduleDrain(joiningTurn: false)
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
        templates.withLock { $0.byID = [:] }
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
    /// Keeps a template for the plugin; returns its id (never reused by the instance).
    func adoptTemplate(_ template: SignedRequestTemplate) -> UInt64 {
        templates.withLock { templates in
            templates.lastID += 1
            templates.byID[templates.lastID] = template
            return templates.lastID
        }
    }
    func template(_ id: UInt64) -> SignedRequestTemplate? { templates.withLock { $0.byID[id] } }
    func releaseTemplate(_ id: UInt64) -> Bool { templates.withLock { $0.byID.removeValue(forKey: id) != nil } }
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

/// The mailboxes one event-loop thread drains in one turn: the first, then, in order,
/// those that callbacks of the turn posted to. Lives in a thread-local; only its thread
/// touches it.
private final class LoopTurn: @unchecked Sendable {
    private static let perThread = ThreadSpecificVariable<LoopTurn>()

    /// Drains run after the first in one turn before the rest go to loop tasks (a cascade
    /// of plugins posting to each other must not keep the loop's I/O waiting).
    private static let drainsPerTurn = 64

    private var running = false
    private var pending: [InstanceContext] = []

    /// This thread's turn object.
    static func current() -> LoopTurn {
        if let turn = perThread.currentValue { return turn }
        let turn = LoopTurn()
        perThread.currentValue = turn
        return turn
    }

    /// The turn on this event-loop thread if no callback is running on it (so one may run
    /// now), nil otherwise or off an event loop.
    static func idle() -> LoopTurn? {
        guard MultiThreadedEventLoopGroup.currentEventLoop != nil else { return nil }
        let turn = current()
        return turn.running ? nil : turn
    }

    /// The turn running callbacks on this thread, if any.
    static func running() -> LoopTurn? {
        guard let turn = perThread.currentValue, turn.running else { return nil }
        return turn
    }

    func enqueue(_ context: InstanceContext) { pending.append(context) }

    /// Drains `first` (which holds the drainer role), then the mailboxes posted to meanwhile.
    func run(first: InstanceContext) {
        assert(!running, "a loop turn never nests")
        running = true
        first.drain(budget: InstanceContext.loopBudget)
        var drains = 0
        while !pending.isEmpty {
            let next = pending.removeFirst()
            drains += 1
            if drains > Self.drainsPerTurn {
                next.scheduleDrain(joiningTurn: false)
            } else {
                next.drain(budget: InstanceContext.loopBudget)
            }
        }
        running = false
    }
}

import NIOCore
import Synchronization

/// Timers on a NIO event loop.
///
/// `fire` runs on the service's event loop, so fires of all timers of one service
/// never overlap. ``cancel(_:)`` does not block: a fire already running on the loop
/// when another thread cancels still completes, but no fire starts after `cancel`
/// returns. A host that serializes callbacks under its own lock can re-check
/// ``isActive(_:)`` under that lock to close even that window.
public final class TimerService: Sendable {
    private enum Handle: Sendable {
        case once(Scheduled<Void>)
        case repeated(RepeatedTask)

        func cancel() {
            switch self {
            case .once(let scheduled): scheduled.cancel()
            case .repeated(let task): task.cancel()
            }
        }
    }

    private struct State {
        var lastID: UInt64 = 0
        /// Live timers; a handle is nil until scheduling returns.
        var timers: [UInt64: Handle?] = [:]
    }

    private let eventLoop: any EventLoop
    private let state = Mutex(State())

    /// Makes a service whose timers fire on `eventLoop`.
    public init(eventLoop: any EventLoop) {
        self.eventLoop = eventLoop
    }

    deinit {
        cancelAll()
    }

    /// First fire after `delay`, then every `interval` if non-nil. Returns an id never reused.
    /// A negative delay counts as zero; a non-positive interval means "fire once".
    /// Repeats are spaced `interval` from the end of the previous fire.
    public func start(delay: Duration, interval: Duration?, _ fire: @escaping @Sendable (UInt64) -> Void) -> UInt64 {
        let id = state.withLock { state -> UInt64 in
            state.lastID += 1
            state.timers[state.lastID] = .some(nil)
            return state.lastID
        }
        let initial = TimeAmount.nanoseconds(max(0, delay.clampedNanoseconds))
        let handle: Handle
        if let interval, interval > .zero {
            handle = .repeated(eventLoop.scheduleRepeatedTask(
                initialDelay: initial, delay: .nanoseconds(interval.clampedNanoseconds)
            ) { [weak self] task in
                guard let self, self.isActive(id) else {
                    task.cancel()
                    return
                }
                fire(id)
            })
        } else {
            handle = .once(eventLoop.scheduleTask(in: initial) { [weak self] in
                guard let self, self.isActive(id) else { return }
                fire(id)
                self.state.withLock { _ = $0.timers.removeValue(forKey: id) }
            })
        }
        let stillLive = state.withLock { state -> Bool in
            guard state.timers[id] != nil else { return false }
            state.timers[id] = .some(handle)
            return true
        }
        if !stillLive { handle.cancel() }  // cancelled (or a one-shot finished) before we stored it
        return id
    }

    /// Returns false for unknown/finished timers. After it returns true, `fire` is not called again.
    @discardableResult
    public func cancel(_ id: UInt64) -> Bool {
        let removed = state.withLock { $0.timers.removeValue(forKey: id) }
        guard let removed else { return false }
        removed?.cancel()
        return true
    }

    /// Cancels every live timer.
    public func cancelAll() {
        let handles = state.withLock { state -> [Handle?] in
            defer { state.timers.removeAll() }
            return Array(state.timers.values)
        }
        for handle in handles { handle?.cancel() }
    }

    /// True while the timer is live: started, not cancelled, and (one-shot) not yet done firing.
    public func isActive(_ id: UInt64) -> Bool {
        state.withLock { $0.timers[id] != nil }
    }

    /// Number of live timers.
    public var activeCount: Int {
        state.withLock { $0.timers.count }
    }
}

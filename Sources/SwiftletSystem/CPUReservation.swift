import Dispatch
import Foundation
import Synchronization

/// CPUs kept for a few threads of this process (the host's pinned event loops): every other
/// thread that may run on one of them is moved off, and put back when the reservation ends
/// (docs/operations.md#cpu-pinning).
///
/// One sweep is not enough. A thread inherits the CPUs of the thread that starts it, and
/// libdispatch starts its workers from whichever thread queues work: a pinned event loop
/// that queues a trade-journal write or a log line starts a worker pinned to the loop's own
/// CPU, where it competes with the loop for the CPU and its caches. So the threads are swept
/// at the start and again every interval.
public final class CPUReservation: Sendable {
    /// The CPUs kept for the owners.
    public let reserved: [Int]
    /// Where a thread confined to reserved CPUs is moved.
    public let others: [Int]
    private let owners: Set<Int32>
    private let threads: @Sendable () -> [Int32]
    /// Runs the timed sweeps, and `end` after the last of them.
    private let queue = DispatchQueue(label: "swiftlet.cpu-reservation")
    /// The CPUs each moved thread had before its first move, and when the thread started
    /// (an id the kernel hands to a new thread after the old one ended is not restored).
    private let moved = Mutex<[Int32: (cpus: [Int], started: String?)]>([:])
    /// Read and changed on `queue` only.
    nonisolated(unsafe) private var timer: DispatchSourceTimer?

    /// - Parameters:
    ///   - reserved: the CPUs to keep.
    ///   - owners: the threads they are kept for, never moved.
    ///   - others: where a thread allowed on reserved CPUs only goes (one also allowed on
    ///     other CPUs keeps those).
    ///   - threads: the threads to sweep; every thread of this process by default.
    public init(_ reserved: [Int], for owners: Set<Int32>, others: [Int],
                threads: @escaping @Sendable () -> [Int32] = CPUAffinity.threadIDs) {
        self.reserved = reserved
        self.owners = owners
        self.others = others
        self.threads = threads
    }

    deinit {
        timer?.cancel()
    }

    /// Moves every thread but the owners that may run on a reserved CPU off the reserved
    /// CPUs; returns the ids of the threads it moved. A thread that ended meanwhile, or
    /// cannot be read or moved, is left alone.
    @discardableResult
    public func sweep() -> [Int32] {
        var movedNow: [Int32] = []
        for tid in threads() where !owners.contains(tid) {
            guard let allowed = try? CPUAffinity.allowedCPUs(ofThread: tid),
                  allowed.contains(where: reserved.contains) else { continue }
            let kept = allowed.filter { !reserved.contains($0) }
            guard (try? CPUAffinity.pinThread(tid, to: kept.isEmpty ? others : kept)) != nil else { continue }
            let started = Self.startTime(of: tid)
            moved.withLock { moved in
                if moved[tid]?.started != started { moved[tid] = (allowed, started) }
            }
            movedNow.append(tid)
        }
        return movedNow
    }

    /// Sweeps now, then every `interval` until ``end()``.
    public func start(sweepingEvery interval: DispatchTimeInterval) {
        sweep()
        queue.sync {
            timer?.cancel()
            let timer = DispatchSource.makeTimerSource(queue: queue)
            timer.schedule(deadline: .now() + interval, repeating: interval)
            timer.setEventHandler { [weak self] in self?.sweep() }
            timer.resume()
            self.timer = timer
        }
    }

    /// Stops sweeping and puts each moved thread that still runs back on the CPUs it had.
    public func end() {
        // On the timer's queue: no sweep runs meanwhile, and none after.
        queue.sync {
            timer?.cancel()
            timer = nil
            let threadsMoved = moved.withLock { moved in
                defer { moved = [:] }
                return moved
            }
            for (tid, before) in threadsMoved where before.started != nil && Self.startTime(of: tid) == before.started {
                try? CPUAffinity.pinThread(tid, to: before.cpus)
            }
        }
    }

    /// When thread `tid` of this process started (field 22 of its `stat`, in clock ticks
    /// since boot), or nil if it is gone.
    private static func startTime(of tid: Int32) -> String? {
        guard let stat = try? String(contentsOfFile: "/proc/self/task/\(tid)/stat", encoding: .utf8),
              let close = stat.lastIndex(of: ")") else { return nil }
        let fields = stat[stat.index(after: close)...].split(separator: " ")  // from field 3
        return fields.count > 19 ? String(fields[19]) : nil
    }
}

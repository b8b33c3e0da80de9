import CSwiftletSystem
import Foundation
import Synchronization

/// One thread per CPU that keeps that CPU busy at the lowest priority (SCHED_IDLE), so the
/// CPU never halts: a thread that wakes there (an event loop reading a market-data frame)
/// takes it at once instead of paying the wake-up of an idle core, which on a virtual
/// machine is an exit to the hypervisor. The spinners use each CPU fully while nothing else
/// runs; use them only on CPUs given to the bot (docs/operations.md#cpu-pinning).
public final class IdleSpinners: Sendable {
    private let stopRequested = Atomic<Bool>(false)
    private let running = Atomic<Int>(0)
    private let tids = Mutex<[Int32]>([])
    /// The CPUs spun on.
    public let cpus: [Int]

    /// The running spinners' Linux thread ids (as `ps -L` and `top -H` show them, named `swiftlet-idle-CPU`).
    public var threadIDs: [Int32] { tids.withLock { $0 } }

    /// Starts a spinner on each of `cpus`; returns once each runs pinned at idle priority.
    /// They run until ``stop()``.
    public init(cpus: [Int]) throws(CPUAffinity.Failure) {
        if let problem = CPUAffinity.problem(with: cpus) { throw CPUAffinity.Failure(problem) }
        self.cpus = cpus
        for cpu in cpus {
            let setup = Setup()
            Thread { [self] in spin(on: cpu, setup: setup) }.start()
            setup.ready.wait()
            // Lowered from here, not by the spinner itself: at idle priority on a busy CPU
            // it could wait long to report back.
            let (failure, tid) = setup.outcome.withLock { $0 }
            let status = failure == nil ? swl_system_set_idle_priority(tid) : 0
            if failure != nil || status != 0 {
                stop()
                throw failure ?? CPUAffinity.Failure(
                    "cannot lower the spinner of CPU \(cpu) to idle priority: \(String(cString: strerror(-status)))")
            }
        }
    }

    /// Number of spinner threads running.
    public var runningCount: Int { running.load(ordering: .acquiring) }

    /// Asks every spinner to stop. Each ends the next time it runs: at once on an idle CPU;
    /// on a CPU busy with other threads only once they leave it a moment (idle priority), so
    /// this does not wait for them.
    public func stop() {
        stopRequested.store(true, ordering: .relaxed)
    }

    /// How a spinner's start went, signalled once it is pinned (its thread id) or has failed.
    private final class Setup: Sendable {
        let outcome = Mutex<(failure: CPUAffinity.Failure?, tid: Int32)>((nil, 0))
        let ready = DispatchSemaphore(value: 0)
    }

    private func spin(on cpu: Int, setup: Setup) {
        _ = swl_system_name_thread("swiftlet-idle-\(cpu)")
        do throws(CPUAffinity.Failure) {
            try CPUAffinity.pinCurrentThread(to: [cpu])
        } catch {
            setup.outcome.withLock { $0.failure = error }
            setup.ready.signal()
            return
        }
        let tid = swl_system_thread_id()
        tids.withLock { $0.append(tid) }
        running.add(1, ordering: .releasing)
        setup.outcome.withLock { $0.tid = tid }
        setup.ready.signal()
        while !stopRequested.load(ordering: .relaxed) { swl_system_cpu_relax() }
        tids.withLock { $0.removeAll { $0 == swl_system_thread_id() } }
        running.subtract(1, ordering: .releasing)
    }
}

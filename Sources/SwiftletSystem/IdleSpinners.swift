import CSwiftletSystem
import Dispatch
import Foundation
import Synchronization

/// Keeps CPUs from going idle: on each, a thread of the lowest priority there is
/// (`SCHED_IDLE`) spins until stopped (docs/operations.md#keeping-the-loops-cpus-awake).
///
/// An idle CPU halts. Waking it again costs time, and on a virtual machine a halted virtual
/// CPU hands its physical core back to the hypervisor, whose other work evicts the caches
/// the next market-data frame needs. A spinner never halts its CPU and touches almost
/// nothing, and any other thread woken on that CPU preempts it at once, so it takes no time
/// from the event loop it keeps warm. The price: the CPU reads as fully busy, and draws the
/// power of a busy one.
public final class IdleSpinners: Sendable {
    /// The CPUs kept awake.
    public let cpus: [Int]
    /// The spinners' thread ids, one per CPU in `cpus`.
    public let threadIDs: [Int32]
    private let stopping: Flag
    /// Each signalled once by its spinner when it returns.
    private let returned: [DispatchSemaphore]

    /// Starts a spinner on each of `cpus`; throws, starting none, if one cannot be pinned to
    /// its CPU or lowered to idle priority (at normal priority it would compete with the loop).
    public init(on cpus: [Int]) throws(CPUAffinity.Failure) {
        let stopping = Flag()
        var threadIDs: [Int32] = []
        var returned: [DispatchSemaphore] = []
        for cpu in cpus {
            let done = DispatchSemaphore(value: 0)
            switch Self.startSpinner(on: cpu, until: stopping, done: done) {
            case .success(let tid):
                threadIDs.append(tid)
                returned.append(done)
            case .failure(let failure):
                Self.stop(stopping, returned)
                throw failure
            }
        }
        self.cpus = cpus
        self.threadIDs = threadIDs
        self.stopping = stopping
        self.returned = returned
    }

    deinit {
        stop()
    }

    /// Stops every spinner and waits for each thread to return.
    public func stop() {
        Self.stop(stopping, returned)
    }

    private static func stop(_ stopping: Flag, _ returned: [DispatchSemaphore]) {
        guard !stopping.value.exchange(true, ordering: .relaxed) else { return }
        for done in returned { done.wait() }
    }

    /// A thread that pins itself to `cpu`, lowers itself to idle priority and, if both
    /// worked, spins until `stopping` is set; its id, or why it could not start.
    private static func startSpinner(on cpu: Int, until stopping: Flag,
                                     done: DispatchSemaphore) -> Result<Int32, CPUAffinity.Failure> {
        let started = Mutex<Result<Int32, CPUAffinity.Failure>?>(nil)
        let ready = DispatchSemaphore(value: 0)
        let thread = Thread {
            defer { done.signal() }
            _ = swl_system_name_thread("swl-idle-\(cpu)")  // Foundation's `Thread.name` is not the kernel's
            let outcome = Result { () throws(CPUAffinity.Failure) -> Int32 in
                if let problem = CPUAffinity.problem(with: [cpu]) { throw CPUAffinity.Failure(problem) }
                try CPUAffinity.pinCurrentThread(to: [cpu])
                let status = swl_system_lower_to_idle_priority()
                guard status == 0 else {
                    throw CPUAffinity.Failure("cannot lower a thread on CPU \(cpu) to idle priority: \(CPUAffinity.describe(-status))")
                }
                return CPUAffinity.currentThreadID()
            }
            started.withLock { $0 = outcome }
            ready.signal()
            guard case .success = outcome else { return }
            while !stopping.value.load(ordering: .relaxed) { swl_system_spin_pause() }
        }
        thread.start()
        ready.wait()
        return started.withLock { $0! }
    }

    /// Set once, to stop the spinners.
    private final class Flag: Sendable {
        let value = Atomic(false)
    }
}

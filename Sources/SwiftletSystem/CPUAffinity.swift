import CSwiftletSystem
import Foundation

/// Which CPUs threads may run on (Linux's scheduler affinity): a latency-sensitive thread
/// pinned to a core of its own is never moved to another core's cold caches, and threads
/// kept off that core (a simulator, other processes) cannot preempt it
/// (docs/operations.md#cpu-pinning).
public enum CPUAffinity {
    /// A CPU set that cannot be read or applied, with the reason.
    public struct Failure: Error, CustomStringConvertible, Equatable {
        public let description: String
        public init(_ description: String) { self.description = description }
    }

    /// The CPUs the calling thread may run on, in increasing order (threads it starts inherit them).
    public static func allowedCPUs() throws(Failure) -> [Int] {
        try cpuList("the calling thread's CPU affinity") { swl_system_thread_cpus(0, $0, $1) }
    }

    /// The CPUs thread `tid` of this process may run on, in increasing order.
    public static func allowedCPUs(ofThread tid: Int32) throws(Failure) -> [Int] {
        try cpuList("thread \(tid)'s CPU affinity") { swl_system_thread_cpus(tid, $0, $1) }
    }

    /// The calling thread's id, as `/proc/self/task` lists it.
    public static func currentThreadID() -> Int32 { swl_system_thread_id() }

    /// The ids of this process's threads now, as `/proc/self/task` lists them.
    public static func threadIDs() -> [Int32] {
        ((try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/task")) ?? []).compactMap(Int32.init)
    }

    /// Every CPU a thread of this process could be pinned to: online and within its cpuset
    /// (a container's CPUs), whatever the calling thread's own affinity.
    public static func availableCPUs() throws(Failure) -> [Int] {
        try cpuList("the CPUs available to this process", swl_system_available_cpus)
    }

    /// Why `cpus` cannot be used as a thread's CPU set in this process, or nil when it can:
    /// it must be non-empty, without repeats, and within ``availableCPUs()``.
    public static func problem(with cpus: [Int]) -> String? {
        if cpus.isEmpty { return "needs at least one CPU" }
        if Set(cpus).count != cpus.count { return "lists a CPU twice" }
        let allowed: [Int]
        do {
            allowed = try availableCPUs()
        } catch {
            return error.description
        }
        let outside = cpus.filter { !allowed.contains($0) }
        if !outside.isEmpty {
            return "CPU \(outside.map(String.init).joined(separator: ", ")) is not available to this process "
                + "(available: \(allowed.map(String.init).joined(separator: ", ")))"
        }
        return nil
    }

    /// Pins the calling thread to `cpus`.
    public static func pinCurrentThread(to cpus: [Int]) throws(Failure) {
        try pinThread(0, to: cpus)
    }

    /// Pins thread `tid` of this process (0: the calling thread) to `cpus`.
    public static func pinThread(_ tid: Int32, to cpus: [Int]) throws(Failure) {
        let status = pin(thread: tid, to: cpus)
        guard status == 0 else { throw failure(pinning: tid, to: cpus, status) }
    }

    /// Pins every thread of this process to `cpus`: the ones running now, and through
    /// inheritance the ones they start later. Call it early, before threads that must stay
    /// elsewhere exist.
    public static func pinProcess(to cpus: [Int]) throws(Failure) {
        if let problem = problem(with: cpus) { throw Failure(problem) }
        for tid in threadIDs() {
            let status = pin(thread: tid, to: cpus)
            guard status == 0 || status == -ESRCH else {  // ESRCH: the thread ended meanwhile
                throw failure(pinning: tid, to: cpus, status)
            }
        }
    }

    /// The ids a shim call writes (it returns their count, or -errno).
    private static func cpuList(_ what: String, _ read: (UnsafeMutablePointer<Int32>, Int32) -> Int32) throws(Failure) -> [Int] {
        var buffer = [Int32](repeating: 0, count: 1024)
        let count = buffer.withUnsafeMutableBufferPointer { read($0.baseAddress!, Int32($0.count)) }
        guard count >= 0 else { throw Failure("cannot read \(what): \(describe(-count))") }
        return buffer.prefix(Int(count)).map(Int.init)
    }

    /// 0, or -errno.
    private static func pin(thread tid: Int32, to cpus: [Int]) -> Int32 {
        let ids = cpus.map { Int32(clamping: $0) }
        return swl_system_pin_thread(tid, ids, Int32(ids.count))
    }

    private static func failure(pinning tid: Int32, to cpus: [Int], _ status: Int32) -> Failure {
        Failure("cannot pin thread \(tid) to CPU \(cpus.map(String.init).joined(separator: ", ")): \(describe(-status))")
    }

    static func describe(_ code: Int32) -> String {
        String(cString: strerror(code))
    }
}

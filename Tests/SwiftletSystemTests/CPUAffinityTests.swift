import Foundation
import SwiftletSystem
import Testing

/// Reading and setting CPU affinity, checked against what the kernel reports in
/// /proc (an independent view of the same setting).
@Suite struct CPUAffinityTests {
    @Test func allowedCPUsAreWhatTheKernelReports() throws {
        let status = try String(contentsOfFile: "/proc/self/status", encoding: .utf8)
        let line = try #require(status.split(separator: "\n").first { $0.hasPrefix("Cpus_allowed_list:") })
        let listed = line.split(separator: ":")[1].trimmingCharacters(in: .whitespaces)
        #expect(try CPUAffinity.allowedCPUs() == Self.expand(listed))
    }

    @Test func aThreadPinnedToOneCPURunsOnlyThere() throws {
        let cpu = try #require(try CPUAffinity.allowedCPUs().last)
        let seen = try Self.onNewThread { () throws -> ([Int], Int32) in
            try CPUAffinity.pinCurrentThread(to: [cpu])
            return (try CPUAffinity.allowedCPUs(), Self.lastCPU())
        }
        #expect(seen.0 == [cpu])
        #expect(seen.1 == Int32(cpu))
    }

    @Test func availableCPUsIgnoreTheCallersOwnPinningAndLeaveIt() throws {
        let all = try CPUAffinity.availableCPUs()
        let cpu = try #require(all.first)
        let seen = try Self.onNewThread { () throws -> ([Int], [Int]) in
            try CPUAffinity.pinCurrentThread(to: [cpu])
            return (try CPUAffinity.availableCPUs(), try CPUAffinity.allowedCPUs())
        }
        #expect(seen.0 == all)
        #expect(seen.1 == [cpu])
        #expect(CPUAffinity.problem(with: all) == nil)
    }

    @Test func unusableSetsAreRefusedWithTheReason() throws {
        let allowed = try CPUAffinity.availableCPUs()
        #expect(CPUAffinity.problem(with: []) == "needs at least one CPU")
        #expect(CPUAffinity.problem(with: [allowed[0], allowed[0]]) == "lists a CPU twice")
        let missing = (0..<4096).first { !allowed.contains($0) }!
        #expect(CPUAffinity.problem(with: [missing])?.hasPrefix("CPU \(missing) is not available to this process") == true)
        #expect(CPUAffinity.problem(with: allowed) == nil)
        let failure = try Self.onNewThread { () -> CPUAffinity.Failure? in
            do throws(CPUAffinity.Failure) {
                try CPUAffinity.pinCurrentThread(to: [5000])
                return nil
            } catch {
                return error
            }
        }
        #expect(failure?.description.contains("cannot pin thread 0 to CPU 5000") == true)
    }

    /// The CPU the calling thread last ran on: field 39 of /proc/thread-self/stat.
    static func lastCPU() -> Int32 {
        let stat = (try? String(contentsOfFile: "/proc/thread-self/stat", encoding: .utf8)) ?? ""
        guard let close = stat.lastIndex(of: ")") else { return -1 }
        let fields = stat[stat.index(after: close)...].split(separator: " ")  // from field 3
        return fields.count > 36 ? Int32(fields[36]) ?? -1 : -1
    }

    /// "0-2,5" → [0, 1, 2, 5]
    static func expand(_ list: String) -> [Int] {
        list.split(separator: ",").flatMap { part -> [Int] in
            let bounds = part.split(separator: "-").compactMap { Int($0) }
            return bounds.count == 2 ? Array(bounds[0]...bounds[1]) : bounds
        }
    }

    /// Runs `body` on a thread of its own (pinning the test's thread would pin the suite's).
    static func onNewThread<T: Sendable>(_ body: @escaping @Sendable () throws -> T) throws -> T {
        let result = ResultBox<T>()
        let done = DispatchSemaphore(value: 0)
        Thread {
            result.set(Result { try body() })
            done.signal()
        }.start()
        done.wait()
        return try result.get()
    }
}

/// A value handed from one thread to another.
final class ResultBox<T: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private var value: Result<T, any Error>?
    func set(_ result: Result<T, any Error>) { lock.withLock { value = result } }
    func get() throws -> T { try lock.withLock { value! }.get() }
}

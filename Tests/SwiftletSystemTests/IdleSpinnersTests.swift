import Foundation
import SwiftletSystem
import Testing

/// Spinner threads, observed through /proc: pinned, at SCHED_IDLE, gone after `stop`.
@Suite struct IdleSpinnersTests {
    @Test func aSpinnerRunsPinnedAtIdlePriorityUntilStopped() throws {
        let cpu = try #require(try CPUAffinity.allowedCPUs().first)
        let spinners = try IdleSpinners(cpus: [cpu])
        #expect(spinners.runningCount == 1)
        let tid = try #require(spinners.threadIDs.first)
        #expect(Self.name(of: tid) == "swiftlet-idle-\(cpu)")
        #expect(try CPUAffinity.cpus(ofThread: tid) == [cpu])
        #expect(Self.schedulingPolicy(of: tid) == 5)  // SCHED_IDLE
        spinners.stop()
        // It ends the next time it runs (its id may be reused later, not by a spinner).
        let gone = ContinuousClock.now + .seconds(30)
        while Self.name(of: tid) == "swiftlet-idle-\(cpu)" && ContinuousClock.now < gone { Thread.sleep(forTimeInterval: 0.005) }
        #expect(spinners.runningCount == 0 && spinners.threadIDs.isEmpty)
        #expect(Self.name(of: tid) != "swiftlet-idle-\(cpu)")
    }

    @Test func aCPUOutsideTheProcessIsRefused() throws {
        let allowed = try CPUAffinity.allowedCPUs()
        let missing = (0..<4096).first { !allowed.contains($0) }!
        #expect(throws: CPUAffinity.Failure("CPU \(missing) is not available to this process (available: "
                                            + allowed.map(String.init).joined(separator: ", ") + ")")) {
            try IdleSpinners(cpus: [allowed[0], missing])
        }
    }

    /// The name of this process's thread `tid`, nil once it has ended.
    static func name(of tid: Int32) -> String? {
        (try? String(contentsOfFile: "/proc/self/task/\(tid)/comm", encoding: .utf8))?
            .trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Field 41 of /proc/…/stat, the scheduling policy (0 normal, 5 idle).
    static func schedulingPolicy(of tid: Int32) -> Int? {
        guard let stat = try? String(contentsOfFile: "/proc/self/task/\(tid)/stat", encoding: .utf8),
              let close = stat.lastIndex(of: ")") else { return nil }
        // Fields after the command name start at field 3.
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        return fields.count > 38 ? Int(fields[38]) : nil
    }
}

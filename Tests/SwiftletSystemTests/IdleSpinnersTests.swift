import Foundation
import SwiftletSystem
import Testing

/// `IdleSpinners`, checked through what the kernel reports of their threads. One test at a
/// time: a test that looks for spinners left running must not see another test's.
@Suite(.serialized) struct IdleSpinnersTests {
    @Test func eachSpinnerRunsOnItsCPUAtIdlePriorityUntilStopped() async throws {
        let cpu = try #require(try CPUAffinity.availableCPUs().last)
        let spinners = try IdleSpinners(on: [cpu])
        let tid = try #require(spinners.threadIDs.first)
        #expect(spinners.threadIDs.count == 1)
        #expect(try CPUAffinity.allowedCPUs(ofThread: tid) == [cpu])
        #expect(KernelThread(tid)?.policy == Self.schedIdle)
        #expect(try String(contentsOfFile: "/proc/self/task/\(tid)/comm", encoding: .utf8) == "swl-idle-\(cpu)\n")
        // It spins: its CPU time grows (slowly, if the suite keeps the CPU busy).
        let deadline = ContinuousClock.now + .seconds(30)
        while (KernelThread(tid)?.cpuTicks ?? 0) == 0, ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(20))
        }
        #expect((KernelThread(tid)?.cpuTicks ?? 0) > 0)

        spinners.stop()
        #expect(await KernelThread.ends(tid))
        spinners.stop()  // a second stop is harmless
    }

    @Test func aCPUThatCannotBeUsedStartsNoSpinnerAndStopsTheOnesStarted() async throws {
        let available = try CPUAffinity.availableCPUs()
        let missing = (0..<1024).first { !available.contains($0) }!
        let before = Set(CPUAffinity.threadIDs())
        #expect { try IdleSpinners(on: [available[0], missing]) } throws: { error in
            "\(error)".hasPrefix("CPU \(missing) is not available to this process")
        }
        // The spinner started on the usable CPU has returned.
        let deadline = ContinuousClock.now + .seconds(10)
        func spinners() -> [Int32] {
            CPUAffinity.threadIDs().filter { !before.contains($0) && KernelThread($0)?.policy == Self.schedIdle }
        }
        while !spinners().isEmpty, ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(10)) }
        #expect(spinners().isEmpty)
    }

    @Test func droppingTheSpinnersStopsThem() async throws {
        let cpu = try #require(try CPUAffinity.availableCPUs().first)
        var spinners: IdleSpinners? = try IdleSpinners(on: [cpu])
        let tid = spinners!.threadIDs[0]
        #expect(KernelThread(tid) != nil)
        spinners = nil
        #expect(await KernelThread.ends(tid))
    }

    /// Linux's `SCHED_IDLE`.
    static let schedIdle = 5
}

/// Fields of `/proc/self/task/<tid>/stat` (proc(5)).
struct KernelThread {
    /// Scheduling policy (field 41).
    let policy: Int
    /// User and system time in clock ticks (fields 14 and 15).
    let cpuTicks: Int

    /// nil once the thread is gone.
    init?(_ tid: Int32) {
        guard let stat = try? String(contentsOfFile: "/proc/self/task/\(tid)/stat", encoding: .utf8),
              let close = stat.lastIndex(of: ")") else { return nil }
        let fields = stat[stat.index(after: close)...].split(separator: " ")  // from field 3
        guard fields.count > 38, let policy = Int(fields[38]), let user = Int(fields[11]), let system = Int(fields[12])
        else { return nil }
        self.policy = policy
        cpuTicks = user + system
    }

    /// Whether thread `tid` is gone within 10 s.
    static func ends(_ tid: Int32) async -> Bool {
        let deadline = ContinuousClock.now + .seconds(10)
        while KernelThread(tid) != nil, ContinuousClock.now < deadline { try? await Task.sleep(for: .milliseconds(10)) }
        return KernelThread(tid) == nil
    }
}

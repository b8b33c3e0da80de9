import Foundation
import SwiftletHost
import SwiftletSystem
import Synchronization
import Testing

/// `HostConfiguration.eventLoopCPUs` and `spinWhenIdle` (docs/operations.md#cpu-pinning).
@Suite struct HostRuntimeCPUTests {
    @Test func pinnedEventLoopsRunOnTheirCPUAndTheSpinnerEndsWithTheRuntime() async throws {
        let cpu = try #require(try CPUAffinity.allowedCPUs().last)
        let runtime = try HostRuntime(configuration: HostConfiguration(eventLoopCPUs: [cpu], spinWhenIdle: true))
        let seen = Mutex<[Int]?>(nil)
        _ = runtime.timers.start(delay: .zero, interval: nil) { _ in
            seen.withLock { $0 = try? CPUAffinity.allowedCPUs() }
        }
        let deadline = ContinuousClock.now + .seconds(10)
        while seen.withLock({ $0 }) == nil && ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(5)) }
        #expect(seen.withLock { $0 } == [cpu])
        #expect(Self.threadExists(named: "swiftlet-idle-\(cpu)"))
        await runtime.shutdown()
        // The spinner ends the next time it runs (idle priority: later on a busy CPU).
        let gone = ContinuousClock.now + .seconds(30)
        while Self.threadExists(named: "swiftlet-idle-\(cpu)") && ContinuousClock.now < gone {
            try await Task.sleep(for: .milliseconds(5))
        }
        #expect(!Self.threadExists(named: "swiftlet-idle-\(cpu)"))
    }

    @Test func unusableCPUSettingsAreRefusedWithTheReason() throws {
        let allowed = try CPUAffinity.allowedCPUs()
        let missing = (0..<4096).first { !allowed.contains($0) }!
        #expect { try HostRuntime(configuration: HostConfiguration(eventLoopCPUs: [missing])) } throws: { error in
            (error as? HostError)?.message.hasPrefix("cannot pin the event loops: CPU \(missing) is not available") == true
        }
        #expect { try HostRuntime(configuration: HostConfiguration(spinWhenIdle: true)) } throws: { error in
            (error as? HostError)?.message
                == "cannot keep the event loop CPUs awake: spinning when idle needs the event loops pinned to CPUs"
        }
    }

    static func threadExists(named name: String) -> Bool {
        let tasks = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/task")) ?? []
        return tasks.contains { tid in
            (try? String(contentsOfFile: "/proc/self/task/\(tid)/comm", encoding: .utf8))?
                .trimmingCharacters(in: .whitespacesAndNewlines) == name
        }
    }
}

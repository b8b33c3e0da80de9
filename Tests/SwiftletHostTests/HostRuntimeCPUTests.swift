import Foundation
import SwiftletHost
import SwiftletSystem
import Synchronization
import Testing

/// `HostConfiguration.eventLoopCPUs` (docs/operations.md#cpu-pinning).
@Suite struct HostRuntimeCPUTests {
    @Test func pinnedEventLoopsRunOnTheirCPU() async throws {
        let cpu = try #require(try CPUAffinity.availableCPUs().last)
        let runtime = try HostRuntime(configuration: HostConfiguration(eventLoopCPUs: [cpu]))
        let seen = Mutex<[Int]?>(nil)
        _ = runtime.timers.start(delay: .zero, interval: nil) { _ in
            seen.withLock { $0 = try? CPUAffinity.allowedCPUs() }
        }
        let deadline = ContinuousClock.now + .seconds(30)
        while seen.withLock({ $0 }) == nil && ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(5)) }
        #expect(seen.withLock { $0 } == [cpu])
        await runtime.shutdown()
    }

    @Test func aCPUOutsideTheProcessIsRefusedWithTheReason() throws {
        let available = try CPUAffinity.availableCPUs()
        let missing = (0..<4096).first { !available.contains($0) }!
        #expect { try HostRuntime(configuration: HostConfiguration(eventLoopCPUs: [missing])) } throws: { error in
            (error as? HostError)?.message.hasPrefix("cannot pin the event loops: CPU \(missing) is not available") == true
        }
    }
}

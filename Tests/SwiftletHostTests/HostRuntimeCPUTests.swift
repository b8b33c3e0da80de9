import Foundation
import InMemoryLogging
import Logging
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

    /// In a process of its own: the reservation moves every thread of the process it runs in.
    @Test(.enabled(if: ((try? CPUAffinity.availableCPUs().count) ?? 0) >= 2, "needs two CPUs"))
    func aReservingHostMovesAThreadItsLoopStartsOffTheLoopsCPUAndBackAtShutdownAndKeepsItsSpinnerThere() async throws {
        await #expect(processExitsWith: .success) {
            // The child's issues reach this test; it stops at the first.
            func check(_ condition: Bool, _ what: String) {
                guard !condition else { return }
                Issue.record("expected: \(what)")
                exit(1)
            }
            let cpus = try CPUAffinity.availableCPUs()
            let loopCPU = cpus.last!, others = Array(cpus.dropLast())
            let runtime = try HostRuntime(configuration: HostConfiguration(eventLoopCPUs: [loopCPU], reservesEventLoopCPUs: true,
                                                                           keepsEventLoopCPUsAwake: true))
            check(runtime.cpuReservation?.others == others, "reservation leaves \(others)")
            let spinner = try #require(runtime.idleSpinners?.threadIDs.first)
            check(runtime.idleSpinners?.cpus == [loopCPU], "the loop's CPU is kept awake")
            check(try CPUAffinity.allowedCPUs().allSatisfy(others.contains), "the starting thread moved off CPU \(loopCPU)")
            // A thread the loop starts inherits the loop's CPU, as libdispatch's workers do.
            let started = Mutex<(worker: Int32, loop: Int32, inherited: [Int])?>(nil)
            let release = DispatchSemaphore(value: 0)
            _ = runtime.timers.start(delay: .zero, interval: nil) { _ in
                let loop = CPUAffinity.currentThreadID()
                Thread {
                    let inherited = (try? CPUAffinity.allowedCPUs()) ?? []
                    started.withLock { $0 = (CPUAffinity.currentThreadID(), loop, inherited) }
                    release.wait()
                }.start()
            }
            var deadline = ContinuousClock.now + .seconds(10)
            while started.withLock({ $0 }) == nil, ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(5)) }
            let thread = try #require(started.withLock { $0 })
            check(thread.inherited == [loopCPU], "the worker started on the loop's CPU, got \(thread.inherited)")
            deadline = ContinuousClock.now + .seconds(10)
            while try CPUAffinity.allowedCPUs(ofThread: thread.worker) != others, ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(20))
            }
            check(try CPUAffinity.allowedCPUs(ofThread: thread.worker) == others, "the worker was moved to \(others)")
            check(try CPUAffinity.allowedCPUs(ofThread: thread.loop) == [loopCPU], "the loop stayed on CPU \(loopCPU)")
            check(try CPUAffinity.allowedCPUs(ofThread: spinner) == [loopCPU], "the spinner stayed on CPU \(loopCPU)")
            await runtime.shutdown()
            deadline = ContinuousClock.now + .seconds(10)  // it has returned; the kernel drops it soon after
            while CPUAffinity.threadIDs().contains(spinner), ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(5)) }
            check(!CPUAffinity.threadIDs().contains(spinner), "the spinner returned at shutdown")
            check(try CPUAffinity.allowedCPUs(ofThread: thread.worker) == [loopCPU], "the worker is back on CPU \(loopCPU)")
            release.signal()
        }
    }

    /// Loops on every CPU there is leave none for the other threads: nothing is moved (so
    /// this runs in the test's own process), and the runtime says so in its log.
    @Test func loopsOnEveryCPUReserveNothingAndSaySo() async throws {
        let log = InMemoryLogHandler()
        let runtime = try HostRuntime(configuration: HostConfiguration(eventLoopCPUs: try CPUAffinity.availableCPUs(),
                                                                       reservesEventLoopCPUs: true),
                                      logger: Logger(label: "cpu-test") { _ in log })
        #expect(runtime.cpuReservation == nil)
        #expect(log.entries.contains { $0.level == .warning
            && "\($0.message)" == "event loops pinned to every CPU available: the process's other threads share them" })
        await runtime.shutdown()
    }

    @Test func keepingCPUsAwakeNeedsPinnedLoops() {
        #expect { try HostRuntime(configuration: HostConfiguration(keepsEventLoopCPUsAwake: true)) } throws: { error in
            (error as? HostError)?.message == "keeping the event loops' CPUs awake needs the CPUs they are pinned to (eventLoopCPUs)"
        }
    }

    @Test func aCPUOutsideTheProcessIsRefusedWithTheReason() throws {
        let available = try CPUAffinity.availableCPUs()
        let missing = (0..<4096).first { !available.contains($0) }!
        #expect { try HostRuntime(configuration: HostConfiguration(eventLoopCPUs: [missing])) } throws: { error in
            (error as? HostError)?.message.hasPrefix("cannot pin the event loops: CPU \(missing) is not available") == true
        }
    }
}

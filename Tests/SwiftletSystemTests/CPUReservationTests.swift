import Foundation
import SwiftletSystem
import Synchronization
import Testing

/// `CPUReservation` on threads of the test's own (never the whole test process, whose
/// other tests pin their threads as they please). Needs two CPUs: one reserved, one left.
@Suite(.enabled(if: ((try? CPUAffinity.availableCPUs().count) ?? 0) >= 2, "needs two CPUs"))
struct CPUReservationTests {
    @Test func threadsAllowedOnAReservedCPUAreMovedOffItAndPutBackAtTheEnd() throws {
        let cpus = try CPUAffinity.availableCPUs()
        let reserved = cpus.last!, others = Array(cpus.dropLast())
        let owner = try ParkedThread(pinnedTo: [reserved])
        let inheriting = try ParkedThread(pinnedTo: [reserved])  // as a worker a pinned loop starts
        let wide = try ParkedThread(pinnedTo: cpus)
        let elsewhere = try ParkedThread(pinnedTo: [cpus[0]])
        defer { for thread in [owner, inheriting, wide, elsewhere] { thread.release() } }
        let candidates = [owner.id, inheriting.id, wide.id, elsewhere.id]
        let reservation = CPUReservation([reserved], for: [owner.id], others: others, threads: { candidates })

        #expect(reservation.sweep() == [inheriting.id, wide.id])
        #expect(try CPUAffinity.allowedCPUs(ofThread: owner.id) == [reserved])
        #expect(try CPUAffinity.allowedCPUs(ofThread: inheriting.id) == others)
        #expect(try CPUAffinity.allowedCPUs(ofThread: wide.id) == others)
        #expect(try CPUAffinity.allowedCPUs(ofThread: elsewhere.id) == [cpus[0]])
        #expect(reservation.sweep() == [])

        reservation.end()
        #expect(try CPUAffinity.allowedCPUs(ofThread: inheriting.id) == [reserved])
        #expect(try CPUAffinity.allowedCPUs(ofThread: wide.id) == cpus)
        #expect(try CPUAffinity.allowedCPUs(ofThread: owner.id) == [reserved])
    }

    @Test func aThreadStartedAfterTheFirstSweepIsMovedByALaterOne() async throws {
        let cpus = try CPUAffinity.availableCPUs()
        let reserved = cpus.last!, others = Array(cpus.dropLast())
        let candidates = Mutex<[Int32]>([])
        let reservation = CPUReservation([reserved], for: [], others: others, threads: { candidates.withLock { $0 } })
        reservation.start(sweepingEvery: .milliseconds(20))
        let late = try ParkedThread(pinnedTo: [reserved])
        defer { late.release() }
        candidates.withLock { $0.append(late.id) }
        let deadline = ContinuousClock.now + .seconds(10)
        while try CPUAffinity.allowedCPUs(ofThread: late.id) != others, ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(5))
        }
        #expect(try CPUAffinity.allowedCPUs(ofThread: late.id) == others)
        reservation.end()
        #expect(try CPUAffinity.allowedCPUs(ofThread: late.id) == [reserved])
        // Ended: no sweep moves it again.
        try await Task.sleep(for: .milliseconds(100))
        #expect(try CPUAffinity.allowedCPUs(ofThread: late.id) == [reserved])
    }

    @Test func aThreadThatEndedIsSkipped() throws {
        let cpus = try CPUAffinity.availableCPUs()
        let gone = try ParkedThread(pinnedTo: [cpus.last!])
        gone.release()
        gone.waitUntilEnded()
        let reservation = CPUReservation([cpus.last!], for: [], others: Array(cpus.dropLast()), threads: { [gone.id] })
        #expect(reservation.sweep() == [])
    }
}

/// A thread that pins itself, reports its id and waits until released.
final class ParkedThread: Sendable {
    let id: Int32
    private let go = DispatchSemaphore(value: 0)
    private let ended = DispatchSemaphore(value: 0)

    init(pinnedTo cpus: [Int]) throws {
        let started = ResultBox<Int32>()
        let ready = DispatchSemaphore(value: 0)
        let go = go, ended = ended
        Thread {
            started.set(Result { () throws -> Int32 in
                try CPUAffinity.pinCurrentThread(to: cpus)
                return CPUAffinity.currentThreadID()
            })
            ready.signal()
            go.wait()
            ended.signal()
        }.start()
        ready.wait()
        id = try started.get()
    }

    func release() { go.signal() }

    /// Waits for the thread to return, and for the kernel to drop it from /proc/self/task.
    func waitUntilEnded() {
        ended.wait()
        let deadline = Date().addingTimeInterval(10)
        while CPUAffinity.threadIDs().contains(id), Date() < deadline { usleep(1_000) }
    }
}

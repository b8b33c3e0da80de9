import Foundation
import NIOCore
import NIOPosix
@testable import SwiftletHost
import Synchronization
import Testing

/// The per-instance mailbox: order, one call at a time, callbacks run on the event loop
/// that posted them (after the posting task, never on its stack; a message read off a
/// connection at once, and what it posts in the same turn), waiting for queued work.
struct InstanceContextTests {
    func context() throws -> (HostRuntime, InstanceContext) {
        let runtime = try HostRuntime()
        return (runtime, instance(of: runtime, "test"))
    }

    func instance(of runtime: HostRuntime, _ name: String) -> InstanceContext {
        InstanceContext(runtime: runtime, pluginID: name, instanceName: name, allowedCredentials: [], extensions: nil)
    }

    @Test func callbacksFromManyThreadsRunOneAtATimeInEachPostersOrder() async throws {
        let (runtime, context) = try context()
        let loops = MultiThreadedEventLoopGroup(numberOfThreads: 2)
        struct Record { var running = 0; var overlapped = false; var seen: [[Int]] = Array(repeating: [], count: 4) }
        final class Box: Sendable { let record = Mutex(Record()) }
        let box = Box()
        let perPoster = 2_000
        let post: @Sendable (Int, Int) -> Void = { poster, number in
            context.deliver {
                box.record.withLock { $0.running += 1; if $0.running > 1 { $0.overlapped = true } }
                box.record.withLock { $0.seen[poster].append(number); $0.running -= 1 }
            }
        }
        // Two posters on event loops (drained there), two on plain threads (drained on the queue).
        let posted = loops.makeIterator().enumerated().map { poster, loop in
            loop.submit { for number in 0..<perPoster { post(poster, number) } }
        }
        await withTaskGroup(of: Void.self) { group in
            for poster in 2..<4 {
                group.addTask { for number in 0..<perPoster { post(poster, number) } }
            }
        }
        for future in posted { try await future.get() }
        // Loop-drained work is scheduled on those loops: wait for it there too.
        for loop in loops.makeIterator() { try await loop.submit {}.get() }
        await context.callbacksDrained()
        let result = box.record.withLock { $0 }
        #expect(!result.overlapped)
        for poster in 0..<4 { #expect(result.seen[poster] == Array(0..<perPoster), "poster \(poster)") }
        try await loops.shutdownGracefully()
        await runtime.shutdown()
    }

    @Test func aCallbackPostedOnALoopRunsOnThatLoopAfterThePostingTask() async throws {
        let (runtime, context) = try context()
        let loops = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let loop = loops.next()
        let observed = Mutex<(onLoop: Bool, postingTaskDone: Bool)?>(nil)
        let postingTaskDone = Atomic<Bool>(false)
        try await loop.submit {
            context.deliver {
                observed.withLock { $0 = (loop.inEventLoop, postingTaskDone.load(ordering: .relaxed)) }
            }
            postingTaskDone.store(true, ordering: .relaxed)
        }.get()
        try await loop.submit {}.get()
        let result = observed.withLock { $0 }
        #expect(result?.onLoop == true)
        #expect(result?.postingTaskDone == true)
        try await loops.shutdownGracefully()
        await runtime.shutdown()
    }

    @Test func aLongDrainLetsTheLoopRunOtherTasksEvery64Callbacks() async throws {
        let (runtime, context) = try context()
        let loops = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let loop = loops.next()
        let ran = Mutex<[String]>([])
        try await loop.submit {
            for number in 0..<200 { context.deliver { ran.withLock { $0.append("\(number)") } } }
            loop.execute { ran.withLock { $0.append("other task") } }
        }.get()
        for _ in 0..<5 { try await loop.submit {}.get() }
        let order = ran.withLock { $0 }
        #expect(order.count == 201)
        #expect(order.firstIndex(of: "other task") == 64)
        try await loops.shutdownGracefully()
        await runtime.shutdown()
    }

    @Test func drainingWaitsForQueuedWorkAndInactiveInstancesDropIt() async throws {
        let (runtime, context) = try context()
        let done = Atomic<Int>(0)
        for _ in 0..<3 {
            context.deliver {
                Thread.sleep(forTimeInterval: 0.02)
                done.add(1, ordering: .relaxed)
            }
        }
        context.drainCallbacks()
        #expect(done.load(ordering: .relaxed) == 3)
        // Nothing queued but one still running: waiting still waits for it.
        let started = DispatchSemaphore(value: 0)
        context.deliver {
            started.signal()
            Thread.sleep(forTimeInterval: 0.05)
            done.add(1, ordering: .relaxed)
        }
        started.wait()
        await context.callbacksDrained()
        #expect(done.load(ordering: .relaxed) == 4)
        context.markInactive()
        context.deliver { done.add(1, ordering: .relaxed) }
        await context.callbacksDrained()
        context.drainCallbacks()
        #expect(done.load(ordering: .relaxed) == 4)
        await runtime.shutdown()
    }

    /// Steps the callbacks of a test record, in the order they ran.
    final class Steps: Sendable {
        private let steps = Mutex<[String]>([])
        func record(_ step: String) { steps.withLock { $0.append(step) } }
        /// The steps so far; the next call starts from none.
        func take() -> [String] { steps.withLock { steps in defer { steps = [] }; return steps } }
    }

    /// Runs `body` on a one-thread event loop group, shut down afterwards.
    func onOneLoop(_ body: (any EventLoop) async throws -> Void) async throws {
        let loops = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        do {
            try await body(loops.next())
        } catch {
            try await loops.shutdownGracefully()
            throw error
        }
        try await loops.shutdownGracefully()
    }

    @Test func aMessageReadForAnIdleInstanceRunsAtOnceAndWhatItPostsRunsRightAfterInTheSameTurn() async throws {
        let (runtime, connector) = try context()
        let strategy = instance(of: runtime, "strategy")
        let steps = Steps()
        try await onOneLoop { loop in
            let ranNow = try await loop.submit { () -> Bool in
                loop.execute { steps.record("task queued earlier") }
                let now = connector.deliverFromRead {
                    steps.record("connector")
                    strategy.deliver { steps.record("strategy") }
                    steps.record("connector returns")
                }
                now?.run()
                steps.record("read returns")
                return now != nil
            }.get()
            try await loop.submit {}.get()
            #expect(ranNow)
            #expect(steps.take() == ["connector", "connector returns", "strategy", "read returns", "task queued earlier"])
        }
        await runtime.shutdown()
    }

    @Test func aMessageForABusyInstanceOrOffTheLoopWaitsItsTurn() async throws {
        let (runtime, connector) = try context()
        let other = instance(of: runtime, "other")
        let steps = Steps()

        // Off an event loop: queued, drained on the instance's queue.
        #expect(connector.deliverFromRead { steps.record("off the loop") } == nil)
        await connector.callbacksDrained()
        #expect(steps.take() == ["off the loop"])

        try await onOneLoop { loop in
            // Work of the instance already queued: the message goes behind it.
            let behind = try await loop.submit { () -> Bool in
                connector.deliver { steps.record("queued first") }
                let now = connector.deliverFromRead { steps.record("message") }
                steps.record("posting task returns")
                return now == nil
            }.get()
            try await loop.submit {}.get()
            #expect(behind)
            #expect(steps.take() == ["posting task returns", "queued first", "message"])

            // Posted while another instance's callback runs: never nested, runs after it.
            try await loop.submit {
                other.deliver {
                    let now = connector.deliverFromRead { steps.record("message") }
                    steps.record(now == nil ? "callback returns" : "ran nested")
                }
            }.get()
            try await loop.submit {}.get()
            #expect(steps.take() == ["callback returns", "message"])
        }
        await runtime.shutdown()
    }

    @Test func aTurnRunsAt64OtherInstancesAndLeavesTheRestToLoopTasks() async throws {
        let (runtime, connector) = try context()
        let others = (0..<70).map { instance(of: runtime, "other\($0)") }
        let steps = Steps()
        try await onOneLoop { loop in
            try await loop.submit {
                let now = connector.deliverFromRead {
                    for (index, other) in others.enumerated() { other.deliver { steps.record("\(index)") } }
                }
                now?.run()
                steps.record("read returns")
            }.get()
            try await loop.submit {}.get()
            let inTheTurn: [String] = (0..<64).map { "\($0)" }
            let later: [String] = (64..<70).map { "\($0)" }
            #expect(steps.take() == inTheTurn + ["read returns"] + later)
        }
        await runtime.shutdown()
    }
}

import NIOCore
import NIOPosix
import SwiftletTransport
import Synchronization
import Testing

@Suite struct TimerServiceTests {
    /// All timers of one service share one event loop, so a later "sentinel" timer firing
    /// proves earlier-due fires had their chance (ordering, not wall-clock timing).
    static func makeService() -> TimerService {
        TimerService(eventLoop: MultiThreadedEventLoopGroup.singleton.next())
    }

    /// Starts a one-shot timer after `delay` and waits for it.
    static func sentinel(_ timers: TimerService, after delay: Duration) async {
        await withCheckedContinuation { continuation in
            timers.start(delay: delay, interval: nil) { _ in continuation.resume() }
        }
    }

    @Test func oneShotFiresExactlyOnce() async throws {
        let timers = Self.makeService()
        let fires = Recorder<UInt64>()
        let id = timers.start(delay: .milliseconds(10), interval: nil) { fires.append($0) }
        #expect(await eventually { fires.count == 1 })
        #expect(fires.all == [id])
        // Plenty of would-be repeats later: still one fire, and the finished timer is gone.
        await Self.sentinel(timers, after: .milliseconds(100))
        #expect(fires.count == 1)
        #expect(timers.cancel(id) == false)
        #expect(timers.isActive(id) == false)
    }

    @Test func repeatingFiresUntilCancelled() async throws {
        let timers = Self.makeService()
        let fires = Recorder<UInt64>()
        let id = timers.start(delay: .milliseconds(1), interval: .milliseconds(5)) { fires.append($0) }
        #expect(await eventually { fires.count >= 3 })
        #expect(Set(fires.all) == [id])
        #expect(timers.cancel(id) == true)
        let atCancel = fires.count
        // Would have fired ~20 more times by then.
        await Self.sentinel(timers, after: .milliseconds(100))
        #expect(fires.count == atCancel)
        #expect(timers.cancel(id) == false)
    }

    @Test func cancelBeforeFirstFire() async throws {
        let timers = Self.makeService()
        let fires = Recorder<UInt64>()
        let once = timers.start(delay: .milliseconds(20), interval: nil) { fires.append($0) }
        let repeating = timers.start(delay: .milliseconds(20), interval: .milliseconds(5)) { fires.append($0) }
        #expect(timers.cancel(once))
        #expect(timers.cancel(repeating))
        await Self.sentinel(timers, after: .milliseconds(80))
        #expect(fires.count == 0)
        #expect(timers.cancel(999_999) == false)
    }

    @Test func cancelFromInsideTheCallbackStopsRepeats() async throws {
        let timers = Self.makeService()
        let fires = Recorder<UInt64>()
        let id = timers.start(delay: .zero, interval: .milliseconds(2)) { id in
            fires.append(id)
            if fires.count == 3 { #expect(timers.cancel(id)) }
        }
        #expect(await eventually { fires.count >= 3 })
        await Self.sentinel(timers, after: .milliseconds(50))
        #expect(fires.all == [id, id, id])
    }

    @Test func cancelAllAndIDsAreNeverReused() async throws {
        let timers = Self.makeService()
        let fires = Recorder<UInt64>()
        var ids: [UInt64] = []
        for _ in 0..<5 { ids.append(timers.start(delay: .milliseconds(30), interval: .milliseconds(5)) { fires.append($0) }) }
        #expect(Set(ids).count == 5)
        #expect(timers.activeCount == 5)
        timers.cancelAll()
        #expect(timers.activeCount == 0)
        let next = timers.start(delay: .seconds(60), interval: nil) { fires.append($0) }
        #expect(!ids.contains(next))
        #expect(next > ids.max()!)
        await Self.sentinel(timers, after: .milliseconds(80))
        #expect(fires.count == 0)
        #expect(timers.cancel(next))
    }
}

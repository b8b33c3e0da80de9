import BitgetCommon
import Testing

/// The connectors' per-endpoint request budgets (`RateLimiter`): a sliding window of a
/// second and 5%, slots booked in order, retries counted where they land, and a budget one
/// instance hands to the next.
struct RateLimiterTests {
    static let path = "/api/v2/spot/trade/place-order"
    static let second: Int64 = 1_000_000_000
    static let window = RateLimiter.windowNs

    @Test func aBurstPastTheLimitIsSpreadOverTheNextWindow() {
        var limiter = RateLimiter(limits: [Self.path: 10])
        let delays = (0..<12).map { _ in limiter.reserve(Self.path, now: 0) }
        #expect(delays == Array(repeating: 0, count: 10) + [Self.window, Self.window])
        // Other paths have their own budget.
        #expect(limiter.reserve("/api/v2/spot/trade/cancel-order", now: 0) == 0)
        // Half a second later the window still holds ten: the next goes with the other two.
        #expect(limiter.reserve(Self.path, now: Self.second / 2) == Self.window - Self.second / 2)
    }

    @Test func aRetryIsBookedWhereItLeavesAndHoldsLaterRequestsBehindIt() {
        var limiter = RateLimiter(limits: [Self.path: 2])
        #expect(limiter.reserve(Self.path, now: 0) == 0)
        // A retry backing off 250 ms counts at 250 ms, not now.
        #expect(limiter.reserve(Self.path, now: 0, notBefore: Self.second / 4) == Self.second / 4)
        // The window from 0 holds two: the next slot is when the first leaves it.
        #expect(limiter.reserve(Self.path, now: Self.second / 10) == Self.window - Self.second / 10)
        // And the one after waits for the retry's to leave.
        #expect(limiter.reserve(Self.path, now: Self.second / 10) == Self.window + Self.second / 4 - Self.second / 10)
    }

    @Test func aReplacingInstanceCountsWhatItsPredecessorSent() {
        var old = RateLimiter(limits: [Self.path: 10])
        for _ in 0..<10 { _ = old.reserve(Self.path, now: 0) }
        _ = old.reserve("/api/v2/spot/trade/orderInfo", now: -2 * Self.second)
        let booked = old.booked(now: Self.second / 10)
        // Only what is still in the window travels.
        #expect(booked == [Self.path: Array(repeating: 0, count: 10)])

        var next = RateLimiter(limits: [Self.path: 10])
        next.adopt(booked, now: Self.second / 10)
        #expect(next.reserve(Self.path, now: Self.second / 10) == Self.window - Self.second / 10)

        // Times already out of the window, or too far ahead to be this host's, are dropped.
        var fresh = RateLimiter(limits: [Self.path: 1])
        fresh.adopt([Self.path: [-5 * Self.second, 3600 * Self.second]], now: 0)
        #expect(fresh.reserve(Self.path, now: 0) == 0)
    }

    @Test func requestsDelayedOnTheirWayStillFitTheExchangesSeconds() {
        // An exchange counting requests per clock second as they arrive (as bitget-sim does):
        // a burst of 60 booked at 0.99 s, every other group of ten arriving 49 ms late (the
        // jitter of the way there), must never put more than ten in one of its seconds.
        var limiter = RateLimiter(limits: [Self.path: 10])
        let start = Self.second * 99 / 100
        var perSecond: [Int64: Int] = [:]
        for index in 0..<60 {
            let leaves = start + limiter.reserve(Self.path, now: start)
            let jitter = index / 10 % 2 == 0 ? Self.second * 49 / 1_000 : 0
            perSecond[(leaves + jitter) / Self.second, default: 0] += 1
        }
        #expect(perSecond.values.allSatisfy { $0 <= 10 }, "\(perSecond.sorted { $0.key < $1.key })")
    }
}

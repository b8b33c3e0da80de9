import BitgetCommon
import Testing

/// The connectors' per-endpoint request budgets (`RateLimiter`): a one-second sliding
/// window, slots booked in order, retries counted where they land, and a budget one
/// instance hands to the next.
struct RateLimiterTests {
    static let path = "/api/v2/spot/trade/place-order"
    static let second: Int64 = 1_000_000_000

    @Test func aBurstPastTheLimitIsSpreadOverTheNextWindow() {
        var limiter = RateLimiter(limits: [Self.path: 10])
        let delays = (0..<12).map { _ in limiter.reserve(Self.path, now: 0) }
        #expect(delays == Array(repeating: 0, count: 10) + [Self.second, Self.second])
        // Other paths have their own budget.
        #expect(limiter.reserve("/api/v2/spot/trade/cancel-order", now: 0) == 0)
        // Half a second later the window still holds ten: the next goes with the other two at 1 s.
        #expect(limiter.reserve(Self.path, now: Self.second / 2) == Self.second / 2)
    }

    @Test func aRetryIsBookedWhereItLeavesAndHoldsLaterRequestsBehindIt() {
        var limiter = RateLimiter(limits: [Self.path: 2])
        #expect(limiter.reserve(Self.path, now: 0) == 0)
        // A retry backing off 250 ms counts at 250 ms, not now.
        #expect(limiter.reserve(Self.path, now: 0, notBefore: Self.second / 4) == Self.second / 4)
        // The window from 0 holds two: the next slot is when the first leaves it.
        #expect(limiter.reserve(Self.path, now: Self.second / 10) == Self.second - Self.second / 10)
        // And the one after waits for the retry's to leave.
        #expect(limiter.reserve(Self.path, now: Self.second / 10) == Self.second + Self.second / 4 - Self.second / 10)
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
        #expect(next.reserve(Self.path, now: Self.second / 10) == Self.second - Self.second / 10)

        // Times already out of the window, or too far ahead to be this host's, are dropped.
        var fresh = RateLimiter(limits: [Self.path: 1])
        fresh.adopt([Self.path: [-5 * Self.second, 3600 * Self.second]], now: 0)
        #expect(fresh.reserve(Self.path, now: 0) == 0)
    }
}

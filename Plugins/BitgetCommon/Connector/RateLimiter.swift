/// Per-endpoint request budgets, as Bitget states them ("Frequency limit: N times/1s"
/// on each endpoint's documentation page), enforced with a one-second sliding window.
///
/// `reserve` never refuses: it books the earliest slot the budget allows and returns
/// how long the caller must wait before sending, so bursts are spread out rather than
/// answered with Bitget's 429.
public struct RateLimiter: Sendable {
    private var limits: [String: Int]
    private var sent: [String: [Int64]] = [:]
    private let defaultLimit: Int
    private let windowNs: Int64 = 1_000_000_000

    /// `limits` maps a request path to its requests per second; other paths get `defaultLimit`.
    public init(limits: [String: Int], defaultLimit: Int = 10) {
        self.limits = limits
        self.defaultLimit = defaultLimit
    }

    /// Requests per second allowed for `path`.
    public func limit(for path: String) -> Int { limits[path] ?? defaultLimit }

    /// Books a slot for one request to `path` at or after `now` (monotonic ns); returns the
    /// delay in ns before it may be sent (0 when it may go at once).
    public mutating func reserve(_ path: String, now: Int64) -> Int64 {
        let limit = max(1, self.limit(for: path))
        var times = sent[path, default: []]
        times.removeAll { $0 <= now - windowNs }
        // Never ahead of a request already waiting: requests leave in the order they came.
        var at = max(now, times.last ?? now)
        if times.count >= limit {
            // The slot frees when the request `limit` places back leaves the window.
            at = max(now, times[times.count - limit] + windowNs)
        }
        times.append(at)
        sent[path] = times
        return at - now
    }
}

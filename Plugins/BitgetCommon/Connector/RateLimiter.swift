/// Per-endpoint request budgets, as Bitget states them ("Frequency limit: N times/1s"
/// on each endpoint's documentation page), enforced with a sliding window of a second and
/// 5% more (``windowNs``).
///
/// `reserve` never refuses: it books the earliest slot the budget allows and returns
/// how long the caller must wait before sending, so bursts are spread out rather than
/// answered with Bitget's 429.
public struct RateLimiter: Sendable {
    private var limits: [String: Int]
    private var sent: [String: [Int64]] = [:]
    private let defaultLimit: Int
    /// The window a budget is counted over: one second, plus 5% kept spare (the safety margin
    /// Hummingbot's throttler keeps too). A request reaches the exchange a little later than
    /// it was booked, by network and scheduling jitter, and may land in the exchange's next
    /// second; with a window exactly a second long, that one could be the limit's one too many
    /// there and come back as a 429 (or, on a WebSocket, a disconnect).
    public static let windowNs: Int64 = 1_050_000_000

    /// `limits` maps a request path to its requests per second; other paths get `defaultLimit`.
    public init(limits: [String: Int], defaultLimit: Int = 10) {
        self.limits = limits
        self.defaultLimit = defaultLimit
    }

    /// Requests per second allowed for `path`.
    public func limit(for path: String) -> Int { limits[path] ?? defaultLimit }

    /// Books a slot for one request to `path` at or after `now` (monotonic ns), and not
    /// before `notBefore` when given (a retry's backoff); returns the delay in ns before it
    /// may be sent (0 when it may go at once). The slot is booked at the time the request
    /// really leaves, so a delayed retry counts where it lands in the window.
    public mutating func reserve(_ path: String, now: Int64, notBefore: Int64 = .min) -> Int64 {
        let limit = max(1, self.limit(for: path))
        // Changed in place: a copy taken out and stored back would be copied again, and
        // allocated, at every request.
        return Self.book(&sent[path, default: []], limit: limit, now: now, notBefore: notBefore)
    }

    private static func book(_ times: inout [Int64], limit: Int, now: Int64, notBefore: Int64) -> Int64 {
        times.removeAll { $0 <= now - windowNs }
        // Never ahead of a request already waiting: requests leave in the order they came
        // (a retry backing off holds the path's later requests behind it).
        var at = max(now, notBefore, times.last ?? now)
        if times.count >= limit {
            // The slot frees when the request `limit` places back leaves the window.
            at = max(at, times[times.count - limit] + windowNs)
        }
        times.append(at)
        return at - now
    }

    /// The send times (monotonic ns) booked within the last window before `now` or later,
    /// per path: what a replacing instance must count against the same budgets.
    public func booked(now: Int64) -> [String: [Int64]] {
        sent.compactMapValues { times in
            let recent = times.filter { $0 > now - Self.windowNs }
            return recent.isEmpty ? nil : recent
        }
    }

    /// Counts requests another instance booked (`booked`) against these budgets. Times
    /// already out of the window are dropped, and so are any more than `horizonNs` ahead
    /// of `now` (they cannot come from this host's clock).
    public mutating func adopt(_ booked: [String: [Int64]], now: Int64, horizonNs: Int64 = 60_000_000_000) {
        for (path, times) in booked {
            let kept = times.filter { $0 > now - Self.windowNs && $0 <= now + horizonNs }
            guard !kept.isEmpty else { continue }
            sent[path] = (sent[path, default: []] + kept).sorted()
        }
    }
}

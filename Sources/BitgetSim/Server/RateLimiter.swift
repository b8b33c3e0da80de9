import Foundation

/// Per-endpoint request limits in Bitget's numbers (requests per second), one-second windows.
final class RateLimiter: @unchecked Sendable {
    private let lock = NSLock()
    private var windows: [String: (second: Int64, count: Int)] = [:]
    private var refusals = 0

    /// Bitget's documented limits; anything else gets 20/s.
    static let limits: [String: Int] = [
        "/api/v2/spot/trade/place-order": 10, "/api/v2/spot/trade/cancel-order": 10,
        "/api/v2/spot/trade/batch-orders": 5, "/api/v2/spot/trade/batch-cancel-order": 10,
        "/api/v2/spot/trade/cancel-symbol-order": 5, "/api/v2/spot/trade/orderInfo": 20,
        "/api/v2/spot/trade/unfilled-orders": 20, "/api/v2/spot/trade/history-orders": 20,
        "/api/v2/spot/trade/fills": 10, "/api/v2/spot/account/assets": 10,
        "/api/v2/mix/order/place-order": 10, "/api/v2/mix/order/batch-place-order": 5,
        "/api/v2/mix/order/cancel-order": 10, "/api/v2/mix/position/all-position": 5,
        "/api/v2/mix/order/close-positions": 1,
        "/api/v2/mix/position/single-position": 10, "/api/v2/mix/account/accounts": 10,
        "/api/v2/mix/account/account": 10, "/api/v2/mix/account/set-leverage": 5,
        "/api/v2/mix/account/set-margin-mode": 5, "/api/v2/mix/account/set-position-mode": 5,
        "/api/v2/mix/account/bill": 10, "/api/v2/common/trade-rate": 10,
    ]

    /// Counts one request of `who` on `path`; false when over the limit.
    func allow(path: String, who: String, now: Int64) -> Bool {
        let limit = Self.limits[path] ?? 20
        let second = now / 1000
        let key = who + " " + path
        lock.lock()
        defer { lock.unlock() }
        var window = windows[key] ?? (second, 0)
        if window.second != second { window = (second, 0) }
        window.count += 1
        windows[key] = window
        if windows.count > 10_000 { windows = windows.filter { $0.value.second == second } }
        if window.count > limit { refusals += 1 }
        return window.count <= limit
    }

    /// Requests refused so far for being over their limit.
    var refused: Int {
        lock.lock()
        defer { lock.unlock() }
        return refusals
    }
}

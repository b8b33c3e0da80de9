import Foundation

/// Faults injected on demand for connector tests.
public struct FaultState: Sendable {
    /// Until this time (ms), every REST call answers HTTP 503 / Bitget system error.
    public var restErrorsUntil: Int64 = 0
    /// Until this time (ms), every REST call answers 429 / Bitget's rate-limit error.
    public var rateLimitUntil: Int64 = 0
    /// Every REST answer (not the admin API's) leaves this many ms after the request was
    /// handled: a slow network on the way back.
    public var restAnswerDelayMs: Int64 = 0
    /// Channels (`instType|channel|instId`, lower-cased) whose pushes are withheld.
    public var stalled: Set<String> = []
    /// Instruments whose next `books` update carries a wrong checksum (key `SPOT:BTCUSDT`).
    public var corruptChecksum: Set<String> = []
    /// Instruments whose next `books` update skips one `seq`.
    public var skipSeq: Set<String> = []
}

/// Lock-protected fault switches shared by the REST and WebSocket layers.
final class Faults: @unchecked Sendable {
    private let lock = NSLock()
    private var state = FaultState()

    func read() -> FaultState { lock.lock(); defer { lock.unlock() }; return state }
    func update(_ body: (inout FaultState) -> Void) { lock.lock(); body(&state); lock.unlock() }

    /// Removes and returns whether `key` was in the set chosen by `path`.
    func take(_ path: WritableKeyPath<FaultState, Set<String>>, _ key: String) -> Bool {
        lock.lock()
        defer { lock.unlock() }
        return state[keyPath: path].remove(key) != nil
    }
}

/// What a ``KeyValueStore`` tells its owner about its writes of queued values.
public enum QueuedWriteReport: Sendable {
    /// A write failed: the values stay queued and readable, and are tried again a second
    /// later. `attempt` counts the failures in a row, from 1.
    case failed(PersistenceError, attempt: Int)
    /// A write succeeded after `failures` failed ones in a row.
    case recovered(afterFailures: Int)

    /// Whether a log should show this report: the first failure, then one a minute while
    /// the failures go on (a write is tried every second), and the recovery.
    public var isWorthLogging: Bool {
        switch self {
        case .failed(_, let attempt): attempt == 1 || attempt % 60 == 0
        case .recovered: true
        }
    }
}

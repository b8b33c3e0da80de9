import Dispatch
import Foundation
import GRDB
import Synchronization

/// Checkpoints a WAL database from a connection and a thread of its own, so that the
/// writer's commits never do.
///
/// SQLite checkpoints automatically inside the commit that takes the log past 1,000 pages:
/// the committing thread copies the log into the database and syncs both files. The trade
/// journal commits on the bot's event loop, so every few hundred records the loop sat in
/// `fdatasync` for 5–9 ms on this project's machine (`swiftlet-bench tick-to-order 150 4`:
/// p99 4.7 ms and max 8.6 ms; with the writer's checkpoints off, 0.58 and 0.73 ms). The
/// journal's writer runs with `wal_autocheckpoint = 0`, and this checkpoints (PASSIVE: it
/// never blocks the writer or readers) once the log is past `threshold` bytes. The writer
/// still syncs the log's header once per cycle, when it starts the log again from the
/// beginning after a checkpoint, as `synchronous = NORMAL` requires.
final class WALCheckpointer: Sendable {
    private let connection: DatabaseQueue
    private let logPath: String
    private let threshold: Int
    /// Touched only by `init` and `deinit`; Dispatch runs its handler on its own queue.
    nonisolated(unsafe) private let timer: any DispatchSourceTimer
    private let counts = Mutex((completed: 0, failed: 0))

    /// Starts checking `path`'s log every `interval`.
    init(path: String, threshold: Int, interval: Duration) throws {
        connection = try DatabaseQueue(path: path)
        logPath = path + "-wal"
        self.threshold = threshold
        timer = DispatchSource.makeTimerSource(queue: DispatchQueue(label: "swiftlet.journal.checkpoint"))
        let nanoseconds = Int(interval.components.seconds) * 1_000_000_000 + Int(interval.components.attoseconds / 1_000_000_000)
        timer.schedule(deadline: .now() + .nanoseconds(nanoseconds), repeating: .nanoseconds(nanoseconds))
        timer.setEventHandler { [weak self] in self?.checkpointIfDue() }
        timer.resume()
    }

    deinit { timer.cancel() }

    /// Checkpoints done, and attempts that failed (retried at the next check).
    var completed: (done: Int, failed: Int) { counts.withLock { ($0.completed, $0.failed) } }

    private func checkpointIfDue() {
        let size = (try? FileManager.default.attributesOfItem(atPath: logPath)[.size] as? Int) ?? 0
        guard size >= threshold else { return }
        do {
            _ = try connection.writeWithoutTransaction { try $0.checkpoint(.passive) }
            counts.withLock { $0.completed += 1 }
        } catch {
            counts.withLock { $0.failed += 1 }
        }
    }
}

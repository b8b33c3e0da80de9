import Foundation
import GRDB
import Synchronization

/// Durable key-value store for plugin state, namespaced (the host uses the plugin id as namespace). SQLite via GRDB,
/// WAL journal; a put is durable when it returns. Values up to 1 MiB (larger → error).
///
/// ``putLater(namespace:key:value:)`` queues a value instead, for state a plugin can lose in a
/// crash and rebuild (the Bitget connectors' order state): the caller, often an event loop,
/// does not wait for the disk. Queued values are written on the store's own thread, in one
/// transaction per batch, in order with the direct puts and deletes.
public final class KeyValueStore: Sendable {
    /// Largest value accepted by ``put(namespace:key:value:)``: 1 MiB.
    public static let maxValueSize = 1 << 20

    let writer: any DatabaseWriter
    /// Values queued by `putLater` and not written yet; `get` reads them first.
    private let queued = Mutex(QueuedWrites())
    /// Writes the queued values, and makes every direct put and delete, one at a time.
    private let writes = DispatchQueue(label: "swiftlet.kv.writes")
    private let onQueuedWrite: @Sendable (QueuedWriteReport) -> Void

    private struct Location: Hashable {
        var namespace: String
        var key: String
    }

    private struct QueuedWrites {
        var values: [Location: (value: [UInt8], generation: UInt64)] = [:]
        var generation: UInt64 = 0
        /// A write of the queue is due on `writes`.
        var scheduled = false
        /// Writes of the queue that failed since the last one that succeeded.
        var failuresInARow = 0
    }

    init(writer: any DatabaseWriter, onQueuedWrite: @escaping @Sendable (QueuedWriteReport) -> Void) throws(PersistenceError) {
        self.writer = writer
        self.onQueuedWrite = onQueuedWrite
        try Self.run("create schema") {
            var migrator = DatabaseMigrator()
            migrator.registerMigration("v1") { db in
                try db.execute(sql: """
                    CREATE TABLE kv (
                        namespace TEXT NOT NULL,
                        key TEXT NOT NULL,
                        value BLOB NOT NULL,
                        PRIMARY KEY (namespace, key)
                    ) WITHOUT ROWID
                    """)
            }
            try migrator.migrate(writer)
        }
    }

    /// Opens (creating parent directories and the file if needed) the store at `path`.
    /// `onQueuedWrite` hears of each failed write of queued values (they are tried again a
    /// second later) and of the first write that succeeds after failures; it runs on the
    /// store's writing thread and must not call the store.
    public convenience init(path: String, onQueuedWrite: @escaping @Sendable (QueuedWriteReport) -> Void = { _ in }) throws(PersistenceError) {
        let directory = URL(fileURLWithPath: path).deletingLastPathComponent()
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        } catch {
            throw PersistenceError("cannot create directory \(directory.path): \(PersistenceError.describe(error))")
        }
        var configuration = Configuration()
        configuration.prepareDatabase { db in
            // WAL (DatabasePool) + synchronous=FULL: a committed put survives power loss.
            try db.execute(sql: "PRAGMA synchronous = FULL")
        }
        let pool: DatabasePool
        do {
            pool = try DatabasePool(path: path, configuration: configuration)
        } catch {
            throw PersistenceError("cannot open key-value store \(path): \(PersistenceError.describe(error))")
        }
        try self.init(writer: pool, onQueuedWrite: onQueuedWrite)
    }

    /// A store that lives in memory only (tests, or when no state directory is configured).
    public static func inMemory(onQueuedWrite: @escaping @Sendable (QueuedWriteReport) -> Void = { _ in }) throws(PersistenceError) -> KeyValueStore {
        let queue: DatabaseQueue
        do {
            queue = try DatabaseQueue()
        } catch {
            throw PersistenceError("cannot open in-memory key-value store: \(PersistenceError.describe(error))")
        }
        return try KeyValueStore(writer: queue, onQueuedWrite: onQueuedWrite)
    }

    /// Stores `value` under (namespace, key), replacing any previous value (a queued one
    /// too). Durable when it returns.
    public func put(namespace: String, key: String, value: [UInt8]) throws(PersistenceError) {
        try Self.checkSize(value, key: key)
        try inOrder(superseding: Location(namespace: namespace, key: key)) { () throws(PersistenceError) in
            try Self.run("put \(String(reflecting: key))") {
                try writer.write { db in try Self.insert(db, namespace: namespace, key: key, value: value) }
            }
        }
    }

    /// Queues `value` for (namespace, key) and returns without waiting for the disk. `get`
    /// returns it at once; it is written shortly, on the store's thread, with whatever else
    /// is queued then (the last value queued for a key wins; a later `put` or `delete` of the
    /// key replaces it). A failed write is reported to `onQueuedWrite` and tried again
    /// a second later, the values still readable meanwhile; ``flush()`` writes the queue
    /// before a clean exit. A crash loses what was not written yet.
    public func putLater(namespace: String, key: String, value: [UInt8]) throws(PersistenceError) {
        try Self.checkSize(value, key: key)
        let schedule = queued.withLock { queue in
            queue.generation += 1
            queue.values[Location(namespace: namespace, key: key)] = (value, queue.generation)
            defer { queue.scheduled = true }
            return !queue.scheduled
        }
        if schedule { writes.async { try? self.writeQueued() } }
    }

    /// Writes every queued value now; returns once they are on disk, or throws why not
    /// (they stay queued, and are tried again a second later).
    public func flush() throws(PersistenceError) {
        try onWritesQueue { () throws(PersistenceError) in try writeQueued() }
    }

    /// The value under (namespace, key), or nil.
    public func get(namespace: String, key: String) throws(PersistenceError) -> [UInt8]? {
        if let queuedValue = queued.withLock({ $0.values[Location(namespace: namespace, key: key)]?.value }) { return queuedValue }
        return try Self.run("get \(String(reflecting: key))") {
            try writer.read { db in
                try Data.fetchOne(db, sql: "SELECT value FROM kv WHERE namespace = ? AND key = ?",
                                  arguments: [namespace, key]).map { Array($0) }
            }
        }
    }

    /// Removes (namespace, key), a queued value too; no error if absent.
    public func delete(namespace: String, key: String) throws(PersistenceError) {
        try inOrder(superseding: Location(namespace: namespace, key: key)) { () throws(PersistenceError) in
            try Self.run("delete \(String(reflecting: key))") {
                try writer.write { db in
                    try db.execute(sql: "DELETE FROM kv WHERE namespace = ? AND key = ?", arguments: [namespace, key])
                }
            }
        }
    }

    /// All keys of `namespace` (queued ones too), sorted.
    public func keys(namespace: String) throws(PersistenceError) -> [String] {
        let queuedKeys = queued.withLock { $0.values.keys.filter { $0.namespace == namespace }.map(\.key) }
        let written = try Self.run("list keys") {
            try writer.read { db in
                try String.fetchAll(db, sql: "SELECT key FROM kv WHERE namespace = ? ORDER BY key", arguments: [namespace])
            }
        }
        return Set(written + queuedKeys).sorted()
    }

    // MARK: - private

    /// Runs a direct write of `location` on the writes' queue, so no write of the queue runs
    /// meanwhile, after dropping a value queued for it: the direct write is the later one.
    /// (A value queued before is written ahead of it, unless its write failed: then the retry
    /// would put it back over the direct write.)
    private func inOrder(superseding location: Location, _ body: () throws(PersistenceError) -> Void) throws(PersistenceError) {
        try onWritesQueue { () throws(PersistenceError) in
            queued.withLock { _ = $0.values.removeValue(forKey: location) }
            try body()
        }
    }

    /// Runs `body` on the writes' queue and waits for it.
    private func onWritesQueue(_ body: () throws(PersistenceError) -> Void) throws(PersistenceError) {
        let result = writes.sync { () -> Result<Void, PersistenceError> in
            do throws(PersistenceError) {
                try body()
                return .success(())
            } catch {
                return .failure(error)
            }
        }
        try result.get()
    }

    /// Writes what is queued in one transaction; on the writes' queue only. The values stay
    /// queued (readable) until written, and one queued again meanwhile is left for the next
    /// write.
    private func writeQueued() throws(PersistenceError) {
        let batch = queued.withLock { queue in
            queue.scheduled = false
            return queue.values
        }
        // Direct puts and deletes may have replaced everything a failed write left queued.
        guard !batch.isEmpty else { return endFailureRun() }
        do throws(PersistenceError) {
            try Self.run("write \(batch.count) queued value(s)") {
                try writer.write { db in
                    for (location, queuedValue) in batch {
                        try Self.insert(db, namespace: location.namespace, key: location.key, value: queuedValue.value)
                    }
                }
            }
        } catch {
            let (attempt, retry) = queued.withLock { queue in
                defer { queue.scheduled = true }
                queue.failuresInARow += 1
                return (queue.failuresInARow, !queue.scheduled)
            }
            onQueuedWrite(.failed(error, attempt: attempt))
            if retry { writes.asyncAfter(deadline: .now() + 1) { try? self.writeQueued() } }
            throw error
        }
        queued.withLock { queue in
            for (location, written) in batch where queue.values[location]?.generation == written.generation {
                queue.values[location] = nil
            }
        }
        endFailureRun()
    }

    /// Reports the end of a run of failed writes, if one was going on: nothing is left
    /// unwritten by it any more.
    private func endFailureRun() {
        let failures = queued.withLock { queue in
            defer { queue.failuresInARow = 0 }
            return queue.failuresInARow
        }
        if failures > 0 { onQueuedWrite(.recovered(afterFailures: failures)) }
    }

    private static func insert(_ db: Database, namespace: String, key: String, value: [UInt8]) throws {
        try db.execute(sql: "INSERT OR REPLACE INTO kv (namespace, key, value) VALUES (?, ?, ?)",
                       arguments: [namespace, key, Data(value)])
    }

    private static func checkSize(_ value: [UInt8], key: String) throws(PersistenceError) {
        guard value.count <= maxValueSize else {
            throw PersistenceError("value of \(value.count) bytes for key \(String(reflecting: key)) exceeds the 1 MiB limit")
        }
    }

    private static func run<T>(_ what: @autoclosure () -> String, _ body: () throws -> T) throws(PersistenceError) -> T {
        try PersistenceError.attempt("key-value store: \(what())", body)
    }
}

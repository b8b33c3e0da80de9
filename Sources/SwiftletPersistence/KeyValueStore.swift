import Foundation
import GRDB

/// Durable key-value store for plugin state, namespaced (the host uses the plugin id as namespace). SQLite via GRDB,
/// WAL journal; a put is durable when it returns. Values up to 1 MiB (larger → error).
public final class KeyValueStore: Sendable {
    /// Largest value accepted by ``put(namespace:key:value:)``: 1 MiB.
    public static let maxValueSize = 1 << 20

    private let writer: any DatabaseWriter

    private init(writer: any DatabaseWriter) throws(PersistenceError) {
        self.writer = writer
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
    public convenience init(path: String) throws(PersistenceError) {
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
        try self.init(writer: pool)
    }

    /// A store that lives in memory only (tests, or when no state directory is configured).
    public static func inMemory() throws(PersistenceError) -> KeyValueStore {
        let queue: DatabaseQueue
        do {
            queue = try DatabaseQueue()
        } catch {
            throw PersistenceError("cannot open in-memory key-value store: \(PersistenceError.describe(error))")
        }
        return try KeyValueStore(writer: queue)
    }

    /// Stores `value` under (namespace, key), replacing any previous value. Durable when it returns.
    public func put(namespace: String, key: String, value: [UInt8]) throws(PersistenceError) {
        guard value.count <= Self.maxValueSize else {
            throw PersistenceError("value of \(value.count) bytes for key \(String(reflecting: key)) exceeds the 1 MiB limit")
        }
        try Self.run("put \(String(reflecting: key))") {
            try writer.write { db in
                try db.execute(
                    sql: "INSERT OR REPLACE INTO kv (namespace, key, value) VALUES (?, ?, ?)",
                    arguments: [namespace, key, Data(value)]
                )
            }
        }
    }

    /// The value under (namespace, key), or nil.
    public func get(namespace: String, key: String) throws(PersistenceError) -> [UInt8]? {
        try Self.run("get \(String(reflecting: key))") {
            try writer.read { db in
                try Data.fetchOne(db, sql: "SELECT value FROM kv WHERE namespace = ? AND key = ?",
                                  arguments: [namespace, key]).map { Array($0) }
            }
        }
    }

    /// Removes (namespace, key); no error if absent.
    public func delete(namespace: String, key: String) throws(PersistenceError) {
        try Self.run("delete \(String(reflecting: key))") {
            try writer.write { db in
                try db.execute(sql: "DELETE FROM kv WHERE namespace = ? AND key = ?", arguments: [namespace, key])
            }
        }
    }

    /// All keys of `namespace`, sorted.
    public func keys(namespace: String) throws(PersistenceError) -> [String] {
        try Self.run("list keys") {
            try writer.read { db in
                try String.fetchAll(db, sql: "SELECT key FROM kv WHERE namespace = ? ORDER BY key", arguments: [namespace])
            }
        }
    }

    // MARK: - private

    private static func run<T>(_ what: @autoclosure () -> String, _ body: () throws -> T) throws(PersistenceError) -> T {
        try PersistenceError.attempt("key-value store: \(what())", body)
    }
}

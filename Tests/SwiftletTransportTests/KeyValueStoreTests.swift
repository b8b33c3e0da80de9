import Foundation
import GRDB
@testable import SwiftletPersistence
import Synchronization
import Testing

@Suite struct KeyValueStoreTests {
    static func temporaryPath() -> String {
        FileManager.default.temporaryDirectory
            .appendingPathComponent("swiftlet-kv-\(UUID().uuidString)")
            .appendingPathComponent("nested/dir/state.sqlite").path
    }

    static func removeTree(of path: String) {
        let root = URL(fileURLWithPath: path).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        try? FileManager.default.removeItem(at: root)
    }

    @Test func putGetDeleteKeys() throws {
        let store = try KeyValueStore.inMemory()
        #expect(try store.get(namespace: "p", key: "a") == nil)
        try store.put(namespace: "p", key: "b", value: [2])
        try store.put(namespace: "p", key: "a", value: [1, 0, 255])
        try store.put(namespace: "p", key: "empty", value: [])
        #expect(try store.get(namespace: "p", key: "a") == [1, 0, 255])
        #expect(try store.get(namespace: "p", key: "empty") == [])
        #expect(try store.keys(namespace: "p") == ["a", "b", "empty"])
        try store.put(namespace: "p", key: "a", value: [9])
        #expect(try store.get(namespace: "p", key: "a") == [9])
        try store.delete(namespace: "p", key: "a")
        try store.delete(namespace: "p", key: "never-there")
        #expect(try store.get(namespace: "p", key: "a") == nil)
        #expect(try store.keys(namespace: "p") == ["b", "empty"])
    }

    @Test func namespacesAreIsolated() throws {
        let store = try KeyValueStore.inMemory()
        try store.put(namespace: "plugin.a", key: "k", value: Array("A".utf8))
        try store.put(namespace: "plugin.b", key: "k", value: Array("B".utf8))
        try store.put(namespace: "plugin.b", key: "only-b", value: [1])
        #expect(try store.get(namespace: "plugin.a", key: "k") == Array("A".utf8))
        #expect(try store.get(namespace: "plugin.b", key: "k") == Array("B".utf8))
        #expect(try store.get(namespace: "plugin.a", key: "only-b") == nil)
        #expect(try store.keys(namespace: "plugin.a") == ["k"])
        try store.delete(namespace: "plugin.a", key: "k")
        #expect(try store.get(namespace: "plugin.b", key: "k") == Array("B".utf8))
        #expect(try store.keys(namespace: "plugin.c") == [])
    }

    @Test func reopenSameFileKeepsData() throws {
        let path = Self.temporaryPath()
        defer { Self.removeTree(of: path) }
        do {
            let store = try KeyValueStore(path: path)
            try store.put(namespace: "ns", key: "position", value: Array("0.5 BTC".utf8))
            try store.put(namespace: "ns", key: "gone", value: [1])
            try store.delete(namespace: "ns", key: "gone")
        }
        #expect(FileManager.default.fileExists(atPath: path))
        let reopened = try KeyValueStore(path: path)
        #expect(try reopened.get(namespace: "ns", key: "position") == Array("0.5 BTC".utf8))
        #expect(try reopened.keys(namespace: "ns") == ["position"])
    }

    @Test func valuesOverOneMebibyteAreRefused() throws {
        let store = try KeyValueStore.inMemory()
        let limit = 1 << 20
        try store.put(namespace: "n", key: "max", value: [UInt8](repeating: 7, count: limit))
        #expect(try store.get(namespace: "n", key: "max")?.count == limit)
        #expect(throws: SwiftletPersistence.PersistenceError.self) {
            try store.put(namespace: "n", key: "max", value: [UInt8](repeating: 8, count: limit + 1))
        }
        // The refused put changed nothing.
        #expect(try store.get(namespace: "n", key: "max") == [UInt8](repeating: 7, count: limit))
        #expect(throws: SwiftletPersistence.PersistenceError.self) {
            try store.put(namespace: "n", key: "new", value: [UInt8](repeating: 8, count: limit + 1))
        }
        #expect(try store.keys(namespace: "n") == ["max"])
    }

    @Test func unopenablePathIsAnError() throws {
        // A regular file where a parent directory must be.
        let base = FileManager.default.temporaryDirectory.appendingPathComponent("swiftlet-kv-file-\(UUID().uuidString)")
        #expect(FileManager.default.createFile(atPath: base.path, contents: Data([1])))
        defer { try? FileManager.default.removeItem(at: base) }
        #expect(throws: SwiftletPersistence.PersistenceError.self) {
            _ = try KeyValueStore(path: base.appendingPathComponent("sub/state.sqlite").path)
        }
    }

    /// Polls `condition` every 10 ms for up to 5 s.
    static func eventually(_ condition: () throws -> Bool) async throws -> Bool {
        for _ in 0..<500 {
            if try condition() { return true }
            try await Task.sleep(for: .milliseconds(10))
        }
        return try condition()
    }

    @Test func queuedValuesAreReadAtOnceAndWrittenShortly() async throws {
        let path = Self.temporaryPath()
        defer { Self.removeTree(of: path) }
        let store = try KeyValueStore(path: path)
        try store.putLater(namespace: "ns", key: "b", value: [2])
        try store.putLater(namespace: "ns", key: "a", value: [1])
        #expect(try store.get(namespace: "ns", key: "a") == [1])
        #expect(try store.keys(namespace: "ns") == ["a", "b"])
        // Another reader of the file sees them once the store's thread has written them.
        let reader = try KeyValueStore(path: path)
        #expect(try await Self.eventually { try reader.get(namespace: "ns", key: "a") == [1] && reader.get(namespace: "ns", key: "b") == [2] })
        try store.putLater(namespace: "ns", key: "a", value: [3])
        try store.flush()
        #expect(try reader.get(namespace: "ns", key: "a") == [3])
    }

    @Test func theLastWriteOfAKeyWinsQueuedOrNot() throws {
        let path = Self.temporaryPath()
        defer { Self.removeTree(of: path) }
        let store = try KeyValueStore(path: path)
        try store.putLater(namespace: "ns", key: "k", value: [1])
        try store.put(namespace: "ns", key: "k", value: [2])
        try store.putLater(namespace: "ns", key: "gone", value: [3])
        try store.delete(namespace: "ns", key: "gone")
        for value: UInt8 in 4...9 { try store.putLater(namespace: "ns", key: "many", value: [value]) }
        #expect(try store.get(namespace: "ns", key: "k") == [2])
        #expect(try store.get(namespace: "ns", key: "gone") == nil)
        #expect(try store.get(namespace: "ns", key: "many") == [9])
        try store.flush()
        let reader = try KeyValueStore(path: path)
        #expect(try reader.get(namespace: "ns", key: "k") == [2])
        #expect(try reader.get(namespace: "ns", key: "gone") == nil)
        #expect(try reader.get(namespace: "ns", key: "many") == [9])
        #expect(throws: SwiftletPersistence.PersistenceError.self) {
            try store.putLater(namespace: "ns", key: "big", value: [UInt8](repeating: 1, count: KeyValueStore.maxValueSize + 1))
        }
        #expect(try store.keys(namespace: "ns") == ["k", "many"])
    }

    @Test func aFailedWriteIsReportedKeptReadableAndTriedAgain() async throws {
        let path = Self.temporaryPath()
        defer { Self.removeTree(of: path) }
        let disk = try await BrokenDisk(path: path)
        let store = disk.store
        try store.putLater(namespace: "ns", key: "state", value: [7])
        try store.putLater(namespace: "ns", key: "replaced", value: [1])
        #expect(throws: SwiftletPersistence.PersistenceError.self) { try store.flush() }
        guard case .failed(let error, attempt: 1)? = disk.reports.first else {
            Issue.record("the first report is not the first failure: \(disk.reports)")
            return
        }
        #expect(error.message.contains("no such table: kv"), "\(error)")
        #expect(try store.get(namespace: "ns", key: "state") == [7])
        // Back again. A direct put of a key still queued is the later write: the retry must
        // not put the queued value back over it.
        try await disk.mend()
        try store.put(namespace: "ns", key: "replaced", value: [2])
        #expect(try store.get(namespace: "ns", key: "replaced") == [2])
        // The retry a second later writes the rest.
        let reader = try KeyValueStore(path: path)
        #expect(try await Self.eventually { try reader.get(namespace: "ns", key: "state") == [7] })
        #expect(try reader.get(namespace: "ns", key: "replaced") == [2])
        // Each failure counted in a row, then the recovery, once.
        let attempts = disk.reports.compactMap { if case .failed(_, let attempt) = $0 { attempt } else { nil } }
        #expect(attempts == Array(1...attempts.count), "\(attempts)")
        #expect(try await Self.eventually { disk.reports.last.map { if case .recovered(attempts.count) = $0 { true } else { false } } ?? false },
                "\(disk.reports)")
    }

    @Test func aRunOfFailuresEndsWhenDirectWritesLeaveNothingQueued() async throws {
        let path = Self.temporaryPath()
        defer { Self.removeTree(of: path) }
        let disk = try await BrokenDisk(path: path)
        let store = disk.store
        try store.putLater(namespace: "ns", key: "state", value: [7])
        #expect(throws: SwiftletPersistence.PersistenceError.self) { try store.flush() }
        // The disk is back and a direct put replaces the only queued value: the retry a second
        // later finds nothing to write, and the run of failures is over.
        try await disk.mend()
        try store.put(namespace: "ns", key: "state", value: [8])
        #expect(try await Self.eventually { disk.reports.contains { if case .recovered = $0 { true } else { false } } },
                "\(disk.reports)")
        #expect(try KeyValueStore(path: path).get(namespace: "ns", key: "state") == [8])
    }

    @Test func aRunOfFailuresIsWorthLoggingOnceAMinuteAndAtTheRecovery() {
        let failure = SwiftletPersistence.PersistenceError("disk full")
        let logged = (1...180).filter { QueuedWriteReport.failed(failure, attempt: $0).isWorthLogging }
        #expect(logged == [1, 60, 120, 180])
        #expect(QueuedWriteReport.recovered(afterFailures: 3).isWorthLogging)
    }
}

/// A store on disk whose table is renamed away, so every write fails as on a broken disk,
/// keeping what the store reports about its queued writes.
private struct BrokenDisk {
    let store: KeyValueStore
    private let log = ReportLog()

    init(path: String) async throws {
        let log = self.log
        store = try KeyValueStore(path: path, onQueuedWrite: { log.append($0) })
        try await store.writer.write { db in try db.execute(sql: "ALTER TABLE kv RENAME TO kv_away") }
    }

    /// What the store reported, in order.
    var reports: [QueuedWriteReport] { log.entries }

    /// Brings the table back: writes succeed again.
    func mend() async throws {
        try await store.writer.write { db in try db.execute(sql: "ALTER TABLE kv_away RENAME TO kv") }
    }
}

private final class ReportLog: Sendable {
    private let list = Mutex<[QueuedWriteReport]>([])
    func append(_ report: QueuedWriteReport) { list.withLock { $0.append(report) } }
    var entries: [QueuedWriteReport] { list.withLock { $0 } }
}

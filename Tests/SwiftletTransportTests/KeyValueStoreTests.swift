import Foundation
import SwiftletPersistence
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
        #expect(throws: PersistenceError.self) {
            try store.put(namespace: "n", key: "max", value: [UInt8](repeating: 8, count: limit + 1))
        }
        // The refused put changed nothing.
        #expect(try store.get(namespace: "n", key: "max") == [UInt8](repeating: 7, count: limit))
        #expect(throws: PersistenceError.self) {
            try store.put(namespace: "n", key: "new", value: [UInt8](repeating: 8, count: limit + 1))
        }
        #expect(try store.keys(namespace: "n") == ["max"])
    }

    @Test func unopenablePathIsAnError() throws {
        // A regular file where a parent directory must be.
        let base = FileManager.default.temporaryDirectory.appendingPathComponent("swiftlet-kv-file-\(UUID().uuidString)")
        #expect(FileManager.default.createFile(atPath: base.path, contents: Data([1])))
        defer { try? FileManager.default.removeItem(at: base) }
        #expect(throws: PersistenceError.self) {
            _ = try KeyValueStore(path: base.appendingPathComponent("sub/state.sqlite").path)
        }
    }
}

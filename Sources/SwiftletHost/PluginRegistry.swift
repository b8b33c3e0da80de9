import Foundation
import Synchronization

/// The plugins a host has loaded, keyed by id and version, several versions of one
/// plugin side by side. Discovery walks a plugin directory laid out as
/// `<dir>/<plugin-id>/<version>/lib<name>.so`; a refused file is reported and the rest
/// still load.
public final class PluginRegistry: Sendable {
    private let libraries = Mutex<[String: PluginLibrary]>([:])

    public init() {}

    /// What one discovery pass found.
    public struct DiscoveryReport: Sendable {
        public var loaded: [PluginLibrary] = []
        public var refused: [PluginRefusal] = []
    }

    /// Loads one file and registers it; refuses a second library with the same id and version.
    @discardableResult
    public func load(path: String) throws(PluginRefusal) -> PluginLibrary {
        let library = try PluginLoader.load(path: path)
        let existing: PluginLibrary? = libraries.withLock { table in
            if let existing = table[library.info.key] { return existing }
            table[library.info.key] = library
            return nil
        }
        if let existing {
            guard existing.info.path == library.info.path else {
                throw PluginRefusal(path: library.info.path,
                                    reason: "duplicate \(library.info.key): already loaded from \(existing.info.path)")
            }
            return existing
        }
        return library
    }

    /// Loads every shared library under `directory`, in a stable order.
    public func discover(directory: String) -> DiscoveryReport {
        var report = DiscoveryReport()
        for path in Self.libraryFiles(under: directory) {
            do {
                report.loaded.append(try load(path: path))
            } catch {
                report.refused.append(error)
            }
        }
        return report
    }

    /// A loaded library by id and version; when `version` is nil, the highest release
    /// (a prerelease such as `1.2.0-rc1` only when no release is loaded).
    public func library(id: String, version: String? = nil) -> PluginLibrary? {
        libraries.withLock { table in
            if let version { return table["\(id)@\(version)"] }
            let candidates = table.values.filter { $0.info.id == id }
            let releases = candidates.filter { SemanticVersion($0.info.version)!.prerelease.isEmpty }
            return (releases.isEmpty ? candidates : releases)
                .max { (SemanticVersion($0.info.version)!) < (SemanticVersion($1.info.version)!) }
        }
    }

    /// Every loaded library, sorted by id then version.
    public var all: [PluginLibrary] {
        libraries.withLock { Array($0.values) }.sorted {
            ($0.info.id, SemanticVersion($0.info.version)!) < ($1.info.id, SemanticVersion($1.info.version)!)
        }
    }

    /// Files that look like shared libraries (`.so`, `.dylib`) under `directory`, sorted.
    static func libraryFiles(under directory: String) -> [String] {
        guard let walker = FileManager.default.enumerator(atPath: directory) else { return [] }
        var files: [String] = []
        while let relative = walker.nextObject() as? String {
            if relative.hasSuffix(".so") || relative.hasSuffix(".dylib") || relative.contains(".so.") {
                files.append((directory as NSString).appendingPathComponent(relative))
            }
        }
        return files.sorted()
    }
}

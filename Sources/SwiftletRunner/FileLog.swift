import Dispatch
import Foundation
public import Logging

/// A log file whose lines are formatted and appended by a background writer, so a log
/// call costs the calling thread (a plugin's callback, a strategy, a hot swap) only the
/// message it builds: swift-log has no file handler, and formatting the time and writing
/// synchronously took tens of µs per line on the trading threads.
/// Lines keep the order of the calls; `flush` waits until every line is written.
public final class FileLog: @unchecked Sendable {
    /// Serializes all writes; `handle` and `formatter` are only used on it.
    private let writer = DispatchQueue(label: "swiftlet.log")
    private let handle: FileHandle?
    private let formatter = ISO8601DateFormatter()

    /// Opens `path` for appending, creating it and its directory if needed. A file that
    /// cannot be opened makes every line a no-op.
    public init(path: String) {
        let url = URL(fileURLWithPath: path)
        try? FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        if !FileManager.default.fileExists(atPath: path) { _ = FileManager.default.createFile(atPath: path, contents: nil) }
        handle = FileHandle(forWritingAtPath: path)
        handle?.seekToEndOfFile()
    }

    /// A logger (`label`, level `info`) writing `time level label key=value…: message` lines here.
    public func logger(label: String = "swiftlet.host") -> Logger {
        Logger(label: label) { label in Handler(label: label, log: self) }
    }

    /// Returns once every line logged before the call is in the file.
    public func flush() {
        writer.sync {}
    }

    fileprivate func append(time: Date, level: Logger.Level, label: String, context: String, message: String) {
        writer.async { [self] in
            let line = "\(formatter.string(from: time)) \(level) \(label)\(context): \(message)\n"
            handle?.write(Data(line.utf8))
        }
    }

    private struct Handler: LogHandler {
        let label: String
        let log: FileLog
        var logLevel: Logger.Level = .info
        var metadata: Logger.Metadata = [:]

        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }

        func log(event: LogEvent) {
            let merged = metadata.merging(event.metadata ?? [:]) { $1 }
            let context = merged.isEmpty ? "" : " " + merged.map { "\($0)=\($1)" }.sorted().joined(separator: " ")
            log.append(time: Date(), level: event.level, label: label, context: context, message: "\(event.message)")
        }
    }
}

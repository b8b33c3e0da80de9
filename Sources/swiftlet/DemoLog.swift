import Dispatch
import Foundation
import Logging
import Synchronization

/// Logging to a file (the terminal shows the status view) and Ctrl-C handling.
enum DemoLog {
    /// A logger whose lines go to `path` (created, appended).
    static func fileLogger(path: String) -> Logger {
        let url = URL(fileURLWithPath: path)
        try? FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        if !FileManager.default.fileExists(atPath: path) { _ = FileManager.default.createFile(atPath: path, contents: nil) }
        let handle = FileHandle(forWritingAtPath: path)
        handle?.seekToEndOfFile()
        let sink = FileSink(handle: handle)
        return Logger(label: "swiftlet.host") { label in FileLogHandler(label: label, sink: sink) }
    }

    /// A flag set by SIGINT (Ctrl-C) or SIGTERM.
    static func stopSignal() -> StopFlag {
        let flag = StopFlag()
        for number in [SIGINT, SIGTERM] {
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler { flag.raise() }
            source.resume()
            flag.keep(source)
        }
        return flag
    }
}

/// Set once a stop signal arrived; keeps its signal sources alive.
final class StopFlag: @unchecked Sendable {
    private let raised = Atomic<Bool>(false)
    private var sources: [any DispatchSourceSignal] = []
    func raise() { raised.store(true, ordering: .relaxed) }
    var isRaised: Bool { raised.load(ordering: .relaxed) }
    func keep(_ source: any DispatchSourceSignal) { sources.append(source) }
}

/// Appends whole lines to a file, one writer at a time.
final class FileSink: Sendable {
    private let handle: Mutex<FileHandle?>
    init(handle: FileHandle?) { self.handle = Mutex(handle) }
    func write(_ line: String) {
        handle.withLock { $0?.write(Data((line + "\n").utf8)) }
    }
}

/// swift-log has no file handler of its own; this one writes `time level label: message`.
struct FileLogHandler: LogHandler {
    let label: String
    let sink: FileSink
    var logLevel: Logger.Level = .info
    var metadata: Logger.Metadata = [:]

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        let merged = metadata.merging(event.metadata ?? [:]) { $1 }
        let context = merged.isEmpty ? "" : " " + merged.map { "\($0)=\($1)" }.sorted().joined(separator: " ")
        sink.write("\(ISO8601DateFormatter().string(from: Date())) \(event.level) \(label)\(context): \(event.message)")
    }
}

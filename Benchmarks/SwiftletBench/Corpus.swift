import Foundation

/// The books corpus the benchmarks replay: `../shared/bench/books_btcusdt_100k.jsonl`.
enum Corpus {
    static let relativePath = "../shared/bench/books_btcusdt_100k.jsonl"

    /// The corpus's path, found by walking up from the current directory; a benchmark that
    /// needs it stops here, naming itself, when it is not found.
    static func path(for benchmark: String) -> String {
        var directory = URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
        while directory.path != "/" {
            let candidate = directory.appendingPathComponent(relativePath).standardized
            if FileManager.default.fileExists(atPath: candidate.path) { return candidate.path }
            directory.deleteLastPathComponent()
        }
        print("\(benchmark): corpus \(relativePath) not found above \(FileManager.default.currentDirectoryPath)")
        exit(1)
    }

    /// Byte ranges of the non-empty lines (one WebSocket frame each).
    static func lineRanges(_ bytes: [UInt8]) -> [Range<Int>] {
        var ranges: [Range<Int>] = []
        var start = 0
        for (index, byte) in bytes.enumerated() where byte == UInt8(ascii: "\n") {
            if index > start { ranges.append(start..<index) }
            start = index + 1
        }
        if start < bytes.count { ranges.append(start..<bytes.count) }
        return ranges
    }
}

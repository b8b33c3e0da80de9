import BitgetCommon
import Foundation
import Testing

/// Files the tests read: the fixtures in this repository and the shared benchmark corpus.
enum TestData {
    /// The repository root: the nearest folder above this file holding `Package.swift`.
    static let repositoryRoot: URL = {
        var folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        while folder.path != "/" {
            if FileManager.default.fileExists(atPath: folder.appendingPathComponent("Package.swift").path) {
                return folder
            }
            folder.deleteLastPathComponent()
        }
        return folder
    }()

    /// `Tests/Fixtures/bitget-books/<name>` as text.
    static func fixture(_ name: String) throws -> String {
        let url = repositoryRoot.appendingPathComponent("Tests/Fixtures/bitget-books/\(name)")
        return try String(contentsOf: url, encoding: .utf8)
    }

    /// The lines of `<repo>/../shared/bench/books_btcusdt_100k.jsonl`. A missing corpus is a
    /// failure, not a skip: CI clones the repository with `shared/` beside it.
    static func corpusLines() throws -> [String] {
        let url = repositoryRoot.deletingLastPathComponent()
            .appendingPathComponent("shared/bench/books_btcusdt_100k.jsonl")
        guard let data = FileManager.default.contents(atPath: url.path) else {
            Issue.record("benchmark corpus missing at \(url.path): clone shared/ beside the repository")
            throw CorpusMissing()
        }
        return String(decoding: data, as: UTF8.self).split(separator: "\n").map(String.init)
    }

    struct CorpusMissing: Error {}
}

/// Parses `text` with a fresh parser; returns the error, or nil if it parsed.
func parseError(_ text: String) -> BookFrameError? {
    var parser = BookFrameParser()
    var text = text
    return text.withUTF8 { utf8 -> BookFrameError? in
        do throws(BookFrameError) {
            _ = try parser.parse(UnsafeRawBufferPointer(utf8))
            return nil
        } catch {
            return error
        }
    }
}

/// A `books` frame for SPOT BTCUSDT built from level texts.
func booksFrame(_ action: String, bids: [(String, String)], asks: [(String, String)],
                seq: Int64, checksum: Int32?) -> String {
    func levels(_ list: [(String, String)]) -> String {
        "[" + list.map { "[\"\($0.0)\",\"\($0.1)\"]" }.joined(separator: ",") + "]"
    }
    let checksumField = checksum.map { ",\"checksum\":\($0)" } ?? ""
    return "{\"action\":\"\(action)\",\"arg\":{\"instType\":\"SPOT\",\"channel\":\"books\",\"instId\":\"BTCUSDT\"},"
        + "\"data\":[{\"asks\":\(levels(asks)),\"bids\":\(levels(bids))\(checksumField),\"seq\":\(seq),"
        + "\"ts\":\"1700000000000\"}],\"ts\":1700000000000}"
}

/// Bitget's checksum computed the slow, obvious way: build the string, CRC it.
func referenceChecksum(bids: [(String, String)], asks: [(String, String)]) -> Int32 {
    var fields: [String] = []
    for index in 0..<25 {
        if index < bids.count { fields += [bids[index].0, bids[index].1] }
        if index < asks.count { fields += [asks[index].0, asks[index].1] }
    }
    var text = fields.joined(separator: ":")
    let crc = text.withUTF8 { CRC32.checksum(UnsafeRawBufferPointer($0)) }
    return Int32(bitPattern: crc)
}

/// The book's levels as text pairs, best first (prices and sizes reproduce Bitget's text).
func texts(_ side: BookSide) -> [(String, String)] {
    side.map { ($0.price.description, $0.size.description) }
}

/// The prices of a side as text, best first.
func prices(_ side: BookSide) -> [String] { side.map(\.price.description) }

/// The sizes of a side as text, best first.
func sizes(_ side: BookSide) -> [String] { side.map(\.size.description) }

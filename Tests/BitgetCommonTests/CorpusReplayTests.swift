import BitgetCommon
import SwiftletCore
import Testing

/// Replays the 100k-frame benchmark corpus (`shared/bench/books_btcusdt_100k.jsonl`).
@Suite struct CorpusReplayTests {
    @Test func everyFrameAppliesAndEveryChecksumVerifies() throws {
        let lines = try TestData.corpusLines()
        #expect(lines.count == 100_001)
        var tracker = BookTracker()
        var applied = 0
        var maxBids = 0
        var lastSequence: Int64 = 0
        for (number, line) in lines.enumerated() {
            let outcome = try tracker.process(line)
            guard outcome == .applied else {
                Issue.record("line \(number + 1): \(outcome)")
                return
            }
            applied += 1
            let book = tracker.book(at: tracker.lastBookIndex)
            if let bid = book.bestBid, let ask = book.bestAsk {
                #expect(bid.price < ask.price, "crossed at line \(number + 1)")
            }
            maxBids = max(maxBids, book.bids.count)
            lastSequence = book.sequence ?? 0
        }
        #expect(applied == lines.count)
        #expect(tracker.bookCount == 1)
        var book = tracker.book(at: 0)
        #expect(book.status == .live)
        #expect(lastSequence == 101_000)
        // shared/bench/README.md says "about 250 bids and 130 asks" after the whole file, but
        // an independent replay (Python, levels keyed by exact decimal) ends with 545 bids
        // and 389 asks, best 97003.73 / 97003.79 -- the figures asserted here.
        #expect(book.bids.count == 545)
        #expect(book.asks.count == 389)
        #expect(book.bestBid?.price.description == "97003.73")
        #expect(book.bestAsk?.price.description == "97003.79")
        #expect(maxBids >= book.bids.count)
        // The final book, rebuilt the slow way, gives the same checksum as the chained one.
        let reference = referenceChecksum(bids: texts(book.bids), asks: texts(book.asks))
        #expect(book.computeChecksum() == reference)
        #expect(reference == tracker.lastFrame?.checksum)
    }

    @Test func flippedSizeDigitIsCaughtByTheChecksum() throws {
        let lines = try TestData.corpusLines()
        var tracker = BookTracker()
        var caught = 0
        // For frames across the file, corrupt one size of a level that lands in the top 25.
        for (number, line) in lines.enumerated() {
            guard number > 0, number % 5_000 == 0 else {
                #expect(try tracker.process(line) == .applied)
                continue
            }
            var corrupted = tracker
            #expect(try tracker.process(line) == .applied)
            let book = tracker.book(at: 0)
            let top = Set(prices(book.bids).prefix(25) + prices(book.asks).prefix(25))
            guard let frame = tracker.lastFrame,
                  let level = (Array(frame.bids) + Array(frame.asks)).first(where: { !$0.size.isZero && top.contains($0.price.description) })
            else { continue }
            let edited = line.replacingFirst("[\"\(level.price)\",\"\(level.size)\"]",
                                             with: "[\"\(level.price)\",\"\(flipLastDigit(level.size.description))\"]")
            #expect(edited != line)
            let bad = try corrupted.process(edited)
            guard case .resyncNeeded(.checksumMismatch(sequence: frame.sequence, expected: frame.checksum!, computed: _)) = bad
            else {
                Issue.record("line \(number + 1): corrupted size not caught: \(bad)")
                continue
            }
            caught += 1
        }
        #expect(caught >= 15)
    }

    @Test func droppedLineIsASequenceGapAndASnapshotRecovers() throws {
        let lines = try TestData.corpusLines()
        var tracker = BookTracker()
        for line in lines[0..<500] { #expect(try tracker.process(line) == .applied) }
        let good = tracker.book(at: 0)
        // Line 501 is lost.
        #expect(try tracker.process(lines[501]) == .resyncNeeded(.sequenceGap(previous: 1499, received: 1501)))
        #expect(try tracker.process(lines[502]) == .ignored(.awaitingSnapshot))
        // A fresh snapshot of the book as of seq 1499 (line 500) restores it.
        let snapshot = booksFrame("snapshot", bids: texts(good.bids), asks: texts(good.asks), seq: 1499,
                                  checksum: referenceChecksum(bids: texts(good.bids), asks: texts(good.asks)))
        #expect(try tracker.process(snapshot) == .applied)
        for line in lines[500..<1_000] { #expect(try tracker.process(line) == .applied) }
    }

    @Test func truncatedCorpusLinesThrowAndLeaveTheBookIntact() throws {
        let lines = try TestData.corpusLines()
        var tracker = BookTracker()
        #expect(try tracker.process(lines[0]) == .applied)
        let before = tracker.book(at: 0)
        for line in lines[1..<50] {
            let bytes = Array(line.utf8)
            for length in stride(from: 0, to: bytes.count, by: 13) {
                #expect(throws: BookFrameError.self) {
                    try tracker.process(String(decoding: bytes[..<length], as: UTF8.self))
                }
            }
        }
        let after = tracker.book(at: 0)
        #expect(prices(after.bids) == prices(before.bids) && sizes(after.asks) == sizes(before.asks))
        // The lost updates show up as a gap on the next good frame.
        #expect(try tracker.process(lines[50]) == .resyncNeeded(.sequenceGap(previous: 1000, received: 1050)))
    }

    /// `"1.017041"` -> `"1.017042"` (9 wraps to 0).
    func flipLastDigit(_ text: String) -> String {
        var bytes = Array(text.utf8)
        let last = bytes[bytes.count - 1]
        bytes[bytes.count - 1] = last == UInt8(ascii: "9") ? UInt8(ascii: "0") : last + 1
        return String(decoding: bytes, as: UTF8.self)
    }
}

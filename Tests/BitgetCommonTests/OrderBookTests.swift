import BitgetCommon
import Foundation
import SwiftletCore
import Testing

@Suite struct OrderBookTests {
    static let bids = [("100.50", "1.0"), ("100.40", "2.000"), ("100.30", "0.5")]
    static let asks = [("100.60", "3"), ("100.70", "0.25")]

    /// A tracker holding the small book above, snapshot seq 10.
    func trackerWithBook() throws -> BookTracker {
        var tracker = BookTracker()
        let checksum = referenceChecksum(bids: Self.bids, asks: Self.asks)
        let outcome = try tracker.process(booksFrame("snapshot", bids: Self.bids, asks: Self.asks, seq: 10,
                                                     checksum: checksum))
        #expect(outcome == .applied)
        return tracker
    }

    func book(_ tracker: BookTracker) -> OrderBook { tracker.book(at: tracker.lastBookIndex) }

    /// Deep books: changes at every depth, in and below the top levels that `BookSide`
    /// searches first, leave both sides equal to a plain sorted model.
    @Test func changesAtEveryDepthMatchASortedModel() throws {
        var generator = SystemRandomNumberGenerator()
        var bids: [Int: String] = [:], asks: [Int: String] = [:]
        for tick in 1...120 {
            bids[10_000 - tick] = "\(tick).5"
            asks[10_000 + tick] = "\(tick).25"
        }
        func text(_ tick: Int) -> String { "\(tick / 100).\(String(format: "%02d", tick % 100))" }
        func levels(_ side: [Int: String], best: (Int, Int) -> Bool) -> [(String, String)] {
            side.keys.sorted(by: best).map { (text($0), side[$0]!) }
        }
        var tracker = BookTracker()
        var sequence: Int64 = 1
        let snapshotBids = levels(bids, best: >), snapshotAsks = levels(asks, best: <)
        #expect(try tracker.process(booksFrame("snapshot", bids: snapshotBids, asks: snapshotAsks, seq: sequence,
                                               checksum: referenceChecksum(bids: snapshotBids, asks: snapshotAsks)))
            == .applied)
        for _ in 0..<400 {
            var bidChanges: [(String, String)] = [], askChanges: [(String, String)] = []
            for _ in 0..<6 {
                // Depths 0...150 from the best of the original book: inserts, updates, deletes.
                let depth = Int.random(in: 0...150, using: &generator)
                let size = Bool.random(using: &generator) ? "0" : "\(Int.random(in: 1...99, using: &generator)).1"
                let bidTick = 10_000 - 1 - depth, askTick = 10_000 + 1 + depth
                guard !bidChanges.contains(where: { $0.0 == text(bidTick) }) else { continue }
                bidChanges.append((text(bidTick), size))
                askChanges.append((text(askTick), size))
                bids[bidTick] = size == "0" ? nil : size
                asks[askTick] = size == "0" ? nil : size
            }
            sequence += 1
            let expectedBids = levels(bids, best: >), expectedAsks = levels(asks, best: <)
            let outcome = try tracker.process(booksFrame(
                "update", bids: bidChanges, asks: askChanges, seq: sequence,
                checksum: referenceChecksum(bids: expectedBids, asks: expectedAsks)))
            #expect(outcome == .applied)
            let book = book(tracker)
            #expect(texts(book.bids).map { "\($0.0):\($0.1)" } == expectedBids.map { "\($0.0):\($0.1)" })
            #expect(texts(book.asks).map { "\($0.0):\($0.1)" } == expectedAsks.map { "\($0.0):\($0.1)" })
            guard outcome == .applied else { return }
        }
    }

    /// Hot swap hands a book over as `snapshotFrame`: processed by another tracker, it
    /// rebuilds the book exactly, and the update that follows applies there too.
    @Test func aSnapshotFrameRebuildsTheBookForTheUpdatesThatFollow() throws {
        var tracker = try trackerWithBook()
        func sides(_ book: OrderBook) -> [String] {
            (texts(book.bids) + [("|", "|")] + texts(book.asks)).map { "\($0.0):\($0.1)" }
        }
        let frame = try #require(tracker.snapshotFrame(instType: "SPOT", instId: "BTCUSDT"))
        #expect(tracker.snapshotFrame(instType: "SPOT", instId: "ETHUSDT") == nil)
        var next = BookTracker()
        #expect(try next.process(frame) == .applied)
        #expect(sides(next.book(at: next.lastBookIndex)) == sides(book(tracker)))
        #expect(next.book(at: next.lastBookIndex).sequence == 10)

        let bids = [("100.50", "1.0"), ("100.45", "7"), ("100.40", "2.000"), ("100.30", "0.5")]
        let update = booksFrame("update", bids: [("100.45", "7")], asks: [], seq: 11,
                                checksum: referenceChecksum(bids: bids, asks: Self.asks))
        #expect(try next.process(update) == .applied)
        #expect(try tracker.process(update) == .applied)
        #expect(sides(next.book(at: next.lastBookIndex)) == sides(book(tracker)))
        // A book that is not live (here after a sequence gap) is not handed over.
        #expect(try tracker.process(booksFrame("update", bids: [], asks: [], seq: 13, checksum: 0)) != .applied)
        #expect(tracker.snapshotFrame(instType: "SPOT", instId: "BTCUSDT") == nil)
    }

    /// Long texts: a bid and an ask piece together exceed `CRC32.maxShift`, so the checksum
    /// chain shifts a pair in two steps.
    @Test func checksumOfLevelsWithLongTextsMatches() throws {
        // Best first; the long levels are second on each side (the first pair is chained
        // level by level).
        let bids = [("123456789.123456789", "1.5"), ("123456789.123456788", "0.000000000123456789")]
        let asks = [("123456789.123456790", "2"), ("123456789.123456791", "98765.432109876543")]
        var tracker = BookTracker()
        #expect(try tracker.process(booksFrame("snapshot", bids: bids, asks: asks, seq: 1,
                                               checksum: referenceChecksum(bids: bids, asks: asks))) == .applied)
        let changed = ("123456789.123456788", "0.000000000000000001")
        #expect(try tracker.process(booksFrame("update", bids: [changed], asks: [], seq: 2,
                                               checksum: referenceChecksum(bids: [bids[0], changed], asks: asks)))
            == .applied)
    }

    @Test func snapshotBuildsSortedSidesWithExactTexts() throws {
        let tracker = try trackerWithBook()
        let book = book(tracker)
        #expect(book.status == .live)
        #expect(book.sequence == 10)
        #expect(prices(book.bids) == ["100.50", "100.40", "100.30"])
        #expect(sizes(book.asks) == ["3", "0.25"])
        #expect(book.bestBid?.price.mantissa == 10_050 && book.bestBid?.price.scale == 2)
        #expect(book.bestAsk?.size == ExactDecimal(3))
        #expect(book.bids.count == 3 && book.asks.count == 2)
        #expect(tracker.book(instType: "SPOT", instId: "BTCUSDT")?.bids.count == 3)
        #expect(tracker.book(instType: "USDT-FUTURES", instId: "BTCUSDT") == nil)
    }

    @Test func updatesInsertReplaceAndDelete() throws {
        var tracker = try trackerWithBook()
        let bids = [("100.55", "4.1"), ("100.40", "2.500"), ("100.50", "1.0")]
        let asks = [("100.60", "3"), ("100.65", "0.1")]
        let changes = [("100.55", "4.1"), ("100.40", "2.500"), ("100.30", "0"), ("99.00", "0")]
        let outcome = try tracker.process(booksFrame(
            "update", bids: changes, asks: [("100.70", "0"), ("100.65", "0.1")], seq: 11,
            checksum: referenceChecksum(bids: [bids[0], bids[2], bids[1]], asks: asks)))
        #expect(outcome == .applied)
        let book = book(tracker)
        #expect(prices(book.bids) == ["100.55", "100.50", "100.40"])
        #expect(sizes(book.bids) == ["4.1", "1.0", "2.500"])
        #expect(prices(book.asks) == ["100.60", "100.65"])
        #expect(book.sequence == 11)
        #expect(tracker.lastFrame?.bids.count == 4)
    }

    @Test func checksumMatchesDocumentationExampleWhenOneSideRunsOut() throws {
        // Bitget's docs: one bid, three asks -> "3366.1:7:3366.8:9:3368:8:3372:8".
        let expected = Int32(bitPattern: Array("3366.1:7:3366.8:9:3368:8:3372:8".utf8).withUnsafeBytes(CRC32.checksum))
        var tracker = BookTracker()
        let frame = booksFrame("snapshot", bids: [("3366.1", "7")], asks: [("3366.8", "9"), ("3368", "8"), ("3372", "8")],
                               seq: 1, checksum: expected)
        #expect(try tracker.process(frame) == .applied)
        var book = book(tracker)
        #expect(book.computeChecksum() == expected)
    }

    @Test func checksumCoversOnlyTheTop25Levels() throws {
        let bids = (0..<40).map { (String(format: "%d.%02d", 500 - $0, $0), "1.\($0)") }
        let asks = (0..<30).map { (String(format: "%d.5", 600 + $0), "0.00\($0 + 1)") }
        var tracker = BookTracker()
        let outcome = try tracker.process(booksFrame("snapshot", bids: bids, asks: asks, seq: 1,
                                                     checksum: referenceChecksum(bids: bids, asks: asks)))
        #expect(outcome == .applied)
        // A change below the top 25 leaves the checksum as it was.
        let deep = try tracker.process(booksFrame("update", bids: [("461.39", "0")], asks: [], seq: 2,
                                                  checksum: referenceChecksum(bids: bids, asks: asks)))
        #expect(deep == .applied)
        #expect(book(tracker).bids.count == 39)
    }

    @Test func checksumMismatchEmptiesTheBookUntilTheNextSnapshot() throws {
        var tracker = try trackerWithBook()
        let outcome = try tracker.process(booksFrame("update", bids: [("100.45", "1")], asks: [], seq: 11, checksum: 42))
        guard case .resyncNeeded(.checksumMismatch(sequence: 11, expected: 42, computed: _)) = outcome else {
            Issue.record("expected a checksum mismatch, got \(outcome)")
            return
        }
        #expect(book(tracker).bids.isEmpty && book(tracker).bestAsk == nil)
        if case .needsResync(let reason) = book(tracker).status {
            #expect(reason.description.hasPrefix("checksum mismatch at seq 11"))
        } else {
            Issue.record("book should need a resync")
        }
        let ignored = try tracker.process(booksFrame("update", bids: [], asks: [], seq: 12, checksum: 0))
        #expect(ignored == .ignored(.awaitingSnapshot))
        let snapshot = booksFrame("snapshot", bids: Self.bids, asks: Self.asks, seq: 20,
                                  checksum: referenceChecksum(bids: Self.bids, asks: Self.asks))
        #expect(try tracker.process(snapshot) == .applied)
        #expect(book(tracker).status == .live)
    }

    @Test func sequenceGapNeedsResync() throws {
        var tracker = try trackerWithBook()
        let checksum = referenceChecksum(bids: Self.bids, asks: Self.asks)
        let outcome = try tracker.process(booksFrame("update", bids: [], asks: [], seq: 12, checksum: checksum))
        #expect(outcome == .resyncNeeded(.sequenceGap(previous: 10, received: 12)))
        #expect(try tracker.process(booksFrame("update", bids: [], asks: [], seq: 13, checksum: checksum))
            == .ignored(.awaitingSnapshot))
    }

    @Test func increasingPolicyAcceptsSkippedNumbersButNotGoingBack() throws {
        var tracker = BookTracker(sequencePolicy: .increasing)
        let checksum = referenceChecksum(bids: Self.bids, asks: Self.asks)
        #expect(try tracker.process(booksFrame("snapshot", bids: Self.bids, asks: Self.asks, seq: 10, checksum: checksum))
            == .applied)
        #expect(try tracker.process(booksFrame("update", bids: [], asks: [], seq: 15, checksum: checksum)) == .applied)
        #expect(try tracker.process(booksFrame("update", bids: [], asks: [], seq: 15, checksum: checksum))
            == .resyncNeeded(.sequenceGap(previous: 15, received: 15)))
    }

    @Test func crossedBookNeedsResync() throws {
        var tracker = try trackerWithBook()
        let bids = [("100.60", "1"), ("100.50", "1.0"), ("100.40", "2.000"), ("100.30", "0.5")]
        let outcome = try tracker.process(booksFrame("update", bids: [("100.60", "1")], asks: [], seq: 11,
                                                     checksum: referenceChecksum(bids: bids, asks: Self.asks)))
        guard case .resyncNeeded(.crossedBook(sequence: 11, bestBid: let bid, bestAsk: let ask)) = outcome else {
            Issue.record("expected a crossed book, got \(outcome)")
            return
        }
        #expect(bid == ask)
    }

    @Test func updateBeforeSnapshotIsIgnored() throws {
        var tracker = BookTracker()
        let outcome = try tracker.process(booksFrame("update", bids: [("1", "1")], asks: [], seq: 1, checksum: 0))
        #expect(outcome == .ignored(.awaitingSnapshot))
        #expect(book(tracker).status == .awaitingSnapshot)
    }

    @Test func fixedDepthSnapshotsReplaceTheBookWithoutChecksum() throws {
        var tracker = BookTracker()
        #expect(try tracker.process(try TestData.fixture("ws_books5_snapshot.json")) == .applied)
        let book = try #require(tracker.book(instType: "SPOT", channel: .books5, instId: "BTCUSDT"))
        #expect(prices(book.bids) == ["26274.8", "26274.7"])
        #expect(sizes(book.bids) == ["0.0009", "0.0027"])
        #expect(book.bestAsk?.price.description == "26274.9")
        #expect(tracker.book(instType: "SPOT", channel: .books, instId: "BTCUSDT") == nil)
    }

    @Test func unsortedSnapshotsAreSortedAndZeroSizesSkipped() throws {
        let bids = [("100.30", "0.5"), ("100.50", "1.0"), ("100.40", "2.000"), ("100.45", "0")]
        var tracker = BookTracker()
        let sorted = [("100.50", "1.0"), ("100.40", "2.000"), ("100.30", "0.5")]
        let outcome = try tracker.process(booksFrame("snapshot", bids: bids, asks: Self.asks, seq: 1,
                                                     checksum: referenceChecksum(bids: sorted, asks: Self.asks)))
        #expect(outcome == .applied)
        #expect(prices(book(tracker).bids) == sorted.map(\.0))
    }

    @Test func pricesWithDifferentScalesShareOneOrder() throws {
        let bids = [("100.5", "1"), ("100.45", "1"), ("100", "1")]
        var tracker = BookTracker()
        let outcome = try tracker.process(booksFrame("snapshot", bids: [bids[2], bids[0], bids[1]], asks: Self.asks,
                                                     seq: 1, checksum: referenceChecksum(bids: bids, asks: Self.asks)))
        #expect(outcome == .applied)
        #expect(prices(book(tracker).bids) == ["100.5", "100.45", "100"])
    }

    @Test func pricesThatCannotShareIntegerKeysNeedResync() throws {
        var tracker = BookTracker()
        let bids = [("97000.01", "1")]
        #expect(try tracker.process(booksFrame("snapshot", bids: bids, asks: [], seq: 1,
                                               checksum: referenceChecksum(bids: bids, asks: []))) == .applied)
        let outcome = try tracker.process(booksFrame("update", bids: [("0.00000000000001", "1")], asks: [], seq: 2,
                                                     checksum: 0))
        #expect(outcome == .resyncNeeded(.priceOutOfRange(sequence: 2)))
    }
}

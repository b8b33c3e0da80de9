import BitgetCommon
import SwiftletCore
import Testing

/// `BookFrame.bookUpdate()`: the event payload the spot connector emits for an applied frame.
@Suite struct BookUpdateTests {
    @Test func snapshotThenUpdateBecomeBookUpdatesInFrameOrder() throws {
        let bids = [("100.50", "1.0"), ("100.40", "2.000")]
        let asks = [("100.60", "3")]
        var tracker = BookTracker()
        #expect(try tracker.process(booksFrame("snapshot", bids: bids, asks: asks, seq: 10,
                                               checksum: referenceChecksum(bids: bids, asks: asks))) == .applied)
        let snapshot = try #require(tracker.lastFrame).bookUpdate()
        #expect(snapshot.isSnapshot)
        #expect(snapshot.sequence == 10)
        #expect(snapshot.bids.map { "\($0.price):\($0.size)" } == ["100.50:1.0", "100.40:2.000"])
        #expect(snapshot.asks.map { "\($0.price):\($0.size)" } == ["100.60:3"])
        #expect(try #require(tracker.lastFrame).exchangeTimeNanoseconds == 1_700_000_000_000 * 1_000_000)

        let after = [("100.55", "0.5"), ("100.50", "1.0")]
        let frame = booksFrame("update", bids: [("100.55", "0.5"), ("100.40", "0")], asks: [], seq: 11,
                               checksum: referenceChecksum(bids: after, asks: asks))
        #expect(try tracker.process(frame) == .applied)
        let update = try #require(tracker.lastFrame).bookUpdate()
        #expect(!update.isSnapshot)
        #expect(update.sequence == 11)
        #expect(update.bids == [BookLevel(price: try ExactDecimal("100.55"), size: try ExactDecimal("0.5")),
                                BookLevel(price: try ExactDecimal("100.40"), size: .zero)])
        #expect(update.bids[1].size.scale == 0)
        #expect(update.asks.isEmpty)
    }
}

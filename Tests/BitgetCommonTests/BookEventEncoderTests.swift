import BitgetCommon
import CSwiftletSDK
import SwiftletABI
import SwiftletCore
import Testing

/// `BookEventEncoder`: the ABI book event the connectors emit for an applied frame, read
/// back with the host's own decoder.
@Suite struct BookEventEncoderTests {
    /// Processes `frame` and returns the decoded event the encoder builds for it.
    func event(_ frame: String, _ tracker: inout BookTracker, _ encoder: inout BookEventEncoder,
               localTime: Int64 = 42) throws -> Event {
        var text = frame
        return try text.withUTF8 { utf8 in
            let bytes = UnsafeRawBufferPointer(utf8)
            #expect(try tracker.process(bytes) == .applied)
            let frame = try #require(tracker.lastFrame)
            return try encoder.withEvent(for: frame, in: bytes, localTime: localTime) { header in
                Result { () throws(ABIError) in try EventDecoding.decode(header) }
            }.get()
        }
    }

    @Test func snapshotThenUpdateBecomeBookEventsInFrameOrder() throws {
        let bids = [("100.50", "1.0"), ("100.40", "2.000")]
        let asks = [("100.60", "3")]
        var tracker = BookTracker()
        var encoder = BookEventEncoder(levelCapacity: 1)
        let snapshot = try event(booksFrame("snapshot", bids: bids, asks: asks, seq: 10,
                                            checksum: referenceChecksum(bids: bids, asks: asks)), &tracker, &encoder)
        #expect(snapshot.context.symbol == "BTCUSDT")
        #expect(snapshot.context.exchangeTime == 1_700_000_000_000 * 1_000_000)
        #expect(snapshot.context.localTime == 42)
        guard case .book(let book) = snapshot.payload else {
            Issue.record("not a book event: \(snapshot.payload)")
            return
        }
        #expect(book.isSnapshot)
        #expect(book.sequence == 10)
        #expect(book.bids.map { "\($0.price):\($0.size)" } == ["100.50:1.0", "100.40:2.000"])
        #expect(book.asks.map { "\($0.price):\($0.size)" } == ["100.60:3"])

        // Fewer levels than the previous frame: only this frame's levels are in the event.
        let after = [("100.55", "0.5"), ("100.50", "1.0")]
        let update = try event(booksFrame("update", bids: [("100.55", "0.5"), ("100.40", "0")], asks: [], seq: 11,
                                          checksum: referenceChecksum(bids: after, asks: asks)), &tracker, &encoder)
        guard case .book(let delta) = update.payload else {
            Issue.record("not a book event: \(update.payload)")
            return
        }
        #expect(!delta.isSnapshot)
        #expect(delta.sequence == 11)
        #expect(delta.bids == [BookLevel(price: try ExactDecimal("100.55"), size: try ExactDecimal("0.5")),
                               BookLevel(price: try ExactDecimal("100.40"), size: .zero)])
        #expect(delta.bids[1].size.scale == 0)
        #expect(delta.asks.isEmpty)
    }

    @Test func headerCarriesTheKindAndTheEventSize() throws {
        var tracker = BookTracker()
        let encoder = BookEventEncoder()
        let bids = [("1.5", "2")], asks = [("1.6", "3")]
        var text = booksFrame("snapshot", bids: bids, asks: asks, seq: 1, checksum: referenceChecksum(bids: bids, asks: asks))
        try text.withUTF8 { utf8 in
            let bytes = UnsafeRawBufferPointer(utf8)
            _ = try tracker.process(bytes)
            let frame = try #require(tracker.lastFrame)
            encoder.withEvent(for: frame, in: bytes, localTime: 0) { header in
                #expect(header.pointee.kind == swl_event_kind_t(SWL_EVENT_BOOK_SNAPSHOT))
                #expect(header.pointee.struct_size == UInt32(MemoryLayout<swl_book_event_t>.size))
                #expect(header.pointee.source.len == 0)
            }
        }
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import SwiftletCore

/// Keeps one `OrderBook` per subscribed instrument and channel, fed raw `books` frames.
///
/// `process` is the whole hot path: parse, find the book, apply, verify. Books are found
/// by comparing the frame's `instType`/`channel`/`instId` bytes with the known ones (the
/// last one hit is tried first), so no `String` is built per frame. A connection carries
/// at most a few dozen book subscriptions, which a linear scan handles well.
public struct BookTracker: Sendable {
    /// One tracked book and the key bytes that select it.
    private struct Entry: Sendable {
        var instType: [UInt8]
        var channel: BookChannel
        var instId: [UInt8]
        var book: OrderBook
    }

    private var parser = BookFrameParser()
    private var entries: [Entry] = []
    private var lastIndex = 0
    private let sequencePolicy: SequencePolicy

    /// Creates an empty tracker; every book it creates uses `sequencePolicy`.
    public init(sequencePolicy: SequencePolicy = .consecutive) {
        self.sequencePolicy = sequencePolicy
    }

    /// The frame most recently processed (its levels are the ones that changed). Its
    /// levels view the parser's buffers: read them before the next `process`.
    public private(set) var lastFrame: BookFrame?
    /// Index of the book the last frame went to, for `book(at:)`.
    public var lastBookIndex: Int { lastIndex }
    /// Number of books tracked.
    public var bookCount: Int { entries.count }

    /// Parses `bytes` and applies it to its instrument's book, creating the book on first
    /// sight. Throws `BookFrameError` for a malformed frame, leaving every book unchanged:
    /// if the frame was a lost update, the next update's `seq` reveals it.
    public mutating func process(_ bytes: UnsafeRawBufferPointer) throws(BookFrameError) -> BookOutcome {
        lastFrame = nil // its levels are overwritten by this parse
        let frame = try parser.parse(bytes)
        let index = entryIndex(for: frame, in: bytes)
        lastIndex = index
        let outcome = entries[index].book.apply(frame, from: bytes)
        lastFrame = frame
        return outcome
    }

    /// `process` for a frame held as a `String`.
    public mutating func process(_ text: String) throws(BookFrameError) -> BookOutcome {
        var text = text
        let result = text.withUTF8 { utf8 in
            Result { () throws(BookFrameError) in try process(UnsafeRawBufferPointer(utf8)) }
        }
        return try result.get()
    }

    /// The book at `index` (`0..<bookCount`).
    public func book(at index: Int) -> OrderBook { entries[index].book }

    /// The book for an instrument and channel, if a frame for it has been seen.
    public func book(instType: String, channel: BookChannel = .books, instId: String) -> OrderBook? {
        entries.first { $0.channel == channel && $0.instType.elementsEqual(instType.utf8)
            && $0.instId.elementsEqual(instId.utf8) }?.book
    }

    /// A `books` snapshot frame of a live book, as Bitget would send it: its levels best
    /// first with the texts as received, its checksum and `seq`. This is how a hot swap
    /// hands a book to the next version, which processes the frame and then applies the
    /// updates that follow it. Nil unless the book is live.
    public func snapshotFrame(instType: String, instId: String) -> String? {
        guard var book = book(instType: instType, channel: .books, instId: instId), book.status == .live,
              let sequence = book.sequence else { return nil }
        func levels(_ side: BookSide) -> String {
            var text = "["
            for (index, level) in side.enumerated() {
                if index > 0 { text += "," }
                text += "[\"\(level.price)\",\"\(level.size)\"]"
            }
            return text + "]"
        }
        let arg = JSONText.object([("instType", instType), ("channel", BookChannel.books.name), ("instId", instId)])
        return "{\"action\":\"snapshot\",\"arg\":\(arg),\"data\":[{\"asks\":\(levels(book.asks)),"
            + "\"bids\":\(levels(book.bids)),\"checksum\":\(book.computeChecksum()),\"seq\":\(sequence),"
            + "\"ts\":\"\(book.exchangeTimeMs ?? 0)\"}]}"
    }

    /// The entry for the frame's instrument, created if new.
    private mutating func entryIndex(for frame: BookFrame, in bytes: UnsafeRawBufferPointer) -> Int {
        let instType = UnsafeRawBufferPointer(rebasing: bytes[frame.instTypeRange])
        let instId = UnsafeRawBufferPointer(rebasing: bytes[frame.instIdRange])
        let known = entries.withUnsafeBufferPointer { entries -> Int? in
            if lastIndex < entries.count, Self.matches(entries[lastIndex], frame.channel, instType, instId) {
                return lastIndex
            }
            return entries.firstIndex { Self.matches($0, frame.channel, instType, instId) }
        }
        if let known { return known }
        entries.append(Entry(instType: Array(instType), channel: frame.channel, instId: Array(instId),
                             book: OrderBook(sequencePolicy: sequencePolicy)))
        return entries.count - 1
    }

    private static func matches(_ entry: borrowing Entry, _ channel: BookChannel,
                                _ instType: UnsafeRawBufferPointer, _ instId: UnsafeRawBufferPointer) -> Bool {
        entry.channel == channel && same(entry.instId, instId) && same(entry.instType, instType)
    }

    @inline(__always)
    private static func same(_ stored: [UInt8], _ bytes: UnsafeRawBufferPointer) -> Bool {
        stored.count == bytes.count && stored.withUnsafeBytes { memcmp($0.baseAddress!, bytes.baseAddress!, bytes.count) == 0 }
    }
}

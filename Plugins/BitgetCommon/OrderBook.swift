public import SwiftletCore

/// A Bitget order book for one instrument, maintained from `books` frames.
///
/// Prices and sizes are exact decimals whose `(mantissa, scale)` reproduce the texts
/// Bitget sent byte for byte (the parser accepts only canonical numbers), and each level
/// keeps the CRC of its text for the checksum. On the `books` channel every update is
/// checked: its `seq` must follow the previous frame's, the CRC-32 of the top 25 levels
/// must equal the frame's `checksum`, and the book must not be crossed. A failed check empties the book
/// and puts it in `needsResync` until the next snapshot; updates meanwhile are ignored.
public struct OrderBook: Sendable {
    /// Where the book stands.
    public enum Status: Sendable, Equatable {
        /// No snapshot yet.
        case awaitingSnapshot
        /// Built from a snapshot and every update since.
        case live
        /// A check failed; the book is empty until a new snapshot.
        case needsResync(ResyncReason)
    }

    /// Bids, best (highest) first.
    public private(set) var bids: BookSide
    /// Asks, best (lowest) first.
    public private(set) var asks: BookSide
    /// Current state.
    public private(set) var status: Status = .awaitingSnapshot
    /// `seq` of the last applied frame, if it had one.
    public private(set) var sequence: Int64?
    /// Exchange time of the last applied frame, milliseconds since the epoch.
    public private(set) var exchangeTimeMs: Int64?
    /// How `seq` must advance between updates.
    public let sequencePolicy: SequencePolicy

    private var checksum: BookChecksum

    /// An empty book awaiting its snapshot; `levelCapacity` levels per side are reserved.
    public init(sequencePolicy: SequencePolicy = .consecutive, levelCapacity: Int = 512) {
        self.sequencePolicy = sequencePolicy
        bids = BookSide(.buy, capacity: levelCapacity)
        asks = BookSide(.sell, capacity: levelCapacity)
        checksum = BookChecksum()
    }

    /// The highest bid.
    public var bestBid: BookLevel? { bids.first }
    /// The lowest ask.
    public var bestAsk: BookLevel? { asks.first }

    /// Checksum of the current book as Bitget computes it (top 25 levels, interleaved).
    public mutating func computeChecksum() -> Int32 {
        checksum.checksum(bids: bids, asks: asks)
    }

    /// Applies a frame parsed from `bytes` (the very buffer given to `BookFrameParser`).
    public mutating func apply(_ frame: BookFrame, from bytes: UnsafeRawBufferPointer) -> BookOutcome {
        precondition(bytes.count == frame.byteCount, "apply(_:from:) needs the bytes the frame was parsed from")
        guard let base = bytes.baseAddress?.assumingMemoryBound(to: UInt8.self) else {
            return .ignored(.awaitingSnapshot)
        }
        let tables = CRC32.tables
        do throws(BookSide.KeyOverflow) {
            switch frame.action {
            case .snapshot:
                try bids.replace(with: frame.bids, from: base, tables: tables)
                try asks.replace(with: frame.asks, from: base, tables: tables)
                checksum.invalidate(fromRank: 0)
            case .update:
                guard status == .live else { return .ignored(.awaitingSnapshot) }
                if frame.channel.isIncremental, let previous = sequence, let received = frame.sequence {
                    let follows = sequencePolicy == .consecutive ? received == previous &+ 1 : received > previous
                    if !follows { return resync(.sequenceGap(previous: previous, received: received)) }
                }
                try Self.apply(frame.bids, to: &bids, from: base, tables: tables, invalidating: &checksum)
                try Self.apply(frame.asks, to: &asks, from: base, tables: tables, invalidating: &checksum)
            }
        } catch {
            return resync(.priceOutOfRange(sequence: frame.sequence))
        }
        sequence = frame.sequence
        exchangeTimeMs = frame.exchangeTimeMs
        if frame.channel.isIncremental, let expected = frame.checksum {
            let computed = checksum.checksum(bids: bids, asks: asks)
            if computed != expected {
                return resync(.checksumMismatch(sequence: frame.sequence, expected: expected, computed: computed))
            }
        }
        if let bid = bids.bestPrice, let ask = asks.bestPrice,
           bid.scale == ask.scale ? bid.mantissa >= ask.mantissa : ExactDecimal.compare(bid, ask) >= 0 {
            return resync(.crossedBook(sequence: frame.sequence, bestBid: bid, bestAsk: ask))
        }
        status = .live
        return .applied
    }

    /// Static, so that mutating one side does not also capture (and copy) the whole book.
    @inline(__always)
    private static func apply(_ changes: ParsedLevels, to side: inout BookSide, from base: UnsafePointer<UInt8>,
                              tables: UnsafePointer<UInt32>,
                              invalidating checksum: inout BookChecksum) throws(BookSide.KeyOverflow) {
        for level in changes.storage {
            if let rank = try side.apply(level, from: base, tables: tables) { checksum.invalidate(fromRank: rank) }
        }
    }

    private mutating func resync(_ reason: ResyncReason) -> BookOutcome {
        bids.removeAll()
        asks.removeAll()
        checksum.invalidate(fromRank: 0)
        sequence = nil
        status = .needsResync(reason)
        return .resyncNeeded(reason)
    }
}

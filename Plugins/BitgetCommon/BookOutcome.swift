public import SwiftletCore

/// What applying one frame did to a book.
public enum BookOutcome: Sendable, Equatable {
    /// The frame was applied and every check passed.
    case applied
    /// The frame revealed the book is wrong; it was emptied and refuses updates until a
    /// snapshot arrives (resubscribe to get one).
    case resyncNeeded(ResyncReason)
    /// The frame was not applied and the book is unchanged.
    case ignored(IgnoreReason)
}

/// Why a book must be rebuilt from a fresh snapshot.
public enum ResyncReason: Sendable, Equatable, CustomStringConvertible {
    /// The CRC-32 of the top 25 levels after the update is not Bitget's `checksum`.
    case checksumMismatch(sequence: Int64?, expected: Int32, computed: Int32)
    /// An update's `seq` does not follow the previous one (frames lost, reordered, or the
    /// exchange reset its sequence).
    case sequenceGap(previous: Int64, received: Int64)
    /// A price whose decimals, combined with the other prices' magnitudes, do not fit the
    /// book's 64-bit price keys (e.g. `97000.01` next to `0.00000000000001`).
    case priceOutOfRange(sequence: Int64?)
    /// After the update the best bid is at or above the best ask.
    case crossedBook(sequence: Int64?, bestBid: ExactDecimal, bestAsk: ExactDecimal)

    /// One line for logs and `swl_book_resync_event_t.reason`.
    public var description: String {
        switch self {
        case let .checksumMismatch(sequence, expected, computed):
            "checksum mismatch at seq \(sequence.map(String.init) ?? "none"): exchange \(expected), book \(computed)"
        case let .sequenceGap(previous, received):
            "sequence gap: seq \(received) after \(previous)"
        case let .priceOutOfRange(sequence):
            "price out of range at seq \(sequence.map(String.init) ?? "none"): too many decimals for the book's magnitudes"
        case let .crossedBook(sequence, bestBid, bestAsk):
            "crossed book at seq \(sequence.map(String.init) ?? "none"): best bid \(bestBid) >= best ask \(bestAsk)"
        }
    }
}

/// Why a frame was left unapplied.
public enum IgnoreReason: Sendable, Equatable {
    /// An update arrived before the first snapshot or while the book awaits a resync.
    case awaitingSnapshot
}

/// How `seq` must advance between consecutive `books` updates.
public enum SequencePolicy: Sendable, Hashable {
    /// Each update's `seq` is exactly one more than the previous frame's (what the
    /// benchmark corpus and bitget-sim produce).
    case consecutive
    /// Each update's `seq` is greater than the previous one. Bitget's documentation only
    /// promises "incrementing", so use this if live feeds skip numbers; the checksum still
    /// catches any lost change within the top 25 levels.
    case increasing
}

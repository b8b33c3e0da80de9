public import SwiftletCore

/// Whether a push replaces the book or amends it.
public enum BookAction: Sendable, Hashable {
    /// The full book (first `books` push, and every `books1/5/15` push).
    case snapshot
    /// Changed levels only (`books` after the first push); size `0` deletes a level.
    case update
}

/// The Bitget depth channels this parser understands.
public enum BookChannel: Sendable, Hashable {
    /// Full depth: one snapshot, then incremental updates carrying `seq` and `checksum`.
    case books
    /// Best level only, a snapshot every push.
    case books1
    /// Five levels, a snapshot every push.
    case books5
    /// Fifteen levels, a snapshot every push.
    case books15

    /// The channel name as Bitget spells it.
    public var name: String {
        switch self {
        case .books: "books"
        case .books1: "books1"
        case .books5: "books5"
        case .books15: "books15"
        }
    }

    /// True for `books`: updates are incremental and carry `seq` and `checksum`, which the
    /// book checks. The fixed-depth channels push whole snapshots and are not checked.
    public var isIncremental: Bool { self == .books }
}

/// One level as parsed, with where its exact price and size texts sit in the frame.
struct ParsedLevel {
    var price: ExactDecimal
    var size: ExactDecimal
    var priceStart: Int32
    var sizeStart: Int32
    var priceLength: UInt8
    var sizeLength: UInt8
}

/// The levels of one side of a parsed frame, in frame order, as `BookLevel` values
/// (`price.mantissa`/`price.scale` map straight onto `swl_decimal_t`). Size zero means
/// "delete" in an update.
///
/// A view into the parser's buffers (`LevelStorage`), holding no reference to them: it is
/// valid until that parser parses its next frame, and no longer than the parser lives.
/// Use a frame's levels where the frame is received; copy them (`Array(levels)`) to keep
/// them. Debug builds trap on a view used after its parser parsed again.
public struct ParsedLevels: RandomAccessCollection, @unchecked Sendable {
    private let base: UnsafePointer<ParsedLevel>
    public let endIndex: Int
    #if DEBUG
    private unowned(unsafe) let owner: LevelStorage
    private let generation: UInt64
    #endif

    init(base: UnsafePointer<ParsedLevel>, count: Int, storage: LevelStorage, generation: UInt64) {
        self.base = base
        endIndex = count
        #if DEBUG
        owner = storage
        self.generation = generation
        #endif
    }

    public var startIndex: Int { 0 }

    /// The parsed levels themselves (with where their texts sit in the frame).
    var storage: UnsafeBufferPointer<ParsedLevel> {
        #if DEBUG
        precondition(owner.generation == generation, "a BookFrame's levels were used after its parser parsed the next frame")
        #endif
        return UnsafeBufferPointer(start: base, count: endIndex)
    }

    public subscript(position: Int) -> BookLevel {
        precondition(position >= 0 && position < endIndex, "level index out of range")
        let level = storage[position]
        return BookLevel(price: level.price, size: level.size)
    }
}

extension ParsedLevel: Sendable {}

/// A decoded `books` push. Instrument fields are byte ranges into the frame (no `String`
/// is built on the hot path); `instId(in:)` and `instType(in:)` decode them when needed.
public struct BookFrame: Sendable {
    /// Snapshot or update.
    public var action: BookAction
    /// Which depth channel it came from.
    public var channel: BookChannel
    /// Byte range of `arg.instType` (e.g. `SPOT`, `USDT-FUTURES`) in the frame.
    public var instTypeRange: Range<Int>
    /// Byte range of `arg.instId` (e.g. `BTCUSDT`) in the frame.
    public var instIdRange: Range<Int>
    /// `data[0].seq`; required on the `books` channel.
    public var sequence: Int64?
    /// `data[0].checksum` as a signed 32-bit integer; required on the `books` channel.
    public var checksum: Int32?
    /// `data[0].ts`: exchange time in milliseconds since the epoch, if present.
    public var exchangeTimeMs: Int64?
    /// Bid levels as sent (best first for snapshots).
    public var bids: ParsedLevels
    /// Ask levels as sent (best first for snapshots).
    public var asks: ParsedLevels
    /// Size of the frame the ranges point into.
    public var byteCount: Int

    /// `arg.instId` decoded from the frame bytes it was parsed from.
    public func instId(in bytes: UnsafeRawBufferPointer) -> String {
        String(decoding: UnsafeRawBufferPointer(rebasing: bytes[instIdRange]), as: UTF8.self)
    }

    /// `arg.instType` decoded from the frame bytes it was parsed from.
    public func instType(in bytes: UnsafeRawBufferPointer) -> String {
        String(decoding: UnsafeRawBufferPointer(rebasing: bytes[instTypeRange]), as: UTF8.self)
    }

    /// `exchangeTimeMs` in nanoseconds since the epoch (the event context's unit); 0 when
    /// absent or beyond what an `Int64` of nanoseconds can hold.
    public var exchangeTimeNanoseconds: Int64 {
        guard let milliseconds = exchangeTimeMs else { return 0 }
        let (nanoseconds, overflow) = milliseconds.multipliedReportingOverflow(by: 1_000_000)
        return overflow ? 0 : nanoseconds
    }
}

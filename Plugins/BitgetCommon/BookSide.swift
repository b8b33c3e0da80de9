public import SwiftletCore

/// A level as the book keeps it (apart from its price key), packed into 16 bytes so
/// inserts move little memory.
struct StoredLevel: Sendable {
    var sizeMantissa: Int64
    /// CRC of the level's checksum piece `":price:size"` (see `BookChecksum`).
    var pieceCRC: UInt32
    /// Scales as received: with the parser's canonical-text rule they reproduce the texts.
    var priceScale: Int8
    var sizeScale: Int8
    /// Length of `":price:size"`, at most `CRC32.maxShift`.
    var pieceLength: UInt8
}

/// One side of an `OrderBook`, best level first: index 0 is the best bid (highest) or the
/// best ask (lowest). Iterating it, or `prefix(n)`, yields `BookLevel` values whose
/// `price`/`size` mantissa and scale map straight onto the ABI's `swl_decimal_t`.
public struct BookSide: RandomAccessCollection, Sendable {
    /// Which side this is.
    public let side: Side
    /// Each level's price as an integer at `keyScale`, negated on the ask side, so both
    /// sides sort ascending from worst to best and search compares plain integers. Kept
    /// apart from `levels` so the binary search walks a small, dense array.
    private var keys: [Int64] = []
    /// The levels in the order of `keys`: worst first, so changes near the top of the book
    /// move few elements.
    private(set) var levels: [StoredLevel] = []
    /// Decimal places of every `key`: the largest price scale seen since the side was emptied.
    private var keyScale: Int32 = 0
    /// +1 for bids, -1 for asks.
    private let sign: Int64

    /// A price that cannot share 64-bit keys with the side's other prices (its scale would
    /// push some key past `Int64.max`); the book resyncs rather than mis-order it.
    struct KeyOverflow: Error {}

    init(_ side: Side, capacity: Int) {
        self.side = side
        sign = side == .buy ? 1 : -1
        keys.reserveCapacity(capacity)
        levels.reserveCapacity(capacity)
    }

    public var startIndex: Int { 0 }
    public var endIndex: Int { levels.count }

    /// The level `rank` places from the top (0 = best).
    public subscript(rank: Int) -> BookLevel {
        let level = levels[levels.count - 1 - rank]
        let scaleGap = keyScale - Int32(level.priceScale)
        let magnitude = keys[levels.count - 1 - rank].magnitude / UInt64(ExactDecimal.powerOfTen(scaleGap))
        return BookLevel(price: ExactDecimal(uncheckedMantissa: Int64(magnitude), scale: Int32(level.priceScale)),
                         size: ExactDecimal(uncheckedMantissa: level.sizeMantissa, scale: Int32(level.sizeScale)))
    }

    /// The best level's price (at the key scale), if any.
    var bestPrice: ExactDecimal? {
        keys.last.map { ExactDecimal(uncheckedMantissa: $0 * sign, scale: keyScale) }
    }

    /// Empties the side.
    mutating func removeAll() {
        keys.removeAll(keepingCapacity: true)
        levels.removeAll(keepingCapacity: true)
        keyScale = 0
    }

    /// Applies one level change (size zero deletes) and returns the rank it touched: every
    /// rank from there down may have changed. Returns `nil` when nothing changed (deleting
    /// a price that is not in the book).
    @inline(__always)
    mutating func apply(_ level: ParsedLevel, from frame: UnsafePointer<UInt8>,
                        tables: UnsafePointer<UInt32>) throws(KeyOverflow) -> Int? {
        let key = try key(for: level.price)
        let count = levels.count
        let index = position(of: key)
        let found = index < count && keys[index] == key
        if level.size.mantissa == 0 {
            guard found else { return nil }
            Self.remove(at: index, from: &keys)
            Self.remove(at: index, from: &levels)
            return count - 1 - index
        }
        let stored = Self.stored(level, from: frame, tables: tables)
        if found {
            levels[index] = stored
            return count - 1 - index
        }
        Self.insert(key, at: index, into: &keys)
        Self.insert(stored, at: index, into: &levels)
        return count - index
    }

    /// Replaces the side with `snapshot` (best first, as Bitget sends it; any order works).
    mutating func replace(with snapshot: ParsedLevels, from frame: UnsafePointer<UInt8>,
                          tables: UnsafePointer<UInt32>) throws(KeyOverflow) {
        removeAll()
        // Walk worst to best so a sorted snapshot only ever appends.
        for level in snapshot.storage.reversed() where level.size.mantissa != 0 {
            let key = try key(for: level.price)
            if let best = keys.last, key <= best {
                _ = try apply(level, from: frame, tables: tables)
            } else {
                keys.append(key)
                levels.append(Self.stored(level, from: frame, tables: tables))
            }
        }
    }

    @inline(__always)
    private static func stored(_ level: ParsedLevel, from frame: UnsafePointer<UInt8>,
                               tables: UnsafePointer<UInt32>) -> StoredLevel {
        let piece = BookChecksum.piece(level, in: frame, tables: tables)
        return StoredLevel(sizeMantissa: level.size.mantissa, pieceCRC: piece.crc,
                           priceScale: Int8(truncatingIfNeeded: level.price.scale),
                           sizeScale: Int8(truncatingIfNeeded: level.size.scale), pieceLength: piece.length)
    }

    /// The key of `price`, raising the side's key scale first if `price` has more decimals.
    @inline(__always)
    private mutating func key(for price: ExactDecimal) throws(KeyOverflow) -> Int64 {
        if price.scale == keyScale { return price.mantissa &* sign }
        if price.scale > keyScale { try raiseKeyScale(to: price.scale) }
        let (scaled, overflow) = price.mantissa.multipliedReportingOverflow(
            by: ExactDecimal.powerOfTen(keyScale - price.scale))
        guard !overflow else { throw KeyOverflow() }
        return scaled &* sign
    }

    /// Rewrites every key with `scale` decimals (rare: Bitget keeps one price precision).
    private mutating func raiseKeyScale(to scale: Int32) throws(KeyOverflow) {
        let factor = ExactDecimal.powerOfTen(scale - keyScale)
        for index in keys.indices {
            let (scaled, overflow) = keys[index].multipliedReportingOverflow(by: factor)
            guard !overflow else { throw KeyOverflow() }
            keys[index] = scaled
        }
        keyScale = scale
    }

    /// `array.insert(element, at: index)` as an append plus one `memmove`: the generic
    /// `insert` goes through `replaceSubrange`, measurably slower on this path.
    @inline(__always)
    private static func insert<Element: BitwiseCopyable>(_ element: Element, at index: Int, into array: inout [Element]) {
        array.append(element)
        array.withUnsafeMutableBufferPointer { buffer in
            let base = buffer.baseAddress!
            (base + index + 1).update(from: base + index, count: buffer.count - 1 - index)
            base[index] = element
        }
    }

    /// `array.remove(at: index)` as one `memmove` plus `removeLast`.
    @inline(__always)
    private static func remove<Element: BitwiseCopyable>(at index: Int, from array: inout [Element]) {
        array.withUnsafeMutableBufferPointer { buffer in
            let base = buffer.baseAddress!
            (base + index).update(from: base + index + 1, count: buffer.count - 1 - index)
        }
        array.removeLast()
    }

    /// Keys at the top of the book searched on their own first: most changes land there
    /// (in the benchmark corpus, about 70% within the top 32).
    private static let topWindow = 32

    /// The first index whose key is not below `key`: one compare picks the top
    /// `topWindow` keys or the rest, then a binary search runs over that part only.
    @inline(__always)
    private func position(of key: Int64) -> Int {
        keys.withUnsafeBufferPointer { buffer in
            let windowStart = buffer.count - Self.topWindow
            guard windowStart > 0 else { return Self.lowerBound(of: key, in: buffer) }
            if buffer[windowStart] < key {
                return windowStart + 1 + Self.lowerBound(of: key, in: UnsafeBufferPointer(rebasing: buffer[(windowStart + 1)...]))
            }
            return Self.lowerBound(of: key, in: UnsafeBufferPointer(rebasing: buffer[...windowStart]))
        }
    }

    /// The first index of `buffer` whose key is not below `key`: a branch-free binary
    /// search (the comparisons are unpredictable, so conditional moves beat branches).
    @inline(__always)
    private static func lowerBound(of key: Int64, in buffer: UnsafeBufferPointer<Int64>) -> Int {
        var count = buffer.count
        guard count > 0 else { return 0 }
        var base = 0
        while count > 1 {
            let half = count >> 1
            // All keys of a side share a sign, so the difference cannot overflow; its
            // sign bit, spread, is all ones exactly when the probe is below `key`.
            let below = (buffer[base &+ half] &- key) >> 63
            base &+= half & Int(below)
            count &-= half
        }
        return buffer[base] < key ? base &+ 1 : base
    }
}

public import SwiftletCore

/// A level as the book keeps it, packed into 24 bytes so inserts move little memory:
/// the two decimals and the CRC of its checksum piece (see `BookChecksum`).
struct StoredLevel: Sendable {
    var priceMantissa: Int64
    var sizeMantissa: Int64
    var pieceCRC: UInt32
    var priceScale: Int8
    var sizeScale: Int8
    /// Length of `":price:size"`, at most `CRC32.maxShift`.
    var pieceLength: UInt8

    @inline(__always)
    var price: ExactDecimal { ExactDecimal(uncheckedMantissa: priceMantissa, scale: Int32(priceScale)) }
    @inline(__always)
    var size: ExactDecimal { ExactDecimal(uncheckedMantissa: sizeMantissa, scale: Int32(sizeScale)) }

    @inline(__always)
    init(_ level: ParsedLevel, in frame: UnsafePointer<UInt8>) {
        priceMantissa = level.price.mantissa
        sizeMantissa = level.size.mantissa
        priceScale = Int8(truncatingIfNeeded: level.price.scale)
        sizeScale = Int8(truncatingIfNeeded: level.size.scale)
        (pieceCRC, pieceLength) = BookChecksum.piece(level, in: frame)
    }
}

/// One side of an `OrderBook`, best level first: index 0 is the best bid (highest) or the
/// best ask (lowest). Iterating it, or `prefix(n)`, yields `BookLevel` values whose
/// `price`/`size` mantissa and scale map straight onto the ABI's `swl_decimal_t`.
public struct BookSide: RandomAccessCollection, Sendable {
    /// Which side this is.
    public let side: Side
    /// Sorted worst first, so changes near the top of the book move few elements.
    private(set) var levels: [StoredLevel] = []

    init(_ side: Side, capacity: Int) {
        self.side = side
        levels.reserveCapacity(capacity)
    }

    public var startIndex: Int { 0 }
    public var endIndex: Int { levels.count }

    /// The level `rank` places from the top (0 = best).
    public subscript(rank: Int) -> BookLevel {
        let level = levels[levels.count - 1 - rank]
        return BookLevel(price: level.price, size: level.size)
    }

    /// Empties the side.
    mutating func removeAll() {
        levels.removeAll(keepingCapacity: true)
    }

    /// Applies one level change (size zero deletes) and returns the rank it touched: every
    /// rank from there down may have changed. Returns `nil` when nothing changed (deleting
    /// a price that is not in the book).
    @inline(__always)
    mutating func apply(_ level: ParsedLevel, from frame: UnsafePointer<UInt8>) -> Int? {
        let index = position(of: level.price)
        let count = levels.count
        let found = index < count && Self.compare(levels[index].price, level.price) == 0
        if level.size.mantissa == 0 {
            guard found else { return nil }
            levels.remove(at: index)
            return count - 1 - index
        }
        if found {
            levels[index] = StoredLevel(level, in: frame)
            return count - 1 - index
        }
        levels.insert(StoredLevel(level, in: frame), at: index)
        return count - index
    }

    /// Replaces the side with `snapshot` (best first, as Bitget sends it; any order works).
    mutating func replace(with snapshot: ParsedLevels, from frame: UnsafePointer<UInt8>) {
        removeAll()
        // Walk worst to best so a sorted snapshot only ever appends.
        for level in snapshot.storage.reversed() where level.size.mantissa != 0 {
            if let best = levels.last, !isBetter(level.price, than: best.price) {
                _ = apply(level, from: frame)
            } else {
                levels.append(StoredLevel(level, in: frame))
            }
        }
    }

    /// The best level's price, if any.
    var bestPrice: ExactDecimal? { levels.last?.price }

    /// True if `a` is strictly better than `b` on this side.
    @inline(__always)
    private func isBetter(_ a: ExactDecimal, than b: ExactDecimal) -> Bool {
        let order = Self.compare(a, b)
        return side == .buy ? order > 0 : order < 0
    }

    /// The first storage index whose price is not worse than `price` (binary search).
    @inline(__always)
    private func position(of price: ExactDecimal) -> Int {
        levels.withUnsafeBufferPointer { buffer in
            var low = 0
            var high = buffer.count
            let isBid = side == .buy
            while low < high {
                let middle = (low &+ high) >> 1
                let order = Self.compare(buffer[middle].price, price)
                let worse = isBid ? order < 0 : order > 0
                if worse { low = middle &+ 1 } else { high = middle }
            }
            return low
        }
    }

    /// -1, 0 or 1; same-scale prices (the normal case) compare without leaving this module.
    @inline(__always)
    static func compare(_ a: ExactDecimal, _ b: ExactDecimal) -> Int {
        if a.scale == b.scale {
            return a.mantissa < b.mantissa ? -1 : (a.mantissa == b.mantissa ? 0 : 1)
        }
        return ExactDecimal.compare(a, b)
    }
}

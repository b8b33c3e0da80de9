/// Computes Bitget's book checksum: CRC-32 of `bid1price:bid1size:ask1price:ask1size:…`
/// over the top 25 levels of each side, interleaved (once a side runs out the other
/// continues alone), using the exact texts as received, read as a signed 32-bit integer.
///
/// No string is built and no text is re-read. When a level is stored, the CRC of its
/// piece `":price:size"` (from zero) is computed once from the frame bytes and kept with
/// the level. The checksum then chains those pieces with `CRC32.shift` (four lookups per
/// level) instead of hashing ~900 bytes per update; the first piece drops its leading
/// `:` by algebra. The running value after each pair (bid `i`, ask `i`) is also kept, so
/// the next checksum resumes after the last pair the update left unchanged.
struct BookChecksum: Sendable {
    /// Levels per side that the checksum covers.
    static let depth = 25

    /// Running CRC after `":"` from zero (the first piece drops its leading colon with it).
    @inline(__always)
    private static func colon(_ tables: UnsafePointer<UInt32>) -> UInt32 { tables[Int(UInt8(ascii: ":"))] }

    /// Running value after each pair, valid for the first `validPairs` pairs.
    private var pairCRC = [UInt32](repeating: 0, count: depth)
    private var validPairs = 0

    /// Marks every pair from `rank` on as changed.
    @inline(__always)
    mutating func invalidate(fromRank rank: Int) {
        if rank < validPairs { validPairs = rank }
    }

    /// CRC (from zero, not finished) and length of `":" + price + ":" + size` for a level
    /// whose texts are in `frame`.
    @inline(__always)
    static func piece(_ level: ParsedLevel, in frame: UnsafePointer<UInt8>,
                      tables: UnsafePointer<UInt32>) -> (crc: UInt32, length: UInt8) {
        let price = UnsafeRawBufferPointer(start: frame + Int(level.priceStart), count: Int(level.priceLength))
        let size = UnsafeRawBufferPointer(start: frame + Int(level.sizeStart), count: Int(level.sizeLength))
        var crc = CRC32.update(colon(tables), price, tables: tables)
        crc = (crc >> 8) ^ tables[Int((crc ^ UInt32(UInt8(ascii: ":"))) & 0xFF)]
        crc = CRC32.update(crc, size, tables: tables)
        return (crc, 2 &+ level.priceLength &+ level.sizeLength)
    }

    /// The checksum of the book formed by `bids` and `asks`.
    mutating func checksum(bids: BookSide, asks: BookSide) -> Int32 {
        let pairs = min(Self.depth, max(bids.count, asks.count))
        if validPairs > pairs { validPairs = pairs }
        if validPairs < pairs {
            bids.levels.withUnsafeBufferPointer { bidLevels in
                asks.levels.withUnsafeBufferPointer { askLevels in
                    pairCRC.withUnsafeMutableBufferPointer { states in
                        Self.chain(pairs: validPairs..<pairs, bids: bidLevels, asks: askLevels,
                                   states: states.baseAddress!)
                    }
                }
            }
            validPairs = pairs
        }
        return Int32(bitPattern: CRC32.finish(pairs == 0 ? CRC32.initial : pairCRC[pairs - 1]))
    }

    /// Chains the pieces of `pairs`, resuming from the state after the pair before them.
    ///
    /// A pair's own CRC (its bid piece shifted past its ask piece, then the ask piece) does
    /// not depend on the running value, so the processor computes it alongside the chain;
    /// the chain itself then takes one shift per pair instead of one per level.
    private static func chain(pairs: Range<Int>, bids: UnsafeBufferPointer<StoredLevel>,
                              asks: UnsafeBufferPointer<StoredLevel>, states: UnsafeMutablePointer<UInt32>) {
        let shifts = CRC32.shiftTables
        let colon = colon(CRC32.tables)
        var isFirst = pairs.lowerBound == 0
        var running = isFirst ? CRC32.initial : states[pairs.lowerBound - 1]
        @inline(__always) func add(crc: UInt32, length: Int) {
            if isFirst {
                // state(init, "price:size") = shift(init ^ colon, length - 1) ^ piece CRC
                running = CRC32.shift(running ^ colon, by: length - 1, tables: shifts) ^ crc
                isFirst = false
            } else if length <= CRC32.maxShift {
                running = CRC32.shift(running, by: length, tables: shifts) ^ crc
            } else {
                running = CRC32.shift(CRC32.shift(running, by: CRC32.maxShift, tables: shifts),
                                      by: length - CRC32.maxShift, tables: shifts) ^ crc
            }
        }
        for pair in pairs {
            let hasBid = pair < bids.count, hasAsk = pair < asks.count
            if hasBid, hasAsk, !isFirst {
                let bid = bids[bids.count - 1 - pair], ask = asks[asks.count - 1 - pair]
                let askLength = Int(ask.pieceLength)
                add(crc: CRC32.shift(bid.pieceCRC, by: askLength, tables: shifts) ^ ask.pieceCRC,
                    length: Int(bid.pieceLength) + askLength)
            } else {
                if hasBid { add(crc: bids[bids.count - 1 - pair].pieceCRC, length: Int(bids[bids.count - 1 - pair].pieceLength)) }
                if hasAsk { add(crc: asks[asks.count - 1 - pair].pieceCRC, length: Int(asks[asks.count - 1 - pair].pieceLength)) }
            }
            states[pair] = running
        }
    }
}

/// CRC-32 (IEEE 802.3, reflected polynomial 0xEDB88320, as zlib's `crc32`), table-driven
/// with slice-by-8: eight bytes per step through eight 256-entry tables.
///
/// Hand-written because no dependency of the package provides it. Bitget's book checksum
/// is this CRC of the top-25 text, read as a signed 32-bit integer.
///
/// Besides plain hashing it offers `shift`, which advances a running value over `n` zero
/// bytes in four table lookups. CRC is linear, so the state after `A` then `B` equals
/// `shift(stateAfterA, B.count) ^ update(0, B)`: pieces hashed once can be chained
/// without touching their bytes again, which is how the book checksum avoids re-hashing
/// unchanged levels.
public enum CRC32 {
    /// The running value to start from, and to pass back into `update` chunk after chunk.
    public static let initial: UInt32 = 0xFFFF_FFFF

    /// Longest run of zero bytes `shift` handles.
    public static let maxShift = 48

    /// Eight tables of 256 entries, table `k` advancing a byte by `k` further zero bytes.
    /// Built once and never freed: a bare pointer costs the hot loops no reference counting.
    nonisolated(unsafe) static let tables: UnsafePointer<UInt32> = {
        let tables = UnsafeMutablePointer<UInt32>.allocate(capacity: 8 * 256)
        tables.initialize(repeating: 0, count: 8 * 256)
        for byte in 0..<256 {
            var crc = UInt32(byte)
            for _ in 0..<8 { crc = (crc >> 1) ^ (crc & 1 == 0 ? 0 : 0xEDB8_8320) }
            tables[byte] = crc
        }
        for byte in 0..<256 {
            for slice in 1..<8 {
                let previous = tables[(slice - 1) * 256 + byte]
                tables[slice * 256 + byte] = (previous >> 8) ^ tables[Int(previous & 0xFF)]
            }
        }
        return UnsafePointer(tables)
    }()

    /// For each `n` in `0...maxShift`, four 256-entry tables: entry `[n][k][v]` is the
    /// running value `v << 8k` advanced over `n` zero bytes.
    nonisolated(unsafe) static let shiftTables: UnsafePointer<UInt32> = {
        let shifts = UnsafeMutablePointer<UInt32>.allocate(capacity: (maxShift + 1) * 1024)
        for k in 0..<4 {
            for v in 0..<256 { shifts[k * 256 + v] = UInt32(v) << (8 * k) }
        }
        for n in 1...maxShift {
            for entry in 0..<1024 {
                let previous = shifts[(n - 1) * 1024 + entry]
                shifts[n * 1024 + entry] = (previous >> 8) ^ tables[Int(previous & 0xFF)]
            }
        }
        return UnsafePointer(shifts)
    }()

    /// Feeds `bytes` into a running value (start from `initial`).
    public static func update(_ running: UInt32, _ bytes: UnsafeRawBufferPointer) -> UInt32 {
        update(running, bytes, tables: tables)
    }

    /// The final CRC of a running value.
    public static func finish(_ running: UInt32) -> UInt32 { running ^ 0xFFFF_FFFF }

    /// CRC-32 of `bytes` in one call.
    public static func checksum(_ bytes: UnsafeRawBufferPointer) -> UInt32 {
        finish(update(initial, bytes))
    }

    /// `running` advanced over `count` zero bytes (`count` in `0...maxShift`).
    public static func shift(_ running: UInt32, by count: Int) -> UInt32 {
        precondition(count >= 0 && count <= maxShift, "CRC32.shift covers 0...\(maxShift) bytes")
        return shift(running, by: count, tables: shiftTables)
    }

    /// `shift` with the tables already in hand (hot loops hoist them).
    @inline(__always)
    static func shift(_ running: UInt32, by count: Int, tables: UnsafePointer<UInt32>) -> UInt32 {
        let t = tables + count * 1024
        return t[Int(running & 0xFF)] ^ t[256 + Int((running >> 8) & 0xFF)]
            ^ t[512 + Int((running >> 16) & 0xFF)] ^ t[768 + Int(running >> 24)]
    }

    /// `update` with the tables already in hand (hot loops hoist them).
    @inline(__always)
    static func update(_ running: UInt32, _ bytes: UnsafeRawBufferPointer, tables t: UnsafePointer<UInt32>) -> UInt32 {
        guard let start = bytes.baseAddress else { return running }
        var crc = running
        var pointer = start
        var remaining = bytes.count
        while remaining >= 8 {
            let word = UInt64(littleEndian: pointer.loadUnaligned(as: UInt64.self))
            let low = UInt32(truncatingIfNeeded: word) ^ crc
            let high = UInt32(truncatingIfNeeded: word >> 32)
            crc = t[7 * 256 + Int(low & 0xFF)] ^ t[6 * 256 + Int((low >> 8) & 0xFF)]
                ^ t[5 * 256 + Int((low >> 16) & 0xFF)] ^ t[4 * 256 + Int(low >> 24)]
                ^ t[3 * 256 + Int(high & 0xFF)] ^ t[2 * 256 + Int((high >> 8) & 0xFF)]
                ^ t[1 * 256 + Int((high >> 16) & 0xFF)] ^ t[Int(high >> 24)]
            pointer += 8
            remaining -= 8
        }
        while remaining > 0 {
            crc = (crc >> 8) ^ t[Int((crc ^ UInt32(pointer.load(as: UInt8.self))) & 0xFF)]
            pointer += 1
            remaining -= 1
        }
        return crc
    }
}

/// CRC-32 (IEEE 802.3, the zlib polynomial) as Bitget uses for book checksums.
public enum CRC32 {
    private static let table: [UInt32] = (0..<256).map { index in
        var crc = UInt32(index)
        for _ in 0..<8 { crc = (crc & 1) != 0 ? (crc >> 1) ^ 0xEDB8_8320 : crc >> 1 }
        return crc
    }

    /// The checksum of `text`'s UTF-8 bytes.
    public static func checksum(_ text: String) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in text.utf8 { crc = table[Int((crc ^ UInt32(byte)) & 0xFF)] ^ (crc >> 8) }
        return crc ^ 0xFFFF_FFFF
    }

    /// Bitget's book checksum: top 25 levels, `bid:ask` interleaved, CRC-32 read as signed.
    public static func bookChecksum(bids: [(String, String)], asks: [(String, String)]) -> Int32 {
        var parts: [String] = []
        for i in 0..<25 {
            if i < bids.count { parts.append(bids[i].0); parts.append(bids[i].1) }
            if i < asks.count { parts.append(asks[i].0); parts.append(asks[i].1) }
        }
        return Int32(bitPattern: checksum(parts.joined(separator: ":")))
    }
}

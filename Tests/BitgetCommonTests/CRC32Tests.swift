import BitgetCommon
import Testing

@Suite struct CRC32Tests {
    func crc(_ text: String) -> UInt32 { Array(text.utf8).withUnsafeBytes(CRC32.checksum) }

    @Test func matchesTheStandardCheckValues() {
        #expect(crc("123456789") == 0xCBF4_3926)
        #expect(crc("") == 0)
        #expect(crc("The quick brown fox jumps over the lazy dog") == 0x414F_A339)
    }

    @Test func incrementalUpdatesEqualOneShot() {
        let text = Array("97000.01:1.017041:97000.02:1.742930:96999.99:0.5".utf8)
        for split in 0...text.count {
            var running = CRC32.initial
            text[..<split].withUnsafeBytes { running = CRC32.update(running, $0) }
            text[split...].withUnsafeBytes { running = CRC32.update(running, $0) }
            #expect(CRC32.finish(running) == crc(String(decoding: text, as: UTF8.self)))
        }
    }

    @Test func shiftChainsIndependentlyHashedPieces() {
        let first = Array("97000.01:1.017041".utf8)
        let second = Array(":96999.99:0.000490".utf8)
        let afterFirst = first.withUnsafeBytes { CRC32.update(CRC32.initial, $0) }
        let secondAlone = second.withUnsafeBytes { CRC32.update(0, $0) }
        let chained = CRC32.shift(afterFirst, by: second.count) ^ secondAlone
        #expect(CRC32.finish(chained) == crc("97000.01:1.017041:96999.99:0.000490"))
        #expect(CRC32.shift(0x1234_5678, by: 0) == 0x1234_5678)
    }

    @Test func shiftEqualsFeedingThatManyZeroBytesForEveryLength() {
        var generator = SystemRandomNumberGenerator()
        for count in 0...CRC32.maxShift {
            let zeros = [UInt8](repeating: 0, count: count)
            let values: [UInt32] = [0, 1, 0x8000_0000, 0xFFFF_FFFF, generator.next(), generator.next()]
            for running in values {
                let fed = zeros.withUnsafeBytes { CRC32.update(running, $0) }
                #expect(CRC32.shift(running, by: count) == fed, "running \(running) over \(count) zero bytes")
            }
        }
    }
}

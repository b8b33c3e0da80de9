import SwiftletCore
import Testing

@Suite struct DecimalDigitsTests {
    @Test func timestampsAndLengthsAreWrittenAsTheirDecimalDigits() {
        for value: Int64 in [0, 7, 10, 99, 100, 1_733_000_000_123, -1, -40, .max, .min] {
            #expect(DecimalDigits.with(value) { String(decoding: $0, as: UTF8.self) } == String(value))
        }
    }
}

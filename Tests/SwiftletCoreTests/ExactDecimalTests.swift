import SwiftletCore
import Testing

@Suite struct ExactDecimalTests {
    func dec(_ text: String) -> ExactDecimal { try! ExactDecimal(text) }

    @Test func parsesAndPrintsExactly() throws {
        #expect(dec("0.1").description == "0.1")
        #expect(dec("-12.3400").description == "-12.3400")
        #expect(dec("0.10") == dec("0.1"))
        #expect(Set([dec("1.50"), dec("1.5")]).count == 1)
        #expect(throws: DecimalError.self) { try ExactDecimal("1e5") }
        #expect(throws: DecimalError.self) { try ExactDecimal("12.3.4") }
        #expect(throws: DecimalError.self) { try ExactDecimal("") }
    }

    @Test(arguments: [Int64.min, Int64.min + 1, -1_000_000_007, -5, -1, 0, 1, 7, 10, 99, 100, 123_456_789, Int64.max])
    func descriptionHasEveryDigitAndThePointAtEachScale(_ mantissa: Int64) throws {
        for scale in Int32(0)...ExactDecimal.maxScale {
            let value = try ExactDecimal(mantissa: mantissa, scale: scale)
            // Built independently: the magnitude's digits, zero-padded to one more than the
            // scale, the point inserted, then the sign.
            var digits = Array(String(mantissa.magnitude))
            if scale > 0 {
                if digits.count <= Int(scale) { digits = Array(repeating: "0", count: Int(scale) + 1 - digits.count) + digits }
                digits.insert(".", at: digits.count - Int(scale))
            }
            let expected = (mantissa < 0 ? "-" : "") + String(digits)
            #expect(value.description == expected, "mantissa \(mantissa) scale \(scale)")
            if mantissa.magnitude < 1_000_000_000_000_000_000 {  // the parser takes 18 significant digits
                #expect(try ExactDecimal(value.description) == value)
            }
        }
    }

    @Test func arithmeticIsExactAndReportsOverflow() throws {
        #expect(try dec("0.1") + dec("0.2") == dec("0.3"))
        #expect(try dec("59251.47") * dec("0.0004") == dec("23.700588"))
        #expect(throws: DecimalError.self) { try dec("59251.478437489689") * dec("0.000499990625") }
    }

    @Test func quantizesToTheIncrementsScaleInTheAskedDirection() throws {
        let price = try dec("59251.478437489689").quantized(to: dec("0.01"), .down)
        #expect(price == dec("59251.47"))
        #expect(price.scale == 2)
        #expect(try dec("60451.501").quantized(to: dec("0.01"), .up).description == "60451.51")
        #expect(try dec("7").quantized(to: dec("0.5"), .down).description == "7.0")
        #expect(try dec("7.3").quantized(to: dec("5"), .down) == dec("5"))
        #expect(try dec("-7.3").quantized(to: dec("5"), .down) == dec("-10"))
        #expect(try dec("0.000499990625").quantized(to: dec("0.0001"), .towardZero).description == "0.0004")
        #expect(throws: DecimalError.self) { try dec("1").quantized(to: .zero, .down) }
    }
}

/// The decimal digits of an integer, written on the stack: what a signed request's
/// timestamp and Content-Length, and an `ExactDecimal`'s text, are made of.
public enum DecimalDigits {
    /// Calls `body` with the ASCII decimal digits of `value`, with a "-" if negative.
    public static func with<R, E: Error>(_ value: Int64, _ body: (UnsafeRawBufferPointer) throws(E) -> R) throws(E) -> R {
        try withUnsafeTemporaryAllocation(byteCount: 20, alignment: 1) { digits throws(E) in
            var start = digits.count
            var rest = value.magnitude
            repeat {
                start -= 1
                digits[start] = UInt8(ascii: "0") + UInt8(rest % 10)
                rest /= 10
            } while rest > 0
            if value < 0 {
                start -= 1
                digits[start] = UInt8(ascii: "-")
            }
            return try body(UnsafeRawBufferPointer(rebasing: digits[start...]))
        }
    }
}

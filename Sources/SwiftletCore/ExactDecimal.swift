/// An exact decimal number: `mantissa × 10^(-scale)`.
///
/// Every price, size, balance, fee and PnL in Swiftlet is an `ExactDecimal`, never a
/// binary floating-point number. It mirrors the ABI's `swl_decimal_t`: a 64-bit
/// mantissa (up to 18 significant digits) and a scale in `0...18`. Arithmetic that
/// would overflow or lose digits throws instead of rounding silently.
///
/// Two values are equal when they denote the same number, whatever their scales:
/// `1.50 == 1.5`. The scale is kept as given, so `description` reproduces the
/// exchange's text ("0.000100" stays "0.000100").
public struct ExactDecimal: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// The integer digits: value = mantissa × 10^(-scale).
    public let mantissa: Int64
    /// Number of digits after the decimal point, in `0...maxScale`.
    public let scale: Int32

    /// The largest scale a decimal may carry (as in the ABI).
    public static let maxScale: Int32 = 18
    /// Zero with scale 0.
    public static let zero = ExactDecimal(uncheckedMantissa: 0, scale: 0)

    /// Creates a decimal from its parts; throws when the scale is out of range.
    public init(mantissa: Int64, scale: Int32) throws(DecimalError) {
        guard scale >= 0, scale <= Self.maxScale else { throw .scaleOutOfRange(scale) }
        self.mantissa = mantissa
        self.scale = scale
    }

    /// Creates a decimal from parts already known to be valid (scale in range).
    @inlinable
    public init(uncheckedMantissa mantissa: Int64, scale: Int32) {
        self.mantissa = mantissa
        self.scale = scale
    }

    /// An integer value.
    public init(_ integer: Int64) {
        self.init(uncheckedMantissa: integer, scale: 0)
    }

    /// Parses a plain decimal string such as `"97000.01"`, `"-0.5"`, `"1e-5"` is NOT accepted:
    /// exchanges send plain notation, and anything else is an error.
    public init(_ text: some StringProtocol) throws(DecimalError) {
        var copy = String(text)
        let parsed = copy.withUTF8 { buffer -> ExactDecimal? in
            ExactDecimal.parse(utf8: UnsafeRawBufferPointer(buffer))
        }
        guard let parsed else { throw .malformed(String(text)) }
        self = parsed
    }

    /// Parses plain decimal notation from UTF-8 bytes; `nil` if malformed or too long.
    ///
    /// Hand-written rather than going through `String`/`Double`: it runs on the
    /// order-book hot path for every level of every frame.
    @inlinable
    public static func parse(utf8 bytes: UnsafeRawBufferPointer) -> ExactDecimal? {
        var index = 0
        let count = bytes.count
        guard count > 0 else { return nil }
        var negative = false
        if bytes[0] == UInt8(ascii: "-") {
            negative = true
            index = 1
        } else if bytes[0] == UInt8(ascii: "+") {
            index = 1
        }
        var mantissa: UInt64 = 0
        var digits = 0
        var scale: Int32 = 0
        var seenPoint = false
        var seenDigit = false
        while index < count {
            let byte = bytes[index]
            if byte == UInt8(ascii: ".") {
                if seenPoint { return nil }
                seenPoint = true
            } else if byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") {
                seenDigit = true
                if mantissa != 0 || byte != UInt8(ascii: "0") { digits += 1 }
                if digits > 18 { return nil }
                mantissa = mantissa &* 10 &+ UInt64(byte &- UInt8(ascii: "0"))
                if seenPoint {
                    scale += 1
                    if scale > maxScale { return nil }
                }
            } else {
                return nil
            }
            index += 1
        }
        guard seenDigit else { return nil }
        let signed = Int64(mantissa)
        return ExactDecimal(uncheckedMantissa: negative ? -signed : signed, scale: scale)
    }

    /// The value in plain notation with exactly `scale` fractional digits.
    ///
    /// Written into the string's own storage from the mantissa's digits: every order body
    /// carries two of these, and `String(Int)` followed by a padded copy and an insert by
    /// `String.Index` (which walks characters) cost an order about 3 µs on a cold path.
    public var description: String {
        DecimalDigits.with(mantissa) { text in
            let sign = mantissa < 0 ? 1 : 0
            let digits = text.count - sign
            let fraction = Int(scale)
            // Zeros in front, so that at least one digit precedes the point.
            let zeros = max(fraction + 1 - digits, 0)
            let length = text.count + zeros + (fraction > 0 ? 1 : 0)
            return String(unsafeUninitializedCapacity: length) { out in
                var at = 0
                if sign == 1 { out[0] = UInt8(ascii: "-"); at = 1 }
                let written = zeros + digits
                for index in 0..<written {
                    if fraction > 0, index == written - fraction {
                        out[at] = UInt8(ascii: ".")
                        at += 1
                    }
                    out[at] = index < zeros ? UInt8(ascii: "0") : text[sign + index - zeros]
                    at += 1
                }
                return length
            }
        }
    }

    /// True when the value is zero.
    public var isZero: Bool { mantissa == 0 }
    /// True when the value is below zero.
    public var isNegative: Bool { mantissa < 0 }

    /// The same value with the sign flipped.
    public var negated: ExactDecimal {
        ExactDecimal(uncheckedMantissa: -mantissa, scale: scale)
    }

    /// The same value carried at a larger scale (`1.5` at scale 3 is `1.500`).
    /// Throws if the mantissa would overflow or `newScale` is smaller than `scale`
    /// and digits would be lost.
    public func rescaled(to newScale: Int32) throws(DecimalError) -> ExactDecimal {
        guard newScale >= 0, newScale <= Self.maxScale else { throw .scaleOutOfRange(newScale) }
        if newScale == scale { return self }
        if newScale > scale {
            let factor = Self.powerOfTen(newScale - scale)
            let (product, overflow) = mantissa.multipliedReportingOverflow(by: factor)
            guard !overflow else { throw .overflow }
            return ExactDecimal(uncheckedMantissa: product, scale: newScale)
        }
        let factor = Self.powerOfTen(scale - newScale)
        guard mantissa % factor == 0 else { throw .precisionLoss(description, newScale) }
        return ExactDecimal(uncheckedMantissa: mantissa / factor, scale: newScale)
    }

    /// Rounds to `newScale` digits toward zero or away from zero as `mode` says.
    public func rounded(toScale newScale: Int32, _ mode: RoundingMode) throws(DecimalError) -> ExactDecimal {
        if newScale >= scale { return try rescaled(to: newScale) }
        let factor = Self.powerOfTen(scale - newScale)
        var quotient = mantissa / factor
        let remainder = mantissa % factor
        if remainder != 0 {
            switch mode {
            case .down: if mantissa < 0 { quotient -= 1 }
            case .up: if mantissa > 0 { quotient += 1 }
            case .towardZero: break
            }
        }
        return ExactDecimal(uncheckedMantissa: quotient, scale: newScale)
    }

    /// Rounds to a multiple of `increment` (a tick or lot size), carried at the
    /// increment's scale (so `59251.4784` on tick `0.01` is `59251.47`, not `59251.4700`).
    public func quantized(to increment: ExactDecimal, _ mode: RoundingMode) throws(DecimalError) -> ExactDecimal {
        guard increment.mantissa > 0 else { throw .invalidIncrement(increment.description) }
        let common = max(scale, increment.scale)
        let value = try rescaled(to: common).mantissa
        let step = try increment.rescaled(to: common).mantissa
        var steps = value / step
        let remainder = value % step
        if remainder != 0 {
            switch mode {
            case .down: if value < 0 { steps -= 1 }
            case .up: if value > 0 { steps += 1 }
            case .towardZero: break
            }
        }
        let (product, overflow) = steps.multipliedReportingOverflow(by: increment.mantissa)
        guard !overflow else { throw .overflow }
        return ExactDecimal(uncheckedMantissa: product, scale: increment.scale)
    }

    /// True when the value is an exact multiple of `increment`.
    public func isMultiple(of increment: ExactDecimal) -> Bool {
        guard let quantized = try? quantized(to: increment, .towardZero) else { return false }
        return quantized == self
    }

    /// How `rounded` and `quantized` treat digits that do not fit.
    public enum RoundingMode: Sendable {
        /// Toward negative infinity (a bid price, a sell size).
        case down
        /// Toward positive infinity.
        case up
        /// Drop the extra digits.
        case towardZero
    }

    /// `lhs + rhs`, exact; throws on overflow.
    public static func adding(_ lhs: ExactDecimal, _ rhs: ExactDecimal) throws(DecimalError) -> ExactDecimal {
        let common = max(lhs.scale, rhs.scale)
        let a = try lhs.rescaled(to: common).mantissa
        let b = try rhs.rescaled(to: common).mantissa
        let (sum, overflow) = a.addingReportingOverflow(b)
        guard !overflow else { throw .overflow }
        return ExactDecimal(uncheckedMantissa: sum, scale: common)
    }

    /// `lhs - rhs`, exact; throws on overflow.
    public static func subtracting(_ lhs: ExactDecimal, _ rhs: ExactDecimal) throws(DecimalError) -> ExactDecimal {
        try adding(lhs, rhs.negated)
    }

    /// `lhs × rhs`, exact; throws on overflow or when the scale would exceed 18
    /// (use `rounded` on the operands first).
    public static func multiplying(_ lhs: ExactDecimal, _ rhs: ExactDecimal) throws(DecimalError) -> ExactDecimal {
        var (product, overflow) = lhs.mantissa.multipliedReportingOverflow(by: rhs.mantissa)
        guard !overflow else { throw .overflow }
        var scale = lhs.scale + rhs.scale
        // Drop trailing zeros beyond the maximum scale rather than failing.
        while scale > maxScale, product % 10 == 0 {
            product /= 10
            scale -= 1
        }
        guard scale <= maxScale else { throw .scaleOutOfRange(scale) }
        overflow = false
        return ExactDecimal(uncheckedMantissa: product, scale: scale)
    }

    /// `lhs ÷ rhs` to `scale` digits, rounded as `mode` says; throws on division by zero.
    public static func dividing(_ lhs: ExactDecimal, _ rhs: ExactDecimal, scale: Int32,
                                _ mode: RoundingMode) throws(DecimalError) -> ExactDecimal {
        guard rhs.mantissa != 0 else { throw .divisionByZero }
        guard scale >= 0, scale <= maxScale else { throw .scaleOutOfRange(scale) }
        // value = (lm / 10^ls) / (rm / 10^rs) = lm * 10^(rs - ls) / rm; want * 10^scale.
        let exponent = Int(scale) + Int(rhs.scale) - Int(lhs.scale)
        var numerator = Int128(lhs.mantissa)
        var denominator = Int128(rhs.mantissa)
        if exponent >= 0 {
            for _ in 0..<exponent { numerator *= 10 }
        } else {
            for _ in 0..<(-exponent) { denominator *= 10 }
        }
        var quotient = numerator / denominator
        let remainder = numerator % denominator
        if remainder != 0 {
            let positive = (numerator < 0) == (denominator < 0)
            switch mode {
            case .down: if !positive { quotient -= 1 }
            case .up: if positive { quotient += 1 }
            case .towardZero: break
            }
        }
        guard let result = Int64(exactly: quotient) else { throw .overflow }
        return ExactDecimal(uncheckedMantissa: result, scale: scale)
    }

    public static func + (lhs: ExactDecimal, rhs: ExactDecimal) throws(DecimalError) -> ExactDecimal {
        try adding(lhs, rhs)
    }

    public static func - (lhs: ExactDecimal, rhs: ExactDecimal) throws(DecimalError) -> ExactDecimal {
        try subtracting(lhs, rhs)
    }

    public static func * (lhs: ExactDecimal, rhs: ExactDecimal) throws(DecimalError) -> ExactDecimal {
        try multiplying(lhs, rhs)
    }

    public static func < (lhs: ExactDecimal, rhs: ExactDecimal) -> Bool {
        compare(lhs, rhs) < 0
    }

    public static func == (lhs: ExactDecimal, rhs: ExactDecimal) -> Bool {
        compare(lhs, rhs) == 0
    }

    public func hash(into hasher: inout Hasher) {
        // Hash the normalized form so equal values hash alike.
        var m = mantissa
        var s = scale
        while s > 0, m % 10 == 0 {
            m /= 10
            s -= 1
        }
        hasher.combine(m)
        hasher.combine(s)
    }

    /// -1, 0 or 1; exact for every pair of valid decimals.
    public static func compare(_ lhs: ExactDecimal, _ rhs: ExactDecimal) -> Int {
        if lhs.scale == rhs.scale {
            return lhs.mantissa < rhs.mantissa ? -1 : (lhs.mantissa == rhs.mantissa ? 0 : 1)
        }
        let common = max(lhs.scale, rhs.scale)
        let a = Int128(lhs.mantissa) * Int128(powerOfTen(common - lhs.scale))
        let b = Int128(rhs.mantissa) * Int128(powerOfTen(common - rhs.scale))
        return a < b ? -1 : (a == b ? 0 : 1)
    }

    /// 10^exponent for exponent in 0...18.
    @inlinable
    public static func powerOfTen(_ exponent: Int32) -> Int64 {
        var result: Int64 = 1
        for _ in 0..<exponent { result &*= 10 }
        return result
    }
}

/// Why a decimal operation failed.
public enum DecimalError: Error, Sendable, Equatable, CustomStringConvertible {
    case malformed(String)
    case scaleOutOfRange(Int32)
    case overflow
    case precisionLoss(String, Int32)
    case divisionByZero
    case invalidIncrement(String)

    public var description: String {
        switch self {
        case .malformed(let text): "not a plain decimal number: \"\(text.prefix(40))\""
        case .scaleOutOfRange(let scale): "decimal scale \(scale) is outside 0...18"
        case .overflow: "decimal overflow (more than 18 significant digits)"
        case .precisionLoss(let value, let scale): "\(value) cannot be written with \(scale) decimals without rounding"
        case .divisionByZero: "division by zero"
        case .invalidIncrement(let increment): "increment must be positive, got \(increment)"
        }
    }
}

/// Encoded as its exact decimal text (`"0.10"`), never as a binary floating-point number.
extension ExactDecimal: Codable {
    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        do {
            self = try ExactDecimal(text)
        } catch {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath,
                                                    debugDescription: "not an exact decimal: \"\(text)\""))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}

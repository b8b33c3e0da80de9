/// Multiplication and division that round instead of failing when the exact result has
/// more digits than an `ExactDecimal` holds — what a strategy needs to turn a mid price
/// and a spread into a quote. The result carries at most `maxScale` decimals, and fewer
/// when that is the only way to fit 18 significant digits; each dropped digit is rounded
/// as `mode` says, so a bid rounded `.down` never ends up above the exact value. Trailing
/// zeros are dropped (`98.625`, not `98.625000`).
extension ExactDecimal {
    /// `self × other`, rounded to at most `maxScale` decimals.
    public func multiplied(by other: ExactDecimal, maxScale: Int32 = ExactDecimal.maxScale,
                           _ mode: RoundingMode) throws(DecimalError) -> ExactDecimal {
        let product = Int128(mantissa) * Int128(other.mantissa)
        return try Self.fitting(product, scale: scale + other.scale, maxScale: maxScale, mode)
    }

    /// `self ÷ other`, rounded to at most `maxScale` decimals; throws on division by zero.
    public func divided(by other: ExactDecimal, maxScale: Int32 = ExactDecimal.maxScale,
                        _ mode: RoundingMode) throws(DecimalError) -> ExactDecimal {
        guard other.mantissa != 0 else { throw .divisionByZero }
        var target = Swift.min(Swift.max(maxScale, 0), Self.maxScale)
        // self / other = (m1 / m2) × 10^(s2 - s1), computed at `target` decimals. A numerator
        // that would leave Int128 means a quotient far beyond 64 bits at that scale, so the
        // scale is lowered instead (the digits would be dropped anyway).
        var exponent = Int(target) + Int(other.scale) - Int(scale)
        var numerator = Int128(mantissa)
        var denominator = Int128(other.mantissa)
        while exponent > 0 {
            let (next, overflow) = numerator.multipliedReportingOverflow(by: 10)
            if overflow {
                target -= Int32(exponent)
                break
            }
            numerator = next
            exponent -= 1
        }
        while exponent < 0 {
            denominator *= 10
            exponent += 1
        }
        guard target >= 0 else { throw .overflow }
        let quotient = Self.divide(numerator, denominator, mode)
        return try Self.fitting(quotient, scale: target, maxScale: target, mode)
    }

    /// `value × 10^(-scale)` with the scale lowered to `maxScale` and further until the
    /// mantissa fits 64 bits, rounding every dropped digit as `mode` says.
    private static func fitting(_ value: Int128, scale: Int32, maxScale: Int32,
                                _ mode: RoundingMode) throws(DecimalError) -> ExactDecimal {
        var mantissa = value
        var currentScale = scale
        let limit = Swift.min(Swift.max(maxScale, 0), Self.maxScale)
        while currentScale > limit || (Int64(exactly: mantissa) == nil && currentScale > 0) {
            mantissa = divide(mantissa, 10, mode)
            currentScale -= 1
        }
        // Trailing zeros carry nothing in a computed value: 98.625000 is written 98.625.
        while currentScale > 0, mantissa % 10 == 0 {
            mantissa /= 10
            currentScale -= 1
        }
        guard let fitted = Int64(exactly: mantissa) else { throw .overflow }
        return ExactDecimal(uncheckedMantissa: fitted, scale: currentScale)
    }

    /// `numerator ÷ denominator` rounded as `mode` says.
    private static func divide(_ numerator: Int128, _ denominator: Int128, _ mode: RoundingMode) -> Int128 {
        var quotient = numerator / denominator
        if numerator % denominator != 0 {
            let positive = (numerator < 0) == (denominator < 0)
            switch mode {
            case .down: if !positive { quotient -= 1 }
            case .up: if positive { quotient += 1 }
            case .towardZero: break
            }
        }
        return quotient
    }
}

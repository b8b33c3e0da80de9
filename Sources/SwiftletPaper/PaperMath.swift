import SwiftletCore

/// Exact arithmetic for the paper exchange: every failure (overflow, a scale past 18,
/// division by zero) becomes a `PaperError` naming what was being computed, never a crash
/// or a silently rounded number.
enum PaperMath {
    /// `a + b`.
    static func add(_ a: ExactDecimal, _ b: ExactDecimal, _ what: @autoclosure () -> String) throws(PaperError) -> ExactDecimal {
        do { return try a + b } catch { throw .arithmetic(what(), error) }
    }

    /// `a - b`.
    static func sub(_ a: ExactDecimal, _ b: ExactDecimal, _ what: @autoclosure () -> String) throws(PaperError) -> ExactDecimal {
        do { return try a - b } catch { throw .arithmetic(what(), error) }
    }

    /// `a × b`, exact.
    static func mul(_ a: ExactDecimal, _ b: ExactDecimal, _ what: @autoclosure () -> String) throws(PaperError) -> ExactDecimal {
        do { return try a * b } catch { throw .arithmetic(what(), error) }
    }

    /// `a ÷ b` to `scale` digits.
    static func div(_ a: ExactDecimal, _ b: ExactDecimal, scale: Int32, _ mode: ExactDecimal.RoundingMode,
                    _ what: @autoclosure () -> String) throws(PaperError) -> ExactDecimal {
        do { return try ExactDecimal.dividing(a, b, scale: scale, mode) } catch { throw .arithmetic(what(), error) }
    }

    /// `a × b` rounded to `scale` digits (a fee: notional × rate).
    static func product(_ a: ExactDecimal, _ b: ExactDecimal, scale: Int32, _ mode: ExactDecimal.RoundingMode,
                        _ what: @autoclosure () -> String) throws(PaperError) -> ExactDecimal {
        try mulDiv(a, b, ExactDecimal(1), scale: scale, mode, what())
    }

    /// `a × b ÷ c` rounded once, to `scale` digits (a share of a reserve or of a position).
    /// The intermediate product is exact in 128 bits.
    static func mulDiv(_ a: ExactDecimal, _ b: ExactDecimal, _ c: ExactDecimal, scale: Int32,
                       _ mode: ExactDecimal.RoundingMode, _ what: @autoclosure () -> String) throws(PaperError) -> ExactDecimal {
        guard !c.isZero else { throw .arithmetic(what(), .divisionByZero) }
        guard scale >= 0, scale <= ExactDecimal.maxScale else { throw .arithmetic(what(), .scaleOutOfRange(scale)) }
        // mantissa at `scale` = a.m × b.m × 10^exponent ÷ c.m
        let exponent = Int(scale) + Int(c.scale) - Int(a.scale) - Int(b.scale)
        var numerator = Int128(a.mantissa) * Int128(b.mantissa)
        var denominator = Int128(c.mantissa)
        var denominatorTooLarge = false
        if exponent > 0 {
            let (scaled, overflow) = numerator.multipliedReportingOverflow(by: powerOfTen(exponent))
            guard !overflow else { throw .arithmetic(what(), .overflow) }
            numerator = scaled
        } else if exponent < 0 {
            let (scaled, overflow) = denominator.multipliedReportingOverflow(by: powerOfTen(-exponent))
            // |numerator| < 2^126 is then below |denominator|: the quotient is 0, rounded below.
            denominatorTooLarge = overflow
            denominator = scaled
        }
        var quotient: Int128 = 0
        var remainder = numerator
        if !denominatorTooLarge {
            quotient = numerator / denominator
            remainder = numerator % denominator
        }
        if remainder != 0 {
            let positive = (numerator < 0) == (c.mantissa < 0)
            switch mode {
            case .down: if !positive { quotient -= 1 }
            case .up: if positive { quotient += 1 }
            case .towardZero: break
            }
        }
        guard let mantissa = Int64(exactly: quotient) else { throw .arithmetic(what(), .overflow) }
        return ExactDecimal(uncheckedMantissa: mantissa, scale: scale)
    }

    private static func powerOfTen(_ exponent: Int) -> Int128 {
        var result: Int128 = 1
        for _ in 0..<exponent { result *= 10 }
        return result
    }
}

import SwiftletCore

/// Conversions between `ExactDecimal` and the integer ticks/lots the matching engine uses.
extension ExactDecimal {
    /// The value as an integer count of `10^-scale` units; `nil` if it has more digits.
    func units(atScale scale: Int32) -> Int64? {
        guard let rescaled = try? self.rescaled(to: scale) else { return nil }
        return rescaled.mantissa
    }

    /// `units × 10^-scale`.
    static func fromUnits(_ units: Int64, scale: Int32) -> ExactDecimal {
        ExactDecimal(uncheckedMantissa: units, scale: scale)
    }

    /// Sum that treats overflow as a programming error in the simulator's own bookkeeping.
    func plus(_ other: ExactDecimal) -> ExactDecimal { (try? ExactDecimal.adding(self, other)) ?? self }
    /// Difference, as `plus`.
    func minus(_ other: ExactDecimal) -> ExactDecimal { (try? ExactDecimal.subtracting(self, other)) ?? self }
    /// Product rounded down to `scale` digits.
    func times(_ other: ExactDecimal, scale: Int32) -> ExactDecimal {
        guard let product = try? ExactDecimal.multiplying(self, other) else { return .zero }
        return (try? product.rounded(toScale: scale, .towardZero)) ?? product
    }
    /// Plain text with trailing fractional zeros removed (`"1.500"` → `"1.5"`).
    var trimmed: String {
        var text = description
        guard text.contains(".") else { return text }
        while text.hasSuffix("0") { text.removeLast() }
        if text.hasSuffix(".") { text.removeLast() }
        return text
    }
}

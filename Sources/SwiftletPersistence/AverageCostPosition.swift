import SwiftletCore

/// A signed inventory valued at average cost, for realized PnL of spot and linear perpetuals.
///
/// `inventory` is positive long, negative short; `costBasis` is Σ price × signed size of what is
/// still open (average entry = costBasis / inventory). A fill on the side of the inventory (or
/// from flat) adds to both, exactly. A fill against it closes `k = min(|size|, |inventory|)`,
/// realizing `price × k × direction − released`, where `released` is the closed share of the
/// cost basis: `costBasis × k / |inventory|`, rounded toward zero to the cost basis's scale but
/// at least ``releaseScale`` digits; the remainder stays in the position, so a full close
/// realizes the exact total. The rest of a larger fill opens the other way at its price (a flip
/// goes through zero). The cost basis is kept without trailing zeros, so its scale stays small.
struct AverageCostPosition: Hashable {
    /// Fewest decimals of the cost released by a partial close.
    static let releaseScale: Int32 = 8

    private(set) var inventory = ExactDecimal.zero
    private(set) var costBasis = ExactDecimal.zero

    /// Applies a fill of `signedSize` (buy positive, sell negative) at `price`; returns the PnL it
    /// realized, without trailing zeros.
    mutating func apply(signedSize: ExactDecimal, price: ExactDecimal) throws(DecimalError) -> ExactDecimal {
        if inventory.isZero || inventory.isNegative == signedSize.isNegative {
            inventory = try inventory + signedSize
            costBasis = Self.trimmed(try costBasis + price * signedSize)
            return .zero
        }
        let held = Self.magnitude(inventory)
        let traded = Self.magnitude(signedSize)
        let closed = min(traded, held)
        let released = closed == held ? costBasis : try Self.share(of: costBasis, part: closed, whole: held)
        let proceeds = try price * closed
        let realized = try (inventory.isNegative ? proceeds.negated : proceeds) - released
        inventory = try inventory + signedSize
        costBasis = Self.trimmed(traded > held ? try price * inventory : try costBasis - released)
        return Self.trimmed(realized)
    }

    /// costBasis ÷ inventory to `scale` digits (toward zero); nil when flat.
    func averageEntry(scale: Int32) throws(DecimalError) -> ExactDecimal? {
        guard !inventory.isZero else { return nil }
        return try ExactDecimal.dividing(costBasis, inventory, scale: scale, .towardZero)
    }

    /// inventory × mark − costBasis (= inventory × (mark − average entry), exactly), without
    /// trailing zeros.
    func unrealized(mark: ExactDecimal) throws(DecimalError) -> ExactDecimal {
        guard !inventory.isZero else { return .zero }
        return Self.trimmed(try inventory * mark - costBasis)
    }

    private static func magnitude(_ value: ExactDecimal) -> ExactDecimal {
        value.isNegative ? value.negated : value
    }

    /// `value` without trailing fractional zeros (`63.000` → `63`).
    private static func trimmed(_ value: ExactDecimal) -> ExactDecimal {
        var mantissa = value.mantissa, scale = value.scale
        while scale > 0, mantissa % 10 == 0 {
            mantissa /= 10
            scale -= 1
        }
        return ExactDecimal(uncheckedMantissa: mantissa, scale: scale)
    }

    /// value × part ÷ whole to max(value's scale, releaseScale) digits, toward zero (Int128, so
    /// the product cannot overflow or exceed scale 18 on the way).
    private static func share(of value: ExactDecimal, part: ExactDecimal, whole: ExactDecimal) throws(DecimalError) -> ExactDecimal {
        guard !whole.isZero else { throw .divisionByZero }
        // value.m·10^-vs × part.m·10^-ps ÷ (whole.m·10^-ws), as a mantissa at scale s:
        // value.m × part.m × 10^(s − vs + ws − ps) ÷ whole.m.
        let scale = max(value.scale, releaseScale)
        var numerator = Int128(value.mantissa) * Int128(part.mantissa)
        var denominator = Int128(whole.mantissa)
        let exponent = Int(scale) - Int(value.scale) + Int(whole.scale) - Int(part.scale)
        for _ in 0..<abs(exponent) {
            var overflow: Bool
            if exponent > 0 {
                (numerator, overflow) = numerator.multipliedReportingOverflow(by: 10)
            } else {
                (denominator, overflow) = denominator.multipliedReportingOverflow(by: 10)
            }
            guard !overflow else { throw .overflow }
        }
        guard let mantissa = Int64(exactly: numerator / denominator) else { throw .overflow }
        return ExactDecimal(uncheckedMantissa: mantissa, scale: scale)
    }
}

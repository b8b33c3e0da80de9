public import SwiftletPluginKit

/// How far the inventory is from its target, and what that does to the quotes.
///
/// `deviation` is Hummingbot's inventory skew expressed as one number in −1…1:
///
/// - total value `V = base × price + quote`; base value `B = base × price`;
/// - target `T = V × inventory_target_base_pct`;
/// - range `R = min(total_order_size × inventory_range_multiplier × price, V / 2)`;
/// - below target: `deviation = −min(1, (T − B) / (T − max(T − R, 0)))`;
///   at or above it: `deviation = min(1, (B − T) / R)`.
///
/// Sizes (Hummingbot's bid/ask ratios): bids × `1 − deviation`, asks × `1 + deviation`.
/// So with too much base the bids shrink (to 0 at the top of the range) and the asks grow
/// (to ×2).
///
/// Prices (Swiftlet's addition): both quotes move by
/// `−deviation × min(bid_spread, ask_spread) / 2 × mid` — with too much base both prices go
/// DOWN (buy cheaper, sell sooner), with too little both go UP. At most half of the smaller
/// spread, so neither quote ever reaches the mid.
public struct InventorySkew: Sendable, Equatable {
    /// −1…1: negative holds too little base, positive too much, 0 is on target.
    public let deviation: ExactDecimal

    /// No skew.
    public static let neutral = InventorySkew(deviation: .zero)

    /// Decimals kept in the deviation.
    static let scale: Int32 = 10

    public init(deviation: ExactDecimal) {
        self.deviation = deviation
    }

    /// Multiplier of bid sizes: `1 − deviation` (0…2).
    public var bidRatio: ExactDecimal {
        get throws(DecimalError) { try ExactDecimal(1) - deviation }
    }

    /// Multiplier of ask sizes: `1 + deviation` (0…2).
    public var askRatio: ExactDecimal {
        get throws(DecimalError) { try ExactDecimal(1) + deviation }
    }

    /// The skew for these balances at `price`; nil when the portfolio is worth nothing
    /// (Hummingbot then quotes nothing).
    public static func compute(base: ExactDecimal, quote: ExactDecimal, price: ExactDecimal,
                               targetBaseShare: ExactDecimal, totalOrderSize: ExactDecimal,
                               rangeMultiplier: ExactDecimal) throws(DecimalError) -> InventorySkew? {
        let baseValue = try base.multiplied(by: price, maxScale: scale, .towardZero)
        let total = try baseValue + quote
        guard total > .zero else { return nil }
        let target = try total.multiplied(by: targetBaseShare, maxScale: scale, .towardZero)
        let rangeSize = try totalOrderSize.multiplied(by: rangeMultiplier, maxScale: scale, .towardZero)
        let rangeValue = min(try rangeSize.multiplied(by: price, maxScale: scale, .towardZero),
                             try total.divided(by: ExactDecimal(2), maxScale: scale, .towardZero))
        let deviation: ExactDecimal
        if baseValue < target {
            let left = max(try target - rangeValue, .zero)
            let width = try target - left
            deviation = width.isZero ? ExactDecimal(-1)
                : try clamped(target - baseValue, over: width).negated
        } else {
            deviation = rangeValue.isZero ? (baseValue > target ? ExactDecimal(1) : .zero)
                : try clamped(baseValue - target, over: rangeValue)
        }
        return InventorySkew(deviation: deviation)
    }

    /// `distance / width` limited to 0…1.
    private static func clamped(_ distance: ExactDecimal, over width: ExactDecimal) throws(DecimalError) -> ExactDecimal {
        let ratio = try distance.divided(by: width, maxScale: scale, .towardZero)
        return min(max(ratio, .zero), ExactDecimal(1))
    }
}

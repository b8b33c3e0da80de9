public import SwiftletPluginKit

/// Parameters of the pure market-making strategy: Hummingbot's `pure_market_making` keys,
/// read from the plugin's JSON config.
///
/// Units: every spread, tolerance and share is a FRACTION (`"0.001"` = 0.1 %; Hummingbot's
/// percent values divided by 100) and is refused at 1 or above, so a percent typed by
/// habit fails loudly. Times are seconds (decimal). Amounts are base-asset units. Decimals
/// may be strings or JSON numbers; they are read exactly.
///
/// | key | default | meaning |
/// |---|---|---|
/// | `connector` | `"bitget"` | connector id to trade on |
/// | `symbol` | required | exchange symbol, e.g. `"BTCUSDT"` |
/// | `bid_spread`, `ask_spread` | required | distance of the first level from mid |
/// | `order_amount` | required | size of the first level |
/// | `order_levels` | 1 | orders per side |
/// | `order_level_spread` | 0 | extra distance per further level |
/// | `order_level_amount` | 0 | extra size per further level (may be negative) |
/// | `order_refresh_time` | 30 | seconds between refresh decisions |
/// | `order_refresh_tolerance_pct` | 0 | keep orders whose prices moved at most this much; negative: always refresh |
/// | `minimum_spread` | none | cancel (and do not place) an order closer to mid than this; negative: none |
/// | `filled_order_delay` | 60 | seconds to wait after a full fill before quoting again |
/// | `inventory_skew_enabled` | false | skew sizes and prices toward the inventory target |
/// | `inventory_target_base_pct` | 0.5 | target share of the portfolio value held in base |
/// | `inventory_range_multiplier` | 1 | skew range in multiples of the total order size |
/// | `price_ceiling`, `price_floor` | none | no buys at/above the ceiling, no sells at/below the floor; ≤ 0: none |
/// | `base_asset`, `quote_asset` | from symbol | balances used by the inventory skew |
/// | `time_in_force` | `"post_only"` | `"post_only"` or `"gtc"` |
public struct PureMarketMakingConfig: Sendable, Equatable {
    public var connector: String
    public var symbol: String
    public var bidSpread: ExactDecimal
    public var askSpread: ExactDecimal
    public var orderAmount: ExactDecimal
    public var orderLevels: Int
    public var orderLevelSpread: ExactDecimal
    public var orderLevelAmount: ExactDecimal
    /// Nanoseconds.
    public var orderRefreshTime: Int64
    /// Fraction; negative means every refresh replaces the orders.
    public var orderRefreshTolerance: ExactDecimal
    /// Fraction, or nil for no minimum.
    public var minimumSpread: ExactDecimal?
    /// Nanoseconds.
    public var filledOrderDelay: Int64
    public var inventorySkewEnabled: Bool
    /// Fraction of the portfolio value wanted in the base asset.
    public var inventoryTargetBase: ExactDecimal
    public var inventoryRangeMultiplier: ExactDecimal
    public var priceCeiling: ExactDecimal?
    public var priceFloor: ExactDecimal?
    /// Empty when it could not be derived from the symbol and skew is off (unused then).
    public var baseAsset: String
    public var quoteAsset: String
    public var timeInForce: TimeInForce

    /// Reads and checks the config; errors name the key.
    public init(json: String) throws(PluginError) {
        let config = try PluginConfig(json: json)
        connector = try config.string("connector") ?? "bitget"
        symbol = try config.requiredString("symbol")
        bidSpread = try Self.fraction(config, "bid_spread", required: true) ?? .zero
        askSpread = try Self.fraction(config, "ask_spread", required: true) ?? .zero
        orderAmount = try config.requiredDecimal("order_amount")
        guard orderAmount > .zero else { throw PluginConfig.invalid("order_amount", "must be positive, got \(orderAmount)") }
        orderLevels = try config.integer("order_levels") ?? 1
        guard (1...50).contains(orderLevels) else {
            throw PluginConfig.invalid("order_levels", "must be between 1 and 50, got \(orderLevels)")
        }
        orderLevelSpread = try Self.fraction(config, "order_level_spread") ?? .zero
        orderLevelAmount = try config.decimal("order_level_amount") ?? .zero
        orderRefreshTime = try config.seconds("order_refresh_time") ?? 30_000_000_000
        guard orderRefreshTime > 0 else { throw PluginConfig.invalid("order_refresh_time", "must be positive (seconds)") }
        orderRefreshTolerance = try config.decimal("order_refresh_tolerance_pct") ?? .zero
        guard orderRefreshTolerance < ExactDecimal(1) else {
            throw PluginConfig.invalid("order_refresh_tolerance_pct", "is a fraction (0.01 = 1%) and must be below 1, got \(orderRefreshTolerance)")
        }
        if let minimum = try config.decimal("minimum_spread"), !minimum.isNegative {
            guard minimum < ExactDecimal(1) else {
                throw PluginConfig.invalid("minimum_spread", "is a fraction (0.01 = 1%) and must be below 1, got \(minimum)")
            }
            minimumSpread = minimum
        } else {
            minimumSpread = nil
        }
        filledOrderDelay = try config.seconds("filled_order_delay") ?? 60_000_000_000
        inventorySkewEnabled = try config.bool("inventory_skew_enabled") ?? false
        inventoryTargetBase = try config.decimal("inventory_target_base_pct") ?? ExactDecimal(uncheckedMantissa: 5, scale: 1)
        guard inventoryTargetBase >= .zero, inventoryTargetBase <= ExactDecimal(1) else {
            throw PluginConfig.invalid("inventory_target_base_pct",
                                       "is a fraction of the portfolio (0.5 = 50%) and must be in 0...1, got \(inventoryTargetBase)")
        }
        inventoryRangeMultiplier = try config.decimal("inventory_range_multiplier") ?? ExactDecimal(1)
        guard inventoryRangeMultiplier > .zero else {
            throw PluginConfig.invalid("inventory_range_multiplier", "must be positive, got \(inventoryRangeMultiplier)")
        }
        priceCeiling = try Self.optionalPrice(config, "price_ceiling")
        priceFloor = try Self.optionalPrice(config, "price_floor")
        if let priceCeiling, let priceFloor, priceCeiling <= priceFloor {
            throw PluginConfig.invalid("price_ceiling", "(\(priceCeiling)) must be above price_floor (\(priceFloor))")
        }
        let derived = Self.splitSymbol(symbol)
        baseAsset = try config.string("base_asset") ?? derived?.base ?? ""
        quoteAsset = try config.string("quote_asset") ?? derived?.quote ?? ""
        if inventorySkewEnabled, baseAsset.isEmpty || quoteAsset.isEmpty {
            throw PluginConfig.invalid("base_asset", "and 'quote_asset' are required for inventory skew: symbol '\(symbol)' has no known quote suffix")
        }
        switch try config.string("time_in_force") ?? "post_only" {
        case "post_only": timeInForce = .postOnly
        case "gtc": timeInForce = .gtc
        case let other: throw PluginConfig.invalid("time_in_force", "must be \"post_only\" or \"gtc\", got \"\(other)\"")
        }
        // The deepest bid must stay above zero.
        let deepest = try? ExactDecimal.adding(bidSpread, orderLevelSpread.multiplied(by: ExactDecimal(Int64(orderLevels - 1)), .up))
        guard let deepest, deepest < ExactDecimal(1) else {
            throw PluginConfig.invalid("order_level_spread", "puts the deepest bid at or below zero (bid_spread + (order_levels - 1) × order_level_spread must be below 1)")
        }
    }

    /// Total size of one side when every level is placed (Hummingbot's total order size).
    public var totalOrderSize: ExactDecimal {
        get throws(DecimalError) {
            var total = ExactDecimal.zero
            for level in 0..<orderLevels {
                total = try total + levelSize(level)
            }
            return total
        }
    }

    /// Size of `level` before any skew: `order_amount + level × order_level_amount`.
    public func levelSize(_ level: Int) throws(DecimalError) -> ExactDecimal {
        try orderAmount + orderLevelAmount * ExactDecimal(Int64(level))
    }

    /// Quote assets recognised at the end of a symbol, longest first.
    static let knownQuotes = ["FDUSD", "USDT", "USDC", "USDE", "BUSD", "EUR", "BRL", "TRY", "BTC", "ETH", "BGB", "DAI"]

    /// `"BTCUSDT"` → ("BTC", "USDT"); nil when no known quote ends the symbol.
    static func splitSymbol(_ symbol: String) -> (base: String, quote: String)? {
        let upper = symbol.uppercased()
        for quote in knownQuotes where upper.hasSuffix(quote) && upper.count > quote.count {
            return (String(upper.dropLast(quote.count)), quote)
        }
        return nil
    }

    private static func fraction(_ config: PluginConfig, _ key: String, required: Bool = false) throws(PluginError) -> ExactDecimal? {
        guard let value = required ? try config.requiredDecimal(key) : try config.decimal(key) else { return nil }
        guard !value.isNegative, value < ExactDecimal(1) else {
            throw PluginConfig.invalid(key, "is a fraction (0.01 = 1%) and must be at least 0 and below 1, got \(value)")
        }
        return value
    }

    private static func optionalPrice(_ config: PluginConfig, _ key: String) throws(PluginError) -> ExactDecimal? {
        guard let value = try config.decimal(key), value > .zero else { return nil }
        return value
    }
}

public import SwiftletPluginKit

/// Parameters of the candle directional strategy, read from the plugin's JSON config.
///
/// Fractions are fractions (`"0.01"` = 1 %), times are seconds (decimal), amounts are base
/// units. Decimals may be strings or JSON numbers; they are read exactly.
///
/// | key | default | meaning |
/// |---|---|---|
/// | `feed_plugin` | `"bitget_candles"` | id of the candle feed plugin instance |
/// | `feed` | `"bitget_perpetual_candles"` | feed served by it |
/// | `connector` | `"bitget_perpetual"` | connector id to trade on |
/// | `symbol` | required | e.g. `"BTCUSDT"` |
/// | `interval` | `"1m"` | `1m 3m 5m 15m 30m 1h 4h 6h 12h 1d 3d 1w 1M` |
/// | `signal` | `"sma_cross"` | the only signal for now: SMA crossover of closes |
/// | `fast_period`, `slow_period` | 9, 21 | SMA lengths in candles, `1 ≤ fast < slow ≤ 500` |
/// | `order_amount` | required | position size, base units |
/// | `stop_loss` | none | exit when price moves this fraction against the entry (0 < x < 1) |
/// | `take_profit` | none | exit when price moves this fraction in favour (> 0) |
/// | `time_limit` | none | exit this many seconds after the entry filled |
/// | `cooldown` | 0 | seconds after a position closes before a new entry |
/// | `price_channel` | `"ticker"` | where the last price comes from: `"ticker"`, `"trades"` or `"book"` (mid) |
public struct CandleDirectionalConfig: Sendable, Equatable {
    /// Where exits read the last price from.
    public enum PriceChannel: String, Sendable, Equatable {
        case ticker, trades, book

        /// The market channel to subscribe to.
        public var channel: MarketChannel {
            switch self {
            case .ticker: .ticker
            case .trades: .trades
            case .book: .book
            }
        }
    }

    public var feedPlugin: String
    public var feed: String
    public var connector: String
    public var symbol: String
    public var interval: String
    /// Length of one candle, ns (`1M` counts 31 days: it only judges whether a candle is recent).
    public var intervalNanoseconds: Int64
    public var fastPeriod: Int
    public var slowPeriod: Int
    public var orderAmount: ExactDecimal
    public var stopLoss: ExactDecimal?
    public var takeProfit: ExactDecimal?
    /// ns.
    public var timeLimit: Int64?
    /// ns.
    public var cooldown: Int64
    public var priceChannel: PriceChannel

    /// Interval names (ext/candles.h) and their length in seconds.
    public static let intervals: [String: Int64] = [
        "1m": 60, "3m": 180, "5m": 300, "15m": 900, "30m": 1800, "1h": 3600, "4h": 14_400, "6h": 21_600,
        "12h": 43_200, "1d": 86_400, "3d": 259_200, "1w": 604_800, "1M": 2_678_400,
    ]

    /// Reads and checks the config; errors name the key.
    public init(json: String) throws(PluginError) {
        let config = try PluginConfig(json: json)
        feedPlugin = try config.string("feed_plugin") ?? "bitget_candles"
        feed = try config.string("feed") ?? "bitget_perpetual_candles"
        connector = try config.string("connector") ?? "bitget_perpetual"
        symbol = try config.requiredString("symbol")
        interval = try config.string("interval") ?? "1m"
        guard let seconds = Self.intervals[interval] else {
            let names = Self.intervals.sorted { $0.value < $1.value }.map(\.key).joined(separator: ", ")
            throw PluginConfig.invalid("interval", "must be one of \(names), got \"\(interval)\"")
        }
        intervalNanoseconds = seconds * 1_000_000_000
        let signal = try config.string("signal") ?? "sma_cross"
        guard signal == "sma_cross" else {
            throw PluginConfig.invalid("signal", "must be \"sma_cross\" (the only signal so far), got \"\(signal)\"")
        }
        fastPeriod = try config.integer("fast_period") ?? 9
        slowPeriod = try config.integer("slow_period") ?? 21
        guard fastPeriod >= 1 else { throw PluginConfig.invalid("fast_period", "must be at least 1, got \(fastPeriod)") }
        guard slowPeriod > fastPeriod, slowPeriod <= 500 else {
            throw PluginConfig.invalid("slow_period", "must be above fast_period (\(fastPeriod)) and at most 500, got \(slowPeriod)")
        }
        orderAmount = try config.requiredDecimal("order_amount")
        guard orderAmount > .zero else { throw PluginConfig.invalid("order_amount", "must be positive, got \(orderAmount)") }
        stopLoss = try config.decimal("stop_loss")
        if let stopLoss, stopLoss <= .zero || stopLoss >= ExactDecimal(1) {
            throw PluginConfig.invalid("stop_loss", "is a fraction (0.01 = 1%) and must be above 0 and below 1, got \(stopLoss)")
        }
        takeProfit = try config.decimal("take_profit")
        if let takeProfit, takeProfit <= .zero {
            throw PluginConfig.invalid("take_profit", "is a fraction (0.02 = 2%) and must be positive, got \(takeProfit)")
        }
        timeLimit = try config.seconds("time_limit")
        if timeLimit == 0 { throw PluginConfig.invalid("time_limit", "must be positive (seconds)") }
        cooldown = try config.seconds("cooldown") ?? 0
        let channel = try config.string("price_channel") ?? "ticker"
        guard let priceChannel = PriceChannel(rawValue: channel) else {
            throw PluginConfig.invalid("price_channel", "must be \"ticker\", \"trades\" or \"book\", got \"\(channel)\"")
        }
        self.priceChannel = priceChannel
    }

    /// Candles to backfill: enough for both averages on the previous and the current candle.
    public var history: Int { slowPeriod + 1 }
}

public import SwiftletPluginKit

/// What one `candle_directional` instance hands the next on a hot swap: its position (entry
/// and exit orders with what they filled), its cooldown, the last price and the closes its
/// averages need. Serialised as JSON, format 1, decimals as text.
public struct CandleDirectionalHandover: HotSwapBlob, Sendable, Equatable {
    public static let plugin = "candle_directional"
    public static let format = 1

    /// One close of the crossover's window.
    public struct Close: Codable, Sendable, Equatable {
        public var openTime: Int64
        public var close: ExactDecimal
    }

    public var format: Int = CandleDirectionalHandover.format
    public var plugin: String = CandleDirectionalHandover.plugin
    public var position: DirectionalPosition?
    /// No entry before this time, ns.
    public var cooldownUntil: Int64
    public var lastPrice: ExactDecimal?
    public var closes: [Close]

    public init(position: DirectionalPosition?, cooldownUntil: Int64, lastPrice: ExactDecimal?, closes: [Close]) {
        self.position = position
        self.cooldownUntil = cooldownUntil
        self.lastPrice = lastPrice
        self.closes = closes
    }
}

public import SwiftletPluginKit

/// What one `pure_market_making` instance hands the next on a hot swap: its tracked
/// orders and its refresh timers. Serialised as JSON, format 1, decimals as text.
public struct PureMarketMakingHandover: HotSwapBlob, Sendable, Equatable {
    public static let plugin = "pure_market_making"
    public static let format = 1
    public var format: Int = PureMarketMakingHandover.format
    public var plugin: String = PureMarketMakingHandover.plugin
    public var orders: [TrackedOrder]
    /// ns: when the next set of quotes may be created, and when the current one is refreshed.
    public var createAt: Int64
    public var cancelAt: Int64

    public init(orders: [TrackedOrder], createAt: Int64, cancelAt: Int64) {
        self.orders = orders
        self.createAt = createAt
        self.cancelAt = cancelAt
    }
}

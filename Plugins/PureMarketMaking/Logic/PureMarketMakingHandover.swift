import Foundation
public import SwiftletPluginKit

/// What one `pure_market_making` instance hands the next on a hot swap: its tracked
/// orders and its refresh timers. Serialised as JSON, format 1, decimals as text.
public struct PureMarketMakingHandover: Codable, Sendable, Equatable {
    public static let format = 1
    public var format = PureMarketMakingHandover.format
    public var plugin = "pure_market_making"
    public var orders: [TrackedOrder]
    /// ns: when the next set of quotes may be created, and when the current one is refreshed.
    public var createAt: Int64
    public var cancelAt: Int64

    public init(orders: [TrackedOrder], createAt: Int64, cancelAt: Int64) {
        self.orders = orders
        self.createAt = createAt
        self.cancelAt = cancelAt
    }

    /// The JSON text.
    public func encoded() throws(PluginError) -> String {
        do {
            let encoder = JSONEncoder()
            encoder.outputFormatting = .sortedKeys
            return String(decoding: try encoder.encode(self), as: UTF8.self)
        } catch {
            throw PluginError(SWL_ERR_INTERNAL, "cannot encode the hot-swap state: \(error)")
        }
    }

    /// Reads a handover; refuses another plugin's or format's state, naming the problem.
    public static func decode(_ text: String) throws(PluginError) -> PureMarketMakingHandover {
        let handover: PureMarketMakingHandover
        do {
            handover = try JSONDecoder().decode(PureMarketMakingHandover.self, from: Data(text.utf8))
        } catch {
            throw PluginError(SWL_ERR_INVALID_ARGUMENT, "not a pure_market_making state: \(error)")
        }
        guard handover.plugin == "pure_market_making" else {
            throw PluginError(SWL_ERR_INVALID_ARGUMENT, "state of plugin \(handover.plugin), not pure_market_making")
        }
        guard handover.format == format else {
            throw PluginError(SWL_ERR_INVALID_ARGUMENT, "state format \(handover.format) is not supported (this build reads \(format))")
        }
        return handover
    }
}

import Foundation
public import SwiftletPluginKit

/// What one `candle_directional` instance hands the next on a hot swap: its position (entry
/// and exit orders with what they filled), its cooldown, the last price and the closes its
/// averages need. Serialised as JSON, format 1, decimals as text.
public struct CandleDirectionalHandover: Codable, Sendable, Equatable {
    public static let format = 1

    /// One close of the crossover's window.
    public struct Close: Codable, Sendable, Equatable {
        public var openTime: Int64
        public var close: ExactDecimal
    }

    public var format = CandleDirectionalHandover.format
    public var plugin = "candle_directional"
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
    public static func decode(_ text: String) throws(PluginError) -> CandleDirectionalHandover {
        let handover: CandleDirectionalHandover
        do {
            handover = try JSONDecoder().decode(CandleDirectionalHandover.self, from: Data(text.utf8))
        } catch {
            throw PluginError(SWL_ERR_INVALID_ARGUMENT, "not a candle_directional state: \(error)")
        }
        guard handover.plugin == "candle_directional" else {
            throw PluginError(SWL_ERR_INVALID_ARGUMENT, "state of plugin \(handover.plugin), not candle_directional")
        }
        guard handover.format == format else {
            throw PluginError(SWL_ERR_INVALID_ARGUMENT, "state format \(handover.format) is not supported (this build reads \(format))")
        }
        return handover
    }
}

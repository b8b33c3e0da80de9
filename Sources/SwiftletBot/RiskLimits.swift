public import SwiftletCore

/// The host's limits on what strategies may send (checked before any order reaches a
/// connector, paper or live).
public struct RiskLimits: Sendable, Equatable {
    /// Largest order size in base units, per symbol; symbols not listed are unlimited.
    public var maxOrderSize: [String: ExactDecimal]
    /// Largest order value in the quote asset; nil: unlimited.
    public var maxOrderNotional: ExactDecimal?
    /// Loss (in the quote asset, fees and funding included) at which the bot stops
    /// trading and cancels everything; nil: no kill switch.
    public var killSwitchLoss: ExactDecimal?

    public init(maxOrderSize: [String: ExactDecimal] = [:], maxOrderNotional: ExactDecimal? = nil,
                killSwitchLoss: ExactDecimal? = nil) {
        self.maxOrderSize = maxOrderSize
        self.maxOrderNotional = maxOrderNotional
        self.killSwitchLoss = killSwitchLoss
    }
}

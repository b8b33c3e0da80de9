public import SwiftletPluginKit

/// One of the strategy's own orders, from placement until a final state is reported.
public struct TrackedOrder: Sendable, Equatable, Codable {
    public let clientOrderID: String
    public let side: Side
    /// The price and size as sent (the connector may have quantized them).
    public let price: ExactDecimal
    public let size: ExactDecimal
    /// When it was placed, ns.
    public let createdAt: Int64
    /// The last state an ORDER_UPDATE reported; PENDING_CREATE until the first one.
    public var state: OrderState = .pendingCreate
    /// When the strategy last asked to cancel it, ns; nil while it should stay.
    public var cancelRequestedAt: Int64?

    public init(clientOrderID: String, side: Side, price: ExactDecimal, size: ExactDecimal, createdAt: Int64) {
        self.clientOrderID = clientOrderID
        self.side = side
        self.price = price
        self.size = size
        self.createdAt = createdAt
    }

    /// Not being cancelled: it counts as a live quote.
    public var isLive: Bool { cancelRequestedAt == nil }
}

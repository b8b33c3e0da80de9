public import SwiftletPluginKit

/// What one order of ours has filled, from its FILL events (deduplicated by trade id) and
/// from what its ORDER_UPDATEs report, whichever knows more: fills may arrive before or after
/// the final update.
public struct OrderFills: Sendable, Equatable, Codable {
    public private(set) var fillSize = ExactDecimal.zero
    public private(set) var fillNotional = ExactDecimal.zero
    public private(set) var reportedFilled = ExactDecimal.zero
    public private(set) var reportedAverage = ExactDecimal.zero
    /// A final ORDER_UPDATE arrived.
    public private(set) var isFinal = false
    private var tradeIDs: Set<String> = []

    public init() {}

    /// Filled base size.
    public var size: ExactDecimal { max(fillSize, reportedFilled) }

    /// Average fill price: from the fills when they account for the whole size, else the
    /// order's reported average.
    public var averagePrice: ExactDecimal {
        get throws(DecimalError) {
            guard fillSize > .zero, fillSize >= reportedFilled else { return reportedAverage }
            return try fillNotional.divided(by: fillSize, maxScale: 12, .towardZero)
        }
    }

    /// Counts a fill once.
    public mutating func add(_ fill: Fill) throws(DecimalError) {
        guard tradeIDs.insert(fill.tradeID).inserted else { return }
        fillNotional = try fillNotional + fill.price * fill.size
        fillSize = try fillSize + fill.size
    }

    /// Takes what an ORDER_UPDATE says.
    public mutating func report(_ update: OrderUpdate) {
        if update.filledSize >= reportedFilled {
            reportedFilled = update.filledSize
            if update.averageFillPrice > .zero { reportedAverage = update.averageFillPrice }
        }
        if update.state.isFinal { isFinal = true }
    }
}

/// Why a position is being closed.
public enum ExitReason: String, Sendable, Equatable, Codable {
    case stopLoss = "stop loss"
    case takeProfit = "take profit"
    case timeLimit = "time limit"
    case oppositeSignal = "opposite signal"
}

/// The one position the strategy holds: its entry order and the exit orders sent so far.
public struct DirectionalPosition: Sendable, Equatable, Codable {
    public let direction: TradeDirection
    public let entryOrderID: String
    public var entry = OrderFills()
    /// Exit orders by client id.
    public var exits: [String: OrderFills] = [:]
    /// When the entry first filled, ns.
    public var openedAt: Int64?
    /// Set once an exit is decided; the position is closed until flat.
    public var exitReason: ExitReason?
    /// The exit order not yet final.
    public var liveExitOrderID: String?
    /// When the last exit order was refused, ns.
    public var exitRefusedAt: Int64?

    public init(direction: TradeDirection, entryOrderID: String) {
        self.direction = direction
        self.entryOrderID = entryOrderID
    }

    /// Base size still open: entered minus exited.
    public var openSize: ExactDecimal {
        get throws(DecimalError) {
            var exited = ExactDecimal.zero
            for fills in exits.values { exited = try exited + fills.size }
            return try entry.size - exited
        }
    }
}

import SwiftletCore

/// Available and frozen amounts of one coin.
struct Balance {
    var available: ExactDecimal = .zero
    var frozen: ExactDecimal = .zero
    var uTime: Int64 = 0
}

/// Everything the simulator remembers about one order.
struct OrderRecord {
    enum Status: String { case live, partiallyFilled = "partially_filled", filled, cancelled }

    let id: UInt64
    let clientOid: String
    let owner: Int32
    let instrumentKey: String
    let symbol: String
    /// The side as the client sent it.
    let side: MatchingEngine.Side
    /// The side the order takes in the book (differs from `side` for hedge-mode closes).
    let bookSide: MatchingEngine.Side
    let isMarket: Bool
    let force: String
    let priceTicks: Int64?
    /// Size as sent (base coin; quote coin for a spot market buy).
    let sizeText: String
    let lots: Int64
    var filledLots: Int64 = 0
    /// Σ price × lots in tick×lot units.
    var filledNotional: Int64 = 0
    var fee: ExactDecimal = .zero
    var feeCoin: String
    var status: Status = .live
    let cTime: Int64
    var uTime: Int64
    /// Quote (spot) or margin (futures) still frozen for this order.
    var frozen: ExactDecimal = .zero
    var cancelReason = ""
    // Futures only.
    var tradeSide = ""
    var reduceOnly = false
    var posSide = ""
    var marginMode = "crossed"
    var leverage: Int64 = 20
    var posMode = "one_way_mode"
    var profit: ExactDecimal = .zero
    /// The order's most recent execution (for `orders` pushes without searching the fill log).
    var lastFill: FillRecord?
}

/// One execution as one account sees it.
struct FillRecord {
    let tradeId: UInt64
    let orderId: UInt64
    let owner: Int32
    let instrumentKey: String
    let symbol: String
    let side: MatchingEngine.Side
    let isMarket: Bool
    let priceTicks: Int64
    let lots: Int64
    let fee: ExactDecimal
    let feeCoin: String
    let isMaker: Bool
    let time: Int64
    var tradeSide = ""
    var profit: ExactDecimal = .zero
    var posMode = ""
}

/// A public trade.
struct TradeRecord {
    let tradeId: UInt64
    let priceTicks: Int64
    let lots: Int64
    /// Taker side.
    let side: MatchingEngine.Side
    let time: Int64
}

/// A futures position (one per symbol in one-way mode, one per side in hedge mode).
struct Position {
    /// Bitget's `posId`, given when the position opens.
    var id: UInt64
    var holdSide: String
    var lots: Int64 = 0
    /// Σ entry price × lots, tick×lot units, for the average entry.
    var entryNotional: Int64 = 0
    var margin: ExactDecimal = .zero
    var achieved: ExactDecimal = .zero
    var leverage: Int64
    var marginMode: String
    var cTime: Int64
    var uTime: Int64
}

/// A futures account bill (funding, fees, realized PnL).
struct BillRecord {
    let billId: UInt64
    let symbol: String
    let coin: String
    let amount: ExactDecimal
    let fee: ExactDecimal
    let businessType: String
    let productType: String
    let time: Int64
}

/// One API key's account state.
struct AccountState {
    let key: String
    let secret: String
    let passphrase: String
    let userId: String
    var spot: [String: Balance]
    var futures: [String: Balance]
    /// Position mode by productType.
    var posMode: [String: String] = [:]
    /// Margin mode and leverage by instrument key.
    var marginMode: [String: String] = [:]
    var leverage: [String: Int64] = [:]
    /// Positions keyed `instrumentKey|holdSide`.
    var positions: [String: Position] = [:]
    var clientOids: [String: UInt64] = [:]
    var bills: [BillRecord] = []
}

/// Trading rules of one symbol (`swl_instrument_t`).
public struct Instrument: Sendable, Hashable {
    public var symbol: String
    public var baseAsset: String
    public var quoteAsset: String
    /// True for perpetual contracts.
    public var isPerpetual: Bool
    /// Price tick, e.g. 0.01.
    public var priceIncrement: ExactDecimal
    /// Size lot, e.g. 0.000001.
    public var sizeIncrement: ExactDecimal
    public var minSize: ExactDecimal
    /// Minimum order value in the quote asset.
    public var minNotional: ExactDecimal
    public var makerFeeRate: ExactDecimal
    public var takerFeeRate: ExactDecimal
    /// Base units per contract; 1 for spot.
    public var contractSize: ExactDecimal

    public init(symbol: String, baseAsset: String, quoteAsset: String, isPerpetual: Bool = false,
                priceIncrement: ExactDecimal, sizeIncrement: ExactDecimal, minSize: ExactDecimal,
                minNotional: ExactDecimal, makerFeeRate: ExactDecimal, takerFeeRate: ExactDecimal,
                contractSize: ExactDecimal = ExactDecimal(1)) {
        self.symbol = symbol
        self.baseAsset = baseAsset
        self.quoteAsset = quoteAsset
        self.isPerpetual = isPerpetual
        self.priceIncrement = priceIncrement
        self.sizeIncrement = sizeIncrement
        self.minSize = minSize
        self.minNotional = minNotional
        self.makerFeeRate = makerFeeRate
        self.takerFeeRate = takerFeeRate
        self.contractSize = contractSize
    }
}

/// Market data a strategy asks a connector for (`swl_channel_t`).
public enum MarketChannel: Int32, Sendable, Hashable, CaseIterable {
    case book = 1, trades, ticker
}

/// An order as a strategy asks for it (`swl_order_request_t`).
public struct OrderRequest: Sendable, Hashable {
    public var side: Side
    public var symbol: String
    /// Empty: the connector generates one.
    public var clientOrderID: String
    public var type: OrderType
    public var timeInForce: TimeInForce
    /// Limit price; ignored for market orders.
    public var price: ExactDecimal
    /// Base units; may be zero for a spot market buy that gives `quoteSize`.
    public var size: ExactDecimal
    /// Spot market buy only: the quote amount to spend.
    public var quoteSize: ExactDecimal
    public var positionSide: PositionSide
    public var reduceOnly: Bool

    public init(side: Side, symbol: String, clientOrderID: String = "", type: OrderType = .limit,
                timeInForce: TimeInForce = .gtc, price: ExactDecimal = .zero, size: ExactDecimal,
                quoteSize: ExactDecimal = .zero, positionSide: PositionSide = .none, reduceOnly: Bool = false) {
        self.side = side
        self.symbol = symbol
        self.clientOrderID = clientOrderID
        self.type = type
        self.timeInForce = timeInForce
        self.price = price
        self.size = size
        self.quoteSize = quoteSize
        self.positionSide = positionSide
        self.reduceOnly = reduceOnly
    }
}

/// A connector's cached view of one order (`swl_order_t`).
public struct OrderSnapshot: Sendable, Hashable, Codable {
    public var state: OrderState
    public var symbol: String
    public var clientOrderID: String
    public var exchangeOrderID: String
    public var side: Side
    public var type: OrderType
    public var price: ExactDecimal
    public var size: ExactDecimal
    public var filledSize: ExactDecimal
    public var averageFillPrice: ExactDecimal
    public var positionSide: PositionSide
    /// ns since the epoch.
    public var createdTime: Int64
    /// ns since the epoch.
    public var updatedTime: Int64

    public init(state: OrderState, symbol: String, clientOrderID: String, exchangeOrderID: String, side: Side,
                type: OrderType, price: ExactDecimal, size: ExactDecimal, filledSize: ExactDecimal = .zero,
                averageFillPrice: ExactDecimal = .zero, positionSide: PositionSide = .none,
                createdTime: Int64 = 0, updatedTime: Int64 = 0) {
        self.state = state
        self.symbol = symbol
        self.clientOrderID = clientOrderID
        self.exchangeOrderID = exchangeOrderID
        self.side = side
        self.type = type
        self.price = price
        self.size = size
        self.filledSize = filledSize
        self.averageFillPrice = averageFillPrice
        self.positionSide = positionSide
        self.createdTime = createdTime
        self.updatedTime = updatedTime
    }
}

/// How an account holds perpetual positions (`swl_position_mode_t`).
public enum PositionMode: Int32, Sendable, Hashable, Codable {
    /// One net position per symbol.
    case oneWay = 1
    /// A long and a short position per symbol.
    case hedge = 2
}

/// A position and the symbol it is on (`swl_position_t`).
public struct PositionSnapshot: Sendable, Hashable {
    public var symbol: String
    public var position: Position
    public init(symbol: String, position: Position) {
        self.symbol = symbol
        self.position = position
    }
}

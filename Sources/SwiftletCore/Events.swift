/// Swift form of the ABI's normalized events (sdk-headers/swiftlet/events.h).
///
/// The host decodes every event a plugin emits into these values, validates them and
/// hands them to the event bus; the plugin kit decodes events delivered to strategies
/// the same way. Field meanings are those of the C structs.

/// When and where an event happened; common to every event.
public struct EventContext: Sendable, Hashable {
    /// Exchange timestamp, ns since the epoch; 0 if unknown.
    public var exchangeTime: Int64
    /// Local receive time, ns since the epoch.
    public var localTime: Int64
    /// Connector or feed id that produced it.
    public var source: String
    /// Exchange symbol; empty when not market-specific.
    public var symbol: String

    public init(exchangeTime: Int64 = 0, localTime: Int64 = 0, source: String = "", symbol: String = "") {
        self.exchangeTime = exchangeTime
        self.localTime = localTime
        self.source = source
        self.symbol = symbol
    }
}

/// Buy or sell.
public enum Side: Int32, Sendable, Hashable, Codable { case buy = 1, sell = 2 }

/// One price level of a book.
public struct BookLevel: Sendable, Hashable {
    public var price: ExactDecimal
    public var size: ExactDecimal
    public init(price: ExactDecimal, size: ExactDecimal) {
        self.price = price
        self.size = size
    }
}

/// Order states, strict: an unknown state is an error, never guessed.
public enum OrderState: Int32, Sendable, Hashable, Codable {
    case pendingCreate = 1, open, partiallyFilled, filled, pendingCancel, cancelled, failed
    /// FILLED, CANCELLED and FAILED are final.
    public var isFinal: Bool { self == .filled || self == .cancelled || self == .failed }
}

public enum OrderType: Int32, Sendable, Hashable, Codable { case limit = 1, market = 2 }
public enum TimeInForce: Int32, Sendable, Hashable, Codable { case gtc = 1, ioc, fok, postOnly }
public enum PositionSide: Int32, Sendable, Hashable, Codable { case none = 0, long = 1, short = 2 }
public enum MarginMode: Int32, Sendable, Hashable, Codable { case crossed = 1, isolated = 2 }
public enum ConnectionState: Int32, Sendable, Hashable { case connecting = 1, connected, disconnected, reconnecting }

public struct BookUpdate: Sendable, Hashable {
    public var isSnapshot: Bool
    public var bids: [BookLevel]
    public var asks: [BookLevel]
    public var sequence: Int64
    public init(isSnapshot: Bool, bids: [BookLevel], asks: [BookLevel], sequence: Int64) {
        self.isSnapshot = isSnapshot
        self.bids = bids
        self.asks = asks
        self.sequence = sequence
    }
}

public struct Trade: Sendable, Hashable {
    public var tradeID: String
    public var takerSide: Side
    public var price: ExactDecimal
    public var size: ExactDecimal
    public init(tradeID: String, takerSide: Side, price: ExactDecimal, size: ExactDecimal) {
        self.tradeID = tradeID
        self.takerSide = takerSide
        self.price = price
        self.size = size
    }
}

public struct Ticker: Sendable, Hashable {
    public var lastPrice: ExactDecimal
    public var bestBid: ExactDecimal
    public var bestBidSize: ExactDecimal
    public var bestAsk: ExactDecimal
    public var bestAskSize: ExactDecimal
    public var baseVolume24h: ExactDecimal
    public var quoteVolume24h: ExactDecimal
    public init(lastPrice: ExactDecimal, bestBid: ExactDecimal = .zero, bestBidSize: ExactDecimal = .zero,
                bestAsk: ExactDecimal = .zero, bestAskSize: ExactDecimal = .zero,
                baseVolume24h: ExactDecimal = .zero, quoteVolume24h: ExactDecimal = .zero) {
        self.lastPrice = lastPrice
        self.bestBid = bestBid
        self.bestBidSize = bestBidSize
        self.bestAsk = bestAsk
        self.bestAskSize = bestAskSize
        self.baseVolume24h = baseVolume24h
        self.quoteVolume24h = quoteVolume24h
    }
}

public struct OrderUpdate: Sendable, Hashable {
    public var clientOrderID: String
    public var exchangeOrderID: String
    public var state: OrderState
    public var side: Side
    public var type: OrderType
    public var positionSide: PositionSide
    public var price: ExactDecimal
    public var size: ExactDecimal
    public var filledSize: ExactDecimal
    public var averageFillPrice: ExactDecimal
    public var reason: String
    public init(clientOrderID: String, exchangeOrderID: String, state: OrderState, side: Side, type: OrderType,
                positionSide: PositionSide = .none, price: ExactDecimal, size: ExactDecimal,
                filledSize: ExactDecimal = .zero, averageFillPrice: ExactDecimal = .zero, reason: String = "") {
        self.clientOrderID = clientOrderID
        self.exchangeOrderID = exchangeOrderID
        self.state = state
        self.side = side
        self.type = type
        self.positionSide = positionSide
        self.price = price
        self.size = size
        self.filledSize = filledSize
        self.averageFillPrice = averageFillPrice
        self.reason = reason
    }
}

public struct Fill: Sendable, Hashable {
    public var tradeID: String
    public var clientOrderID: String
    public var exchangeOrderID: String
    public var side: Side
    public var isMaker: Bool
    public var price: ExactDecimal
    public var size: ExactDecimal
    /// Fee paid: positive; a rebate is negative.
    public var fee: ExactDecimal
    public var feeAsset: String
    public var positionSide: PositionSide
    public init(tradeID: String, clientOrderID: String, exchangeOrderID: String, side: Side, isMaker: Bool,
                price: ExactDecimal, size: ExactDecimal, fee: ExactDecimal, feeAsset: String,
                positionSide: PositionSide = .none) {
        self.tradeID = tradeID
        self.clientOrderID = clientOrderID
        self.exchangeOrderID = exchangeOrderID
        self.side = side
        self.isMaker = isMaker
        self.price = price
        self.size = size
        self.fee = fee
        self.feeAsset = feeAsset
        self.positionSide = positionSide
    }
}

public struct Balance: Sendable, Hashable {
    public var asset: String
    public var total: ExactDecimal
    public var available: ExactDecimal
    public var locked: ExactDecimal
    public init(asset: String, total: ExactDecimal, available: ExactDecimal, locked: ExactDecimal) {
        self.asset = asset
        self.total = total
        self.available = available
        self.locked = locked
    }
}

public struct Position: Sendable, Hashable {
    public var side: PositionSide
    public var marginMode: MarginMode
    public var size: ExactDecimal
    public var entryPrice: ExactDecimal
    public var markPrice: ExactDecimal
    public var unrealizedPnL: ExactDecimal
    public var realizedPnL: ExactDecimal
    public var margin: ExactDecimal
    public var leverage: ExactDecimal
    public var liquidationPrice: ExactDecimal
    public var marginAsset: String
    public init(side: PositionSide, marginMode: MarginMode, size: ExactDecimal, entryPrice: ExactDecimal,
                markPrice: ExactDecimal, unrealizedPnL: ExactDecimal, realizedPnL: ExactDecimal,
                margin: ExactDecimal, leverage: ExactDecimal, liquidationPrice: ExactDecimal, marginAsset: String) {
        self.side = side
        self.marginMode = marginMode
        self.size = size
        self.entryPrice = entryPrice
        self.markPrice = markPrice
        self.unrealizedPnL = unrealizedPnL
        self.realizedPnL = realizedPnL
        self.margin = margin
        self.leverage = leverage
        self.liquidationPrice = liquidationPrice
        self.marginAsset = marginAsset
    }
}

public struct FundingInfo: Sendable, Hashable {
    public var rate: ExactDecimal
    public var nextFundingTime: Int64
    public var markPrice: ExactDecimal
    public var indexPrice: ExactDecimal
    public init(rate: ExactDecimal, nextFundingTime: Int64, markPrice: ExactDecimal, indexPrice: ExactDecimal) {
        self.rate = rate
        self.nextFundingTime = nextFundingTime
        self.markPrice = markPrice
        self.indexPrice = indexPrice
    }
}

public struct FundingPayment: Sendable, Hashable {
    public var paymentID: String
    /// Received positive, paid negative.
    public var amount: ExactDecimal
    public var rate: ExactDecimal
    public var asset: String
    public init(paymentID: String, amount: ExactDecimal, rate: ExactDecimal, asset: String) {
        self.paymentID = paymentID
        self.amount = amount
        self.rate = rate
        self.asset = asset
    }
}

public struct Candle: Sendable, Hashable {
    /// Period start, ns since the epoch.
    public var openTime: Int64
    public var open: ExactDecimal
    public var high: ExactDecimal
    public var low: ExactDecimal
    public var close: ExactDecimal
    public var baseVolume: ExactDecimal
    public var quoteVolume: ExactDecimal
    public init(openTime: Int64, open: ExactDecimal, high: ExactDecimal, low: ExactDecimal, close: ExactDecimal,
                baseVolume: ExactDecimal, quoteVolume: ExactDecimal) {
        self.openTime = openTime
        self.open = open
        self.high = high
        self.low = low
        self.close = close
        self.baseVolume = baseVolume
        self.quoteVolume = quoteVolume
    }
}

public struct CandleUpdate: Sendable, Hashable {
    public var feed: String
    public var interval: String
    public var candle: Candle
    public var isClosed: Bool
    public init(feed: String, interval: String, candle: Candle, isClosed: Bool) {
        self.feed = feed
        self.interval = interval
        self.candle = candle
        self.isClosed = isClosed
    }
}

public struct ErrorReport: Sendable, Hashable {
    /// The ABI status code (`SWL_ERR_*`).
    public var status: Int32
    public var code: String
    public var message: String
    public init(status: Int32, code: String, message: String) {
        self.status = status
        self.code = code
        self.message = message
    }
}

public struct ConnectionChange: Sendable, Hashable {
    public var stream: String
    public var state: ConnectionState
    public var detail: String
    public init(stream: String, state: ConnectionState, detail: String) {
        self.stream = stream
        self.state = state
        self.detail = detail
    }
}

/// What happened.
public enum EventPayload: Sendable, Hashable {
    case book(BookUpdate)
    case bookResync(reason: String)
    case trade(Trade)
    case ticker(Ticker)
    case order(OrderUpdate)
    case fill(Fill)
    case balance(Balance)
    case position(Position)
    case fundingInfo(FundingInfo)
    case fundingPayment(FundingPayment)
    case candle(CandleUpdate)
    case error(ErrorReport)
    case connection(ConnectionChange)
    case timer(id: UInt64)
}

/// One normalized event: context plus payload.
public struct Event: Sendable, Hashable {
    public var context: EventContext
    public var payload: EventPayload
    public init(context: EventContext, payload: EventPayload) {
        self.context = context
        self.payload = payload
    }
}

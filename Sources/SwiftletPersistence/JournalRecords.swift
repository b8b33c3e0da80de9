public import SwiftletCore

/// What ``TradeJournal/record(_:)`` did with an event.
public enum RecordOutcome: Sendable, Hashable {
    /// Written and committed: a new fill or funding payment, an order state, a position
    /// change or a newer last price.
    case stored
    /// A fill or funding payment the journal already holds (same ids): nothing written.
    case duplicate
    /// Not kept: a kind of event the journal does not store (book, balance, candle, …),
    /// a ticker without a last price, or a price older than the last price kept.
    case ignored
}

/// The latest known state of one order, or one entry of its history.
public struct StoredOrder: Sendable, Hashable {
    /// Where and when the update was reported.
    public var context: EventContext
    /// The order as reported.
    public var update: OrderUpdate

    /// Makes a stored order.
    public init(context: EventContext, update: OrderUpdate) {
        self.context = context
        self.update = update
    }

    /// The order's market.
    public var market: Market { Market(source: context.source, symbol: context.symbol) }
}

/// One fill, stored once.
public struct StoredFill: Sendable, Hashable {
    /// Arrival order in the journal (1, 2, …); breaks ties between fills with equal times.
    public var sequence: Int64
    /// Where and when the fill was reported.
    public var context: EventContext
    /// The fill as reported.
    public var fill: Fill

    /// Makes a stored fill.
    public init(sequence: Int64, context: EventContext, fill: Fill) {
        self.sequence = sequence
        self.context = context
        self.fill = fill
    }

    /// The fill's market.
    public var market: Market { Market(source: context.source, symbol: context.symbol) }
    /// Exchange time, or local receive time when the exchange gave none (ns since the epoch).
    public var time: Int64 { context.eventTime }
}

/// One reported position change, in arrival order.
public struct StoredPosition: Sendable, Hashable {
    /// Where and when the change was reported.
    public var context: EventContext
    /// The position after the change.
    public var position: Position

    /// Makes a stored position change.
    public init(context: EventContext, position: Position) {
        self.context = context
        self.position = position
    }
}

/// One funding payment, stored once.
public struct StoredFundingPayment: Sendable, Hashable {
    /// Where and when the payment was reported.
    public var context: EventContext
    /// The payment as reported.
    public var payment: FundingPayment

    /// Makes a stored funding payment.
    public init(context: EventContext, payment: FundingPayment) {
        self.context = context
        self.payment = payment
    }

    /// The payment's market.
    public var market: Market { Market(source: context.source, symbol: context.symbol) }
}

/// The last traded price of a market: the mark used for unrealized PnL.
public struct LastPrice: Sendable, Hashable {
    /// The market.
    public var market: Market
    /// Last price from a ticker or public trade.
    public var price: ExactDecimal
    /// When it was reported (ns since the epoch).
    public var time: Int64

    /// Makes a last price.
    public init(market: Market, price: ExactDecimal, time: Int64) {
        self.market = market
        self.price = price
        self.time = time
    }
}

/// How many rows each journal table holds.
public struct JournalCounts: Sendable, Hashable {
    /// Orders (latest state of each).
    public var orders: Int
    /// Order updates (the history).
    public var orderUpdates: Int
    /// Fills.
    public var fills: Int
    /// Position changes.
    public var positionChanges: Int
    /// Funding payments.
    public var fundingPayments: Int
    /// Markets with a last price.
    public var lastPrices: Int

    /// Makes counts.
    public init(orders: Int, orderUpdates: Int, fills: Int, positionChanges: Int, fundingPayments: Int, lastPrices: Int) {
        self.orders = orders
        self.orderUpdates = orderUpdates
        self.fills = fills
        self.positionChanges = positionChanges
        self.fundingPayments = fundingPayments
        self.lastPrices = lastPrices
    }
}

extension EventContext {
    /// Exchange time, or local receive time when the exchange gave none.
    var eventTime: Int64 { exchangeTime != 0 ? exchangeTime : localTime }
}

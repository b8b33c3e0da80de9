public import SwiftletCore

/// A paper-trading matching engine: simulated orders, fills, balances and positions
/// against a real connector's live market data (`swiftlet run --paper`).
///
/// Pure logic, no I/O and no clock. The host wraps it in a venue that feeds it the wrapped
/// connector's market-data events (`apply`) and the strategy's orders (`place`, `cancel`),
/// and publishes the events it returns, which have exactly the shapes a live connector
/// emits (`context.source` is the connector id given at init, `context.symbol` the
/// symbol, both times the `now` of the call or the `localTime` of the market event).
/// Not thread-safe: the caller serializes calls, as the host does for a plugin instance.
///
/// What it simulates:
/// - **Books.** The full book per symbol is rebuilt from BOOK snapshot and delta events
///   (a delta before the first snapshot is ignored). `bookResync` drops the book: until
///   the next snapshot nothing fills against it, and market, IOC, FOK and post-only orders
///   are refused (`state`); a GTC limit order may still rest.
/// - **Rules.** As the live connector: price to the tick (buys down, sells up), size down to
///   the lot, minimum size and minimum notional refused naming the rule; client ids up to
///   40 characters of `[0-9A-Za-z_:#-+ ]`, generated when empty; the id of an open or a
///   recent final order (`finalOrderMemory`) is refused.
/// - **Order events.** PENDING_CREATE, then at once OPEN (resting, nothing filled),
///   PARTIALLY_FILLED / FILLED per fill, or CANCELLED with a reason (IOC or market rest,
///   post-only that would cross, FOK that cannot fill entirely: no fill at all). Each fill
///   is an ORDER_UPDATE then a FILL (trade id `paper-<session>-<n>`, fee paid positive).
///   A cancel is PENDING_CANCEL then CANCELLED. Final states are final.
/// - **Taker fills**, with no delay: a market order walks the book, the rest cancelled when
///   the book runs out; a marketable limit order takes the levels that cross it at their
///   prices and rests the rest as maker. Taker fee rate. A spot market buy spends quote
///   (`quote_size`, or `size` × best ask as the live connector converts it), whole lots per
///   level.
/// - **Resting fills** at the order's own price, maker fee rate, when the market trades
///   through it: a public trade below a buy's price (above a sell's), or at its price with
///   the taker on the other side (the *equal-price rule*: a seller hitting bids at our bid
///   price fills our bid; a buyer lifting asks at it does not), fills up to the trade's
///   size, which is shared across our orders by price then time priority; or the book
///   moving through it (an ask at or below a buy's price), which fills up to the crossing
///   levels' size.
/// - **Liquidity we took.** The live book does not know our fills, so what they took from a
///   level (as taker, or by the book crossing a resting order) is not offered again until
///   the book shows that level smaller or gone. Public trades are not tracked that way: a
///   trade and the book update showing the same liquidity can each fill an order.
/// - **Balances**, local. Resting buys lock quote (price × size), resting sells lock base.
///   Spot buys pay the fee in the base received, sells in the quote received (Bitget spot).
///   A BALANCE event per changed asset follows each operation's order and fill events.
/// - **Perpetuals** (linear, margined in the quote asset): positions one-way (the order
///   reduces the opposite position first, the rest opens: a flip) or hedge; position side
///   and reduce-only mapped as the live connector maps them; a reduce-only order larger
///   than its position is refused, and never opens. Margin = notional ÷ leverage, locked in
///   the margin asset (an open order locks margin and taker fee for what it may open);
///   reductions book realized PnL (entry kept as exact notional) and free margin pro rata;
///   fees come off the margin asset. Unrealized PnL from the mark price: the latest ticker
///   last price or funding-info mark price, else the book's mid price. A POSITION event
///   per changed position follows each operation. Funding: when a FUNDING_INFO's next
///   funding time moves past the one seen before, each position pays (long) or receives
///   (short) size × mark × the rate announced before (sign flips with the rate), as a
///   FUNDING_PAYMENT and a BALANCE event.
/// - **Arithmetic** is exact; an overflow refuses the call (`invalidArgument`), or, while
///   applying market data, reports an ERROR event and cancels the order concerned. A fill
///   that would need margin no longer available cancels the order instead.
///
/// What it does not simulate: queue position (a resting order fills as soon as the market
/// trades at or through its price, ahead of orders that were there first), latency (acks,
/// fills and cancels are immediate), market impact (the live book does not move for our
/// fills), self-trade prevention, liquidation and unrealized PnL in balances (the margin
/// asset's total is the wallet balance; locked is position margin plus order margin),
/// margin modes (reported crossed), inverse (coin-margined) contracts, leverage limits
/// beyond 1...125, more than one funding settlement between two FUNDING_INFO events, and
/// rejections only the exchange would make (price bands, position limits, rate limits).
public final class PaperExchange {
    /// The wrapped connector's id: `context.source` of every event returned.
    public let connector: String
    var state: PaperState
    /// Live books, kept apart from `state`: only market data changes them.
    var books: [String: PaperBook] = [:]
    /// Final orders by client id, kept apart from `state` so its copies stay small.
    private var archive: [String: OrderSnapshot] = [:]
    /// Client ids in `archive`, oldest first.
    private var archiveOrder: [String] = []

    /// How many of the most recent final orders, at least, stay readable (and their client
    /// ids refused for reuse).
    public static let finalOrderMemory = 10_000

    /// - Parameters:
    ///   - connector: the wrapped connector's id.
    ///   - instruments: trading rules and fee rates of every symbol that may be traded.
    ///   - balances: starting totals per asset (spot assets, or the margin asset for
    ///     perpetuals); available and locked are ignored (nothing is locked at start).
    ///   - defaultLeverage: leverage of perpetual symbols until `setLeverage`.
    ///   - positionMode: one-way or hedge, for perpetuals.
    ///   - sessionSeed: makes ids unique across runs (pass the start time in ns).
    public init(connector: String, instruments: [Instrument], balances: [Balance], defaultLeverage: ExactDecimal = ExactDecimal(1),
                positionMode: PositionMode = .oneWay, sessionSeed: Int64 = 0) throws(PaperError) {
        var bySymbol: [String: Instrument] = [:]
        for instrument in instruments {
            try PaperRules.validate(instrument)
            guard bySymbol[instrument.symbol] == nil else { throw .invalid("instruments: \(instrument.symbol) is given twice") }
            bySymbol[instrument.symbol] = instrument
        }
        try PaperRules.validateLeverage(defaultLeverage, "defaultLeverage")
        self.connector = connector
        state = PaperState(instruments: bySymbol, ledger: try PaperLedger(balances), positionMode: positionMode,
                           defaultLeverage: defaultLeverage, session: String(UInt64(bitPattern: sessionSeed), radix: 36))
    }

    // MARK: orders

    /// Places an order; returns its client id and the events it caused (PENDING_CREATE,
    /// then fills, OPEN or CANCELLED, then balances and positions). Refused, with nothing
    /// changed, when it breaks a trading rule, when the funds it needs are not available,
    /// or when it needs a live book there is not.
    public func place(_ request: OrderRequest, now: Int64) throws(PaperError) -> (clientOrderID: String, events: [Event]) {
        var out = PaperOutbox(source: connector, now: now)
        var id = ""
        try transact(&out) { (state: inout PaperState, out: inout PaperOutbox) throws(PaperError) in
            id = try state.place(request, book: books[request.symbol], isArchived: { archive[$0] != nil }, out: &out)
        }
        return (id, out.events)
    }

    /// Cancels an open order (`symbol` may be empty): PENDING_CANCEL then CANCELLED, and the
    /// balance it had locked. `notFound` if the order is unknown, final or on another symbol.
    public func cancel(symbol: String, clientOrderID: String, now: Int64) throws(PaperError) -> [Event] {
        var out = PaperOutbox(source: connector, now: now)
        try transact(&out) { (state: inout PaperState, out: inout PaperOutbox) throws(PaperError) in
            try state.cancel(clientOrderID, symbol: symbol, out: &out)
        }
        return out.events
    }

    /// Cancels every open order of `symbol` ("" = of every symbol), oldest first.
    public func cancelAll(symbol: String, now: Int64) -> [Event] {
        var out = PaperOutbox(source: connector, now: now)
        for order in state.openOrders(symbol: symbol) {
            let id = order.snapshot.clientOrderID
            do {
                try transact(&out) { (state: inout PaperState, out: inout PaperOutbox) throws(PaperError) in
                    try state.cancel(id, symbol: symbol, out: &out)
                }
            } catch {
                report(error, "cancel \(id)", symbol: order.snapshot.symbol, out: &out)
            }
        }
        return out.events
    }

    // MARK: reads

    /// One order: open, or final and among the `finalOrderMemory` most recent.
    public func order(_ clientOrderID: String) -> OrderSnapshot? {
        state.orders[clientOrderID]?.snapshot ?? archive[clientOrderID]
    }

    /// Open orders of `symbol` ("" = every symbol), oldest first.
    public func openOrders(symbol: String) -> [OrderSnapshot] { state.openOrders(symbol: symbol).map(\.snapshot) }

    /// Every asset's balance, in asset order.
    public var balances: [Balance] { state.ledger.balances }

    /// The balance of one asset (zero if never held).
    public func balance(_ asset: String) -> Balance { state.ledger.balance(asset) }

    /// Open (non-flat) positions, by symbol then LONG before SHORT, at the current mark.
    public func positions() throws(PaperError) -> [PositionSnapshot] {
        var result: [PositionSnapshot] = []
        let keys = state.positions.filter { $0.value.size > .zero }.keys
            .sorted { ($0.symbol, $0.side.rawValue) < ($1.symbol, $1.side.rawValue) }
        for key in keys {
            result.append(PositionSnapshot(symbol: key.symbol, position: try state.positionEvent(key, book: books[key.symbol])))
        }
        return result
    }

    /// One position (LONG or SHORT) at the current mark; flat (size 0) once closed; nil if
    /// never held.
    public func position(symbol: String, side: PositionSide) throws(PaperError) -> PositionSnapshot? {
        let key = PositionKey(symbol: symbol, side: side)
        guard state.positions[key] != nil else { return nil }
        return PositionSnapshot(symbol: symbol, position: try state.positionEvent(key, book: books[symbol]))
    }

    /// The best bid and ask of the live book, if both sides have a level.
    public func topOfBook(symbol: String) -> (bid: BookLevel, ask: BookLevel)? {
        guard let book = books[symbol], let bid = book.bids.levels.first, let ask = book.asks.levels.first else { return nil }
        return (bid, ask)
    }

    // MARK: perpetual settings

    /// The position mode of perpetual symbols.
    public var positionMode: PositionMode { state.positionMode }

    /// Changes the position mode; refused (`state`) while a position or order is open.
    public func setPositionMode(_ mode: PositionMode) throws(PaperError) {
        guard mode != state.positionMode else { return }
        guard !state.positions.values.contains(where: { $0.size > .zero }), state.openOrders(symbol: "").isEmpty else {
            throw .state("the position mode cannot change while positions or orders are open")
        }
        state.positionMode = mode
    }

    /// Leverage of a perpetual symbol's new positions.
    public func leverage(symbol: String) throws(PaperError) -> ExactDecimal {
        guard try state.instrument(symbol).isPerpetual else { throw .invalid("leverage applies to perpetuals; \(symbol) is spot") }
        return state.leverage(symbol)
    }

    /// Sets a perpetual symbol's leverage (a whole number in 1...125); refused (`state`)
    /// while the symbol has a position or open orders, whose margin was set at the old one.
    public func setLeverage(_ leverage: ExactDecimal, symbol: String) throws(PaperError) {
        guard try state.instrument(symbol).isPerpetual else { throw .invalid("leverage applies to perpetuals; \(symbol) is spot") }
        try PaperRules.validateLeverage(leverage, "leverage")
        let exposed = [PositionSide.long, .short].contains { state.positions[PositionKey(symbol: symbol, side: $0)]?.size ?? .zero > .zero }
        guard !exposed, state.openOrders(symbol: symbol).isEmpty else {
            throw .state("the leverage of \(symbol) cannot change while it has a position or open orders")
        }
        state.leverages[symbol] = leverage
    }

    // MARK: support

    /// Runs `body` on a copy of the state and keeps the copy, and the events, only if it
    /// succeeded; BALANCE and POSITION events are appended at the end. Orders that became
    /// final move to the archive.
    func transact(_ out: inout PaperOutbox,
                  _ body: (inout PaperState, inout PaperOutbox) throws(PaperError) -> Void) throws(PaperError) {
        var copy = state
        var pending = out
        try body(&copy, &pending)
        try pending.finish(copy, books: books)
        state = copy
        out = pending
        for order in state.takeFinal() {
            let id = order.snapshot.clientOrderID
            archive[id] = order.snapshot
            archiveOrder.append(id)
        }
        // Pruned in batches, so the archive holds between one and two memories' worth.
        if archiveOrder.count >= 2 * Self.finalOrderMemory {
            for id in archiveOrder.prefix(Self.finalOrderMemory) { archive[id] = nil }
            archiveOrder.removeFirst(Self.finalOrderMemory)
        }
    }

    /// Reports a failure that no caller can receive (while applying market data) as an ERROR event.
    func report(_ error: PaperError, _ context: String, symbol: String, out: inout PaperOutbox) {
        out.emit(.error(ErrorReport(status: error.kind.status, code: "paper", message: "\(context): \(error.message)")),
                 symbol: symbol)
    }
}

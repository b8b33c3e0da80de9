import SwiftletCore

/// Everything the paper exchange changes when it fills, places, cancels or books funding.
/// A value: `PaperExchange` runs each operation on a copy and keeps it only if the whole
/// operation succeeded, so a failure (an overflow, missing funds) changes nothing.
struct PaperState: Sendable {
    let instruments: [String: Instrument]
    var ledger: PaperLedger
    var positions: [PositionKey: PaperPosition] = [:]
    var positionMode: PositionMode
    var defaultLeverage: ExactDecimal
    var leverages: [String: ExactDecimal] = [:]
    /// Open orders by client id, and those that became final during the current
    /// operation (`PaperExchange` then moves them to its archive, so copies stay small).
    var orders: [String: PaperOrder] = [:]
    /// What our fills took from each symbol's live book.
    var liquidity: [String: PaperLiquidity] = [:]
    /// Latest mark price per symbol (ticker last price or funding-info mark price).
    var marks: [String: ExactDecimal] = [:]
    /// Latest funding info per symbol.
    var funding: [String: FundingInfo] = [:]
    /// Tags every id this instance makes (see `PaperExchange.init`).
    let session: String
    var counter: UInt64 = 0

    init(instruments: [String: Instrument], ledger: PaperLedger, positionMode: PositionMode,
         defaultLeverage: ExactDecimal, session: String) {
        self.instruments = instruments
        self.ledger = ledger
        self.positionMode = positionMode
        self.defaultLeverage = defaultLeverage
        self.session = session
    }

    /// The next number of this instance's id sequence.
    mutating func nextNumber() -> UInt64 {
        counter += 1
        return counter
    }

    /// The leverage new positions of `symbol` get.
    func leverage(_ symbol: String) -> ExactDecimal { leverages[symbol] ?? defaultLeverage }

    /// Mark price of `symbol`: the latest ticker last price or funding-info mark price, else
    /// the book's mid price, else `fallback`.
    func mark(_ symbol: String, book: PaperBook?, fallback: ExactDecimal) throws(PaperError) -> ExactDecimal {
        if let mark = marks[symbol] { return mark }
        if let book, let bid = book.bids.levels.first?.price, let ask = book.asks.levels.first?.price {
            let sum = try PaperMath.add(bid, ask, "book mid of \(symbol)")
            return try PaperMath.div(sum, ExactDecimal(2), scale: min(ExactDecimal.maxScale, sum.scale + 1), .towardZero,
                                     "book mid of \(symbol)")
        }
        return fallback
    }

    /// Removes and returns the orders that became final.
    mutating func takeFinal() -> [PaperOrder] {
        let final = orders.values.filter(\.isFinal).sorted { $0.sequence < $1.sequence }
        for order in final { orders[order.snapshot.clientOrderID] = nil }
        return final
    }

    /// Open orders, of one symbol or all (""), in arrival order.
    func openOrders(symbol: String) -> [PaperOrder] {
        orders.values.filter { !$0.isFinal && (symbol.isEmpty || $0.snapshot.symbol == symbol) }
            .sorted { $0.sequence < $1.sequence }
    }

    /// The POSITION payload of a position now; the mark comes from `marks` or the entry.
    func positionEvent(_ key: PositionKey, book: PaperBook? = nil) throws(PaperError) -> Position {
        guard let instrument = instruments[key.symbol] else { throw .notFound("unknown symbol \(key.symbol)") }
        let position = positions[key] ?? PaperPosition(leverage: leverage(key.symbol))
        let scale = PaperRules.quoteScale(instrument)
        var entry = ExactDecimal.zero
        if position.size > .zero {
            entry = try PaperMath.div(position.entryNotional, position.size, scale: scale, .towardZero, "entry price")
        }
        let mark = try self.mark(key.symbol, book: book, fallback: entry)
        return try position.event(side: key.side, mark: mark, marginAsset: instrument.quoteAsset, priceScale: scale)
    }
}

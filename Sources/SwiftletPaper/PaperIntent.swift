import SwiftletCore

/// An order request checked against the trading rules and quantized, with its client id.
struct PaperIntent: Sendable {
    let instrument: Instrument
    let clientID: String
    let side: Side
    let type: OrderType
    let timeInForce: TimeInForce
    /// Limit price; zero for a market order.
    let price: ExactDecimal
    /// Base size as reported (a spot market buy by quote reports the size it was given).
    let size: ExactDecimal
    /// Spot market buy: the quote amount to spend.
    let quoteBudget: ExactDecimal?
    /// As reported in the order's events.
    let positionSide: PositionSide
    /// Hedge mode: the position acted on; `.none` otherwise.
    let hedgeSide: PositionSide
    /// Perpetuals: the order may only reduce a position.
    let reduceOnly: Bool
}

/// What a taker order would take from the live book, best level first.
struct PaperPlan: Sendable {
    /// (price, size) per level taken.
    var fills: [BookLevel] = []
    /// Σ size.
    var total: ExactDecimal = .zero
    /// The book ran out before the order's size (or quote) was used up.
    var bookRanOut = false
}

extension PaperState {
    /// Checks `request` against the instrument's rules and the account's positions, and
    /// quantizes it. `book` is the symbol's live book, if any; `isArchived` tells whether a
    /// client id belongs to a remembered final order.
    mutating func prepare(_ request: OrderRequest, book: PaperBook?,
                          isArchived: (String) -> Bool) throws(PaperError) -> PaperIntent {
        let instrument = try self.instrument(request.symbol)
        let symbol = instrument.symbol
        if instrument.isPerpetual {
            guard request.quoteSize.isZero else { throw .invalid("quote_size applies to spot market buys only; give size") }
        } else {
            guard request.positionSide == .none, !request.reduceOnly else {
                throw .invalid("position_side and reduce_only do not apply to spot orders")
            }
        }
        guard !request.quoteSize.isNegative, !request.size.isNegative else { throw .invalid("size and quote_size must not be negative") }
        var price = ExactDecimal.zero
        var size = ExactDecimal.zero
        var budget: ExactDecimal?
        switch request.type {
        case .limit:
            price = try PaperRules.price(request.price, side: request.side, instrument)
            size = try PaperRules.size(request.size, instrument)
            try PaperRules.checkNotional(try PaperMath.mul(price, size, "notional of the order"), instrument)
            if book == nil, request.timeInForce != .gtc {
                throw .state("a \(Self.name(request.timeInForce)) order on \(symbol) needs its live book: subscribe to it or wait for the resync")
            }
        case .market:
            guard let book else {
                throw .state("a market order on \(symbol) needs its live book: subscribe to it or wait for the resync")
            }
            let best = try (liquidity[symbol] ?? PaperLiquidity()).available(in: book, takerSide: request.side, limit: nil).first?.price
            if !instrument.isPerpetual, request.side == .buy {
                // As the live connector does: a market buy spends quote; a base size is
                // converted at the best ask.
                if request.quoteSize > .zero {
                    budget = request.quoteSize
                    size = request.size
                } else {
                    size = try PaperRules.size(request.size, instrument)
                    guard let best else { throw .state("no asks in the book of \(symbol) to size a market buy; give quote_size") }
                    budget = try PaperMath.product(size, best, scale: PaperRules.quoteScale(instrument), .up, "quote of the market buy")
                }
                if let budget { try PaperRules.checkNotional(budget, instrument) }
            } else {
                size = try PaperRules.size(request.size, instrument)
                if let best { try PaperRules.checkNotional(try PaperMath.mul(best, size, "notional of the order"), instrument) }
            }
        }
        let (positionSide, hedgeSide, reduceOnly) = instrument.isPerpetual
            ? try positionIntent(request, size: size) : (PositionSide.none, PositionSide.none, false)
        let clientID = try clientID(for: request, isArchived: isArchived)
        return PaperIntent(instrument: instrument, clientID: clientID, side: request.side, type: request.type,
                           timeInForce: request.timeInForce, price: price, size: size, quoteBudget: budget,
                           positionSide: positionSide, hedgeSide: hedgeSide, reduceOnly: reduceOnly)
    }

    /// What the order would take from the live book now (the part of it already taken by
    /// our fills left out): crossing levels for a limit order, any level for a market order.
    func plan(_ intent: PaperIntent, book: PaperBook?) throws(PaperError) -> PaperPlan {
        var plan = PaperPlan()
        guard let book else { return plan }
        let levels = try (liquidity[intent.instrument.symbol] ?? PaperLiquidity())
            .available(in: book, takerSide: intent.side, limit: intent.type == .limit ? intent.price : nil)
        if let budget = intent.quoteBudget { return try quotePlan(levels, budget: budget, intent.instrument) }
        var left = intent.size
        for level in levels where left > .zero {
            let size = min(level.size, left)
            plan.fills.append(BookLevel(price: level.price, size: size))
            plan.total = try PaperMath.add(plan.total, size, "planned size")
            left = try PaperMath.sub(left, size, "size left to plan")
        }
        plan.bookRanOut = left > .zero
        return plan
    }

    /// Spends `budget` of quote walking the asks, whole lots at each level.
    private func quotePlan(_ levels: [BookLevel], budget: ExactDecimal, _ instrument: Instrument) throws(PaperError) -> PaperPlan {
        var plan = PaperPlan()
        var left = budget
        for level in levels {
            let affordable = try PaperMath.div(left, level.price, scale: instrument.sizeIncrement.scale, .down, "size the quote buys")
            let lots: ExactDecimal
            do { lots = try affordable.quantized(to: instrument.sizeIncrement, .down) } catch { throw .arithmetic("size the quote buys", error) }
            let size = min(level.size, lots)
            guard size > .zero else { return plan }
            plan.fills.append(BookLevel(price: level.price, size: size))
            plan.total = try PaperMath.add(plan.total, size, "planned size")
            left = try PaperMath.sub(left, try PaperMath.mul(level.price, size, "planned cost"), "quote left to spend")
            if size < level.size { return plan }
        }
        // Every level was taken: the book ran out if what is left still buys a lot.
        if let last = levels.last {
            plan.bookRanOut = left >= (try PaperMath.mul(last.price, instrument.sizeIncrement, "price of one lot"))
        } else {
            plan.bookRanOut = true
        }
        return plan
    }

    /// The position side reported, the hedge-mode position acted on and whether the order
    /// only reduces, as the live connector maps them (`PerpOrderMapping`): one-way, an order
    /// against the position it names reduces it; hedge, the side names the position unless
    /// `position_side` does, and a close must reduce.
    private func positionIntent(_ request: OrderRequest, size: ExactDecimal) throws(PaperError)
        -> (PositionSide, PositionSide, Bool) {
        let side = request.side
        switch positionMode {
        case .oneWay:
            let closes = (request.positionSide == .long && side == .sell) || (request.positionSide == .short && side == .buy)
            let reduce = request.reduceOnly || closes
            if reduce { try checkReducible(request.symbol, side == .buy ? .short : .long, side: side, size: size) }
            return (request.positionSide, .none, reduce)
        case .hedge:
            var position = request.positionSide
            if position == .none {
                position = request.reduceOnly ? (side == .buy ? .short : .long) : (side == .buy ? .long : .short)
            }
            let closes = (position == .long && side == .sell) || (position == .short && side == .buy)
            if request.reduceOnly, !closes {
                throw .invalid("reduce_only on a \(Self.name(position)) position needs side \(position == .long ? "SELL" : "BUY")")
            }
            if closes { try checkReducible(request.symbol, position, side: side, size: size) }
            return (position, position, closes)
        }
    }

    /// Refuses a reduce-only order with no position to reduce, or larger than it.
    private func checkReducible(_ symbol: String, _ position: PositionSide, side: Side, size: ExactDecimal) throws(PaperError) {
        let held = positions[PositionKey(symbol: symbol, side: position)]?.size ?? .zero
        let what = "reduce-only \(side == .buy ? "buy" : "sell")"
        guard held > .zero else {
            throw .state("\(what) on \(symbol) would open a position: no \(Self.name(position)) position to reduce")
        }
        guard size <= held else { throw .state("\(what) of \(size) exceeds the \(Self.name(position)) position \(held) on \(symbol)") }
    }

    /// The request's client id, or a generated one (`pp_<session>_<n>`, at most 30 characters
    /// of `[a-z0-9_]`); an id of an open or remembered order is refused.
    private mutating func clientID(for request: OrderRequest, isArchived: (String) -> Bool) throws(PaperError) -> String {
        guard request.clientOrderID.isEmpty else {
            try PaperRules.validateClientID(request.clientOrderID)
            guard orders[request.clientOrderID] == nil, !isArchived(request.clientOrderID) else {
                throw .invalid("client order id \(request.clientOrderID) is already in use")
            }
            return request.clientOrderID
        }
        var id: String
        repeat { id = "pp_\(session)_\(String(nextNumber(), radix: 36))" } while orders[id] != nil || isArchived(id)
        return id
    }

    static func name(_ side: PositionSide) -> String {
        switch side {
        case .long: "LONG"
        case .short: "SHORT"
        case .none: "NONE"
        }
    }

    static func name(_ timeInForce: TimeInForce) -> String {
        switch timeInForce {
        case .gtc: "GTC"
        case .ioc: "IOC"
        case .fok: "FOK"
        case .postOnly: "post-only"
        }
    }
}

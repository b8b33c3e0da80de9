import SwiftletCore

/// What the live market does to our resting orders and positions: which orders a public
/// trade or the book reaches, and funding.
extension PaperState {
    /// Open orders of `symbol` a public trade reaches, best priority first. A buy is reached
    /// by a trade below its price, or at its price when the trade's taker sold (a seller hit
    /// bids at that price, ours among them); a sell by a trade above its price, or at it
    /// when the taker bought. A trade at our price in the other direction took the other
    /// side of the book and does not reach us.
    func ordersReached(by trade: Trade, symbol: String) -> [String] {
        restingOrders(symbol).filter { order in
            let price = order.snapshot.price
            return order.snapshot.side == .buy
                ? trade.price < price || (trade.price == price && trade.takerSide == .sell)
                : trade.price > price || (trade.price == price && trade.takerSide == .buy)
        }.map(\.snapshot.clientOrderID)
    }

    /// Open orders of `symbol`, best priority first (buys before sells).
    func restingOrders(_ symbol: String) -> [PaperOrder] {
        openOrders(symbol: symbol).sorted { $0.hasPriority(over: $1) }
    }

    /// Records a FUNDING_INFO. When its next funding time is later than the one seen before,
    /// that funding has settled: each open position of the symbol pays (long, positive rate)
    /// or receives size × mark × the rate that was announced for it, booked to the margin
    /// asset as a FUNDING_PAYMENT (rounded down: paid amounts up, received amounts down).
    mutating func applyFunding(_ info: FundingInfo, symbol: String, book: PaperBook?, out: inout PaperOutbox) throws(PaperError) {
        let instrument = try self.instrument(symbol)
        if info.markPrice > .zero { marks[symbol] = info.markPrice }
        let previous = funding[symbol]
        var current = info
        if current.nextFundingTime == 0, let previous { current.nextFundingTime = previous.nextFundingTime }
        funding[symbol] = current
        guard instrument.isPerpetual, let previous, previous.nextFundingTime > 0,
              current.nextFundingTime > previous.nextFundingTime else { return }
        let asset = instrument.quoteAsset
        for side in [PositionSide.long, .short] {
            let key = PositionKey(symbol: symbol, side: side)
            guard let position = positions[key], position.size > .zero else { continue }
            let entry = try PaperMath.div(position.entryNotional, position.size, scale: PaperRules.quoteScale(instrument),
                                          .towardZero, "entry price")
            let mark = try self.mark(symbol, book: book, fallback: entry)
            let notional = try PaperMath.mul(position.size, mark, "funding notional of \(symbol)")
            let rate = side == .long ? previous.rate.negated : previous.rate
            let amount = try PaperMath.product(notional, rate, scale: PaperRules.quoteScale(instrument), .down, "funding of \(symbol)")
            guard !amount.isZero else { continue }
            try ledger.adjust(asset, by: amount, "funding of \(symbol)")
            out.touch(asset: asset)
            out.emit(.fundingPayment(FundingPayment(paymentID: newID(), amount: amount, rate: previous.rate, asset: asset)),
                     symbol: symbol)
        }
    }
}

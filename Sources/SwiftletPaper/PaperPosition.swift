import SwiftletCore

/// Which position: a symbol and a side (LONG or SHORT; one-way mode holds at most one).
struct PositionKey: Sendable, Hashable {
    var symbol: String
    var side: PositionSide
}

/// One perpetual position as the paper exchange keeps it. The entry is kept as the exact
/// notional still open (Σ price × size), so PnL is exact and a full close books exactly
/// what the position made; the entry price is derived from it for display.
struct PaperPosition: Sendable {
    var size: ExactDecimal = .zero
    /// Σ price × size of the part still open.
    var entryNotional: ExactDecimal = .zero
    /// Margin locked for it in the margin asset.
    var margin: ExactDecimal = .zero
    /// PnL booked by reductions since the position was opened from flat (fees not included).
    var realizedPnL: ExactDecimal = .zero
    var leverage: ExactDecimal

    init(leverage: ExactDecimal) { self.leverage = leverage }

    /// Adds `size` bought (long) or sold (short) at `price`, with its `margin`.
    mutating func open(_ size: ExactDecimal, at price: ExactDecimal, margin added: ExactDecimal) throws(PaperError) {
        let notional = try PaperMath.mul(price, size, "position notional")
        self.size = try PaperMath.add(self.size, size, "position size")
        entryNotional = try PaperMath.add(entryNotional, notional, "position entry notional")
        margin = try PaperMath.add(margin, added, "position margin")
    }

    /// Takes `size` off the position at `price`; returns the PnL realized and the margin
    /// released (both exact for a full close, pro rata otherwise).
    mutating func close(_ size: ExactDecimal, at price: ExactDecimal, isLong: Bool) throws(PaperError) -> (pnl: ExactDecimal, margin: ExactDecimal) {
        let full = size == self.size
        let entryPart = full ? entryNotional
            : try PaperMath.mulDiv(entryNotional, size, self.size, scale: entryNotional.scale, .towardZero, "entry of the closed part")
        let marginPart = full ? margin
            : try PaperMath.mulDiv(margin, size, self.size, scale: margin.scale, .down, "margin of the closed part")
        let exit = try PaperMath.mul(price, size, "closed notional")
        let pnl = isLong ? try PaperMath.sub(exit, entryPart, "realized PnL") : try PaperMath.sub(entryPart, exit, "realized PnL")
        self.size = try PaperMath.sub(self.size, size, "position size")
        entryNotional = try PaperMath.sub(entryNotional, entryPart, "position entry notional")
        margin = try PaperMath.sub(margin, marginPart, "position margin")
        realizedPnL = try PaperMath.add(realizedPnL, pnl, "realized PnL")
        return (pnl, marginPart)
    }

    /// The POSITION payload at `mark`; `priceScale` is the scale of the entry price.
    func event(side: PositionSide, mark: ExactDecimal, marginAsset: String, priceScale: Int32) throws(PaperError) -> Position {
        var entryPrice = ExactDecimal.zero
        var unrealized = ExactDecimal.zero
        if size > .zero {
            entryPrice = try PaperMath.div(entryNotional, size, scale: priceScale, .towardZero, "entry price")
            let value = try PaperMath.mul(mark, size, "marked notional")
            unrealized = side == .long ? try PaperMath.sub(value, entryNotional, "unrealized PnL")
                : try PaperMath.sub(entryNotional, value, "unrealized PnL")
        }
        return Position(side: side, marginMode: .crossed, size: size, entryPrice: entryPrice, markPrice: mark,
                        unrealizedPnL: unrealized, realizedPnL: realizedPnL, margin: margin, leverage: leverage,
                        liquidationPrice: .zero, marginAsset: marginAsset)
    }
}

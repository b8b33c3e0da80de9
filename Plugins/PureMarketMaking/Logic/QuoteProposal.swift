public import SwiftletPluginKit

/// One order the strategy wants on the book.
public struct Quote: Sendable, Equatable {
    public var side: Side
    /// 0 is the level nearest the mid.
    public var level: Int
    public var price: ExactDecimal
    public var size: ExactDecimal

    public init(side: Side, level: Int, price: ExactDecimal, size: ExactDecimal) {
        self.side = side
        self.level = level
        self.price = price
        self.size = size
    }
}

/// The orders one refresh wants: bids best (highest) first, asks best (lowest) first.
public struct QuoteProposal: Sendable, Equatable {
    public var buys: [Quote]
    public var sells: [Quote]

    public init(buys: [Quote], sells: [Quote]) {
        self.buys = buys
        self.sells = sells
    }

    /// Builds the proposal for `mid` (Hummingbot's base proposal, then its modifiers):
    ///
    /// - level `l` bid at `mid × (1 − bid_spread − l × order_level_spread − shift)`, rounded
    ///   down; ask at `mid × (1 + ask_spread + l × order_level_spread − shift)`, rounded up,
    ///   where `shift = deviation × min(bid_spread, ask_spread) / 2` (`InventorySkew`);
    /// - level `l` size `order_amount + l × order_level_amount`, times the skew's bid or ask
    ///   ratio, rounded down; a level whose size or price is not positive is left out;
    /// - price band: no buys when `mid ≥ price_ceiling`, no sells when `mid ≤ price_floor`;
    /// - a quote nearer the mid than `minimum_spread` is left out (it would be cancelled).
    ///
    /// Prices and sizes are exact up to 12 decimals; the connector quantizes them.
    public static func make(mid: ExactDecimal, config: PureMarketMakingConfig,
                            skew: InventorySkew) throws(DecimalError) -> QuoteProposal {
        let one = ExactDecimal(1)
        let smallerSpread = min(config.bidSpread, config.askSpread)
        let shift = try skew.deviation.multiplied(by: smallerSpread, .towardZero)
            .divided(by: ExactDecimal(2), maxScale: 18, .towardZero)
        let bidRatio = try skew.bidRatio
        let askRatio = try skew.askRatio
        var buys: [Quote] = []
        var sells: [Quote] = []
        for level in 0..<config.orderLevels {
            let levelSpread = try config.orderLevelSpread * ExactDecimal(Int64(level))
            let baseSize = try config.levelSize(level)
            let bidFactor = try one - config.bidSpread - levelSpread - shift
            let askFactor = try one + config.askSpread + levelSpread - shift
            let bid = Quote(side: .buy, level: level,
                            price: try mid.multiplied(by: bidFactor, maxScale: scale, .down),
                            size: try baseSize.multiplied(by: bidRatio, maxScale: scale, .down))
            let ask = Quote(side: .sell, level: level,
                            price: try mid.multiplied(by: askFactor, maxScale: scale, .up),
                            size: try baseSize.multiplied(by: askRatio, maxScale: scale, .down))
            if try keeps(bid, mid: mid, config: config) { buys.append(bid) }
            if try keeps(ask, mid: mid, config: config) { sells.append(ask) }
        }
        if let ceiling = config.priceCeiling, mid >= ceiling { buys = [] }
        if let floor = config.priceFloor, mid <= floor { sells = [] }
        return QuoteProposal(buys: buys, sells: sells)
    }

    /// Decimals kept in quote prices and sizes.
    static let scale: Int32 = 12

    private static func keeps(_ quote: Quote, mid: ExactDecimal, config: PureMarketMakingConfig) throws(DecimalError) -> Bool {
        guard quote.price > .zero, quote.size > .zero else { return false }
        guard let minimum = config.minimumSpread else { return true }
        return !(try isBelowMinimumSpread(side: quote.side, price: quote.price, mid: mid, minimum: minimum))
    }

    /// True when an order at `price` is nearer the mid (or past it) than `minimum × mid`:
    /// Hummingbot's `(mid − price) / mid < minimum` for bids, `(price − mid) / mid` for asks.
    public static func isBelowMinimumSpread(side: Side, price: ExactDecimal, mid: ExactDecimal,
                                            minimum: ExactDecimal) throws(DecimalError) -> Bool {
        let distance = side == .buy ? try mid - price : try price - mid
        return distance < (try mid.multiplied(by: minimum, .towardZero))
    }
}

public import SwiftletCore

/// Trades, fees, funding and PnL per market, computed from journal fills by average cost.
///
/// PnL is linear, in the quote asset: spot and USDT/USDC-margined perpetuals whose sizes are in
/// base units (coin-margined contracts would need the inverse formula). Inventory is the sum of
/// signed fill sizes; fees are reported per fee asset and neither deducted from the inventory
/// nor from the PnL. Hedge-mode fills (position side long or short) are kept as separate
/// positions of the market; one-way and spot fills are position side none.
public struct PnLReport: Sendable, Hashable {
    /// One entry per market with fills or funding payments, by market.
    public var markets: [MarketPnL]

    /// Computes the report. Fills are replayed by time, then journal sequence; `lastPrices` gives
    /// each market's mark. Throws when an amount overflows (the error names market and fill).
    public init(fills: [StoredFill], fundingPayments: [StoredFundingPayment], lastPrices: [LastPrice]) throws(PersistenceError) {
        let fillsByMarket = Dictionary(grouping: fills, by: \.market)
        let fundingByMarket = Dictionary(grouping: fundingPayments, by: \.market)
        let marks = Dictionary(lastPrices.map { ($0.market, $0.price) }, uniquingKeysWith: { first, _ in first })
        var markets = [MarketPnL]()
        for market in Set(fillsByMarket.keys).union(fundingByMarket.keys).sorted() {
            markets.append(try MarketPnL(market: market, fills: fillsByMarket[market] ?? [],
                                         fundingPayments: fundingByMarket[market] ?? [], lastPrice: marks[market]))
        }
        self.markets = markets
    }
}

/// One market's trading summary.
public struct MarketPnL: Sendable, Hashable {
    /// The market.
    public var market: Market
    /// Number of fills.
    public var trades: Int
    /// Total size bought and sold (base units).
    public var boughtSize: ExactDecimal
    public var soldSize: ExactDecimal
    /// Total price × size bought and sold (quote units).
    public var boughtNotional: ExactDecimal
    public var soldNotional: ExactDecimal
    /// Fees paid per fee asset (rebates negative).
    public var fees: [String: ExactDecimal]
    /// Funding per asset: received positive, paid negative.
    public var funding: [String: ExactDecimal]
    /// Realized PnL by average cost, quote units, before fees and funding.
    public var realizedPnL: ExactDecimal
    /// One entry per position side traded (`.none` for spot and one-way perpetuals).
    public var positions: [PositionPnL]
    /// Net inventory over the positions: positive long, negative short.
    public var inventory: ExactDecimal
    /// Average entry of the open position when exactly one is open; nil otherwise.
    public var averageEntry: ExactDecimal?
    /// Last price (ticker or public trade), the mark; nil if none was recorded.
    public var lastPrice: ExactDecimal?
    /// Σ inventory × (mark − average entry) over open positions; zero when flat; nil when a
    /// position is open and there is no mark.
    public var unrealizedPnL: ExactDecimal?

    init(market: Market, fills: [StoredFill], fundingPayments: [StoredFundingPayment],
         lastPrice: ExactDecimal?) throws(PersistenceError) {
        self.market = market
        self.trades = fills.count
        self.lastPrice = lastPrice
        var bought = ExactDecimal.zero, sold = ExactDecimal.zero
        var boughtNotional = ExactDecimal.zero, soldNotional = ExactDecimal.zero
        var fees = [String: ExactDecimal](), funding = [String: ExactDecimal]()
        var books = [PositionSide: (position: AverageCostPosition, realized: ExactDecimal, priceScale: Int32)]()
        let ordered = fills.sorted { ($0.time, $0.sequence) < ($1.time, $1.sequence) }
        for stored in ordered {
            let fill = stored.fill
            do throws(DecimalError) {
                let notional = try fill.price * fill.size
                if fill.side == .buy {
                    bought = try bought + fill.size
                    boughtNotional = try boughtNotional + notional
                } else {
                    sold = try sold + fill.size
                    soldNotional = try soldNotional + notional
                }
                if !fill.fee.isZero || !fill.feeAsset.isEmpty {
                    fees[fill.feeAsset] = try (fees[fill.feeAsset] ?? .zero) + fill.fee
                }
                var book = books[fill.positionSide] ?? (AverageCostPosition(), .zero, 0)
                let signed = fill.side == .buy ? fill.size : fill.size.negated
                book.realized = try book.realized + book.position.apply(signedSize: signed, price: fill.price)
                book.priceScale = max(book.priceScale, fill.price.scale)
                books[fill.positionSide] = book
            } catch {
                throw PersistenceError("PnL of \(market) at fill \(String(reflecting: fill.tradeID)): \(error)")
            }
        }
        for stored in fundingPayments {
            do throws(DecimalError) {
                funding[stored.payment.asset] = try (funding[stored.payment.asset] ?? .zero) + stored.payment.amount
            } catch {
                throw PersistenceError("PnL of \(market) at funding payment \(String(reflecting: stored.payment.paymentID)): \(error)")
            }
        }
        self.boughtSize = bought
        self.soldSize = sold
        self.boughtNotional = boughtNotional
        self.soldNotional = soldNotional
        self.fees = fees
        self.funding = funding
        var positions = [PositionPnL]()
        var realized = ExactDecimal.zero, inventory = ExactDecimal.zero
        var unrealized: ExactDecimal? = .zero
        do throws(DecimalError) {
            for side in books.keys.sorted(by: { $0.rawValue < $1.rawValue }) {
                let book = books[side]!
                let position = book.position
                // Average entry to four more digits than the prices traded.
                let average = try position.averageEntry(scale: min(book.priceScale + 4, ExactDecimal.maxScale))
                var open: ExactDecimal? = position.inventory.isZero ? .zero : nil
                if let lastPrice { open = try position.unrealized(mark: lastPrice) }
                positions.append(PositionPnL(side: side, inventory: position.inventory, costBasis: position.costBasis,
                                             averageEntry: average, realizedPnL: book.realized, unrealizedPnL: open))
                realized = try realized + book.realized
                inventory = try inventory + position.inventory
                if let sum = unrealized, let open { unrealized = try sum + open } else { unrealized = nil }
            }
        } catch {
            throw PersistenceError("PnL of \(market): \(error)")
        }
        self.positions = positions
        self.realizedPnL = realized
        self.inventory = inventory
        self.unrealizedPnL = unrealized
        let open = positions.filter { !$0.inventory.isZero }
        self.averageEntry = open.count == 1 ? open[0].averageEntry : nil
    }
}

/// One position of a market (one-way/spot: side none; hedge mode: long and short apart).
public struct PositionPnL: Sendable, Hashable {
    /// The position side its fills named.
    public var side: PositionSide
    /// Open size: positive long, negative short.
    public var inventory: ExactDecimal
    /// Σ price × signed size of the open part (quote units).
    public var costBasis: ExactDecimal
    /// costBasis ÷ inventory (rounded toward zero); nil when flat.
    public var averageEntry: ExactDecimal?
    /// Realized PnL by average cost, quote units.
    public var realizedPnL: ExactDecimal
    /// inventory × mark − costBasis; zero when flat; nil when open without a mark.
    public var unrealizedPnL: ExactDecimal?

    /// Makes a position summary.
    public init(side: PositionSide, inventory: ExactDecimal, costBasis: ExactDecimal, averageEntry: ExactDecimal?,
                realizedPnL: ExactDecimal, unrealizedPnL: ExactDecimal?) {
        self.side = side
        self.inventory = inventory
        self.costBasis = costBasis
        self.averageEntry = averageEntry
        self.realizedPnL = realizedPnL
        self.unrealizedPnL = unrealizedPnL
    }
}

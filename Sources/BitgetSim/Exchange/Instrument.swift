import SwiftletCore

/// Trading rules of one tradable book (a spot pair or a perpetual contract).
public struct Instrument: Sendable {
    /// Spot pair or futures contract.
    public enum Kind: Sendable, Equatable {
        case spot
        /// A perpetual of `productType` (e.g. `USDT-FUTURES`) margined in `marginCoin`.
        case perpetual(productType: String, marginCoin: String)
    }

    public let symbol: String
    public let kind: Kind
    public let baseCoin: String
    public let quoteCoin: String
    /// Digits after the point in a price (tick = 10^-pricePlace).
    public let pricePlace: Int32
    /// Digits after the point in a size (lot = 10^-volumePlace).
    public let volumePlace: Int32
    /// Smallest order size, in lots.
    public let minLots: Int64
    /// Smallest order value in quote coin.
    public let minTradeUSDT: ExactDecimal
    public let makerFeeRate: ExactDecimal
    public let takerFeeRate: ExactDecimal
    /// Price the random walk starts from, in ticks.
    public let startPrice: Int64
    /// Highest leverage a futures position may use.
    public let maxLever: Int64

    /// Key unique across spot and futures: `SPOT:BTCUSDT`, `USDT-FUTURES:BTCUSDT`.
    public var key: String {
        switch kind {
        case .spot: "SPOT:\(symbol)"
        case .perpetual(let productType, _): "\(productType):\(symbol)"
        }
    }

    /// The WebSocket `instType` of this book.
    public var instType: String {
        switch kind {
        case .spot: "SPOT"
        case .perpetual(let productType, _): productType
        }
    }

    /// Scale of a quote amount (price × size) in the engine's integer units.
    var notionalScale: Int32 { pricePlace + volumePlace }

    func price(_ ticks: Int64) -> ExactDecimal { .fromUnits(ticks, scale: pricePlace) }
    func size(_ lots: Int64) -> ExactDecimal { .fromUnits(lots, scale: volumePlace) }
    func notional(_ ticksTimesLots: Int64) -> ExactDecimal { .fromUnits(ticksTimesLots, scale: notionalScale) }
    func priceText(_ ticks: Int64) -> String { price(ticks).description }
    func sizeText(_ lots: Int64) -> String { size(lots).description }

    /// Default spot pair for `symbol` (known majors get realistic prices and precisions).
    static func defaultSpot(_ symbol: String) -> Instrument {
        let (base, quote) = split(symbol)
        let (price, pp, vp): (Int64, Int32, Int32) = switch base {
        case "BTC": (60_000_00, 2, 6)
        case "ETH": (3_000_00, 2, 4)
        case "SOL": (150_000, 3, 3)
        default: (100_00, 2, 4)
        }
        return Instrument(symbol: symbol, kind: .spot, baseCoin: base, quoteCoin: quote, pricePlace: pp, volumePlace: vp,
                          minLots: 1, minTradeUSDT: ExactDecimal(1), makerFeeRate: try! ExactDecimal("0.001"),
                          takerFeeRate: try! ExactDecimal("0.001"), startPrice: price, maxLever: 1)
    }

    /// Default perpetual for `symbol` in `productType`.
    static func defaultPerp(_ symbol: String, productType: String = "USDT-FUTURES") -> Instrument {
        let (base, quote) = split(symbol)
        let (price, pp, vp): (Int64, Int32, Int32) = switch base {
        case "BTC": (60_000_0, 1, 3)
        case "ETH": (3_000_00, 2, 2)
        case "SOL": (150_000, 3, 1)
        default: (100_00, 2, 2)
        }
        let marginCoin = productType.contains("COIN") ? base : quote
        return Instrument(symbol: symbol, kind: .perpetual(productType: productType, marginCoin: marginCoin),
                          baseCoin: base, quoteCoin: quote, pricePlace: pp, volumePlace: vp, minLots: 1,
                          minTradeUSDT: ExactDecimal(5), makerFeeRate: try! ExactDecimal("0.0002"),
                          takerFeeRate: try! ExactDecimal("0.0006"), startPrice: price, maxLever: 125)
    }

    static func split(_ symbol: String) -> (String, String) {
        for quote in ["USDT", "USDC", "USD"] where symbol.hasSuffix(quote) && symbol.count > quote.count {
            return (String(symbol.dropLast(quote.count)), quote)
        }
        return (symbol, "USDT")
    }
}

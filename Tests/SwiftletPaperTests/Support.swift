import SwiftletCore
import SwiftletPaper

/// A decimal from a literal the test controls (a typo is a test bug, not a case to handle).
func dec(_ text: String) -> ExactDecimal {
    guard let value = try? ExactDecimal(text) else { preconditionFailure("bad decimal literal \(text)") }
    return value
}

enum Fixture {
    static let connector = "bitget_spot"
    static let now: Int64 = 1_700_000_000_000_000_000

    /// BTCUSDT spot: tick 0.1, lot 0.001, min notional 5 USDT, maker 0.1%, taker 0.2%.
    static let spot = Instrument(symbol: "BTCUSDT", baseAsset: "BTC", quoteAsset: "USDT", priceIncrement: dec("0.1"),
                                 sizeIncrement: dec("0.001"), minSize: dec("0.001"), minNotional: dec("5"),
                                 makerFeeRate: dec("0.001"), takerFeeRate: dec("0.002"))

    /// ETHUSDT perpetual: tick 0.01, lot 0.01, min notional 5 USDT, maker 0.02%, taker 0.06%.
    static let perp = Instrument(symbol: "ETHUSDT", baseAsset: "ETH", quoteAsset: "USDT", isPerpetual: true,
                                 priceIncrement: dec("0.01"), sizeIncrement: dec("0.01"), minSize: dec("0.01"),
                                 minNotional: dec("5"), makerFeeRate: dec("0.0002"), takerFeeRate: dec("0.0006"))

    /// A spot exchange holding 10000 USDT and 1 BTC.
    static func spotExchange(instrument: Instrument = spot) throws -> PaperExchange {
        try PaperExchange(connector: connector, instruments: [instrument],
                          balances: [balance("USDT", "10000"), balance("BTC", "1")])
    }

    /// A perpetual exchange holding 1000 USDT of margin, leverage 10.
    static func perpExchange(mode: PositionMode = .oneWay) throws -> PaperExchange {
        try PaperExchange(connector: "bitget_perpetual", instruments: [perp], balances: [balance("USDT", "1000")],
                          defaultLeverage: dec("10"), positionMode: mode)
    }

    static func balance(_ asset: String, _ total: String) -> Balance {
        Balance(asset: asset, total: dec(total), available: dec(total), locked: .zero)
    }

    /// A BOOK event; levels as ("price", "size").
    static func book(_ symbol: String = "BTCUSDT", bids: [(String, String)] = [], asks: [(String, String)] = [],
                     snapshot: Bool = true, time: Int64 = now) -> Event {
        let update = BookUpdate(isSnapshot: snapshot, bids: bids.map { BookLevel(price: dec($0.0), size: dec($0.1)) },
                                asks: asks.map { BookLevel(price: dec($0.0), size: dec($0.1)) }, sequence: 0)
        return Event(context: EventContext(localTime: time, source: connector, symbol: symbol), payload: .book(update))
    }

    static func trade(_ symbol: String = "BTCUSDT", price: String, size: String, taker: Side, time: Int64 = now) -> Event {
        Event(context: EventContext(localTime: time, source: connector, symbol: symbol),
              payload: .trade(Trade(tradeID: "t\(price)-\(size)", takerSide: taker, price: dec(price), size: dec(size))))
    }

    static func limit(_ side: Side, _ size: String, at price: String, _ symbol: String = "BTCUSDT",
                      tif: TimeInForce = .gtc, id: String = "", position: PositionSide = .none, reduceOnly: Bool = false) -> OrderRequest {
        OrderRequest(side: side, symbol: symbol, clientOrderID: id, type: .limit, timeInForce: tif, price: dec(price),
                     size: dec(size), positionSide: position, reduceOnly: reduceOnly)
    }

    static func market(_ side: Side, _ size: String, _ symbol: String = "BTCUSDT", quote: String = "0",
                       position: PositionSide = .none, reduceOnly: Bool = false) -> OrderRequest {
        OrderRequest(side: side, symbol: symbol, type: .market, size: dec(size), quoteSize: dec(quote),
                     positionSide: position, reduceOnly: reduceOnly)
    }
}

extension [Event] {
    var orderUpdates: [OrderUpdate] { compactMap { if case .order(let update) = $0.payload { update } else { nil } } }
    var fills: [Fill] { compactMap { if case .fill(let fill) = $0.payload { fill } else { nil } } }
    var balanceEvents: [Balance] { compactMap { if case .balance(let balance) = $0.payload { balance } else { nil } } }
    var positionEvents: [Position] { compactMap { if case .position(let position) = $0.payload { position } else { nil } } }
    var payments: [FundingPayment] { compactMap { if case .fundingPayment(let payment) = $0.payload { payment } else { nil } } }
    var states: [OrderState] { orderUpdates.map(\.state) }

    /// One word per event, in order: "order:<state>", "fill", "balance:<asset>", ...
    var kinds: [String] {
        map { event in
            switch event.payload {
            case .order(let update): "order:\(update.state)"
            case .fill: "fill"
            case .balance(let balance): "balance:\(balance.asset)"
            case .position(let position): "position:\(position.side)"
            case .fundingPayment: "funding"
            case .error: "error"
            default: "other"
            }
        }
    }
}

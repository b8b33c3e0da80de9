import CSwiftletSDK
import SwiftletABI
import SwiftletBot
import SwiftletCore

func dec(_ text: String) -> ExactDecimal { try! ExactDecimal(text) }

func bookEvent(_ source: String = "bitget", _ symbol: String = "BTCUSDT", snapshot: Bool,
               bids: [(String, String)], asks: [(String, String)]) -> Event {
    Event(context: EventContext(source: source, symbol: symbol),
          payload: .book(BookUpdate(isSnapshot: snapshot,
                                    bids: bids.map { BookLevel(price: dec($0.0), size: dec($0.1)) },
                                    asks: asks.map { BookLevel(price: dec($0.0), size: dec($0.1)) }, sequence: 0)))
}

/// A venue with fixed rules and balances, recording what reaches it.
final class FakeVenue: TradingVenue, @unchecked Sendable {
    let id: String
    var isPaper: Bool { false }
    var pluginKey: String { "fake@1.0.0" }
    var instrumentValue: Instrument
    var balanceValues: [Balance]
    var leverageValue = ExactDecimal(1)
    var placed: [OrderRequest] = []
    /// How many times `balances()` was asked.
    var balanceListings = 0
    /// What `balances()` throws, if anything.
    var listingError: ABIError?

    init(id: String = "bitget", perpetual: Bool = false, balances: [(String, String)]) {
        self.id = id
        instrumentValue = Instrument(symbol: "BTCUSDT", baseAsset: "BTC", quoteAsset: "USDT", isPerpetual: perpetual,
                                     priceIncrement: dec("0.01"), sizeIncrement: dec("0.0001"), minSize: dec("0.0001"),
                                     minNotional: dec("1"), makerFeeRate: dec("0.001"), takerFeeRate: dec("0.001"))
        balanceValues = balances.map { Balance(asset: $0.0, total: dec($0.1), available: dec($0.1), locked: .zero) }
    }

    func instrument(_ symbol: String) throws(ABIError) -> Instrument {
        guard symbol == instrumentValue.symbol else { throw ABIError(SWL_ERR_NOT_FOUND, "unknown symbol \(symbol)") }
        return instrumentValue
    }
    func subscribe(_ channel: MarketChannel, symbol: String) throws(ABIError) {}
    func place(_ request: OrderRequest) throws(ABIError) { placed.append(request) }
    func cancel(symbol: String, clientOrderID: String) throws(ABIError) {}
    func cancelAll(symbol: String) throws(ABIError) {}
    func order(_ clientOrderID: String) throws(ABIError) -> OrderSnapshot { throw ABIError(SWL_ERR_NOT_FOUND, "none") }
    func openOrders(symbol: String) throws(ABIError) -> [OrderSnapshot] { [] }
    func balances() throws(ABIError) -> [Balance] {
        balanceListings += 1
        if let listingError { throw listingError }
        return balanceValues
    }
    func positions() throws(ABIError) -> [PositionSnapshot] { [] }
    func leverage(symbol: String) throws(ABIError) -> ExactDecimal { leverageValue }
}

import SwiftletPluginKit

/// A host trading API in memory: records every call, answers queries from settable state
/// and refuses what a test asks it to refuse.
final class FakeTrading: StrategyTradingAPI {
    struct Placed: Equatable {
        let connector: String
        let request: OrderRequest
        let id: String
    }

    var top: (bid: BookLevel, ask: BookLevel)?
    var balances: [String: Balance] = [:]
    var window: [Candle] = []
    /// Refuse the next placements with this error (all of them while set).
    var placeRefusal: PluginError?
    var cancelRefusal: PluginError?
    var orderSnapshots: [String: OrderSnapshot] = [:]

    private(set) var placed: [Placed] = []
    private(set) var cancelled: [String] = []
    private(set) var subscriptions: [String] = []
    private var nextID = 1

    func setMid(bid: String, ask: String) {
        top = (BookLevel(price: dec(bid), size: dec("1")), BookLevel(price: dec(ask), size: dec("1")))
    }

    func setBalance(_ asset: String, _ total: String) {
        balances[asset] = Balance(asset: asset, total: dec(total), available: dec(total), locked: .zero)
    }

    func subscribe(connector: String, channel: MarketChannel, symbol: String) throws(PluginError) {
        subscriptions.append("\(connector) \(channel) \(symbol)")
    }

    func subscribeCandles(feedPlugin: String, feed: String, symbol: String, interval: String, history: Int) throws(PluginError) {
        subscriptions.append("\(feedPlugin) \(feed) \(symbol) \(interval) \(history)")
    }

    func placeOrder(connector: String, _ request: OrderRequest) throws(PluginError) -> String {
        if let placeRefusal { throw placeRefusal }
        let id = "o\(nextID)"
        nextID += 1
        placed.append(Placed(connector: connector, request: request, id: id))
        return id
    }

    func cancelOrder(connector: String, symbol: String, clientOrderID: String) throws(PluginError) {
        if let cancelRefusal { throw cancelRefusal }
        cancelled.append(clientOrderID)
    }

    func cancelAll(connector: String, symbol: String) throws(PluginError) {
        cancelled.append("*")
    }

    func order(connector: String, clientOrderID: String) throws(PluginError) -> OrderSnapshot {
        guard let snapshot = orderSnapshots[clientOrderID] else { throw PluginError(SWL_ERR_NOT_FOUND, "unknown order \(clientOrderID)") }
        return snapshot
    }

    func balance(connector: String, asset: String) throws(PluginError) -> Balance {
        guard let balance = balances[asset] else { throw PluginError(SWL_ERR_NOT_FOUND, "no balance \(asset)") }
        return balance
    }

    func position(connector: String, symbol: String, side: PositionSide) throws(PluginError) -> PositionSnapshot {
        throw PluginError(SWL_ERR_NOT_FOUND, "no position")
    }

    func topOfBook(connector: String, symbol: String) throws(PluginError) -> (bid: BookLevel, ask: BookLevel) {
        guard let top else { throw PluginError(SWL_ERR_STATE, "book of \(symbol) is resyncing") }
        return top
    }

    func candles(feedPlugin: String, feed: String, symbol: String, interval: String) throws(PluginError) -> [Candle] {
        window
    }

    /// Orders placed since index `from`.
    func placed(since from: Int) -> [Placed] { Array(placed[from...]) }
}

/// Collects log lines.
final class LogRecorder {
    private(set) var lines: [(PluginHost.LogLevel, String)] = []
    var logger: StrategyLogger { { [self] level, message in lines.append((level, message)) } }
    func contains(_ text: String) -> Bool { lines.contains { $0.1.contains(text) } }
}

func dec(_ text: String) -> ExactDecimal {
    do {
        return try ExactDecimal(text)
    } catch {
        fatalError("bad decimal literal in a test: \(text)")
    }
}

/// Seconds as ns.
func sec(_ seconds: Int64) -> Int64 { seconds * 1_000_000_000 }

enum Events {
    static func timer(_ tick: UInt64 = 1) -> Event {
        Event(context: EventContext(), payload: .timer(id: tick))
    }

    static func order(_ id: String, _ state: OrderState, side: Side = .buy, type: OrderType = .limit,
                      size: String = "1", filled: String = "0", average: String = "0") -> Event {
        Event(context: EventContext(source: "bitget", symbol: "BTCUSDT"), payload: .order(OrderUpdate(
            clientOrderID: id, exchangeOrderID: "x-\(id)", state: state, side: side, type: type,
            price: .zero, size: dec(size), filledSize: dec(filled), averageFillPrice: dec(average))))
    }

    static func fill(_ id: String, trade: String, side: Side, price: String, size: String) -> Event {
        Event(context: EventContext(source: "bitget_perpetual", symbol: "BTCUSDT"), payload: .fill(Fill(
            tradeID: trade, clientOrderID: id, exchangeOrderID: "x-\(id)", side: side, isMaker: false,
            price: dec(price), size: dec(size), fee: .zero, feeAsset: "USDT")))
    }

    static func ticker(_ last: String, symbol: String = "BTCUSDT") -> Event {
        Event(context: EventContext(source: "bitget_perpetual", symbol: symbol), payload: .ticker(Ticker(lastPrice: dec(last))))
    }

    static func candle(openTime: Int64, close: String, closed: Bool = true, interval: String = "1m",
                       feed: String = "bitget_perpetual_candles") -> Event {
        let c = dec(close)
        return Event(context: EventContext(source: "bitget_candles", symbol: "BTCUSDT"), payload: .candle(CandleUpdate(
            feed: feed, interval: interval,
            candle: Candle(openTime: openTime, open: c, high: c, low: c, close: c, baseVolume: .zero, quoteVolume: .zero),
            isClosed: closed)))
    }
}

import Foundation
import SwiftletCore
import SwiftletPersistence

/// Exact decimal from a literal.
func dec(_ text: String) throws -> ExactDecimal { try ExactDecimal(text) }

/// Builders for the normalized events the journal records; defaults are one Bitget spot market.
enum Make {
    static func context(source: String = "bitget", symbol: String = "BTCUSDT", time: Int64 = 1_000) -> EventContext {
        EventContext(exchangeTime: time, localTime: time + 5, source: source, symbol: symbol)
    }

    static func fill(_ tradeID: String, _ side: Side, _ size: String, at price: String, fee: String = "0",
                     feeAsset: String = "USDT", positionSide: PositionSide = .none, order: String = "c-1",
                     source: String = "bitget", symbol: String = "BTCUSDT", time: Int64 = 1_000) throws -> Event {
        Event(context: context(source: source, symbol: symbol, time: time),
              payload: .fill(Fill(tradeID: tradeID, clientOrderID: order, exchangeOrderID: "x-\(order)", side: side,
                                  isMaker: side == .buy, price: try dec(price), size: try dec(size), fee: try dec(fee),
                                  feeAsset: feeAsset, positionSide: positionSide)))
    }

    static func order(_ clientID: String, _ state: OrderState, filled: String = "0", side: Side = .buy,
                      source: String = "bitget", symbol: String = "BTCUSDT", time: Int64 = 1_000) throws -> Event {
        Event(context: context(source: source, symbol: symbol, time: time),
              payload: .order(OrderUpdate(clientOrderID: clientID, exchangeOrderID: "x-\(clientID)", state: state,
                                          side: side, type: .limit, price: try dec("97000.10"), size: try dec("0.010"),
                                          filledSize: try dec(filled), averageFillPrice: .zero,
                                          reason: state == .failed ? "insufficient balance" : "")))
    }

    static func funding(_ paymentID: String, _ amount: String, asset: String = "USDT", source: String = "bitget_perpetual",
                        symbol: String = "BTCUSDT", time: Int64 = 1_000) throws -> Event {
        Event(context: context(source: source, symbol: symbol, time: time),
              payload: .fundingPayment(FundingPayment(paymentID: paymentID, amount: try dec(amount),
                                                      rate: try dec("0.0001"), asset: asset)))
    }

    static func ticker(_ last: String, source: String = "bitget", symbol: String = "BTCUSDT", time: Int64 = 1_000) throws -> Event {
        Event(context: context(source: source, symbol: symbol, time: time), payload: .ticker(Ticker(lastPrice: try dec(last))))
    }

    static func trade(_ price: String, source: String = "bitget", symbol: String = "BTCUSDT", time: Int64 = 1_000) throws -> Event {
        Event(context: context(source: source, symbol: symbol, time: time),
              payload: .trade(Trade(tradeID: "p-\(time)", takerSide: .buy, price: try dec(price), size: try dec("0.1"))))
    }

    static func position(_ size: String, side: PositionSide = .long, source: String = "bitget_perpetual",
                         symbol: String = "BTCUSDT", time: Int64 = 1_000) throws -> Event {
        Event(context: context(source: source, symbol: symbol, time: time),
              payload: .position(Position(side: side, marginMode: .crossed, size: try dec(size), entryPrice: try dec("97000.5"),
                                          markPrice: try dec("97100.25"), unrealizedPnL: try dec("100.00"),
                                          realizedPnL: try dec("-1.5"), margin: try dec("970.00"), leverage: try dec("10"),
                                          liquidationPrice: try dec("88000"), marginAsset: "USDT")))
    }
}

/// A fresh directory under the system temporary directory, removed by `remove()`.
struct TemporaryDirectory {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("swiftlet-journal-\(UUID().uuidString)")

    func path(_ name: String) -> String { url.appendingPathComponent(name).path }

    func remove() { try? FileManager.default.removeItem(at: url) }
}

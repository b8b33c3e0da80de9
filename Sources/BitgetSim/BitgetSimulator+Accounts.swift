import SwiftletCore

/// The exchange's own view of one account, for tests that check a client against the
/// truth rather than against what the client was told.
public struct SimAccountView: Sendable {
    /// Client order ids of the account's resting orders, with their instrument key
    /// (`SPOT:BTCUSDT`).
    public var openOrders: [String: String]
    /// When the exchange accepted each resting order (ms since the epoch), by client order id.
    public var openOrderTimes: [String: Int64]
    /// Trade ids of every execution of the account (one per fill), oldest first.
    public var tradeIDs: [String]
    /// Spot balances: asset → (available, frozen).
    public var spot: [String: (available: ExactDecimal, frozen: ExactDecimal)]
    /// Open futures positions: `USDT-FUTURES:BTCUSDT|long` → size in base units.
    public var positions: [String: ExactDecimal]
}

extension BitgetSimulator {
    /// The account of `apiKey` as the exchange sees it; nil for an unknown key.
    public func account(apiKey: String) -> SimAccountView? {
        try? exchange.locked { () throws(BitgetError) -> SimAccountView? in
            guard let index = exchange.accountIndex[apiKey] else { return nil }
            let account = exchange.accounts[index]
            var open: [String: String] = [:], times: [String: Int64] = [:]
            for order in exchange.orders.values where order.owner == Int32(index)
                && (order.status == .live || order.status == .partiallyFilled) {
                open[order.clientOid] = order.instrumentKey
                times[order.clientOid] = order.cTime
            }
            var positions: [String: ExactDecimal] = [:]
            for (key, position) in account.positions where position.lots > 0 {
                let instrumentKey = String(key.split(separator: "|").first ?? "")
                let place = exchange.instruments[instrumentKey]?.volumePlace ?? 0
                positions[key] = ExactDecimal(uncheckedMantissa: position.lots, scale: place)
            }
            return SimAccountView(openOrders: open, openOrderTimes: times, tradeIDs: exchange.fillLog[index].map { String($0.tradeId) },
                                  spot: account.spot.mapValues { ($0.available, $0.frozen) }, positions: positions)
        } ?? nil
    }
}

extension BitgetSimulator {
    /// Best bid and ask prices of a book as the matching engine has them; nil when a side is empty.
    public func bestPrices(instType: String = "SPOT", symbol: String) -> (bid: ExactDecimal, ask: ExactDecimal)? {
        try? exchange.locked { () throws(BitgetError) -> (bid: ExactDecimal, ask: ExactDecimal)? in
            let key = "\(instType.uppercased()):\(symbol.uppercased())"
            guard let instrument = exchange.instruments[key], let engine = exchange.engines[key],
                  let bid = engine.bids.bestPrice, let ask = engine.asks.bestPrice else { return nil }
            return (ExactDecimal(uncheckedMantissa: bid, scale: instrument.pricePlace),
                    ExactDecimal(uncheckedMantissa: ask, scale: instrument.pricePlace))
        } ?? nil
    }
}

import SwiftletCore

/// Seeded background makers and takers that keep every book alive around a random walk.
struct Agents {
    private var random: SeededRandom
    private var mid: [String: Int64] = [:]
    private var resting: [String: [UInt64]] = [:]

    init(seed: UInt64) { random = SeededRandom(seed: seed) }

    /// One round over every instrument (caller holds the exchange lock).
    mutating func step(_ exchange: Exchange) {
        let now = WallClock.milliseconds()
        for key in exchange.instrumentOrder {
            guard let instrument = exchange.instruments[key] else { continue }
            let tick = max(1, instrument.startPrice / 20_000)
            var center = mid[key] ?? instrument.startPrice
            center = max(tick * 50, center + random.int(in: -2...2) * tick)
            mid[key] = center
            var ids = resting[key] ?? []
            // Two new quotes per side, a few levels out.
            for _ in 0..<2 {
                for side in [MatchingEngine.Side.buy, .sell] {
                    let offset = random.int(in: 1...20) * tick
                    let price = side == .buy ? center - offset : center + offset
                    let lots = random.int(in: 1...50) * max(instrument.minLots, ExactDecimalPow.of(instrument.volumePlace) / 1000)
                    let id = exchange.newOrderId()
                    let outcome = exchange.engines[key]!.submit(.init(orderId: id, owner: -1, side: side, price: price, lots: lots,
                                                                      quoteBudget: nil, force: .gtc))
                    for fill in outcome.fills { exchange.settle(instrument, fill: fill, takerId: id, takerSide: side, time: now) }
                    if outcome.rested > 0 { ids.append(id) }
                }
            }
            // Occasionally a taker crosses the spread.
            if random.int(in: 0...2) == 0 {
                let side: MatchingEngine.Side = random.int(in: 0...1) == 0 ? .buy : .sell
                let lots = random.int(in: 1...20) * max(instrument.minLots, ExactDecimalPow.of(instrument.volumePlace) / 1000)
                let id = exchange.newOrderId()
                let outcome = exchange.engines[key]!.submit(.init(orderId: id, owner: -1, side: side, price: nil, lots: lots,
                                                                  quoteBudget: nil, force: .ioc))
                for fill in outcome.fills { exchange.settle(instrument, fill: fill, takerId: id, takerSide: side, time: now) }
            }
            // Keep the agents' own book bounded: cancel the oldest quotes.
            ids.removeAll { !exchange.engines[key]!.isResting($0) }
            while ids.count > 60 { _ = exchange.engines[key]!.cancel(orderId: ids.removeFirst()) }
            resting[key] = ids
        }
    }

    /// Forces a market trade of `lots` on `key` by a system taker.
    static func forceTrade(_ exchange: Exchange, key: String, side: MatchingEngine.Side, lots: Int64) {
        guard let instrument = exchange.instruments[key] else { return }
        let id = exchange.newOrderId()
        let outcome = exchange.engines[key]!.submit(.init(orderId: id, owner: -1, side: side, price: nil, lots: lots,
                                                          quoteBudget: nil, force: .ioc))
        let now = WallClock.milliseconds()
        for fill in outcome.fills { exchange.settle(instrument, fill: fill, takerId: id, takerSide: side, time: now) }
    }
}

import Foundation
import SwiftletBot
import SwiftletCore
import SwiftletHost
import SwiftletPersistence
import Testing

/// The candle-driven directional strategy on the perpetual connector, fed by the candle
/// plugin, against bitget-sim. Candles are one minute long, so this test takes up to about
/// three minutes: it shapes two consecutive closes and waits for them.
@Suite(.serialized) struct DirectionalEndToEndTests {
    static let perpetual = "USDT-FUTURES"

    /// Sleeps until `second` seconds into the next wall-clock minute (the simulator's candles
    /// are aligned to wall-clock minutes).
    static func sleepIntoNextMinute(second: Int = 2) async throws {
        let now = Date().timeIntervalSince1970
        let next = (now / 60).rounded(.down) * 60 + 60 + Double(second)
        try await Task.sleep(for: .milliseconds(Int((next - now) * 1000)))
    }

    /// Makes `price` the last trade of the current minute: a resting order there, then a
    /// market order of the other side that sweeps that whole side of the book. Fresh
    /// liquidity is then put on the swept side, 1 % further out, for the strategy to trade with.
    static func closeAt(_ harness: BotHarness, price: ExactDecimal, sweeping side: String) throws {
        let resting = side == "sell" ? "buy" : "sell"
        let text = try price.rounded(toScale: 1, .towardZero).description
        harness.sim.addLiquidity(instType: perpetual, symbol: "BTCUSDT", side: resting, price: text, size: "0.01")
        harness.sim.forceTrade(instType: perpetual, symbol: "BTCUSDT", side: side, size: "1000")
        let further = try (price * dec(side == "sell" ? "0.99" : "1.01")).rounded(toScale: 1, .towardZero).description
        harness.sim.addLiquidity(instType: perpetual, symbol: "BTCUSDT", side: resting, price: further, size: "5")
        harness.sim.publishNow()
    }

    @Test func theDirectionalStrategyOpensAndClosesAPerpetualPositionOnASignal() async throws {
        try await BotHarness.start(perpetual: true, candles: true).use { harness in
            let params = #"{"connector":"bitget_perpetual","symbol":"BTCUSDT","interval":"1m","fast_period":1,"#
                + #""slow_period":2,"order_amount":"0.01","time_limit":"2","price_channel":"book"}"#
            try harness.bot.startStrategy(id: "trend", library: try BotHarness.library("CandleDirectional"),
                                          params: params, tick: .milliseconds(200))
            var mid = ExactDecimal.zero
            try await waitUntil("the perpetual book", timeout: .seconds(20)) {
                mid = harness.bot.books.mark(source: "bitget_perpetual", symbol: "BTCUSDT") ?? .zero
                return mid > .zero
            }
            harness.sim.setAgentsRunning(false)
            // Minute m closes 1 % below the mid, minute m+1 1 % above: the fast SMA(1) crosses
            // the slow SMA(2) upwards at m+1's close whatever the history was before.
            if Int(Date().timeIntervalSince1970) % 60 > 40 { try await Self.sleepIntoNextMinute() }
            try Self.closeAt(harness, price: try mid * dec("0.99"), sweeping: "sell")
            try await Self.sleepIntoNextMinute()
            try Self.closeAt(harness, price: try mid * dec("1.01"), sweeping: "buy")
            try await Self.sleepIntoNextMinute()
            // A trade in minute m+2 opens its candle: the feed then reports m+1 closed.
            harness.sim.forceTrade(instType: Self.perpetual, symbol: "BTCUSDT", side: "buy", size: "0.001")
            harness.sim.publishNow()
            harness.sim.setAgentsRunning(true)

            // The signal opens a position (long at m+1's close; if m's close already crossed
            // down, a short first, closed by its time limit or the opposite signal) and the
            // two-second time limit closes it again.
            let venue = harness.venue("bitget_perpetual")
            try await waitUntil("a position opened and closed", timeout: .seconds(40)) {
                let orders = try harness.journal.orders(source: "bitget_perpetual", symbol: "BTCUSDT")
                let bought = orders.contains { $0.update.side == .buy && $0.update.filledSize >= dec("0.01") }
                let sold = orders.contains { $0.update.side == .sell && $0.update.filledSize >= dec("0.01") }
                let open = try venue.positions().contains { $0.symbol == "BTCUSDT" && $0.position.size > .zero }
                return bought && sold && !open
            }
            let changes = try harness.journal.positionChanges(source: "bitget_perpetual", symbol: "BTCUSDT")
            #expect(changes.contains { $0.position.size > .zero }, "position changes journaled: \(changes.map(\.position))")
            let fills = try harness.journal.fills(source: "bitget_perpetual", symbol: "BTCUSDT")
            #expect(fills.count >= 2)
            #expect(harness.bot.risk.killReason == nil)
        }
    }
}

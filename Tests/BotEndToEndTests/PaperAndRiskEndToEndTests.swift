import Foundation
import SwiftletBot
import SwiftletCore
import SwiftletHost
import SwiftletPersistence
import Testing

@Suite(.serialized) struct PaperAndRiskEndToEndTests {
    @Test func paperTradingFillsAgainstTheSimulatorsLiveBookAndNothingReachesTheExchange() async throws {
        try await BotHarness.start(paper: ["USDT": "50000", "BTC": "1"]).use { harness in
            #expect(harness.venue().isPaper)
            try harness.bot.startStrategy(id: "pmm", library: try BotHarness.library("PureMarketMaking"),
                                          params: StrategyEndToEndTests.pmmParams(spread: "0.0002", refresh: "2"),
                                          tick: .milliseconds(200))
            // The simulator's agents trade through the quotes: paper fills follow.
            try await waitUntil("a paper fill", timeout: .seconds(45)) { !(try harness.journal.fills(source: "bitget").isEmpty) }
            let fill = try #require(try harness.journal.fills(source: "bitget").first)
            #expect(fill.fill.tradeID.hasPrefix("paper"))
            #expect(fill.fill.isMaker)
            // Balances moved locally by exactly the fill (fee taken in the received asset).
            let balances = try harness.venue().balances()
            let usdt = try #require(balances.first { $0.asset == "USDT" }).total
            let btc = try #require(balances.first { $0.asset == "BTC" }).total
            #expect(usdt != dec("50000") || btc != dec("1"))
            // The exchange never saw an order: the connector has no credential and no orders.
            let exchangeView = try TradingClient(harness.connectors[0])
            #expect(try exchangeView.openOrders().isEmpty)
        }
    }

    @Test func theKillSwitchStopsTheBotAndCancelsItsOrders() async throws {
        try await BotHarness.start(limits: RiskLimits(killSwitchLoss: dec("0.5"))).use { harness in
            try harness.bot.startStrategy(id: "pmm", library: try BotHarness.library("PureMarketMaking"),
                                          params: StrategyEndToEndTests.pmmParams(spread: "0.001", amount: "0.01", refresh: "30"),
                                          tick: .milliseconds(200))
            _ = try await StrategyEndToEndTests.quotes(harness)
            harness.sim.setAgentsRunning(false)
            // A large market sell sweeps the bids, fills our bid and leaves the market far lower.
            harness.sim.forceTrade(symbol: "BTCUSDT", side: "sell", size: "30")
            try await waitUntil("the kill switch", timeout: .seconds(15)) {
                harness.bot.checkKillSwitch()
                return harness.bot.risk.killReason != nil
            }
            #expect(harness.bot.risk.killReason?.contains("kill_switch_loss") == true)
            try await waitUntil("every order cancelled", timeout: .seconds(15)) {
                try harness.venue().openOrders(symbol: "BTCUSDT").isEmpty
            }
            // Stopped: no new order appears afterwards.
            let count = try harness.journal.orders(source: "bitget").count
            harness.sim.setAgentsRunning(true)
            try await Task.sleep(for: .seconds(2))
            #expect(try harness.journal.orders(source: "bitget").count == count)
            #expect(try !harness.journal.fills(source: "bitget").isEmpty)
        }
    }
}

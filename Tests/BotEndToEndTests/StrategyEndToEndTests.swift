import Foundation
import SwiftletBot
import SwiftletCore
import SwiftletHost
import SwiftletPersistence
import Testing

/// Strategy plugins trading through the bot against bitget-sim (agents on: a live book).
@Suite(.serialized) struct StrategyEndToEndTests {
    static func pmmParams(spread: String = "0.002", skew: Bool = false, amount: String = "0.001",
                          refresh: String = "1") -> String {
        #"{"connector":"bitget","symbol":"BTCUSDT","bid_spread":"\#(spread)","ask_spread":"\#(spread)","#
            + #""order_amount":"\#(amount)","order_refresh_time":"\#(refresh)","order_refresh_tolerance_pct":"-1","#
            + #""filled_order_delay":"1","inventory_skew_enabled":\#(skew),"inventory_target_base_pct":"0.5"}"#
    }

    /// The strategy's resting quotes, once it has one on each side.
    static func quotes(_ harness: BotHarness) async throws -> (bids: [OrderSnapshot], asks: [OrderSnapshot]) {
        var result: ([OrderSnapshot], [OrderSnapshot]) = ([], [])
        try await waitUntil("two-sided quotes", timeout: .seconds(20)) {
            let open = try harness.venue().openOrders(symbol: "BTCUSDT").filter { $0.state == .open }
            result = (open.filter { $0.side == .buy }, open.filter { $0.side == .sell })
            return !result.0.isEmpty && !result.1.isEmpty
        }
        return result
    }

    @Test func pureMarketMakingKeepsTwoSidedQuotesRefreshedAndJournaled() async throws {
        try await BotHarness.start().use { harness in
            try harness.bot.startStrategy(id: "pmm", library: try BotHarness.library("PureMarketMaking"),
                                          params: Self.pmmParams(), tick: .milliseconds(200))
            let first = try await Self.quotes(harness)
            let mid = try #require(harness.bot.books.mark(source: "bitget", symbol: "BTCUSDT"))
            #expect(first.bids.allSatisfy { $0.price < mid })
            #expect(first.asks.allSatisfy { $0.price > mid })
            let firstIDs = Set((first.bids + first.asks).map(\.clientOrderID))
            // After the refresh time the quotes are replaced by new orders, still two-sided.
            try await waitUntil("refreshed quotes", timeout: .seconds(15)) {
                let open = try harness.venue().openOrders(symbol: "BTCUSDT").filter { $0.state == .open }
                return open.contains { $0.side == .buy && !firstIDs.contains($0.clientOrderID) }
                    && open.contains { $0.side == .sell && !firstIDs.contains($0.clientOrderID) }
            }
            // Every order went to the trade journal; the replaced ones are final there.
            let stored = try harness.journal.orders(source: "bitget", symbol: "BTCUSDT")
            let byID = Dictionary(stored.map { ($0.update.clientOrderID, $0.update) }, uniquingKeysWith: { $1 })
            try await waitUntil("replaced orders cancelled in the journal", timeout: .seconds(10)) {
                let now = try harness.journal.orders(source: "bitget", symbol: "BTCUSDT")
                return firstIDs.allSatisfy { id in now.contains { $0.update.clientOrderID == id && $0.update.state.isFinal } }
            }
            #expect(firstIDs.isSubset(of: Set(byID.keys)))
        }
    }

    /// Skewed PMM; the range multiplier is large enough that the skew range is half the
    /// portfolio's value (Hummingbot's cap), so neither side's size is skewed to zero.
    static let skewParams = String(pmmParams(spread: "0.01", skew: true, refresh: "30").dropLast())
        + #","inventory_range_multiplier":"1000000"}"#

    /// Distance of the best bid and best ask of the strategy's quotes from the mid.
    static func skewedDistances(spot: [String: String]) async throws -> (below: ExactDecimal, above: ExactDecimal) {
        try await BotHarness.start(spot: spot).use { harness in
            try harness.bot.startStrategy(id: "pmm", library: try BotHarness.library("PureMarketMaking"),
                                          params: Self.skewParams,
                                          tick: .milliseconds(200))
            let quotes = try await Self.quotes(harness)
            // The mid the strategy saw: its quotes are placed symmetric around it but for the skew.
            let bid = quotes.bids.map(\.price).max()!, ask = quotes.asks.map(\.price).min()!
            let mid = try #require(harness.bot.books.mark(source: "bitget", symbol: "BTCUSDT"))
            return (try mid - bid, try ask - mid)
        }
    }

    @Test func inventorySkewMovesBothPricesAgainstTheInventory() async throws {
        // Three quarters base (target a half): both quotes move down (the bid further from
        // the mid than the ask). Not so lopsided that the size skew leaves one side empty.
        let baseHeavy = try await Self.skewedDistances(spot: ["BTC": "2", "USDT": "40000"])
        #expect(baseHeavy.below > baseHeavy.above, "base-heavy: bid \(baseHeavy.below) below, ask \(baseHeavy.above) above")
        // A quarter base: both move up.
        let quoteHeavy = try await Self.skewedDistances(spot: ["BTC": "0.5", "USDT": "90000"])
        #expect(quoteHeavy.above > quoteHeavy.below, "quote-heavy: bid \(quoteHeavy.below) below, ask \(quoteHeavy.above) above")
    }

    @Test func theCExampleStrategyPlacesAndCancelsItsOrder() async throws {
        try await BotHarness.start().use { harness in
            try harness.bot.startStrategy(id: "c_example", library: try BotHarness.library("ExampleCStrategy"),
                                          params: #"{"connector":"bitget","symbol":"BTCUSDT","offset":"0.05","size":"0.001"}"#)
            try await waitUntil("the C strategy's order cancelled", timeout: .seconds(20)) {
                try harness.journal.orders(source: "bitget", symbol: "BTCUSDT").contains { $0.update.state == .cancelled }
            }
            let orders = try harness.journal.orders(source: "bitget", symbol: "BTCUSDT")
            #expect(orders.count == 1)
            #expect(orders.first?.update.side == .buy)
            #expect(try harness.venue().openOrders(symbol: "BTCUSDT").isEmpty)
        }
    }
}

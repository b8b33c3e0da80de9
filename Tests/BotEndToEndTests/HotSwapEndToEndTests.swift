import BitgetSim
import Foundation
import Synchronization
@testable import SwiftletBot
import SwiftletCore
import SwiftletHost
import SwiftletPersistence
import Testing

/// Hot-swapping connector plugins (docs/hot-swap.md) on a bot trading against bitget-sim,
/// checked against the simulator's own view of the account.
@Suite(.serialized) struct HotSwapEndToEndTests {
    /// Counts every fill the connectors publish, before the bot's own dedupe.
    final class FillCounter: Sendable {
        private let seen = Mutex<[String: Int]>([:])
        init(_ runtime: HostRuntime) {
            _ = runtime.events.subscribe { [self] event in
                if case .fill(let fill) = event.payload { seen.withLock { $0[fill.tradeID, default: 0] += 1 } }
            }
        }
        var counts: [String: Int] { seen.withLock { $0 } }
    }

    /// Watches market-data continuity across a swap: from its creation on, counts book
    /// resyncs, book snapshots (a connection opened anew starts with one) and book deltas,
    /// and notes the simulator's count of accepted WebSocket connections.
    final class StreamWatch: Sendable {
        private let counts = Mutex<(resyncs: Int, snapshots: Int, deltas: Int)>((0, 0, 0))
        private let sim: BitgetSimulator
        let connectionsBefore: Int
        let pingsBefore: Int

        init(_ harness: BotHarness) {
            sim = harness.sim
            connectionsBefore = harness.sim.webSocketConnectionsOpened
            pingsBefore = harness.sim.webSocketPingsReceived
            _ = harness.runtime.events.subscribe { [self] event in
                switch event.payload {
                case .bookResync: counts.withLock { $0.resyncs += 1 }
                case .book(let book) where book.isSnapshot: counts.withLock { $0.snapshots += 1 }
                case .book: counts.withLock { $0.deltas += 1 }
                default: break
                }
            }
        }

        /// Book deltas seen so far.
        var deltas: Int { counts.withLock { $0.deltas } }

        /// The streams went on over the same connections, the books without a new snapshot.
        func expectContinuity(sourceLocation: SourceLocation = #_sourceLocation) async throws {
            let seen = counts.withLock { $0 }
            #expect(sim.webSocketConnectionsOpened == connectionsBefore, "connections were opened anew",
                    sourceLocation: sourceLocation)
            #expect(seen.resyncs == 0 && seen.snapshots == 0, "resyncs \(seen.resyncs), snapshots \(seen.snapshots)",
                    sourceLocation: sourceLocation)
            // Whoever carries a connection on pings it at once (the keepalive interval is 30 s).
            try await waitUntil("a ping on the carried connections", timeout: .seconds(5)) {
                sim.webSocketPingsReceived > pingsBefore
            }
        }
    }

    @Test func swappingTheSpotConnectorMidTradeLosesAndDuplicatesNothing() async throws {
        try await BotHarness.start().use { harness in
            let fills = FillCounter(harness.runtime)
            try harness.bot.startStrategy(id: "pmm", library: try BotHarness.library("PureMarketMaking"),
                                          params: StrategyEndToEndTests.pmmParams(spread: "0.0005", amount: "0.002", refresh: "3"),
                                          tick: .milliseconds(100))
            _ = try await StrategyEndToEndTests.quotes(harness)
            #expect(harness.venue().pluginKey == "bitget@1.0.0")
            // Orders keep coming while the swap runs (they queue during its pause), and a
            // trade goes through the bid as it starts: its fill lands on one side of it.
            let strategy = try #require(harness.bot.strategies.first)
            let mid = try #require(harness.bot.books.mark(source: "bitget", symbol: "BTCUSDT"))
            let far = try (mid * dec("0.9")).rounded(toScale: 2, .down)
            let next = try BotHarness.library("BitgetSpotNext")
            let placed = Mutex<[String]>([])
            let place = { @Sendable () in
                let request = OrderRequest(side: .buy, symbol: "BTCUSDT", price: far, size: dec("0.001"))
                do { try placed.withLock { $0.append(try harness.bot.place(request, on: "bitget", by: strategy)) } } catch {
                    Issue.record("an order placed around the swap was refused: \(error)")
                }
            }
            // Orders before the swap, during its pause (queued) and after it.
            for _ in 0..<10 { place() }
            harness.sim.forceTrade(symbol: "BTCUSDT", side: "sell", size: "0.5")
            let streams = StreamWatch(harness)
            let report = try await harness.bot.swapConnector("bitget", to: next, healthTimeout: .seconds(10)) {
                for _ in 0..<20 { place() }
            }
            for _ in 0..<10 { place() }
            let ids = placed.withLock { $0 }
            #expect(report.from == "bitget@1.0.0" && report.to == "bitget@1.1.0")
            #expect(ids.count == 40)
            #expect(report.replayedIntents >= 20 && report.failedIntents == 0, "\(report)")
            let resting = { Set(harness.sim.account(apiKey: "k1")?.openOrders.keys ?? [:].keys) }
            try await waitUntil("every order placed around the swap resting at the exchange", timeout: .seconds(15), detail: {
                ids.filter { !resting().contains($0) }.map { id in
                    "\(id) not resting; the venue has it \((try? harness.venue().order(id)).map { "\($0)" } ?? "nowhere")"
                }.joined(separator: "; ")
            }) {
                Set(ids).isSubset(of: resting())
            }
            try await waitUntil("every order placed around the swap open in the new instance", timeout: .seconds(10)) {
                try ids.allSatisfy { try harness.venue().order($0).state == .open }
            }
            #expect(harness.venue().pluginKey == "bitget@1.1.0")
            // Trading goes on through the new instance: fresh quotes, more fills.
            let placedBefore = try harness.journal.orders(source: "bitget").count
            try await waitUntil("quotes placed by the new instance", timeout: .seconds(20)) {
                try harness.journal.orders(source: "bitget").count > placedBefore + 1
            }
            harness.sim.forceTrade(symbol: "BTCUSDT", side: "buy", size: "0.5")
            try await Self.settled(harness, fills: fills)
            // 1.1.0 adopted 1.0.0's connections and book: no reconnect, no resync.
            try await streams.expectContinuity()
        }
    }

    @Test func aVersionThatRefusesTheStateIsRolledBackAndTheOldOneTradesOn() async throws {
        try await BotHarness.start().use { harness in
            let fills = FillCounter(harness.runtime)
            try harness.bot.startStrategy(id: "pmm", library: try BotHarness.library("PureMarketMaking"),
                                          params: StrategyEndToEndTests.pmmParams(spread: "0.0005", amount: "0.002", refresh: "3"),
                                          tick: .milliseconds(100))
            _ = try await StrategyEndToEndTests.quotes(harness)
            harness.sim.forceTrade(symbol: "BTCUSDT", side: "sell", size: "0.5")
            let broken = try BotHarness.library("BitgetSpotBrokenImport")
            let streams = StreamWatch(harness)
            do throws(HotSwapFailure) {
                _ = try await harness.bot.swapConnector("bitget", to: broken)
                Issue.record("the swap to a version that refuses imports succeeded")
            } catch {
                #expect(error.step == .importState)
                #expect(error.resumed)
                #expect(error.reason.contains("deliberately refuses"), "\(error)")
            }
            #expect(harness.venue().pluginKey == "bitget@1.0.0")
            let placedBefore = try harness.journal.orders(source: "bitget").count
            try await waitUntil("quotes placed by the resumed instance", timeout: .seconds(20)) {
                try harness.journal.orders(source: "bitget").count > placedBefore + 1
            }
            try await Self.settled(harness, fills: fills)
            // The frames held during the attempt went back to 1.0.0, in order.
            try await streams.expectContinuity()
        }
    }

    @Test func aVersionThatFailsAfterAdoptingTheConnectionsGivesThemBack() async throws {
        try await BotHarness.start().use { harness in
            try TradingClient(harness.connectors[0]).subscribe(.book, symbol: "BTCUSDT")
            try await waitUntil("the spot book", timeout: .seconds(20)) {
                harness.bot.books.mark(source: "bitget", symbol: "BTCUSDT") != nil
            }
            let streams = StreamWatch(harness)
            struct Unhealthy: Error {}
            let next = try BotHarness.library("BitgetSpotNext")
            // 1.1.0 imports, starts (adopting both connections) and then fails its health check.
            do throws(HotSwapFailure) {
                _ = try await HotSwap.replace(harness.connectors[0], with: next, runtime: harness.runtime) { _ in
                    throw Unhealthy()
                }
                Issue.record("an unhealthy version took over")
            } catch {
                #expect(error.step == .health && error.resumed, "\(error)")
            }
            // 1.0.0 has its connections back: book updates keep coming, and its orders'
            // updates too; destroying 1.1.0 closed nothing.
            let deltas = streams.deltas
            try await waitUntil("book updates after the rollback", timeout: .seconds(10)) { streams.deltas > deltas + 3 }
            #expect(harness.venue().pluginKey == "bitget@1.0.0")
            let id = "afterrollback1"
            try harness.venue().place(OrderRequest(side: .buy, symbol: "BTCUSDT", clientOrderID: id,
                                                   price: dec("1000"), size: dec("0.001")))
            try await waitUntil("the order open", timeout: .seconds(10)) { (try? harness.venue().order(id).state) == .open }
            try harness.venue().cancel(symbol: "BTCUSDT", clientOrderID: id)
            try await waitUntil("the order cancelled", timeout: .seconds(10)) {
                (try? harness.venue().order(id).state) == .cancelled
            }
            try await streams.expectContinuity()
        }
    }

    @Test func swappingThePerpetualConnectorKeepsItsOpenPosition() async throws {
        try await BotHarness.start(perpetual: true).use { harness in
            let venue = { harness.venue("bitget_perpetual") }
            try await waitUntil("the perpetual connector's account state", timeout: .seconds(15)) {
                (try? PerpetualClient(harness.connectors[1]).positionMode()) != nil && (try? venue().positions()) != nil
            }
            try venue().place(OrderRequest(side: .buy, symbol: "BTCUSDT", clientOrderID: "swaptestlong1", type: .market,
                                           timeInForce: .ioc, size: dec("0.02"), positionSide: .long))
            try await waitUntil("a long position", timeout: .seconds(15)) {
                try venue().positions().contains { $0.symbol == "BTCUSDT" && $0.position.size == dec("0.02") }
            }
            let streams = StreamWatch(harness)
            let report = try await harness.bot.swapConnector("bitget_perpetual", to: try BotHarness.library("BitgetPerpetual"))
            #expect(report.to == "bitget_perpetual@1.0.0")
            #expect(venue().isPaper == false)
            let account = try #require(harness.sim.account(apiKey: "k1"))
            #expect(account.positions["USDT-FUTURES:BTCUSDT|long"] == dec("0.02"))
            try await waitUntil("the position reported by the new instance", timeout: .seconds(15)) {
                try venue().positions().contains { $0.symbol == "BTCUSDT" && $0.position.size == dec("0.02") }
            }
            // The new instance trades: it closes the position.
            try venue().place(OrderRequest(side: .sell, symbol: "BTCUSDT", clientOrderID: "swaptestclose1", type: .market,
                                           timeInForce: .ioc, size: dec("0.02"), positionSide: .long, reduceOnly: true))
            try await waitUntil("the position closed", timeout: .seconds(15)) {
                try !venue().positions().contains { $0.symbol == "BTCUSDT" && $0.position.size > .zero }
            }
            #expect(harness.sim.account(apiKey: "k1")?.positions.isEmpty == true)
            try await streams.expectContinuity()
        }
    }

    @Test func swappingTheMarketMakerHandsItsQuotesToTheNewInstance() async throws {
        try await BotHarness.start().use { harness in
            try harness.bot.startStrategy(id: "pmm", library: try BotHarness.library("PureMarketMaking"),
                                          params: StrategyEndToEndTests.pmmParams(spread: "0.002", refresh: "4"),
                                          tick: .milliseconds(100))
            let quotes = try await StrategyEndToEndTests.quotes(harness)
            let original = Set((quotes.bids + quotes.asks).map(\.clientOrderID))
            let placed = try harness.journal.orders(source: "bitget").count
            // Another plugin is refused before anything changes.
            let other = try BotHarness.library("CandleDirectional")
            do throws(HotSwapFailure) {
                _ = try await harness.bot.swapStrategy("pmm", to: other)
                Issue.record("a different plugin took over the market maker")
            } catch {
                #expect(error.step == .compatibility)
            }
            let report = try await harness.bot.swapStrategy("pmm", to: try BotHarness.library("PureMarketMaking"))
            #expect(report.from == "pure_market_making@1.0.0" && report.to == "pure_market_making@1.0.0")
            // The new instance adopted the quotes: it does not place a second set...
            try await Task.sleep(for: .milliseconds(1500))
            #expect(try harness.journal.orders(source: "bitget").count == placed)
            #expect(Set(try harness.venue().openOrders(symbol: "BTCUSDT").map(\.clientOrderID)) == original)
            // ...and refreshes them when their time comes (the retired instance can no longer act).
            try await waitUntil("the adopted quotes refreshed by the new instance", timeout: .seconds(15)) {
                let open = try harness.venue().openOrders(symbol: "BTCUSDT").filter { $0.state == .open }
                return open.allSatisfy { !original.contains($0.clientOrderID) }
                    && open.contains { $0.side == .buy } && open.contains { $0.side == .sell }
            }
        }
    }

    @Test func theDirectionalStrategySwapsThroughTheRealLibrary() async throws {
        try await BotHarness.start(perpetual: true, candles: true).use { harness in
            let params = #"{"connector":"bitget_perpetual","symbol":"BTCUSDT","interval":"1m","fast_period":1,"#
                + #""slow_period":2,"order_amount":"0.01","price_channel":"book"}"#
            let library = try BotHarness.library("CandleDirectional")
            try harness.bot.startStrategy(id: "trend", library: library, params: params, tick: .milliseconds(200))
            try await waitUntil("the perpetual book", timeout: .seconds(20)) {
                harness.bot.books.mark(source: "bitget_perpetual", symbol: "BTCUSDT") != nil
            }
            let old = try #require(harness.bot.strategies.first).instance
            let report = try await harness.bot.swapStrategy("trend", to: library)
            #expect(report.from == "candle_directional@1.0.0" && report.to == "candle_directional@1.0.0")
            let current = try #require(harness.bot.strategies.first)
            #expect(current.id == "trend" && current.instance !== old)
        }
    }

    @Test func aSwapThatCannotHappenIsRefusedBeforeAnythingChanges() async throws {
        try await BotHarness.start().use { harness in
            let strategyLibrary = try BotHarness.library("PureMarketMaking")
            let cases: [(String, PluginLibrary, String)] = [
                ("nope", try BotHarness.library("BitgetSpotNext"), "no connector \"nope\""),
                ("bitget", strategyLibrary, "is not a version of bitget"),
            ]
            for (connector, library, expected) in cases {
                do throws(HotSwapFailure) {
                    _ = try await harness.bot.swapConnector(connector, to: library)
                    Issue.record("swapped \(connector) to \(library.info.key)")
                } catch {
                    #expect(error.step == .compatibility && error.reason.contains(expected), "\(error)")
                }
            }
            // Nothing changed: the same version takes orders.
            #expect(harness.venue().pluginKey == "bitget@1.0.0")
            try harness.venue().place(OrderRequest(side: .buy, symbol: "BTCUSDT", clientOrderID: "afterrefusal1",
                                                   price: dec("1000"), size: dec("0.001")))
            try await waitUntil("the order open", timeout: .seconds(10)) {
                (try? harness.venue().order("afterrefusal1").state) == .open
            }
        }
        try await BotHarness.start(paper: ["USDT": "1000"]).use { harness in
            let next = try BotHarness.library("BitgetSpotNext")
            do throws(HotSwapFailure) {
                _ = try await harness.bot.swapConnector("bitget", to: next)
                Issue.record("swapped a paper venue's connector")
            } catch {
                #expect(error.step == .compatibility && error.reason.contains("paper venue"), "\(error)")
            }
        }
    }

    /// Stops trading, lets the connector catch up, then compares with the exchange: every
    /// fill published exactly once and journaled, open orders and balances as the exchange
    /// has them.
    static func settled(_ harness: BotHarness, fills: FillCounter) async throws {
        harness.sim.setAgentsRunning(false)
        try harness.bot.stopStrategy("pmm")
        let sim = harness.sim
        try await waitUntil("the connector agreeing with the exchange", timeout: .seconds(30)) {
            guard let account = sim.account(apiKey: "k1") else { return false }
            let open = Set(try harness.venue().openOrders(symbol: "BTCUSDT").map(\.clientOrderID))
            let published = Set(fills.counts.keys)
            return open == Set(account.openOrders.keys) && published == Set(account.tradeIDs)
        }
        // The book the bot tracks (from the new instance's streams) is the exchange's.
        try await waitUntil("the tracked book matching the exchange's", timeout: .seconds(15)) {
            sim.publishNow()
            guard let exchange = sim.bestPrices(symbol: "BTCUSDT"),
                  let tracked = harness.bot.books.topOfBook(source: "bitget", symbol: "BTCUSDT") else { return false }
            return tracked.bid.price == exchange.bid && tracked.ask.price == exchange.ask
        }
        let account = try #require(sim.account(apiKey: "k1"))
        #expect(!account.tradeIDs.isEmpty)
        #expect(fills.counts.values.allSatisfy { $0 == 1 }, "fills published more than once: \(fills.counts.filter { $0.value > 1 })")
        let journaled = Set(try harness.journal.fills(source: "bitget").map(\.fill.tradeID))
        #expect(journaled == Set(account.tradeIDs))
        // Compared with the exchange as it is now: the cancels of the strategy's stop may
        // still be landing (the first wait can pass before they do), freeing what
        // `account` showed as frozen.
        func balancesMatch() throws -> Bool {
            guard let now = sim.account(apiKey: "k1") else { return false }
            let balances = try harness.venue().balances()
            return now.spot.allSatisfy { asset, exchange in
                guard let mine = balances.first(where: { $0.asset == asset }) else { return exchange.available.isZero && exchange.frozen.isZero }
                return mine.available == exchange.available && mine.locked == exchange.frozen
            }
        }
        do {
            try await waitUntil("balances matching the exchange", timeout: .seconds(15)) { try balancesMatch() }
        } catch {
            Issue.record("connector \(try harness.venue().balances()) exchange \(sim.account(apiKey: "k1")?.spot ?? [:])")
            throw error
        }
    }
}

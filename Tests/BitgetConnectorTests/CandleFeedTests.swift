@testable import BitgetSim
import BitgetCandleFeeds
import Foundation
import SwiftletCore
import SwiftletHost
import Testing

/// The candle feeds plugin loaded from its .so, reading bitget-sim's history and streams.
@Suite(.serialized) struct CandleFeedTests {
    static let spot = "bitget_spot_candles"
    static let perp = "bitget_perpetual_candles"

    func start() async throws -> (SpotHarness, CandleClient) {
        // SpotHarness waits for trading rules; the candle plugin has none, so build it here.
        var config = SimConfig()
        config.publishIntervalMs = 50
        let sim = try await BitgetSimulator.start(config)
        let runtime = try HostRuntime()
        let library = try PluginLoader.load(path: try SpotHarness.builtPlugin("BitgetCandles"))
        let instance = try runtime.instantiate(library, config: """
            {"rest_url":"\(sim.baseURL)","ws_public_url":"\(sim.publicWebSocketURL)","reconnect_base_ms":50}
            """)
        let h = try await SpotHarness.adopt(sim: sim, runtime: runtime, library: library, instance: instance)
        try instance.start()
        return (h, try CandleClient(instance))
    }

    /// The simulator's own closed candles of `minutes` for a key, oldest first.
    func simCandles(_ h: SpotHarness, key: String, minutes: Int64, limit: Int = 5000) throws -> [(Int64, ExactDecimal, ExactDecimal)] {
        let now = WallClock.milliseconds()
        return try h.sim.exchange.locked { () throws(BitgetError) in
            h.sim.exchange.candles.query(key: key, granularityMinutes: minutes, from: nil, to: nil, limit: limit)
        }.filter { $0.openTime + minutes * 60_000 <= now }.map { c in
            let i = h.sim.exchange.instruments[key]!
            return (c.openTime * 1_000_000, i.price(c.close), i.size(c.lots))
        }
    }

    func closedEvents(_ h: SpotHarness, feed: String, symbol: String, interval: String) -> [Candle] {
        h.all.compactMap { event in
            guard case .candle(let update) = event.payload, update.isClosed, update.feed == feed,
                  update.interval == interval, event.context.symbol == symbol else { return nil }
            return update.candle
        }
    }

    @Test func backfillPagesBeyondTheLimitAndMatchesTheExchangeExactly() async throws {
        let (h, candles) = try await start()
        #expect(try candles.feeds() == [Self.spot, Self.perp])
        try candles.subscribe(feed: Self.spot, symbol: "BTCUSDT", interval: "1m", history: 1200)
        #expect(await h.eventually(timeout: .seconds(30)) {
            ((try? candles.window(feed: Self.spot, symbol: "BTCUSDT", interval: "1m").closed.count) ?? 0) == 1200
        }, "\(h.errors)")
        let window = try candles.window(feed: Self.spot, symbol: "BTCUSDT", interval: "1m").closed
        // Up to the window's last candle: another minute may close before the exchange is read.
        let last = try #require(window.last).openTime
        let exchange = try simCandles(h, key: "SPOT:BTCUSDT", minutes: 1).filter { $0.0 <= last }
        let expected = Array(exchange.suffix(1200))
        #expect(window.map(\.openTime) == expected.map(\.0))
        #expect(window.map(\.close) == expected.map(\.1))
        #expect(window.map(\.baseVolume) == expected.map(\.2))
        // Emitted closed once each, in order, no gap (a full minute apart).
        let events = closedEvents(h, feed: Self.spot, symbol: "BTCUSDT", interval: "1m")
        #expect(events.count == 1200)
        #expect(zip(events, events.dropFirst()).allSatisfy { $1.openTime - $0.openTime == 60_000_000_000 })
        await h.stop()
    }

    @Test func rangeReturnsExactlyThatRange() async throws {
        let (h, candles) = try await start()
        let exchange = try simCandles(h, key: "SPOT:ETHUSDT", minutes: 5)
        try #require(exchange.count > 700)
        let start = exchange[exchange.count - 650].0
        let end = exchange[exchange.count - 20].0
        let range = try await candles.fetchRange(feed: Self.spot, symbol: "ETHUSDT", interval: "5m", start: start, end: end)
        #expect(range.map(\.openTime) == exchange.filter { $0.0 >= start && $0.0 < end }.map(\.0))
        #expect(range.count == 630)
        // Futures candles use the futures names for the same interval.
        let perpRange = try await candles.fetchRange(feed: Self.perp, symbol: "BTCUSDT", interval: "1h",
                                                     start: start, end: end)
        let perpExchange = try simCandles(h, key: "USDT-FUTURES:BTCUSDT", minutes: 60)
        #expect(perpRange.map(\.openTime) == perpExchange.filter { $0.0 >= start && $0.0 < end }.map(\.0))
        await h.stop()
    }

    @Test func refusesUnknownFeedsAndIntervals() async throws {
        let (h, candles) = try await start()
        #expect(throws: (any Error).self) { try candles.subscribe(feed: "nope", symbol: "BTCUSDT", interval: "1m", history: 10) }
        #expect(throws: (any Error).self) { try candles.subscribe(feed: Self.spot, symbol: "BTCUSDT", interval: "2m", history: 10) }
        #expect(throws: (any Error).self) { try candles.window(feed: Self.spot, symbol: "BTCUSDT", interval: "1m") }
        // An unknown symbol is Bitget's error, reported as an event.
        try candles.subscribe(feed: Self.spot, symbol: "NOPEUSDT", interval: "1m", history: 10)
        #expect(await h.eventually { h.errors.contains { $0.contains("40034") || $0.contains("does not exist") } }, "\(h.errors)")
        await h.stop()
    }

    @Test func severalSymbolsAndIntervalsAtOnce() async throws {
        let (h, candles) = try await start()
        // The simulator keeps 30 days of history: 100 four-hour candles fit.
        let wanted = [(Self.spot, "BTCUSDT", "1m"), (Self.spot, "ETHUSDT", "15m"), (Self.perp, "BTCUSDT", "1m"),
                      (Self.perp, "ETHUSDT", "4h")]
        for (feed, symbol, interval) in wanted { try candles.subscribe(feed: feed, symbol: symbol, interval: interval, history: 100) }
        for (feed, symbol, interval) in wanted {
            #expect(await h.eventually {
                ((try? candles.window(feed: feed, symbol: symbol, interval: interval).closed.count) ?? 0) == 100
            }, "\(feed) \(symbol) \(interval): \(h.errors)")
        }
        // Forming candles arrive from the streams.
        #expect(await h.eventually {
            h.all.contains { if case .candle(let c) = $0.payload { !c.isClosed && c.feed == Self.perp } else { false } }
        })
        await h.stop()
    }

    /// Waits for a real minute boundary (up to ~70 s): the live feed must close the minute
    /// without a gap even though its stream was stalled across the boundary.
    @Test(.timeLimit(.minutes(3))) func liveCandlesCloseWithoutAGapAcrossAStalledStream() async throws {
        let (h, candles) = try await start()
        try candles.subscribe(feed: Self.spot, symbol: "BTCUSDT", interval: "1m", history: 30)
        #expect(await h.eventually { ((try? candles.window(feed: Self.spot, symbol: "BTCUSDT", interval: "1m").closed.count) ?? 0) == 30 })
        let lastBackfilled = try #require(try candles.window(feed: Self.spot, symbol: "BTCUSDT", interval: "1m").closed.last)
        #expect(await h.eventually { (try? candles.window(feed: Self.spot, symbol: "BTCUSDT", interval: "1m").forming) != nil })
        // Silence the stream until the minute is over.
        h.sim.stall(channel: "candle1m", instId: "BTCUSDT")
        let boundary = lastBackfilled.openTime / 1_000_000 + 120_000
        while WallClock.milliseconds() < boundary + 1_000 { try await Task.sleep(for: .milliseconds(250)) }
        h.sim.stall(channel: "candle1m", instId: "BTCUSDT", false)
        #expect(await h.eventually(timeout: .seconds(20)) {
            closedEvents(h, feed: Self.spot, symbol: "BTCUSDT", interval: "1m").count >= 31
        }, "\(h.errors)")
        let closed = try candles.window(feed: Self.spot, symbol: "BTCUSDT", interval: "1m").closed
        #expect(zip(closed, closed.dropFirst()).allSatisfy { $1.openTime - $0.openTime == 60_000_000_000 })
        let exchange = try simCandles(h, key: "SPOT:BTCUSDT", minutes: 1)
        let tail = Array(exchange.suffix(closed.count))
        #expect(closed.map(\.openTime) == tail.map(\.0) && closed.map(\.close) == tail.map(\.1))
        await h.stop()
    }
}

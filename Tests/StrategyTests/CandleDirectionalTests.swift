import CandleDirectionalLogic
import SwiftletPluginKit
import Testing

func directionalConfig(_ overrides: [String: String?] = [:]) throws(PluginError) -> CandleDirectionalConfig {
    var members: [String: String] = ["symbol": #""BTCUSDT""#, "order_amount": #""0.01""#, "fast_period": "2", "slow_period": "3",
                                     "stop_loss": #""0.01""#, "take_profit": #""0.02""#, "time_limit": "60", "cooldown": "30"]
    for (key, value) in overrides { members[key] = value }
    let json = "{" + members.sorted { $0.key < $1.key }.map { "\"\($0.key)\":\($0.value)" }.joined(separator: ",") + "}"
    return try CandleDirectionalConfig(json: json)
}

@Suite struct SMACrossoverTests {
    @Test func goldenAndDeathCrossesOnTheCandleWhereTheyHappen() throws {
        var sma = SMACrossover(fastPeriod: 2, slowPeriod: 3)
        var signals: [TradeDirection?] = []
        for (index, close) in ["10", "10", "10", "10", "11", "9", "8"].enumerated() {
            signals.append(try sma.append(openTime: Int64(index), close: dec(close)))
        }
        // SMA2 vs SMA3: equal, then 10.5 > 10.33 (golden), then 10 = 10 (no cross), then 8.5 < 9.33 (death).
        #expect(signals == [nil, nil, nil, nil, .long, nil, .short])
        #expect(sma.closes.count == 4)
    }

    @Test func aCandleNotNewerThanTheLastIsIgnored() throws {
        var sma = SMACrossover(fastPeriod: 2, slowPeriod: 3)
        sma.seed([10, 10, 10].enumerated().map { candle(Int64($0.offset), String($0.element)) })
        #expect(try sma.append(openTime: 2, close: dec("50")) == nil)
        #expect(sma.closes.map(\.close) == [dec("10"), dec("10"), dec("10")])
        #expect(try sma.append(openTime: 3, close: dec("10")) == nil)
        #expect(try sma.append(openTime: 4, close: dec("11")) == .long)
    }

    func candle(_ openTime: Int64, _ close: String) -> Candle {
        Candle(openTime: openTime, open: dec(close), high: dec(close), low: dec(close), close: dec(close),
               baseVolume: .zero, quoteVolume: .zero)
    }
}

@Suite struct CandleDirectionalTraderTests {
    let fake = FakeTrading()
    let logs = LogRecorder()
    /// Open time of the first candle.
    let start = sec(1_700_000_040)

    func trader(_ overrides: [String: String?] = [:]) throws -> CandleDirectionalTrader {
        CandleDirectionalTrader(config: try directionalConfig(overrides), trading: fake, log: logs.logger)
    }

    /// Delivers closed 1m candles starting at minute `from`, each just after it closed;
    /// returns the time of the last delivery.
    @discardableResult
    func feed(_ trader: CandleDirectionalTrader, _ closes: [String], from minute: Int64 = 0) -> Int64 {
        var now = Int64(0)
        for (index, close) in closes.enumerated() {
            let openTime = start + sec(60 * (minute + Int64(index)))
            now = openTime + sec(61)
            trader.handle(Events.candle(openTime: openTime, close: close), now: now)
        }
        return now
    }

    /// Fills order `id` completely: one FILL, then ORDER_UPDATE FILLED.
    func fillAll(_ trader: CandleDirectionalTrader, _ id: String, side: Side, price: String, size: String = "0.01", at now: Int64) {
        trader.handle(Events.fill(id, trade: "t-\(id)", side: side, price: price, size: size), now: now)
        trader.handle(Events.order(id, .filled, side: side, type: .market, size: size, filled: size, average: price), now: now)
    }

    @Test func entersLongWithAMarketOrderOnAGoldenCross() throws {
        let t = try trader()
        try t.start()
        #expect(fake.subscriptions == ["bitget_candles bitget_perpetual_candles BTCUSDT 1m 4", "bitget_perpetual ticker BTCUSDT"])
        feed(t, ["10", "10", "10", "10"])
        #expect(fake.placed.isEmpty)
        feed(t, ["11"], from: 4)
        let entry = try #require(fake.placed.first)
        #expect(entry.connector == "bitget_perpetual")
        #expect(entry.request.side == .buy && entry.request.type == .market && entry.request.size == dec("0.01"))
        #expect(entry.request.positionSide == .long && !entry.request.reduceOnly)
        #expect(t.position?.direction == .long)
    }

    @Test func stopLossExitsWithReduceOnlyMarketOrder() throws {
        let t = try trader()
        let now = feed(t, ["10", "10", "10", "10", "11"])
        fillAll(t, "o1", side: .buy, price: "100", at: now)
        t.handle(Events.ticker("99.5"), now: now + sec(1))
        #expect(fake.placed.count == 1)
        t.handle(Events.ticker("99"), now: now + sec(2)) // 100 × (1 − 0.01)
        let exit = try #require(fake.placed.last)
        #expect(exit.request.side == .sell && exit.request.type == .market && exit.request.reduceOnly)
        #expect(exit.request.positionSide == .long && exit.request.size == dec("0.01"))
        #expect(t.position?.exitReason == .stopLoss)
        fillAll(t, exit.id, side: .sell, price: "99", at: now + sec(3))
        #expect(t.position == nil)
        #expect(t.cooldownUntil == now + sec(33))
    }

    @Test func takeProfitClosesAShort() throws {
        let t = try trader()
        let now = feed(t, ["10", "10", "10", "10", "9"])
        let entry = try #require(fake.placed.first)
        #expect(entry.request.side == .sell && entry.request.positionSide == .short)
        fillAll(t, entry.id, side: .sell, price: "100", at: now)
        t.handle(Events.ticker("98.1"), now: now + sec(1))
        #expect(fake.placed.count == 1)
        t.handle(Events.ticker("98"), now: now + sec(2))
        let exit = try #require(fake.placed.last)
        #expect(exit.request.side == .buy && exit.request.positionSide == .short && exit.request.reduceOnly)
        #expect(t.position?.exitReason == .takeProfit)
    }

    @Test func entryPriceIsTheAverageOfItsFills() throws {
        let t = try trader()
        let now = feed(t, ["10", "10", "10", "10", "11"])
        t.handle(Events.fill("o1", trade: "a", side: .buy, price: "100", size: "0.004"), now: now)
        t.handle(Events.fill("o1", trade: "b", side: .buy, price: "101", size: "0.006"), now: now)
        t.handle(Events.fill("o1", trade: "b", side: .buy, price: "101", size: "0.006"), now: now) // duplicate
        t.handle(Events.order("o1", .filled, type: .market, size: "0.01", filled: "0.01", average: "100.6"), now: now)
        #expect(try t.position?.entry.averagePrice == dec("100.6"))
        t.handle(Events.ticker("99.6"), now: now + sec(1)) // stop at 100.6 × 0.99 = 99.594
        #expect(fake.placed.count == 1)
        t.handle(Events.ticker("99.59"), now: now + sec(2))
        #expect(fake.placed.last?.request.size == dec("0.01"))
        #expect(fake.placed.last?.request.reduceOnly == true)
    }

    @Test func timeLimitExitsOnATick() throws {
        let t = try trader()
        let now = feed(t, ["10", "10", "10", "10", "11"])
        fillAll(t, "o1", side: .buy, price: "100", at: now)
        t.handle(Events.timer(), now: now + sec(59))
        #expect(fake.placed.count == 1)
        t.handle(Events.timer(), now: now + sec(60))
        #expect(fake.placed.count == 2)
        #expect(t.position?.exitReason == .timeLimit)
        #expect(fake.placed.last?.request.reduceOnly == true)
    }

    @Test func oppositeSignalExitsWithoutReversing() throws {
        let t = try trader()
        var now = feed(t, ["10", "10", "10", "10", "11"])
        fillAll(t, "o1", side: .buy, price: "100", at: now)
        now = feed(t, ["9", "8"], from: 5)
        #expect(fake.placed.count == 2)
        let exit = try #require(fake.placed.last)
        #expect(exit.request.side == .sell && exit.request.reduceOnly && exit.request.positionSide == .long)
        #expect(t.position?.exitReason == .oppositeSignal)
    }

    @Test func refusedEntryIsLoggedAndTheNextSignalTriesAgain() throws {
        let t = try trader()
        fake.placeRefusal = PluginError(SWL_ERR_STATE, "kill switch engaged")
        feed(t, ["10", "10", "10", "10", "11"])
        #expect(t.position == nil)
        #expect(logs.contains("entry refused: kill switch engaged"))
        fake.placeRefusal = nil
        feed(t, ["9", "8"], from: 5)
        #expect(fake.placed.map(\.request.side) == [.sell])
        #expect(t.position?.direction == .short)
    }

    @Test func refusedExitIsRetriedOnALaterTick() throws {
        let t = try trader()
        let now = feed(t, ["10", "10", "10", "10", "11"])
        fillAll(t, "o1", side: .buy, price: "100", at: now)
        fake.placeRefusal = PluginError(SWL_ERR_STATE, "connector reconnecting")
        t.handle(Events.ticker("98"), now: now + sec(1))
        #expect(logs.contains("refused: connector reconnecting"))
        fake.placeRefusal = nil
        t.handle(Events.ticker("98"), now: now + sec(1) + 500_000_000) // within a second: no retry yet
        #expect(fake.placed.count == 1)
        t.handle(Events.timer(), now: now + sec(2))
        #expect(fake.placed.count == 2)
        #expect(fake.placed.last?.request.reduceOnly == true)
    }

    @Test func oldCandlesOnlyWarmTheAveragesUp() throws {
        let t = try trader()
        for (index, close) in ["10", "10", "10", "10", "11"].enumerated() {
            let openTime = start + sec(60 * Int64(index))
            t.handle(Events.candle(openTime: openTime, close: close), now: start + sec(3600))
        }
        #expect(fake.placed.isEmpty)
        #expect(t.crossover.isWarm)
    }

    @Test func historyComesFromTheHostWindowBeforeTheFirstSignal() throws {
        let t = try trader()
        fake.window = ["10", "10", "10", "10"].enumerated().map { index, close in
            Candle(openTime: start + sec(60 * Int64(index)), open: dec(close), high: dec(close), low: dec(close),
                   close: dec(close), baseVolume: .zero, quoteVolume: .zero)
        }
        feed(t, ["11"], from: 4)
        #expect(fake.placed.first?.request.side == .buy)
    }

    /// Hot swap: a new instance that adopts the handover carries on with the position (its
    /// stop loss, the fills already counted) and with the averages' window.
    @Test func aHandedOverPositionIsClosedByTheNextInstance() throws {
        let old = try trader()
        let now = feed(old, ["10", "10", "10", "10", "11"])
        // Half the entry filled through a FILL; then the order reports all of it.
        old.handle(Events.fill("o1", trade: "t1", side: .buy, price: "100", size: "0.005"), now: now)
        old.handle(Events.order("o1", .filled, side: .buy, type: .market, size: "0.01", filled: "0.01", average: "100"), now: now)
        old.handle(Events.ticker("99.5"), now: now)
        let text = try old.handover.encoded()
        #expect(text.contains("\"fillNotional\":\"0.500\""), "decimals travel as text: \(text)")

        let next = try trader()
        next.adopt(try CandleDirectionalHandover.decode(text))
        #expect(next.position == old.position && next.lastPrice == dec("99.5"))
        #expect(next.crossover.closes.map(\.close) == old.crossover.closes.map(\.close) && next.crossover.isWarm)
        // A repeated fill of the old instance is not counted twice.
        next.handle(Events.fill("o1", trade: "t1", side: .buy, price: "100", size: "0.005"), now: now)
        #expect(try next.position?.openSize == dec("0.01"))
        next.handle(Events.ticker("99"), now: now + sec(1)) // the stop loss at 100 × (1 − 0.01)
        let exit = try #require(fake.placed.last)
        #expect(exit.request.reduceOnly && exit.request.side == .sell && exit.request.size == dec("0.01"))
        fillAll(next, exit.id, side: .sell, price: "99", at: now + sec(2))
        #expect(next.position == nil && next.cooldownUntil == now + sec(32))
    }

    @Test func unreadableHandoversAreRefused() {
        for text in ["{}", "not json", #"{"format":2,"plugin":"candle_directional","cooldownUntil":0,"closes":[]}"#,
                     #"{"format":1,"plugin":"pure_market_making","cooldownUntil":0,"closes":[]}"#] {
            #expect(throws: PluginError.self, "\(text)") { try CandleDirectionalHandover.decode(text) }
        }
    }

    @Test func cooldownBlocksEntriesAfterAClose() throws {
        let t = try trader(["cooldown": "600"])
        let now = feed(t, ["10", "10", "10", "10", "11"])
        fillAll(t, "o1", side: .buy, price: "100", at: now)
        t.handle(Events.ticker("98"), now: now)
        fillAll(t, "o2", side: .sell, price: "98", at: now)
        #expect(t.position == nil)
        #expect(t.cooldownUntil == now + sec(600))
        feed(t, ["9", "8"], from: 5) // a death cross two minutes later
        #expect(fake.placed.count == 2)
        #expect(logs.contains("cooling down"))
        feed(t, ["8", "8", "9"], from: 15) // a golden cross after the cooldown
        #expect(fake.placed.count == 3)
        #expect(fake.placed.last?.request.side == .buy)
    }

    @Test(arguments: [
        (["symbol": nil], "config key 'symbol' is required"),
        (["slow_period": "2"], "config key 'slow_period' must be above fast_period"),
        (["interval": #""2m""#], "config key 'interval' must be one of"),
        (["signal": #""rsi""#], "config key 'signal' must be \"sma_cross\""),
        (["stop_loss": #""1""#], "config key 'stop_loss' is a fraction"),
        (["order_amount": "true"], "config key 'order_amount' must be a decimal"),
        (["time_limit": #""-5""#], "config key 'time_limit' must not be negative"),
        (["price_channel": #""candles""#], "config key 'price_channel' must be"),
    ] as [([String: String?], String)])
    func badValuesNameTheKey(overrides: [String: String?], message: String) {
        let error = #expect(throws: PluginError.self) { _ = try directionalConfig(overrides) }
        #expect(error?.status == swl_status_t(SWL_ERR_INVALID_ARGUMENT))
        #expect(error?.message.contains(message) == true, "\(error?.message ?? "no error")")
    }
}

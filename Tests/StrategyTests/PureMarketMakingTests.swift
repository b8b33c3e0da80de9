import PureMarketMakingLogic
import SwiftletPluginKit
import Testing

/// A PMM config: the base keys plus `overrides` (raw JSON values; nil removes a key).
func pmmConfig(_ overrides: [String: String?] = [:]) throws(PluginError) -> PureMarketMakingConfig {
    var members: [String: String] = ["symbol": #""BTCUSDT""#, "bid_spread": #""0.01""#, "ask_spread": #""0.01""#,
                                     "order_amount": #""1""#]
    for (key, value) in overrides { members[key] = value }
    let json = "{" + members.sorted { $0.key < $1.key }.map { "\"\($0.key)\":\($0.value)" }.joined(separator: ",") + "}"
    return try PureMarketMakingConfig(json: json)
}

@Suite struct QuoteProposalTests {
    @Test func levelsSpreadsAndSizes() throws {
        let config = try pmmConfig(["ask_spread": #""0.02""#, "order_levels": "3", "order_level_spread": #""0.005""#,
                                    "order_level_amount": #""0.5""#])
        let proposal = try QuoteProposal.make(mid: dec("100"), config: config, skew: .neutral)
        #expect(proposal.buys.map(\.price) == [dec("99"), dec("98.5"), dec("98")])
        #expect(proposal.sells.map(\.price) == [dec("102"), dec("102.5"), dec("103")])
        #expect(proposal.buys.map(\.size) == [dec("1"), dec("1.5"), dec("2")])
        #expect(proposal.sells.map(\.size) == [dec("1"), dec("1.5"), dec("2")])
        #expect(proposal.buys.map(\.level) == [0, 1, 2])
    }

    @Test func pricesStayExactAndRoundAwayFromTheMid() throws {
        let config = try pmmConfig(["bid_spread": "0.0015", "ask_spread": "0.0015"])
        let proposal = try QuoteProposal.make(mid: dec("97000.005"), config: config, skew: .neutral)
        // 97000.005 × 0.9985 = 96854.5049925 exactly; × 1.0015 = 97145.5050075.
        #expect(proposal.buys[0].price == dec("96854.5049925"))
        #expect(proposal.sells[0].price == dec("97145.5050075"))
    }

    @Test func levelsWithNoSizeAreLeftOut() throws {
        let config = try pmmConfig(["order_levels": "3", "order_level_amount": #""-0.5""#])
        let proposal = try QuoteProposal.make(mid: dec("100"), config: config, skew: .neutral)
        #expect(proposal.buys.map(\.size) == [dec("1"), dec("0.5")])
        #expect(proposal.sells.count == 2)
    }

    @Test func priceCeilingStopsBuysAndFloorStopsSells() throws {
        let config = try pmmConfig(["price_ceiling": #""105""#, "price_floor": #""95""#])
        let normal = try QuoteProposal.make(mid: dec("100"), config: config, skew: .neutral)
        #expect(normal.buys.count == 1 && normal.sells.count == 1)
        let high = try QuoteProposal.make(mid: dec("105"), config: config, skew: .neutral)
        #expect(high.buys.isEmpty && high.sells.count == 1)
        let low = try QuoteProposal.make(mid: dec("94.5"), config: config, skew: .neutral)
        #expect(low.sells.isEmpty && low.buys.count == 1)
    }

    @Test func quotesNearerThanMinimumSpreadAreNotProposed() throws {
        let config = try pmmConfig(["bid_spread": #""0.002""#, "minimum_spread": #""0.005""#])
        let proposal = try QuoteProposal.make(mid: dec("100"), config: config, skew: .neutral)
        #expect(proposal.buys.isEmpty)
        #expect(proposal.sells.map(\.price) == [dec("101")])
    }
}

@Suite struct InventorySkewTests {
    @Test func tooMuchBaseShrinksBidsGrowsAsksAndLowersPrices() throws {
        // Value 350 (250 in base), target 175, range min(1 × 1 × 100, 175) = 100: deviation 0.75.
        let skew = try #require(try InventorySkew.compute(base: dec("2.5"), quote: dec("100"), price: dec("100"),
                                                          targetBaseShare: dec("0.5"), totalOrderSize: dec("1"),
                                                          rangeMultiplier: dec("1")))
        #expect(skew.deviation == dec("0.75"))
        let config = try pmmConfig()
        let neutral = try QuoteProposal.make(mid: dec("100"), config: config, skew: .neutral)
        let skewed = try QuoteProposal.make(mid: dec("100"), config: config, skew: skew)
        #expect(skewed.buys[0].size == dec("0.25"))
        #expect(skewed.sells[0].size == dec("1.75"))
        // Shift 0.75 × 0.01 / 2 = 0.00375 of mid, both prices down.
        #expect(skewed.buys[0].price == dec("98.625"))
        #expect(skewed.sells[0].price == dec("100.625"))
        #expect(skewed.buys[0].price < neutral.buys[0].price && skewed.sells[0].price < neutral.sells[0].price)
    }

    @Test func tooLittleBaseGrowsBidsAndRaisesPrices() throws {
        // Value 400 (100 in base), target 200, left limit 100: deviation −1 (bottom of the range).
        let skew = try #require(try InventorySkew.compute(base: dec("1"), quote: dec("300"), price: dec("100"),
                                                          targetBaseShare: dec("0.5"), totalOrderSize: dec("1"),
                                                          rangeMultiplier: dec("1")))
        #expect(skew.deviation == dec("-1"))
        let skewed = try QuoteProposal.make(mid: dec("100"), config: try pmmConfig(), skew: skew)
        #expect(skewed.buys[0].size == dec("2"))
        #expect(skewed.sells.isEmpty) // ask ratio 0: nothing to sell
        #expect(skewed.buys[0].price == dec("99.5"))
    }

    @Test func onTargetIsNeutralAndAnEmptyPortfolioQuotesNothing() throws {
        let onTarget = try InventorySkew.compute(base: dec("2"), quote: dec("200"), price: dec("100"), targetBaseShare: dec("0.5"),
                                                 totalOrderSize: dec("1"), rangeMultiplier: dec("1"))
        #expect(onTarget == .neutral)
        let empty = try InventorySkew.compute(base: .zero, quote: .zero, price: dec("100"), targetBaseShare: dec("0.5"),
                                              totalOrderSize: dec("1"), rangeMultiplier: dec("1"))
        #expect(empty == nil)
    }
}

@Suite struct PureMarketMakerTests {
    let fake = FakeTrading()
    let logs = LogRecorder()

    func maker(_ overrides: [String: String?] = [:]) throws -> PureMarketMaker {
        fake.setMid(bid: "99", ask: "101")
        return PureMarketMaker(config: try pmmConfig(overrides), trading: fake, log: logs.logger)
    }

    /// Reports every given order cancelled.
    func confirmCancels(_ maker: PureMarketMaker, _ ids: [String], at now: Int64) {
        for id in ids { maker.handle(Events.order(id, .cancelled), now: now) }
    }

    @Test func subscribesAndPlacesOneOrderPerLevelAndSide() throws {
        let pmm = try maker(["order_levels": "2", "order_level_spread": #""0.01""#])
        try pmm.start()
        #expect(fake.subscriptions == ["bitget book BTCUSDT"])
        pmm.handle(Events.timer(), now: sec(1))
        let requests = fake.placed.map(\.request)
        #expect(requests.map(\.side) == [.buy, .buy, .sell, .sell])
        #expect(requests.map(\.price) == [dec("99"), dec("98"), dec("101"), dec("102")])
        #expect(requests.allSatisfy { $0.type == .limit && $0.timeInForce == .postOnly && $0.symbol == "BTCUSDT" && $0.size == dec("1") })
        #expect(pmm.orders.count == 4)
        #expect(pmm.createAt == sec(31))
    }

    @Test func waitsForTheBook() throws {
        let pmm = try maker()
        fake.top = nil
        pmm.tick(now: sec(1))
        #expect(fake.placed.isEmpty)
        fake.setMid(bid: "99", ask: "101")
        pmm.tick(now: sec(2))
        #expect(fake.placed.count == 2)
    }

    @Test func refreshCancelsMovedOrdersAndPlacesOnlyAfterTheCancelsAreConfirmed() throws {
        let pmm = try maker()
        pmm.tick(now: sec(1))
        for placed in fake.placed { pmm.handle(Events.order(placed.id, .open), now: sec(1)) }
        fake.setMid(bid: "109", ask: "111")
        pmm.tick(now: sec(30))
        #expect(fake.cancelled.isEmpty) // not yet refresh time
        pmm.tick(now: sec(31))
        #expect(Set(fake.cancelled) == ["o1", "o2"])
        pmm.tick(now: sec(32))
        #expect(fake.placed.count == 2) // never more than one order per side open
        confirmCancels(pmm, ["o1", "o2"], at: sec(32))
        pmm.tick(now: sec(33))
        #expect(fake.placed(since: 2).map(\.request.price) == [dec("108.9"), dec("111.1")])
    }

    @Test func ordersWithinToleranceAreKept() throws {
        let pmm = try maker(["order_refresh_tolerance_pct": #""0.02""#])
        pmm.tick(now: sec(1))
        fake.setMid(bid: "100", ask: "102") // quotes move 1 %
        pmm.tick(now: sec(31))
        #expect(fake.cancelled.isEmpty)
        #expect(pmm.createAt == sec(61))
        fake.setMid(bid: "104", ask: "106") // 5 %: outside
        pmm.tick(now: sec(61))
        #expect(Set(fake.cancelled) == ["o1", "o2"])
    }

    @Test func orderFallingBelowMinimumSpreadIsCancelledAtOnce() throws {
        let pmm = try maker(["minimum_spread": #""0.005""#])
        pmm.tick(now: sec(1))
        fake.setMid(bid: "98.9", ask: "99.9") // mid 99.4: the bid at 99 is 0.4 away, below 0.497
        pmm.tick(now: sec(5))
        #expect(fake.cancelled == ["o1"])
        #expect(pmm.orders["o2"]?.isLive == true)
    }

    @Test func filledOrderDelayHoldsNewQuotes() throws {
        let pmm = try maker(["filled_order_delay": "10"])
        pmm.tick(now: sec(1))
        pmm.handle(Events.order("o1", .filled, filled: "1", average: "99"), now: sec(5))
        #expect(pmm.createAt == sec(15))
        for second in Int64(6)...14 { pmm.tick(now: sec(second)) }
        #expect(fake.placed.count == 2)
        #expect(fake.cancelled.isEmpty)
        pmm.tick(now: sec(15)) // the remaining ask is replaced now, not at the 31 s refresh
        #expect(fake.cancelled == ["o2"])
        confirmCancels(pmm, ["o2"], at: sec(15))
        pmm.tick(now: sec(16))
        #expect(fake.placed.count == 4)
    }

    @Test func inventorySkewMovesPlacedPricesAndSizes() throws {
        let pmm = try maker(["inventory_skew_enabled": "true"])
        fake.setBalance("BTC", "2.5")
        fake.setBalance("USDT", "100")
        pmm.tick(now: sec(1))
        let requests = fake.placed.map(\.request)
        #expect(requests.map(\.price) == [dec("98.625"), dec("100.625")])
        #expect(requests.map(\.size) == [dec("0.25"), dec("1.75")])
    }

    @Test func anUnreportedBaseBalanceCountsAsZero() throws {
        let pmm = try maker(["inventory_skew_enabled": "true"])
        pmm.tick(now: sec(1)) // no balance at all: unskewed
        #expect(fake.placed.map(\.request.price) == [dec("99"), dec("101")])
        #expect(logs.contains("quoting without skew"))
        fake.setMid(bid: "109", ask: "111")
        fake.setBalance("USDT", "1000") // BTC never reported: all quote, deviation −1
        pmm.tick(now: sec(31))
        for placed in fake.placed { pmm.handle(Events.order(placed.id, .cancelled), now: sec(31)) }
        pmm.tick(now: sec(32))
        let skewed = fake.placed(since: 2).map(\.request)
        #expect(skewed.map(\.side) == [.buy]) // ask ratio 0
        #expect(skewed.first?.price == dec("109.45")) // 110 × (1 − 0.01 + 0.005)
        #expect(skewed.first?.size == dec("2"))
    }

    @Test func refusedPlacementIsLoggedAndRetriedNextCycle() throws {
        let pmm = try maker()
        fake.placeRefusal = PluginError(SWL_ERR_INSUFFICIENT_FUNDS, "available 0 USDT")
        pmm.tick(now: sec(1))
        #expect(pmm.orders.isEmpty)
        #expect(logs.contains("refused: available 0 USDT"))
        fake.placeRefusal = nil
        pmm.tick(now: sec(2))
        #expect(fake.placed.isEmpty)
        pmm.tick(now: sec(31))
        #expect(fake.placed.count == 2)
    }

    @Test func cancelThatFindsNothingSettlesFromTheHostsView() throws {
        let pmm = try maker()
        pmm.tick(now: sec(1))
        fake.setMid(bid: "109", ask: "111")
        fake.cancelRefusal = PluginError(SWL_ERR_NOT_FOUND, "order is final")
        fake.orderSnapshots["o1"] = OrderSnapshot(state: .filled, symbol: "BTCUSDT", clientOrderID: "o1", exchangeOrderID: "x",
                                                  side: .buy, type: .limit, price: dec("99"), size: dec("1"))
        pmm.tick(now: sec(31))
        #expect(pmm.orders.isEmpty) // o1 filled (per the host), o2 unknown: both forgotten
        #expect(pmm.createAt == sec(91)) // the fill started the 60 s filled_order_delay
    }

    @Test func unconfirmedCancelIsSentAgain() throws {
        let pmm = try maker()
        pmm.tick(now: sec(1))
        fake.setMid(bid: "109", ask: "111")
        pmm.tick(now: sec(31))
        pmm.tick(now: sec(60))
        #expect(fake.cancelled.count == 2)
        pmm.tick(now: sec(61))
        #expect(fake.cancelled.count == 4)
    }
}

@Suite struct PureMarketMakingConfigTests {
    @Test func defaultsAndExactNumbers() throws {
        let config = try pmmConfig(["bid_spread": "0.0015"])
        #expect(config.bidSpread.mantissa == 15 && config.bidSpread.scale == 4)
        #expect(config.connector == "bitget" && config.orderLevels == 1)
        #expect(config.orderRefreshTime == sec(30) && config.filledOrderDelay == sec(60))
        #expect(config.baseAsset == "BTC" && config.quoteAsset == "USDT")
        #expect(config.minimumSpread == nil && config.priceCeiling == nil)
    }

    @Test(arguments: [
        (["bid_spread": nil], "config key 'bid_spread' is required"),
        (["bid_spread": #""1.5""#], "config key 'bid_spread' is a fraction"),
        (["ask_spread": "1e-3"], "config key 'ask_spread' must be a decimal in plain notation"),
        (["order_amount": #""0""#], "config key 'order_amount' must be positive"),
        (["order_levels": "0"], "config key 'order_levels' must be between 1 and 50"),
        (["order_refresh_time": #""abc""#], "config key 'order_refresh_time' must be a decimal"),
        (["inventory_target_base_pct": "50"], "config key 'inventory_target_base_pct' is a fraction"),
        (["price_ceiling": "90", "price_floor": "95"], "config key 'price_ceiling' (90) must be above price_floor"),
        (["time_in_force": #""fok""#], "config key 'time_in_force' must be"),
        (["order_levels": "3", "order_level_spread": #""0.5""#], "config key 'order_level_spread' puts the deepest bid"),
        (["symbol": #""XYZ""#, "inventory_skew_enabled": "true"], "config key 'base_asset'"),
    ] as [([String: String?], String)])
    func badValuesNameTheKey(overrides: [String: String?], message: String) {
        let error = #expect(throws: PluginError.self) { _ = try pmmConfig(overrides) }
        #expect(error?.status == swl_status_t(SWL_ERR_INVALID_ARGUMENT))
        #expect(error?.message.contains(message) == true, "\(error?.message ?? "no error")")
    }
}

/// What one market-maker instance hands the next on a hot swap.
@Suite struct PureMarketMakingHandoverTests {
    @Test func theNextInstanceAdoptsTheQuotesAndKeepsTheirSchedule() throws {
        let fake = FakeTrading()
        fake.setMid(bid: "99", ask: "101")
        let old = PureMarketMaker(config: try pmmConfig(), trading: fake, log: LogRecorder().logger)
        old.tick(now: sec(1))
        for placed in fake.placed { old.handle(Events.order(placed.id, .open), now: sec(1)) }
        let text = try old.handover.encoded()
        #expect(text.contains(#""price":"99""#) && text.contains(#""format":1"#), "\(text)")

        let next = PureMarketMaker(config: try pmmConfig(), trading: fake, log: LogRecorder().logger)
        next.adopt(try PureMarketMakingHandover.decode(text))
        #expect(next.orders == old.orders)
        #expect(next.createAt == old.createAt && next.cancelAt == old.cancelAt)
        // No second set of quotes; the adopted ones are refreshed when their time comes.
        next.tick(now: sec(2))
        #expect(fake.placed.count == 2)
        fake.setMid(bid: "109", ask: "111")
        next.tick(now: sec(31))
        #expect(Set(fake.cancelled) == ["o1", "o2"])
    }

    @Test(arguments: [
        ("not json", "not a pure_market_making state"),
        (#"{"format":1,"plugin":"pure_market_making"}"#, "not a pure_market_making state"),
        (#"{"format":1,"plugin":"candle_directional","orders":[],"createAt":0,"cancelAt":0}"#, "plugin candle_directional"),
        (#"{"format":2,"plugin":"pure_market_making","orders":[],"createAt":0,"cancelAt":0}"#, "format 2 is not supported"),
    ])
    func anUnreadableStateIsRefusedNamingTheProblem(_ testCase: (String, String)) {
        #expect { _ = try PureMarketMakingHandover.decode(testCase.0) } throws: { error in
            guard let error = error as? PluginError else { return false }
            return error.status == SWL_ERR_INVALID_ARGUMENT && error.message.contains(testCase.1)
        }
    }
}

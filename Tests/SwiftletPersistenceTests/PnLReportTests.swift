import SwiftletCore
import SwiftletPersistence
import Testing

/// Hand-computed average-cost cases, recorded through the journal and reported from it.
@Suite struct PnLReportTests {
    static func report(_ events: [Event], markets: Set<Market> = []) throws -> PnLReport {
        let journal = try TradeJournal.inMemory()
        for event in events { try journal.record(event) }
        return try journal.pnlReport(markets: markets)
    }

    static func only(_ events: [Event]) throws -> MarketPnL {
        let report = try report(events)
        #expect(report.markets.count == 1)
        return try #require(report.markets.first)
    }

    @Test func spotBuysThenAPartialSellWithFeesInTwoAssets() throws {
        let market = try Self.only([
            try Make.fill("T1", .buy, "0.5", at: "100", fee: "0.05", feeAsset: "USDT", time: 1),
            try Make.fill("T2", .buy, "0.5", at: "110", fee: "0.0005", feeAsset: "BTC", time: 2),
            try Make.fill("T3", .sell, "0.4", at: "120", fee: "0.048", feeAsset: "USDT", time: 3),
            try Make.ticker("130", time: 4),
        ])
        #expect(market.market == Market(source: "bitget", symbol: "BTCUSDT"))
        #expect(market.trades == 3)
        #expect(market.boughtSize == (try dec("1")))
        #expect(market.soldSize == (try dec("0.4")))
        #expect(market.boughtNotional == (try dec("105")))
        #expect(market.soldNotional == (try dec("48")))
        #expect(market.fees == ["USDT": try dec("0.098"), "BTC": try dec("0.0005")])
        #expect(market.funding.isEmpty)
        // Average cost 105; (120 − 105) × 0.4 = 6.
        #expect(market.realizedPnL == (try dec("6")))
        #expect(market.inventory == (try dec("0.6")))
        #expect(market.averageEntry == (try dec("105")))
        #expect(market.lastPrice == (try dec("130")))
        // 0.6 × (130 − 105) = 15.
        #expect(market.unrealizedPnL == (try dec("15")))
        #expect(market.positions.map(\.side) == [PositionSide.none])
        #expect(market.positions[0].costBasis == (try dec("63")))
    }

    @Test func perpetualShortThenCoverInTwoSteps() throws {
        let perp = "bitget_perpetual"
        let opened = [
            try Make.fill("T1", .sell, "2", at: "100", source: perp, time: 1),
            try Make.fill("T2", .buy, "1", at: "90", source: perp, time: 2),
            try Make.trade("80", source: perp, time: 3),
        ]
        let half = try Self.only(opened)
        // Short 2 at 100, buy 1 back at 90: (100 − 90) × 1 = 10; still short 1 at 100.
        #expect(half.realizedPnL == (try dec("10")))
        #expect(half.inventory == (try dec("-1")))
        #expect(half.averageEntry == (try dec("100")))
        // −1 × (80 − 100) = 20.
        #expect(half.unrealizedPnL == (try dec("20")))

        let closed = try Self.only(opened + [
            try Make.fill("T3", .buy, "1", at: "95", source: perp, time: 4),
            try Make.funding("F1", "-0.3", source: perp, time: 5),
            try Make.funding("F2", "0.1", source: perp, time: 6),
        ])
        // + (100 − 95) × 1 = 5.
        #expect(closed.realizedPnL == (try dec("15")))
        #expect(closed.inventory == .zero)
        #expect(closed.averageEntry == nil)
        #expect(closed.unrealizedPnL == .zero)
        #expect(closed.funding == ["USDT": try dec("-0.2")])
        #expect(closed.boughtSize == (try dec("2")))
        #expect(closed.soldSize == (try dec("2")))
    }

    @Test func aFillThatFlipsLongToShortGoesThroughZero() throws {
        let flipped = [
            try Make.fill("T1", .buy, "1", at: "100", time: 1),
            try Make.fill("T2", .sell, "3", at: "110", time: 2),
            try Make.ticker("105", time: 3),
        ]
        let short = try Self.only(flipped)
        // Closes the long: (110 − 100) × 1 = 10; opens short 2 at 110.
        #expect(short.realizedPnL == (try dec("10")))
        #expect(short.inventory == (try dec("-2")))
        #expect(short.averageEntry == (try dec("110")))
        #expect(short.positions[0].costBasis == (try dec("-220")))
        // −2 × (105 − 110) = 10.
        #expect(short.unrealizedPnL == (try dec("10")))

        let flat = try Self.only(flipped + [try Make.fill("T3", .buy, "2", at: "100", time: 4)])
        // + (110 − 100) × 2 = 20.
        #expect(flat.realizedPnL == (try dec("30")))
        #expect(flat.inventory == .zero)
    }

    @Test func partialClosesRoundEachStepButRealizeTheExactTotal() throws {
        let events = [
            try Make.fill("T1", .buy, "1", at: "100", time: 1),
            try Make.fill("T2", .buy, "2", at: "101", time: 2),
            try Make.fill("T3", .sell, "1", at: "102", time: 3),
        ]
        let partial = try Self.only(events)
        // Cost 302 for 3; one third released = 100.66666666 (8 decimals, toward zero).
        #expect(partial.realizedPnL == (try dec("1.33333334")))
        #expect(partial.positions[0].costBasis == (try dec("201.33333334")))
        #expect(partial.averageEntry == (try dec("100.6666")))

        let closed = try Self.only(events + [try Make.fill("T4", .sell, "2", at: "103", time: 4)])
        // 102 + 206 − 302 = 6 exactly.
        #expect(closed.realizedPnL == (try dec("6")))
        #expect(closed.positions[0].costBasis == .zero)
    }

    @Test func hedgeModeKeepsLongAndShortApart() throws {
        let perp = "bitget_perpetual"
        let open = [
            try Make.fill("T1", .buy, "1", at: "100", positionSide: .long, source: perp, time: 1),
            try Make.fill("T2", .sell, "1", at: "110", positionSide: .short, source: perp, time: 2),
            try Make.ticker("104", source: perp, time: 3),
        ]
        let both = try Self.only(open)
        #expect(both.positions.map(\.side) == [.long, .short])
        #expect(both.positions.map(\.inventory) == [try dec("1"), try dec("-1")])
        #expect(both.positions.map(\.unrealizedPnL) == [try dec("4"), try dec("6")])
        #expect(both.realizedPnL == .zero)
        #expect(both.inventory == .zero)
        #expect(both.averageEntry == nil)
        #expect(both.unrealizedPnL == (try dec("10")))

        let closed = try Self.only(open + [
            try Make.fill("T3", .sell, "1", at: "105", positionSide: .long, source: perp, time: 4),
            try Make.fill("T4", .buy, "1", at: "100", positionSide: .short, source: perp, time: 5),
        ])
        #expect(closed.positions.map(\.realizedPnL) == [try dec("5"), try dec("10")])
        #expect(closed.realizedPnL == (try dec("15")))
        #expect(closed.unrealizedPnL == .zero)
    }

    @Test func anOpenPositionWithoutALastPriceHasNoUnrealizedPnL() throws {
        let market = try Self.only([try Make.fill("T1", .buy, "1", at: "100.5", time: 1)])
        #expect(market.lastPrice == nil)
        #expect(market.unrealizedPnL == nil)
        #expect(market.positions[0].unrealizedPnL == nil)
        #expect(market.averageEntry == (try dec("100.5")))
    }

    @Test func fillsAreReplayedByTimeNotArrival() throws {
        // Reconciliation delivers the sell late. By time: buy 100, sell 110 (+10), buy 120.
        // In arrival order it would be: buy 100, buy 120, sell 110 (0).
        let market = try Self.only([
            try Make.fill("T1", .buy, "1", at: "100", time: 1),
            try Make.fill("T3", .buy, "1", at: "120", time: 3),
            try Make.fill("T2", .sell, "1", at: "110", time: 2),
        ])
        #expect(market.realizedPnL == (try dec("10")))
        #expect(market.averageEntry == (try dec("120")))
    }

    @Test func marketsAreSeparateAndCanBeSelected() throws {
        let events = [
            try Make.fill("T1", .buy, "1", at: "100", time: 1),
            try Make.fill("T1", .buy, "2", at: "3000", symbol: "ETHUSDT", time: 2),
            try Make.funding("F1", "0.5", symbol: "SOLUSDT", time: 3),
        ]
        let all = try Self.report(events)
        #expect(all.markets.map(\.market.description) == ["bitget:BTCUSDT", "bitget:ETHUSDT", "bitget_perpetual:SOLUSDT"])
        #expect(all.markets[2].trades == 0)
        #expect(all.markets[2].funding == ["USDT": try dec("0.5")])
        let eth = Market(source: "bitget", symbol: "ETHUSDT")
        let selected = try Self.report(events, markets: [eth])
        #expect(selected.markets.map(\.market) == [eth])
        #expect(selected.markets[0].boughtNotional == (try dec("6000")))
    }

    @Test func anOverflowIsAnErrorNamingMarketAndFill() throws {
        let journal = try TradeJournal.inMemory()
        try journal.record(try Make.fill("T9", .buy, "999999999999999999", at: "999999999999999999", time: 1))
        let error = #expect(throws: PersistenceError.self) { try journal.pnlReport() }
        #expect(error?.message.contains("bitget:BTCUSDT") == true)
        #expect(error?.message.contains("\"T9\"") == true)
        #expect(error?.message.contains("overflow") == true)
    }
}

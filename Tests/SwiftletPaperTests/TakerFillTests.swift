import SwiftletCore
import SwiftletPaper
import Testing

/// Orders that take liquidity when placed: market orders and marketable limit orders.
@Suite struct TakerFillTests {
    @Test func marketSellWalksTheBidsAndCancelsTheRestWhenTheBookRunsOut() throws {
        let paper = try Fixture.spotExchange()
        _ = paper.apply(Fixture.book(bids: [("100", "0.1"), ("99", "0.2")], asks: [("101", "1")]))
        let (id, events) = try paper.place(Fixture.market(.sell, "0.5"), now: Fixture.now)

        #expect(events.kinds == ["order:pendingCreate", "order:partiallyFilled", "fill", "order:partiallyFilled", "fill",
                                 "order:cancelled", "balance:BTC", "balance:USDT"])
        #expect(events.fills.map(\.price) == [dec("100"), dec("99")])
        #expect(events.fills.map(\.size) == [dec("0.1"), dec("0.2")])
        #expect(events.fills.allSatisfy { !$0.isMaker && $0.feeAsset == "USDT" && $0.clientOrderID == id })
        // Taker 0.2% of 10 and of 19.8, paid in the quote received.
        #expect(events.fills.map(\.fee) == [dec("0.02"), dec("0.0396")])
        let final = try #require(events.orderUpdates.last)
        #expect(final.filledSize == dec("0.3"))
        #expect(final.size == dec("0.5"))
        #expect(final.averageFillPrice == dec("99.33333333"))
        #expect(final.reason.contains("book ran out"))
        #expect(paper.balance("BTC") == Fixture.balance("BTC", "0.7"))
        #expect(paper.balance("USDT") == Fixture.balance("USDT", "10029.7404"))
        #expect(paper.openOrders(symbol: "").isEmpty)
    }

    @Test func marketBuyByQuoteSpendsTheQuoteInWholeLotsAndPaysTheFeeInBase() throws {
        let paper = try Fixture.spotExchange()
        _ = paper.apply(Fixture.book(bids: [("100", "1")], asks: [("101", "0.1"), ("102", "1")]))
        let (_, events) = try paper.place(Fixture.market(.buy, "0", quote: "50"), now: Fixture.now)

        // 0.1 at 101 (10.1 USDT), then 39.9 USDT buys 0.391 at 102 (39.882).
        #expect(events.fills.map(\.size) == [dec("0.1"), dec("0.391")])
        #expect(events.fills.map(\.fee) == [dec("0.0002"), dec("0.000782")])
        #expect(events.fills.allSatisfy { $0.feeAsset == "BTC" })
        #expect(events.states.last == .filled)
        #expect(paper.balance("USDT").total == dec("9950.018"))
        #expect(paper.balance("BTC").total == dec("1.490018"))
    }

    @Test func marketBuyBySizeSpendsSizeTimesBestAskAsTheLiveConnectorConverts() throws {
        let paper = try Fixture.spotExchange()
        _ = paper.apply(Fixture.book(bids: [("100", "1")], asks: [("100.5", "0.2"), ("101", "1")]))
        let (_, events) = try paper.place(Fixture.market(.buy, "0.4"), now: Fixture.now)

        // 0.4 × 100.5 = 40.2 USDT: 0.2 at 100.5 (20.1), then 20.1 buys 0.199 at 101.
        #expect(events.fills.map(\.size) == [dec("0.2"), dec("0.199")])
        #expect(events.orderUpdates.last?.size == dec("0.4"))
        #expect(events.states.last == .filled)
    }

    @Test func marketableLimitTakesCrossingLevelsAndRestsTheRestAsMaker() throws {
        let paper = try Fixture.spotExchange()
        _ = paper.apply(Fixture.book(bids: [("100", "1")], asks: [("101", "0.1"), ("102", "0.2"), ("103", "1")]))
        let (id, events) = try paper.place(Fixture.limit(.buy, "0.5", at: "102"), now: Fixture.now)

        #expect(events.kinds == ["order:pendingCreate", "order:partiallyFilled", "fill", "order:partiallyFilled", "fill",
                                 "balance:BTC", "balance:USDT"])
        #expect(events.fills.map(\.price) == [dec("101"), dec("102")])
        // 10.1 + 20.4 spent; 0.2 × 102 = 20.4 locked for the resting rest.
        #expect(paper.balance("USDT") == Balance(asset: "USDT", total: dec("9969.5"), available: dec("9949.1"), locked: dec("20.4")))
        let resting = try #require(paper.order(id))
        #expect(resting.state == .partiallyFilled)
        #expect(resting.filledSize == dec("0.3"))

        // The rest fills as maker (fee 0.1%) at its own price.
        let later = paper.apply(Fixture.trade(price: "101.5", size: "1", taker: .sell))
        #expect(later.fills.map(\.isMaker) == [true])
        #expect(later.fills.first?.price == dec("102"))
        #expect(later.fills.first?.fee == dec("0.0002"))
        #expect(paper.order(id)?.state == .filled)
        #expect(paper.balance("USDT") == Fixture.balance("USDT", "9949.1"))
    }

    @Test func takenLiquidityIsNotOfferedTwiceUntilTheBookShowsItGone() throws {
        let paper = try Fixture.spotExchange()
        _ = paper.apply(Fixture.book(bids: [("100", "0.15"), ("99", "1")], asks: [("101", "1")]))
        let first = try paper.place(Fixture.market(.sell, "0.1"), now: Fixture.now).events
        let second = try paper.place(Fixture.market(.sell, "0.1"), now: Fixture.now).events
        #expect(first.fills.map(\.price) == [dec("100")])
        #expect(second.fills.map(\.price) == [dec("100"), dec("99")])
        #expect(second.fills.map(\.size) == [dec("0.05"), dec("0.05")])

        // The real book now shows the level at 0.05: still fully taken by us.
        _ = paper.apply(Fixture.book(bids: [("100", "0.05")], snapshot: false))
        let third = try paper.place(Fixture.market(.sell, "0.1"), now: Fixture.now).events
        #expect(third.fills.map(\.price) == [dec("99")])
    }

    @Test func marketOrdersNeedALiveBookAndAResyncDropsIt() throws {
        let paper = try Fixture.spotExchange()
        #expect(throws: PaperError.self) { try paper.place(Fixture.market(.sell, "0.1"), now: Fixture.now) }

        _ = paper.apply(Fixture.book(bids: [("100", "1")], asks: [("101", "1")]))
        #expect(paper.topOfBook(symbol: "BTCUSDT")?.bid == BookLevel(price: dec("100"), size: dec("1")))
        let resync = Event(context: EventContext(localTime: Fixture.now, source: Fixture.connector, symbol: "BTCUSDT"),
                           payload: .bookResync(reason: "checksum mismatch"))
        #expect(paper.apply(resync).isEmpty)
        #expect(paper.topOfBook(symbol: "BTCUSDT") == nil)
        do {
            _ = try paper.place(Fixture.market(.sell, "0.1"), now: Fixture.now)
            Issue.record("a market order was accepted without a book")
        } catch {
            #expect(error.kind == .state)
            #expect(error.message.contains("live book"))
        }
        #expect(throws: PaperError.self) { try paper.place(Fixture.limit(.buy, "0.1", at: "100", tif: .ioc), now: Fixture.now) }

        // A GTC limit may rest; a delta before the next snapshot is ignored, so no fill
        // against a stale book; the snapshot that crosses it fills it.
        let (id, _) = try paper.place(Fixture.limit(.buy, "0.1", at: "100"), now: Fixture.now)
        #expect(paper.apply(Fixture.book(asks: [("99", "1")], snapshot: false)).isEmpty)
        #expect(paper.topOfBook(symbol: "BTCUSDT") == nil)
        let filled = paper.apply(Fixture.book(bids: [("98", "1")], asks: [("99.5", "1")]))
        #expect(filled.fills.map(\.price) == [dec("100")])
        #expect(paper.order(id)?.state == .filled)
    }
}

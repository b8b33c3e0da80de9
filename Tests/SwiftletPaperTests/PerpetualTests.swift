import SwiftletCore
import SwiftletPaper
import Testing

/// Perpetual positions: margin, realized and unrealized PnL, one-way flips, hedge mode,
/// reduce-only, leverage.
@Suite struct PerpetualTests {
    private func book(bid: String, ask: String) -> Event {
        Fixture.book("ETHUSDT", bids: [(bid, "10")], asks: [(ask, "10")])
    }

    @Test func openIncreaseReduceAndCloseBookRealizedPnLAndMargin() throws {
        let paper = try Fixture.perpExchange()
        _ = paper.apply(book(bid: "1999", ask: "2000"))

        // Open long 1 at 2000: margin 200 at 10x, taker fee 1.2.
        let open = try paper.place(Fixture.market(.buy, "1", "ETHUSDT"), now: Fixture.now).events
        #expect(open.kinds == ["order:pendingCreate", "order:filled", "fill", "balance:USDT", "position:long"])
        #expect(open.fills.first?.fee == dec("1.2"))
        #expect(open.fills.first?.feeAsset == "USDT")
        let opened = try #require(open.positionEvents.first)
        #expect(opened.size == dec("1") && opened.entryPrice == dec("2000") && opened.margin == dec("200"))
        #expect(opened.leverage == dec("10") && opened.marginAsset == "USDT")
        #expect(paper.balance("USDT") == Balance(asset: "USDT", total: dec("998.8"), available: dec("798.8"), locked: dec("200")))

        // Increase by 1 at 2100: entry 2050, margin 410.
        _ = paper.apply(book(bid: "2099", ask: "2100"))
        _ = try paper.place(Fixture.market(.buy, "1", "ETHUSDT"), now: Fixture.now)
        var long = try #require(try paper.position(symbol: "ETHUSDT", side: .long)).position
        #expect(long.size == dec("2") && long.entryPrice == dec("2050") && long.margin == dec("410"))

        // Reduce 0.5 at 2200: PnL (2200 - 2050) × 0.5 = 75, margin 102.5 freed, fee 0.66.
        _ = paper.apply(book(bid: "2200", ask: "2201"))
        let reduce = try paper.place(Fixture.market(.sell, "0.5", "ETHUSDT"), now: Fixture.now).events
        long = try #require(reduce.positionEvents.first)
        #expect(long.size == dec("1.5") && long.realizedPnL == dec("75") && long.margin == dec("307.5"))
        #expect(long.entryPrice == dec("2050"))
        // Marked at the book mid 2200.5 (no ticker yet): (2200.5 - 2050) × 1.5.
        #expect(long.unrealizedPnL == dec("225.75"))

        // Close the rest at 2200: PnL 225 more, all margin back.
        let close = try paper.place(Fixture.market(.sell, "1.5", "ETHUSDT"), now: Fixture.now).events
        let flat = try #require(close.positionEvents.first)
        #expect(flat.size == .zero && flat.realizedPnL == dec("300") && flat.margin == .zero && flat.unrealizedPnL == .zero)
        // 1000 - fees (1.2 + 1.26 + 0.66 + 1.98) + 300.
        #expect(paper.balance("USDT") == Fixture.balance("USDT", "1294.9"))
        #expect(try paper.positions().isEmpty)
    }

    @Test func aOneWayOrderLargerThanTheOppositePositionFlipsIt() throws {
        let paper = try Fixture.perpExchange()
        _ = paper.apply(book(bid: "1999", ask: "2000"))
        _ = try paper.place(Fixture.market(.buy, "1", "ETHUSDT"), now: Fixture.now)
        _ = paper.apply(book(bid: "1900", ask: "1901"))
        let events = try paper.place(Fixture.market(.sell, "3", "ETHUSDT"), now: Fixture.now).events
        #expect(events.kinds.suffix(2) == ["position:long", "position:short"])
        let (long, short) = (events.positionEvents[0], events.positionEvents[1])
        #expect(long.size == .zero && long.realizedPnL == dec("-100"))
        #expect(short.size == dec("2") && short.entryPrice == dec("1900") && short.margin == dec("380"))
        #expect(try paper.positions().map(\.position.side) == [.short])
        // 1000 - 1.2 - 3.42 (fee of 5700) - 100; 380 locked for the short.
        #expect(paper.balance("USDT") == Balance(asset: "USDT", total: dec("895.38"), available: dec("515.38"), locked: dec("380")))
    }

    @Test func reduceOnlyIsRefusedWhenItWouldOpenOrExceedThePosition() throws {
        let paper = try Fixture.perpExchange()
        _ = paper.apply(book(bid: "1999", ask: "2000"))
        do {
            _ = try paper.place(Fixture.market(.sell, "1", "ETHUSDT", reduceOnly: true), now: Fixture.now)
            Issue.record("a reduce-only sell opened a short")
        } catch {
            #expect(error.kind == .state)
            #expect(error.message.contains("no LONG position"))
        }
        _ = try paper.place(Fixture.market(.buy, "1", "ETHUSDT"), now: Fixture.now)
        #expect(throws: PaperError.self) {
            try paper.place(Fixture.limit(.sell, "2", at: "2100", "ETHUSDT", reduceOnly: true), now: Fixture.now)
        }
        // One-way: a sell against the LONG it names only reduces it.
        let (closer, placed) = try paper.place(Fixture.limit(.sell, "1", at: "2100", "ETHUSDT", position: .long), now: Fixture.now)
        #expect(placed.balanceEvents.isEmpty)   // a reduce-only order locks no margin
        // Closed by another order first, the reduce-only order is cancelled, not flipped.
        _ = try paper.place(Fixture.market(.sell, "1", "ETHUSDT"), now: Fixture.now)
        let events = paper.apply(Fixture.trade("ETHUSDT", price: "2200", size: "5", taker: .buy))
        #expect(events.fills.isEmpty)
        #expect(events.orderUpdates.last?.state == .cancelled)
        #expect(paper.order(closer)?.state == .cancelled)
        #expect(try paper.positions().isEmpty)
    }

    @Test func hedgeModeHoldsLongAndShortAndClosesByPositionSide() throws {
        let paper = try Fixture.perpExchange(mode: .hedge)
        _ = paper.apply(book(bid: "1999", ask: "2000"))
        _ = try paper.place(Fixture.market(.buy, "1", "ETHUSDT"), now: Fixture.now)
        let short = try paper.place(Fixture.market(.sell, "1", "ETHUSDT", position: .short), now: Fixture.now).events
        #expect(short.fills.first?.positionSide == .short)
        #expect(try paper.positions().map(\.position.side) == [.long, .short])
        #expect(throws: PaperError.self) {
            try paper.place(Fixture.market(.buy, "1", "ETHUSDT", position: .long, reduceOnly: true), now: Fixture.now)
        }
        let close = try paper.place(Fixture.market(.sell, "1", "ETHUSDT", position: .long), now: Fixture.now).events
        #expect(close.positionEvents.map(\.side) == [.long])
        #expect(close.positionEvents.first?.size == .zero)
        #expect(try paper.position(symbol: "ETHUSDT", side: .short)?.position.size == dec("1"))
        #expect(throws: PaperError.self) { try paper.setPositionMode(.oneWay) }
    }

    @Test func unrealizedPnLFollowsTheTickerMark() throws {
        let paper = try Fixture.perpExchange()
        _ = paper.apply(book(bid: "1999", ask: "2000"))
        _ = try paper.place(Fixture.market(.buy, "0.5", "ETHUSDT"), now: Fixture.now)
        let ticker = Event(context: EventContext(localTime: Fixture.now, source: "bitget_perpetual", symbol: "ETHUSDT"),
                           payload: .ticker(Ticker(lastPrice: dec("2100"))))
        #expect(paper.apply(ticker).isEmpty)
        let long = try #require(try paper.position(symbol: "ETHUSDT", side: .long)).position
        #expect(long.markPrice == dec("2100") && long.unrealizedPnL == dec("50"))
    }

    @Test func marginMustBeAvailableAndLeverageSetsIt() throws {
        let paper = try Fixture.perpExchange()
        _ = paper.apply(book(bid: "1999", ask: "2000"))
        do {
            _ = try paper.place(Fixture.market(.buy, "5", "ETHUSDT"), now: Fixture.now)
            Issue.record("10000 USDT at 10x opened on 1000 of margin")
        } catch {
            #expect(error.kind == .insufficientFunds)
        }
        #expect(throws: PaperError.self) { try paper.setLeverage(dec("0"), symbol: "ETHUSDT") }
        try paper.setLeverage(dec("20"), symbol: "ETHUSDT")
        let (id, events) = try paper.place(Fixture.limit(.buy, "5", at: "1990", "ETHUSDT"), now: Fixture.now)
        // Resting: margin 9950 / 20 = 497.5 plus the taker fee 5.97 locked for what it may open.
        #expect(events.balanceEvents.first?.locked == dec("503.47"))
        #expect(throws: PaperError.self) { try paper.setLeverage(dec("5"), symbol: "ETHUSDT") }
        let filled = paper.apply(Fixture.trade("ETHUSDT", price: "1989", size: "5", taker: .sell))
        #expect(filled.positionEvents.first?.margin == dec("497.5"))
        #expect(filled.positionEvents.first?.leverage == dec("20"))
        // The maker fee (1.99) is charged; the reserve beyond the margin is released.
        #expect(paper.balance("USDT") == Balance(asset: "USDT", total: dec("998.01"), available: dec("500.51"), locked: dec("497.5")))
        #expect(paper.order(id)?.state == .filled)
    }
}

import SwiftletCore
import SwiftletPaper
import Testing

/// Resting orders filled by the live market: public trades through them, the book moving
/// through them.
@Suite struct RestingFillTests {
    /// An exchange with bids at 99, asks at 101 and a resting buy of `size` at 100.
    private func restingBuy(_ size: String = "0.3") throws -> (PaperExchange, String) {
        let paper = try Fixture.spotExchange()
        _ = paper.apply(Fixture.book(bids: [("99", "1")], asks: [("101", "1")]))
        let (id, events) = try paper.place(Fixture.limit(.buy, size, at: "100"), now: Fixture.now)
        #expect(events.kinds == ["order:pendingCreate", "order:open", "balance:USDT"])
        return (paper, id)
    }

    @Test func aTradeThroughFillsPartlyThenFullyByTheEqualPriceRule() throws {
        let (paper, id) = try restingBuy()
        #expect(paper.balance("USDT") == Balance(asset: "USDT", total: dec("10000"), available: dec("9970"), locked: dec("30")))

        // Below our price: filled up to the (thinner) trade's size, at our price, as maker.
        let partial = paper.apply(Fixture.trade(price: "99.9", size: "0.1", taker: .sell, time: Fixture.now + 5))
        #expect(partial.kinds == ["order:partiallyFilled", "fill", "balance:BTC", "balance:USDT"])
        let fill = try #require(partial.fills.first)
        #expect(fill.price == dec("100") && fill.size == dec("0.1") && fill.isMaker)
        #expect(fill.fee == dec("0.0001") && fill.feeAsset == "BTC")
        #expect(partial.allSatisfy { $0.context.localTime == Fixture.now + 5 && $0.context.source == Fixture.connector })
        #expect(paper.balance("USDT") == Balance(asset: "USDT", total: dec("9990"), available: dec("9970"), locked: dec("20")))

        // At our price with a buying taker: that buyer lifted asks, not our bid.
        #expect(paper.apply(Fixture.trade(price: "100", size: "5", taker: .buy)).isEmpty)
        // At our price with a selling taker: sellers hit bids at 100, ours among them.
        let rest = paper.apply(Fixture.trade(price: "100", size: "5", taker: .sell))
        #expect(rest.fills.map(\.size) == [dec("0.2")])
        #expect(rest.orderUpdates.map(\.state) == [.filled])
        #expect(rest.orderUpdates.first?.averageFillPrice == dec("100"))
        #expect(paper.order(id)?.state == .filled)
        #expect(paper.balance("USDT") == Fixture.balance("USDT", "9970"))
        #expect(paper.balance("BTC") == Fixture.balance("BTC", "1.2997"))
        // Above our price: nothing more (and the order is final anyway).
        #expect(paper.apply(Fixture.trade(price: "99", size: "1", taker: .sell)).isEmpty)
    }

    @Test func oneTradeFillsNoMoreThanItsSizeAcrossOurOrdersBestPriceFirst() throws {
        let (paper, lower) = try restingBuy("0.2")
        let (higher, _) = try paper.place(Fixture.limit(.buy, "0.2", at: "100.5"), now: Fixture.now)
        let events = paper.apply(Fixture.trade(price: "99", size: "0.3", taker: .sell))
        #expect(events.fills.map(\.clientOrderID) == [higher, lower])
        #expect(events.fills.map(\.size) == [dec("0.2"), dec("0.1")])
        #expect(events.fills.map(\.price) == [dec("100.5"), dec("100")])
        #expect(paper.order(lower)?.filledSize == dec("0.1"))
    }

    @Test func aRestingSellFillsOnATradeAboveIt() throws {
        let paper = try Fixture.spotExchange()
        _ = paper.apply(Fixture.book(bids: [("99", "1")], asks: [("101", "1")]))
        let (id, placed) = try paper.place(Fixture.limit(.sell, "0.5", at: "100.5"), now: Fixture.now)
        #expect(placed.balanceEvents == [Balance(asset: "BTC", total: dec("1"), available: dec("0.5"), locked: dec("0.5"))])
        #expect(paper.apply(Fixture.trade(price: "100.5", size: "1", taker: .sell)).isEmpty)
        let events = paper.apply(Fixture.trade(price: "100.6", size: "1", taker: .buy))
        #expect(events.fills.map(\.size) == [dec("0.5")])
        // Fee 0.1% of 50.25 USDT, in the quote received.
        #expect(events.fills.first?.fee == dec("0.05025"))
        #expect(events.fills.first?.feeAsset == "USDT")
        #expect(paper.order(id)?.state == .filled)
        #expect(paper.balance("BTC") == Fixture.balance("BTC", "0.5"))
        #expect(paper.balance("USDT") == Fixture.balance("USDT", "10050.19975"))
    }

    @Test func theBookMovingThroughAnOrderFillsItAgainstTheCrossingSizeOnce() throws {
        let (paper, id) = try restingBuy("0.5")
        // An ask appears at our price: we are filled by it, as maker at our price.
        let first = paper.apply(Fixture.book(asks: [("100", "0.2")], snapshot: false))
        #expect(first.fills.map(\.size) == [dec("0.2")])
        #expect(first.fills.first?.isMaker == true)
        #expect(first.fills.first?.price == dec("100"))
        // An unrelated update, and the same ask still shown: nothing more.
        #expect(paper.apply(Fixture.book(bids: [("99", "2")], snapshot: false)).isEmpty)
        // The level grows to 0.3: only the new 0.1 is ours.
        let grown = paper.apply(Fixture.book(asks: [("100", "0.3")], snapshot: false))
        #expect(grown.fills.map(\.size) == [dec("0.1")])
        // A better ask below our price fills the rest at our price.
        _ = paper.apply(Fixture.book(asks: [("100", "0")], snapshot: false))
        let rest = paper.apply(Fixture.book(asks: [("99.5", "5")], snapshot: false))
        #expect(rest.fills.map(\.size) == [dec("0.2")])
        #expect(rest.fills.first?.price == dec("100"))
        #expect(paper.order(id)?.state == .filled)
        #expect(paper.balance("USDT") == Fixture.balance("USDT", "9950"))
    }

    @Test func makerRebateIsANegativeFee() throws {
        var instrument = Fixture.spot
        instrument.makerFeeRate = dec("-0.0001")
        let paper = try Fixture.spotExchange(instrument: instrument)
        _ = paper.apply(Fixture.book(bids: [("99", "1")], asks: [("101", "1")]))
        _ = try paper.place(Fixture.limit(.sell, "1", at: "100"), now: Fixture.now)
        let events = paper.apply(Fixture.trade(price: "100.1", size: "2", taker: .buy))
        #expect(events.fills.first?.fee == dec("-0.01"))
        #expect(paper.balance("USDT").total == dec("10100.01"))
        #expect(paper.balance("BTC").total == .zero)
    }

    @Test func anOverflowWhileFillingIsReportedAndTheOrderCancelledWithNothingBooked() throws {
        // A quote balance so large that crediting a fill overflows 18 digits.
        let paper = try PaperExchange(connector: Fixture.connector, instruments: [Fixture.spot],
                                      balances: [Fixture.balance("USDT", "92233720368"), Fixture.balance("BTC", "1")])
        _ = paper.apply(Fixture.book(bids: [("99", "1")], asks: [("101", "1")]))
        let (id, _) = try paper.place(Fixture.limit(.sell, "1", at: "100"), now: Fixture.now)
        let events = paper.apply(Fixture.trade(price: "100.5", size: "1", taker: .buy))
        #expect(events.kinds == ["error", "order:cancelled", "balance:BTC"])
        guard case .error(let report) = events.first?.payload else { return }
        #expect(report.message.contains("overflow"))
        #expect(report.status == PaperError.Kind.invalidArgument.status)
        #expect(paper.order(id)?.state == .cancelled)
        #expect(paper.order(id)?.filledSize == .zero)
        #expect(paper.balances == [Fixture.balance("BTC", "1"), Fixture.balance("USDT", "92233720368")])
    }
}

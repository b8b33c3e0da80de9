import SwiftletCore
import SwiftletPaper
import Testing

/// Funding booked locally when the funding time passes.
@Suite struct FundingTests {
    private static let hour: Int64 = 3_600_000_000_000

    private func info(rate: String, next: Int64, mark: String = "2010") -> Event {
        Event(context: EventContext(localTime: next, source: "bitget_perpetual", symbol: "ETHUSDT"),
              payload: .fundingInfo(FundingInfo(rate: dec(rate), nextFundingTime: next, markPrice: dec(mark), indexPrice: dec(mark))))
    }

    /// A perpetual exchange holding a position of 1, long (buy) or short (sell).
    private func holding(_ side: Side) throws -> PaperExchange {
        let paper = try Fixture.perpExchange()
        _ = paper.apply(Fixture.book("ETHUSDT", bids: [("2000", "10")], asks: [("2000.01", "10")]))
        _ = try paper.place(Fixture.market(side, "1", "ETHUSDT"), now: Fixture.now)
        return paper
    }

    @Test func aLongPaysAndAShortReceivesAPositiveRate() throws {
        for (side, expected) in [(Side.buy, "-0.603"), (Side.sell, "0.603")] {
            let paper = try holding(side)
            let before = paper.balance("USDT").total
            // The first info only announces the rate of the settlement at 8h.
            #expect(paper.apply(info(rate: "0.0001", next: 8 * Self.hour)).isEmpty)
            // Same funding time again: nothing settles.
            #expect(paper.apply(info(rate: "0.0003", next: 8 * Self.hour)).isEmpty)
            // The next time moved on: the 8h funding settled, at the rate last announced
            // for it (0.0003), on 1 × mark 2010.
            let events = paper.apply(info(rate: "0.0002", next: 16 * Self.hour))
            #expect(events.kinds == ["funding", "balance:USDT"])
            let payment = try #require(events.payments.first)
            #expect(payment.rate == dec("0.0003"))
            #expect(payment.amount == dec(expected))
            #expect(payment.asset == "USDT")
            #expect(events.first?.context.symbol == "ETHUSDT")
            #expect(paper.balance("USDT").total == (try before + payment.amount))
        }
    }

    @Test func aNegativeRatePaysTheLongs() throws {
        let paper = try holding(.buy)
        _ = paper.apply(info(rate: "-0.0005", next: 8 * Self.hour, mark: "2000"))
        let events = paper.apply(info(rate: "0.0001", next: 16 * Self.hour, mark: "2000"))
        #expect(events.payments.map(\.amount) == [dec("1")])
    }

    @Test func noPositionNoPayment() throws {
        let paper = try Fixture.perpExchange()
        _ = paper.apply(info(rate: "0.0001", next: 8 * Self.hour))
        #expect(paper.apply(info(rate: "0.0001", next: 16 * Self.hour)).isEmpty)
        #expect(paper.balance("USDT") == Fixture.balance("USDT", "1000"))
    }
}

import SwiftletCore
import SwiftletPersistence
import Testing

@Suite struct HistoryReportTests {
    @Test func aSpotMarketIsOneBlock() throws {
        let journal = try TradeJournal.inMemory()
        try journal.record(try Make.fill("T1", .buy, "0.5", at: "100", fee: "0.05", time: 1))
        try journal.record(try Make.fill("T2", .sell, "0.2", at: "110", fee: "0.022", time: 2))
        try journal.record(try Make.ticker("120", time: 3))
        #expect(HistoryReport.render(try journal.pnlReport()) == """
            bitget:BTCUSDT
              trades          2
              bought          0.5 (50.0 notional)
              sold            0.2 (22.0 notional)
              fees            0.072 USDT
              realized PnL    2
              position        0.3 @ 100.0000
              last price      120
              unrealized PnL  6
            """)
    }

    @Test func hedgePositionsFundingAndMissingPricesAreShown() throws {
        let journal = try TradeJournal.inMemory()
        let perp = "bitget_perpetual"
        try journal.record(try Make.fill("T1", .buy, "1", at: "100", positionSide: .long, source: perp, time: 1))
        try journal.record(try Make.fill("T2", .sell, "2", at: "110", positionSide: .short, source: perp, time: 2))
        try journal.record(try Make.fill("T3", .sell, "1", at: "104", positionSide: .long, source: perp, time: 3))
        try journal.record(try Make.funding("F1", "-0.02", source: perp, time: 4))
        #expect(HistoryReport.render(try journal.pnlReport()) == """
            bitget_perpetual:BTCUSDT
              trades          3
              bought          1 (100 notional)
              sold            3 (324 notional)
              fees            0 USDT
              funding         -0.02 USDT
              realized PnL    4
              long position   flat
              long realized   4
              short position  -2 @ 110.0000
              short realized  0
              last price      unknown
              unrealized PnL  unknown (no last price)
            """)
    }

    @Test func anEmptyJournalSaysSo() throws {
        #expect(HistoryReport.render(try TradeJournal.inMemory().pnlReport()) == "no fills or funding payments recorded")
    }
}

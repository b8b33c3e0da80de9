import Foundation
import SwiftletCore
import SwiftletPersistence
import Testing

@Suite struct CSVExportTests {
    @Test func fieldsAreQuotedOnlyWhenTheyMustBe() {
        #expect(CSVExport.field("plain-0.5") == "plain-0.5")
        #expect(CSVExport.field("") == "")
        #expect(CSVExport.field("a,b") == "\"a,b\"")
        #expect(CSVExport.field("say \"hi\"") == "\"say \"\"hi\"\"\"")
        #expect(CSVExport.field("two\nlines") == "\"two\nlines\"")
        #expect(CSVExport.field("crlf\r\nend") == "\"crlf\r\nend\"")
        #expect(CSVExport.field("cr\rend") == "\"cr\rend\"")
        #expect(CSVExport.record(["a", "b,c", ""]) == "a,\"b,c\",\r\n")
    }

    @Test func fillsExportWithAHeaderAndExactValues() throws {
        let journal = try TradeJournal.inMemory()
        // 2023-11-14T22:13:20.123456789Z; a client id with a comma and a quote.
        try journal.record(try Make.fill("T1", .buy, "0.000100", at: "97000.10", fee: "0.0000001", feeAsset: "BTC",
                                         order: "grid,\"7\"", time: 1_700_000_000_123_456_789))
        try journal.record(try Make.fill("T2", .sell, "0.5", at: "3000", fee: "-0.01", positionSide: .short,
                                         source: "bitget_perpetual", symbol: "ETHUSDT", time: 1))
        let csv = CSVExport.fills(try journal.fills())
        #expect(csv == """
            time_ns,time_utc,source,symbol,trade_id,client_order_id,exchange_order_id,side,position_side,liquidity,price,size,fee,fee_asset\r
            1,1970-01-01T00:00:00.000Z,bitget_perpetual,ETHUSDT,T2,c-1,x-c-1,sell,short,taker,3000,0.5,-0.01,USDT\r
            1700000000123456789,2023-11-14T22:13:20.123Z,bitget,BTCUSDT,T1,"grid,""7""\",\"x-grid,""7""\",buy,none,maker,97000.10,0.000100,0.0000001,BTC\r

            """)
        #expect(csv.split(separator: "\r\n").count == 3)
    }

    @Test func timesBeforeTheEpochAndLeapDaysFormatCorrectly() throws {
        let journal = try TradeJournal.inMemory()
        // 1969-12-31T23:59:59.999Z and 2024-02-29T12:00:00.000Z.
        try journal.record(try Make.fill("A", .buy, "1", at: "1", time: -1_000_000))
        try journal.record(try Make.fill("B", .buy, "1", at: "1", time: 1_709_208_000_000_000_000))
        let times = CSVExport.fills(try journal.fills()).split(separator: "\r\n").dropFirst()
            .map { $0.split(separator: ",")[1] }
        #expect(times == ["1969-12-31T23:59:59.999Z", "2024-02-29T12:00:00.000Z"])
    }

    @Test func thePnLReportExportsOneRecordPerMarket() throws {
        let journal = try TradeJournal.inMemory()
        try journal.record(try Make.fill("T1", .buy, "1", at: "100", fee: "0.1", time: 1))
        try journal.record(try Make.fill("T2", .buy, "1", at: "110", fee: "0.001", feeAsset: "BTC", time: 2))
        try journal.record(try Make.ticker("120", time: 3))
        try journal.record(try Make.fill("T3", .sell, "2", at: "50", source: "bitget_perpetual", symbol: "SOLUSDT", time: 4))
        try journal.record(try Make.funding("F1", "-0.25", symbol: "SOLUSDT", time: 5))
        #expect(CSVExport.pnl(try journal.pnlReport()) == """
            source,symbol,trades,bought_size,sold_size,bought_notional,sold_notional,fees,funding,realized_pnl,inventory,average_entry,last_price,unrealized_pnl\r
            bitget,BTCUSDT,2,2,0,210,0,0.001 BTC; 0.1 USDT,,0,2,105.0000,120,30\r
            bitget_perpetual,SOLUSDT,1,0,2,0,100,0 USDT,-0.25 USDT,0,-2,50.0000,,\r

            """)
    }

    @Test func writeReplacesTheFile() throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        try FileManager.default.createDirectory(at: directory.url, withIntermediateDirectories: true)
        let path = directory.path("fills.csv")
        try CSVExport.write("old\r\n", to: path)
        try CSVExport.write("a,b\r\n1,2\r\n", to: path)
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "a,b\r\n1,2\r\n")
        #expect(throws: PersistenceError.self) { try CSVExport.write("x", to: directory.path("missing/dir/fills.csv")) }
    }
}

@testable import BitgetCommon
import BitgetCandleFeeds
import Foundation
import SwiftletCore
import SwiftletPluginKit
import Testing

/// Candle rows and interval names.
@Suite struct CandlePayloadTests {
    func d(_ text: String) -> ExactDecimal { try! ExactDecimal(text) }

    func rows(_ name: String) throws -> [[String]] {
        let bytes = try SpotHarness.fixture("bitget/\(name)")
        return try BitgetREST.decode(.success(PluginHost.HTTPResponse(status: 200, headers: [], body: Array(bytes))),
                                     as: [[String]].self, what: name).get()
    }

    @Test func restRowsFromBitgetsExamples() throws {
        let candle = try CandlePayloads.candle(try #require(try rows("http_get_candles.json").first))
        #expect(candle.openTime == 1_656_604_800_000_000_000)
        #expect(candle.open == d("37834.5") && candle.high == d("37849.5") && candle.low == d("37773.5") && candle.close == d("37773.5"))
        #expect(candle.baseVolume == d("428.3462") && candle.quoteVolume == d("16198849.1079"))
        let history = try rows("http_get_history_candles.json").map(CandlePayloads.candle)
        #expect(history.count >= 2 && history[0].openTime < history[1].openTime)
        // 19 significant digits: cut to 18.
        #expect(history[1].quoteVolume == d("1726993402150.99172"))
    }

    @Test(arguments: [
        ["1", "2", "3"],
        ["x", "1", "1", "1", "1", "1"],
        ["1", "1", "1", "abc", "1", "1"],
        ["1", "10", "5", "1", "1", "1"],   // high below open
    ])
    func malformedRowsAreRefused(_ row: [String]) {
        #expect(throws: PayloadError.self) { try CandlePayloads.candle(row) }
    }

    @Test func intervalNamesOnEverySurface() throws {
        let hour = try #require(CandleInterval.named("1h"))
        #expect(hour.spotREST == "1h" && hour.futuresREST == "1H" && hour.channel == "candle1H")
        let day = try #require(CandleInterval.named("1d"))
        #expect(day.spotREST == "1day" && day.futuresREST == "1D" && day.channel == "candle1D")
        #expect(CandleInterval.all.count == 13 && CandleInterval.named("2m") == nil)
        let month = try #require(CandleInterval.named("1M"))
        // 2026-02-01 00:00 UTC → 2026-03-01: 28 days.
        #expect(month.endMs(of: 1_769_904_000_000) == 1_769_904_000_000 + 28 * 86_400_000)
    }
}

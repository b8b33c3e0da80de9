import Foundation
@testable import BitgetCommon
import SwiftletCore
import Testing

/// The connectors' durable store format: format 2 round trips exactly, format 1 (written by
/// JSONEncoder in earlier builds) is still read, and a broken text is refused with the reason.
struct DurableStateTests {
    func d(_ text: String) -> ExactDecimal { try! ExactDecimal(text) }

    func sample() -> DurableState {
        let open = OrderSnapshot(state: .partiallyFilled, symbol: "BTCUSDT", clientOrderID: "swlabcx1", exchangeOrderID: "1001",
                                 side: .sell, type: .limit, price: d("50000.10"), size: d("0.020"), filledSize: d("0.005"),
                                 averageFillPrice: d("50000.10"), positionSide: .short, createdTime: 1_764_830_000_000_000_001,
                                 updatedTime: 1_764_830_000_000_000_002)
        var failed = open
        failed.clientOrderID = "swlabcx2"
        failed.state = .failed
        return DurableState(orders: [
            OrderTracker.Entry(snapshot: open, cancelRequested: true, reason: "", filledByFills: d("0.005")),
            OrderTracker.Entry(snapshot: failed, cancelRequested: false, reason: "insufficient \"balance\"\n(43012)",
                               filledByFills: .zero),
        ], trades: ["5001", "5002"])
    }

    @Test func format2RoundTripsExactly() throws {
        let state = sample()
        let decoded = try DurableState.decode(state.encoded())
        #expect(decoded.orders == state.orders)
        #expect(decoded.trades == state.trades)
        #expect(String(decoding: state.encoded(), as: UTF8.self).hasPrefix(#"{"format":2,"orders":[{"average_fill_price":"50000.10""#))
    }

    @Test func format1FromEarlierBuildsIsStillRead() throws {
        struct Version1: Encodable {
            var version = 1
            var orders: [OrderTracker.Entry]
            var trades: [String]
        }
        let state = sample()
        let old = try JSONEncoder().encode(Version1(orders: state.orders, trades: state.trades))
        let decoded = try DurableState.decode(Array(old))
        #expect(decoded.orders == state.orders)
        #expect(decoded.trades == state.trades)
    }

    @Test func brokenTextIsRefusedWithTheReason() {
        let cases: [(String, String)] = [
            ("{\"format\":2,\"orders\":[{\"price\":\"1\"}],\"trades\":[]}", "missing field 'orders[0]"),
            ("{\"format\":3,\"orders\":[],\"trades\":[]}", "format 3"),
            ("{\"format\":2,\"orders\":[],\"trades\":[7]}", "trades[0]"),
            ("{\"format\":2,", "malformed JSON"),
        ]
        for (text, named) in cases {
            do {
                _ = try DurableState.decode(Array(text.utf8))
                Issue.record("\(text) was accepted")
            } catch {
                #expect(error.message.contains(named), "\(text): \(error.message)")
            }
        }
    }
}

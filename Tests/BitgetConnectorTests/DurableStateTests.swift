import Foundation
@testable import BitgetCommon
import SwiftletCore
import Testing

/// The connectors' durable store format: format 2 round trips exactly, format 1 (written by
/// JSONEncoder in earlier builds) is still read, and a broken text is refused with the reason.
struct DurableStateTests {
    /// The hot-swap tests' order, and a failed one with a reason to escape.
    func sample() -> DurableState {
        let entry = HotSwapStateTests().sample().orders[0]
        var failed = entry
        failed.snapshot.clientOrderID = "swlabcx2"
        failed.snapshot.state = .failed
        failed.reason = "insufficient \"balance\"\n(43012)"
        return DurableState(orders: [entry, failed], trades: ["5001", "5002"])
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
            ("{\"version\":1,\"orders\":\"none\",\"trades\":[]}", "saved state (format 1)"),
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

extension DurableState {
    /// The whole state as the connectors write it (`SavedState` writes its parts through
    /// the same two functions).
    func encoded() -> [UInt8] {
        Self.encoded(orderObjects: orders.map(Self.object), trades: trades)
    }
}

import Foundation
@testable import BitgetCommon
import SwiftletCore
import Testing

/// The Bitget connectors' hot-swap state format on its own: exact round trip, money as text.
struct HotSwapStateTests {
    func d(_ text: String) -> ExactDecimal { try! ExactDecimal(text) }

    func sample() -> HotSwapState {
        let snapshot = OrderSnapshot(state: .partiallyFilled, symbol: "BTCUSDT", clientOrderID: "swlabcx1", exchangeOrderID: "1001",
                                     side: .sell, type: .limit, price: d("50000.10"), size: d("0.020"), filledSize: d("0.005"),
                                     averageFillPrice: d("50000.10"), positionSide: .short, createdTime: 1_764_830_000_000_000_001,
                                     updatedTime: 1_764_830_000_000_000_002)
        let entry = OrderTracker.Entry(snapshot: snapshot, cancelRequested: true, reason: "", filledByFills: d("0.005"))
        var state = HotSwapState(plugin: "bitget", version: "1.0.0", instType: "SPOT", orders: [entry], tradeIDs: ["t1", "t2"],
                                 subscriptions: [StreamSubscription(instType: "SPOT", channel: "books", instId: "BTCUSDT")],
                                 bookSequences: ["BTCUSDT": 42], idSession: "kx3f9a", idCounter: 7)
        state.instruments = [Instrument(symbol: "BTCUSDT", baseAsset: "BTC", quoteAsset: "USDT", priceIncrement: d("0.01"),
                                        sizeIncrement: d("0.000001"), minSize: d("0.000001"), minNotional: d("1"),
                                        makerFeeRate: d("0.001"), takerFeeRate: d("0.001"))]
        state.balances = [Balance(asset: "USDT", total: d("1000.50"), available: d("900.25"), locked: d("100.25"))]
        state.connections = [
            HotSwapState.Connection(stream: "public1", id: 3,
                                    subscriptions: [StreamSubscription(instType: "SPOT", channel: "books", instId: "BTCUSDT")]),
            HotSwapState.Connection(stream: "private", id: 4, subscriptions: []),
        ]
        state.bookSnapshots = ["BTCUSDT": #"{"action":"snapshot","data":[{"asks":[["1.5","2"]]}]}"#]
        state.rateBudget = ["/api/v2/spot/trade/place-order": [9_000_000_001, 9_250_000_000]]
        return state
    }

    @Test func aStateWithoutRulesBalancesConnectionsBooksAndBudgetStillReads() throws {
        var state = sample()
        state.instruments = []
        state.balances = []
        state.connections = []
        state.bookSnapshots = [:]
        state.rateBudget = [:]
        var text = state.encoded()
        for member in [#","instruments":[]"#, #""balances":[],"#, #""book_snapshots":{},"#, #""connections":[],"#,
                       #""rate_budget":{},"#] {
            text = text.replacingOccurrences(of: member, with: "")
        }
        #expect(!text.contains("instruments") && !text.contains("balances") && !text.contains("connections")
                && !text.contains("book_snapshots") && !text.contains("rate_budget"), "\(text)")
        #expect(try HotSwapState.decode(text, plugin: "bitget", instType: "SPOT") == state)
    }

    @Test func roundTripsExactlyWithDecimalsAsText() throws {
        let text = sample().encoded()
        #expect(text.contains(#""price":"50000.10""#) && text.contains(#""size":"0.020""#), "\(text)")
        #expect(text.contains(#""state":"partially_filled""#) && text.contains(#""position_side":"short""#))
        #expect(text.contains(#""price_increment":"0.01""#) && text.contains(#""available":"900.25""#), "\(text)")
        #expect(text.contains(#""connections":[{"id":3,"stream":"public1""#), "\(text)")
        #expect(text.contains(#""rate_budget":{"/api/v2/spot/trade/place-order":[9000000001,9250000000]}"#), "\(text)")
        #expect(try HotSwapState.decode(text, plugin: "bitget", instType: "SPOT") == sample())
    }

    @Test func refusesAnUnusableClientIDSession() throws {
        var state = sample()
        state.idSession = "NOT/BASE36"
        #expect { try HotSwapState.decode(state.encoded(), plugin: "bitget", instType: "SPOT") } throws: { error in
            "\(error)".contains("client_ids.session")
        }
    }

    @Test func refusesARateBudgetThatIsNotTimes() throws {
        let text = sample().encoded()
        for (bad, named) in [("[9.5]", "place-order[0]"), (#"[9000000001,"soon"]"#, "place-order[1]"), ("7", "place-order")] {
            let changed = text.replacingOccurrences(of: "[9000000001,9250000000]", with: bad)
            #expect { try HotSwapState.decode(changed, plugin: "bitget", instType: "SPOT") } throws: { error in
                "\(error)".contains("rate_budget./api/v2/spot/trade/\(named)")
            }
        }
    }
}

import BitgetCommon
import SwiftletCore
import Testing

/// The order state machine holds whatever order reports arrive in.
@Suite struct OrderTrackerTests {
    func d(_ text: String) -> ExactDecimal { try! ExactDecimal(text) }

    func report(_ state: OrderState, filled: String, id: String = "c1") -> ExchangeOrderReport {
        ExchangeOrderReport(symbol: "BTCUSDT", clientOrderID: id, exchangeOrderID: "e-\(id)", side: .buy, type: .limit,
                            price: d("100"), baseSize: d("1"), filledSize: d(filled), averagePrice: d("100"), state: state)
    }

    func pending(_ id: String = "c1") -> OrderSnapshot {
        OrderSnapshot(state: .pendingCreate, symbol: "BTCUSDT", clientOrderID: id, exchangeOrderID: "", side: .buy,
                      type: .limit, price: d("100"), size: d("1"))
    }

    @Test func staleAndReorderedReportsNeverMoveAnOrderBackwards() {
        var tracker = OrderTracker()
        #expect(tracker.addPending(pending()).state == .pendingCreate)
        #expect(tracker.apply(report(.partiallyFilled, filled: "0.4"))?.state == .partiallyFilled)
        // The REST ack and a stale "live" push arrive after the partial fill: ignored.
        #expect(tracker.accepted("c1", exchangeID: "e-c1", time: 1) == nil)
        #expect(tracker.apply(report(.open, filled: "0")) == nil)
        #expect(tracker.apply(report(.filled, filled: "1"))?.state == .filled)
        // Nothing leaves a final state, not even a late "cancelled".
        #expect(tracker.apply(report(.cancelled, filled: "1")) == nil)
        #expect(tracker.failed("c1", reason: "late", time: 2) == nil)
        #expect(tracker.cancelRequested("c1") == nil)
        #expect(tracker.entry("c1")?.snapshot.filledSize == d("1"))
    }

    @Test func roomMadeUpFrontHoldsThatManyOrdersWithoutGrowing() {
        #expect(OrderTracker().orderCapacity < 600)
        var tracker = OrderTracker(orderCapacity: 600)
        let room = tracker.orderCapacity
        #expect(room >= 600)
        for index in 0..<600 {
            _ = tracker.addPending(pending("c\(index)"))
            _ = tracker.accepted("c\(index)", exchangeID: "e-c\(index)", time: Int64(index))
        }
        #expect(tracker.orderCapacity == room)
        #expect(tracker.clientID(forExchangeID: "e-c599") == "c599")
    }

    @Test func cancelInFlightIsReportedAndCanBeRefused() {
        var tracker = OrderTracker()
        _ = tracker.addPending(pending())
        _ = tracker.accepted("c1", exchangeID: "e-c1", time: 1)
        #expect(tracker.cancelRequested("c1")?.state == .pendingCancel)
        #expect(tracker.reported("c1")?.state == .pendingCancel)
        #expect(tracker.cancelRefused("c1")?.state == .open)
        _ = tracker.cancelRequested("c1")
        #expect(tracker.apply(report(.cancelled, filled: "0"))?.state == .cancelled)
        #expect(tracker.openOrders().isEmpty)
    }

    /// An accepted order the exchange no longer knows ends as CANCELLED, keeping what filled;
    /// one never accepted is not "vanished" (it fails instead), and a final one stays final.
    @Test func anAcceptedOrderTheExchangeNoLongerKnowsEndsCancelled() {
        var tracker = OrderTracker()
        _ = tracker.addPending(pending("c1"))
        _ = tracker.accepted("c1", exchangeID: "e-c1", time: 1)
        _ = tracker.apply(report(.partiallyFilled, filled: "0.4", id: "c1"))
        _ = tracker.cancelRequested("c1")
        let update = tracker.vanished("c1", reason: "gone", time: 5)
        #expect(update?.state == .cancelled && update?.filledSize == d("0.4") && update?.reason == "gone")
        #expect(tracker.reported("c1")?.state == .cancelled)
        #expect(tracker.openOrders().isEmpty)
        #expect(tracker.vanished("c1", reason: "again", time: 6) == nil)
        _ = tracker.addPending(pending("c2"))
        #expect(tracker.vanished("c2", reason: "gone", time: 5) == nil)
        #expect(tracker.reported("c2")?.state == .pendingCreate)
    }

    @Test func eachTradeIdCountsOnceAndMemoryIsBounded() {
        var tracker = OrderTracker(tradeMemory: 3)
        _ = tracker.addPending(pending())
        let first = tracker.recordFill(tradeID: "t1", clientOrderID: "c1", size: d("0.5"))
        let again = tracker.recordFill(tradeID: "t1", clientOrderID: "c1", size: d("0.5"))
        #expect(first && !again)
        #expect(tracker.entry("c1")?.filledByFills == d("0.5"))
        for id in ["t2", "t3", "t4"] { _ = tracker.recordFill(tradeID: id, clientOrderID: "c1", size: d("0.1")) }
        #expect(tracker.rememberedTrades == ["t2", "t3", "t4"])
    }

    @Test func unknownOrdersAreAdoptedAndRestoredStateKeepsDedupe() {
        var tracker = OrderTracker()
        #expect(tracker.apply(report(.open, filled: "0", id: "left-open"))?.state == .open)
        #expect(tracker.clientID(forExchangeID: "e-left-open") == "left-open")
        var restored = OrderTracker()
        restored.restore(trades: ["t9"], entries: Array(tracker.entries.values))
        let counted = restored.recordFill(tradeID: "t9", clientOrderID: "left-open", size: d("1"))
        #expect(!counted)
        #expect(restored.openOrders().map(\.clientOrderID) == ["left-open"])
    }

    @Test func finalOrdersBeyondTheBoundAreForgottenOldestFirstOpenOnesNever() {
        var tracker = OrderTracker()
        _ = tracker.addPending(pending("open"))
        func finish(_ index: Int) {
            _ = tracker.addPending(pending("f\(index)"))
            var finished = report(.cancelled, filled: "0", id: "f\(index)")
            finished.updatedTime = Int64(100 + index)
            _ = tracker.apply(finished)
        }
        // 22 final orders: within 20 and a tenth of it, so none is forgotten yet.
        for index in 0..<22 { finish(index) }
        tracker.pruneFinal(keep: 20)
        #expect(tracker.entries.count == 23)
        // The 23rd: the oldest three go, down to 20.
        finish(22)
        tracker.pruneFinal(keep: 20)
        #expect(tracker.entries.count == 21)
        #expect(tracker.entry("f0") == nil && tracker.entry("f2") == nil && tracker.entry("f3") != nil)
        #expect(tracker.entry("open") != nil)
        #expect(tracker.clientID(forExchangeID: "e-f0") == nil && tracker.clientID(forExchangeID: "e-f3") == "f3")
    }
}

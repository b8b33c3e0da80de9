@testable import BitgetCommon
import SwiftletCore
import SwiftletPluginKit
import Testing

/// The connectors' durable state in two parts: a save writes only what the archive lacks,
/// a roll archives it, and reading merges the parts back into the whole state, whatever
/// write a crash interrupted.
struct SavedStateTests {
    func d(_ text: String) -> ExactDecimal { try! ExactDecimal(text) }

    func order(_ id: String, _ state: OrderState, updated: Int64 = 1) -> OrderTracker.Entry {
        let snapshot = OrderSnapshot(state: state, symbol: "BTCUSDT", clientOrderID: id, exchangeOrderID: "e-\(id)", side: .buy,
                                     type: .limit, price: d("100"), size: d("1"), createdTime: 1, updatedTime: updated)
        return OrderTracker.Entry(snapshot: snapshot, cancelRequested: false, reason: "", filledByFills: .zero)
    }

    /// The host's store, recording each write.
    final class Store {
        var values: [String: [UInt8]] = [:]
        var writes: [String] = []
        /// Writes from this one on fail (a full disk, a crash).
        var failFromWrite = Int.max

        func store(_ key: String, _ value: [UInt8]) throws(PluginError) {
            guard writes.count < failFromWrite else { throw PluginError(SWL_ERR_IO, "disk full") }
            writes.append(key)
            values[key] = value
        }

        func decoded(_ key: String) throws -> DurableState? { try values[key].map { bytes in try DurableState.decode(bytes) } }
    }

    func restored(from store: Store, key: String = "spot.state") throws -> (orders: [String: OrderTracker.Entry], trades: [String]) {
        var reader = SavedState(key: key)
        let state = try #require(try reader.restore(recent: store.values[key], archive: store.values[key + ".archive"]))
        return (Dictionary(uniqueKeysWithValues: state.orders.map { ($0.snapshot.clientOrderID, $0) }), state.trades)
    }

    @Test func savesWriteWhatTheArchiveLacksAndARollArchivesIt() throws {
        let store = Store()
        var saved = SavedState(key: "spot.state", rollAfterOrders: 2, rollAfterTrades: 3)
        var orders = ["o1": order("o1", .cancelled), "o2": order("o2", .filled), "o3": order("o3", .open)]
        var trades = ["t1", "t2"]
        try saved.save(orders: orders.values, trades: trades[...], store: store.store)
        #expect(store.writes == ["spot.state"])
        #expect(try store.decoded("spot.state")?.orders.count == 3)
        #expect(try store.decoded("spot.state")?.trades == ["t1", "t2"])

        // A third unarchived final order passes the bound: the archive is written first.
        orders["o4"] = order("o4", .failed)
        trades.append("t3")
        try saved.save(orders: orders.values, trades: trades[...], store: store.store)
        #expect(store.writes == ["spot.state", "spot.state.archive", "spot.state"])
        #expect(Set(try store.decoded("spot.state.archive")?.orders.map(\.snapshot.clientOrderID) ?? []) == ["o1", "o2", "o4"])
        #expect(try store.decoded("spot.state.archive")?.trades == ["t1", "t2", "t3"])
        #expect(try store.decoded("spot.state")?.orders.map(\.snapshot.clientOrderID) == ["o3"])
        #expect(try store.decoded("spot.state")?.trades == [])

        // Afterwards a save writes only the recent part: open orders, new finals, new trades,
        // and an archived order that changed since.
        orders["o3"] = order("o3", .filled)
        orders["o1"] = order("o1", .cancelled, updated: 2)
        trades.append("t4")
        try saved.save(orders: orders.values, trades: trades[...], store: store.store)
        #expect(store.writes.count == 4)
        #expect(Set(try store.decoded("spot.state")?.orders.map(\.snapshot.clientOrderID) ?? []) == ["o1", "o3"])
        #expect(try store.decoded("spot.state")?.trades == ["t4"])

        let back = try restored(from: store)
        #expect(back.orders == orders)
        #expect(back.trades == trades)
    }

    @Test func aSaveAfterRestoringWritesOnlyWhatIsNew() throws {
        let store = Store()
        var saved = SavedState(key: "spot.state", rollAfterOrders: 1, rollAfterTrades: 1)
        let orders = ["o1": order("o1", .cancelled), "o2": order("o2", .filled)]
        try saved.save(orders: orders.values, trades: ["t1", "t2"], store: store.store)
        #expect(store.writes == ["spot.state.archive", "spot.state"])

        var next = SavedState(key: "spot.state", rollAfterOrders: 1, rollAfterTrades: 1)
        _ = try next.restore(recent: store.values["spot.state"], archive: store.values["spot.state.archive"])
        try next.save(orders: orders.values, trades: ["t1", "t2", "t3"], store: store.store)
        #expect(store.writes == ["spot.state.archive", "spot.state", "spot.state"])
        #expect(try store.decoded("spot.state")?.orders == [])
        #expect(try store.decoded("spot.state")?.trades == ["t3"])
    }

    @Test func aRollCutShortLosesNothingAndIsTriedAgain() throws {
        let store = Store()
        var saved = SavedState(key: "spot.state", rollAfterOrders: 1, rollAfterTrades: 10)
        var orders = ["o1": order("o1", .open)]
        try saved.save(orders: orders.values, trades: ["t1"], store: store.store)

        // The roll's archive is written, its recent part is not: both hold o1 and t1 now,
        // the recent part's o1 older than the archive's.
        orders["o1"] = order("o1", .filled, updated: 5)
        orders["o2"] = order("o2", .cancelled)
        store.failFromWrite = 2
        #expect(throws: PluginError.self) { try saved.save(orders: orders.values, trades: ["t1"], store: store.store) }
        #expect(store.writes == ["spot.state", "spot.state.archive"])
        let back = try restored(from: store)
        #expect(back.trades == ["t1"])
        #expect(Set(back.orders.keys) == ["o1", "o2"])

        // Nothing was taken as archived: the next save rolls again.
        store.failFromWrite = .max
        try saved.save(orders: orders.values, trades: ["t1"], store: store.store)
        #expect(store.writes == ["spot.state", "spot.state.archive", "spot.state.archive", "spot.state"])
        #expect(try restored(from: store).orders == orders)
    }

    @Test func theRecentPartWinsOverTheArchive() throws {
        let store = Store()
        store.values["spot.state.archive"] = DurableState(orders: [order("o1", .cancelled, updated: 1)], trades: ["t1", "t2"]).encoded()
        store.values["spot.state"] = DurableState(orders: [order("o1", .cancelled, updated: 9), order("o2", .open)], trades: ["t2", "t3"]).encoded()
        let back = try restored(from: store)
        #expect(back.orders["o1"]?.snapshot.updatedTime == 9)
        #expect(back.orders["o2"] != nil)
        #expect(back.trades == ["t1", "t2", "t3"])
    }

    @Test func aStateSavedBeforeTheArchiveStillReadsAndNothingIsEmpty() throws {
        let store = Store()
        store.values["perp.USDT-FUTURES.state"] = DurableState(orders: [order("o1", .filled)], trades: ["t1"]).encoded()
        let back = try restored(from: store, key: "perp.USDT-FUTURES.state")
        #expect(back.orders == ["o1": order("o1", .filled)])
        #expect(back.trades == ["t1"])

        var empty = SavedState(key: "spot.state")
        #expect(try empty.restore(recent: nil, archive: nil) == nil)
        store.values["spot.state.archive"] = Array("{\"format\":2,".utf8)
        var broken = SavedState(key: "spot.state")
        #expect(throws: PayloadError.self) { try broken.restore(recent: nil, archive: store.values["spot.state.archive"]) }
    }
}

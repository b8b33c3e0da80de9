import BitgetCommon
import CSwiftletSDK
import Foundation
import SwiftletCore
import SwiftletPersistence
import SwiftletPluginKit

/// The Bitget connector's state save, as a long-lived bot makes it: 500 final orders, 20
/// open ones and 5,000 trade ids tracked, one order placed, one finished and one trade
/// counted between saves, written to a key-value store on disk as the host's `kv_put` and
/// `kv_put_deferred` do. Times the save on the calling thread (the event loop, in a bot):
/// every save the whole state with a put that waits for the disk (what each save did before
/// the archive), the recent part and the archive when due with that put, and the same with
/// the deferred put the connectors use (the disk write then runs on the store's thread).
/// Saves are 50 ms apart, as the connector's are at most 250 ms apart, so caches are not
/// warmer than in a bot.
///
/// `swift run -c release swiftlet-bench state-save [saves]`
enum StateSaveBenchmark {
    static func run(saves: Int) throws {
        let runs = [("every save the whole state, put waiting for the disk", SavedState(key: "spot.state", rollAfterOrders: 0, rollAfterTrades: 0), false),
                    ("recent part, archive when due, put waiting for the disk", SavedState(key: "spot.state"), false),
                    ("recent part, archive when due, deferred put (the connectors now)", SavedState(key: "spot.state"), true)]
        for (name, layout, deferred) in runs {
            let path = NSTemporaryDirectory() + "swiftlet-bench-state-save-\(getpid()).sqlite"
            defer { for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) } }
            let store = try KeyValueStore(path: path)
            var tracker = longLivedTracker()
            var saved = layout
            var times: [UInt64] = []
            var written = 0
            var rolls = 0
            for round in 0..<saves {
                churn(&tracker, round: round)
                var writes = 0
                let start = Measure.nanoseconds()
                tracker.pruneFinal(keep: 500)
                try saved.save(orders: tracker.entries.values, trades: tracker.rememberedTrades.suffix(5000)) { key, value throws(PluginError) in
                    do throws(PersistenceError) {
                        if deferred {
                            try store.putLater(namespace: "bitget", key: key, value: value)
                        } else {
                            try store.put(namespace: "bitget", key: key, value: value)
                        }
                    } catch {
                        throw PluginError(SWL_ERR_IO, error.message)
                    }
                    written += value.count
                    writes += 1
                }
                times.append(Measure.nanoseconds() - start)
                if writes > 1 { rolls += 1 }
                Thread.sleep(forTimeInterval: 0.05)
            }
            try store.flush()
            times.sort()
            func micros(_ p: Double) -> String { Measure.format(Double(Measure.percentile(p, of: times)) / 1_000) }
            print("state-save, \(name): \(saves) saves, \(rolls) rolls, \(written / saves / 1_024) KiB written per save")
            print("  p50 \(micros(0.5)) µs   p90 \(micros(0.9)) µs   p99 \(micros(0.99)) µs   max \(micros(1)) µs")
        }
    }

    /// 500 final orders, 20 open ones, 5,000 trade ids.
    static func longLivedTracker() -> OrderTracker {
        var tracker = OrderTracker()
        for index in 0..<520 { open(&tracker, index) }
        for index in 0..<500 { finish(&tracker, index) }
        for index in 0..<5_000 { _ = tracker.markSeen("\(1_300_000_000_000_000_000 + index)") }
        return tracker
    }

    /// One order placed, the oldest open one finished, one trade counted.
    static func churn(_ tracker: inout OrderTracker, round: Int) {
        open(&tracker, 520 + round)
        finish(&tracker, 500 + round)
        _ = tracker.markSeen("\(1_300_000_000_000_005_000 + round)")
    }

    static func open(_ tracker: inout OrderTracker, _ index: Int) {
        let id = "swlk3f9a\(index)"
        _ = tracker.addPending(OrderSnapshot(state: .pendingCreate, symbol: "BTCUSDT", clientOrderID: id, exchangeOrderID: "",
                                             side: index % 2 == 0 ? .buy : .sell, type: .limit, price: price, size: size,
                                             createdTime: 1_764_830_000_000_000_000 + Int64(index), updatedTime: 1_764_830_000_000_000_000 + Int64(index)))
        _ = tracker.accepted(id, exchangeID: "\(1_300_000_000_000_000 + index)", time: 1_764_830_000_000_000_000 + Int64(index))
    }

    static func finish(_ tracker: inout OrderTracker, _ index: Int) {
        let id = "swlk3f9a\(index)"
        _ = tracker.apply(ExchangeOrderReport(symbol: "BTCUSDT", clientOrderID: id, exchangeOrderID: "\(1_300_000_000_000_000 + index)",
                                              side: index % 2 == 0 ? .buy : .sell, type: .limit, price: price, baseSize: size,
                                              filledSize: .zero, averagePrice: .zero, state: .cancelled))
    }

    static let price = try! ExactDecimal("50000.10")
    static let size = try! ExactDecimal("0.020")
}

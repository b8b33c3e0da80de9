#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Foundation
import SwiftletCore
import SwiftletHost
import Testing

/// Faults on the wire: corrupted books, sequence gaps, dropped connections, REST outages,
/// restarts and bad credentials. Nothing may be lost or counted twice.
@Suite(.serialized) struct SpotResilienceTests {
    static let btc = "BTCUSDT"
    func d(_ text: String) -> ExactDecimal { try! ExactDecimal(text) }

    /// A strategy's view of one book, rebuilt from BOOK events only.
    struct Replica {
        var bids: [ExactDecimal: ExactDecimal] = [:]
        var asks: [ExactDecimal: ExactDecimal] = [:]
        var valid = false
        var crossedSeen = false

        mutating func apply(_ event: Event) {
            switch event.payload {
            case .book(let book):
                if book.isSnapshot { bids = [:]; asks = [:]; valid = true }
                guard valid else { return }
                for level in book.bids { bids[level.price] = level.size.isZero ? nil : level.size }
                for level in book.asks { asks[level.price] = level.size.isZero ? nil : level.size }
                if let bid = bids.keys.max(), let ask = asks.keys.min(), bid >= ask { crossedSeen = true }
            case .bookResync:
                valid = false
            default: break
            }
        }
    }

    func bookEvents(_ h: SpotHarness) -> [Event] {
        h.all.filter { event in
            guard event.context.symbol == Self.btc else { return false }
            switch event.payload {
            case .book, .bookResync: return true
            default: return false
            }
        }
    }

    func resyncs(_ h: SpotHarness) -> [String] {
        bookEvents(h).compactMap { if case .bookResync(let reason) = $0.payload { reason } else { nil } }
    }

    func snapshotsAfterLastResync(_ h: SpotHarness) -> Int {
        let events = bookEvents(h)
        guard let last = events.lastIndex(where: { if case .bookResync = $0.payload { true } else { false } }) else { return 0 }
        return events[(last + 1)...].filter { if case .book(let b) = $0.payload { b.isSnapshot } else { false } }.count
    }

    @Test func checksumMismatchAndSequenceGapResyncTheBookAndNeverShowACrossedBook() async throws {
        let h = try await SpotHarness.start(agents: true)
        try h.trading.subscribe(.book, symbol: Self.btc)
        #expect(await h.eventually { bookEvents(h).filter { if case .book(let b) = $0.payload { !b.isSnapshot } else { false } }.count >= 5 })
        #expect(resyncs(h).isEmpty, "resyncs before any fault: \(resyncs(h))")

        h.sim.corruptNextChecksum(instId: Self.btc)
        #expect(await h.eventually { resyncs(h).contains { $0.contains("checksum mismatch") } }, "\(resyncs(h))")
        #expect(await h.eventually { snapshotsAfterLastResync(h) >= 1 })

        h.sim.skipNextSeq(instId: Self.btc)
        #expect(await h.eventually { resyncs(h).contains { $0.contains("sequence gap") } }, "\(resyncs(h))")
        #expect(await h.eventually { snapshotsAfterLastResync(h) >= 1 })

        // Replaying everything the strategy saw gives a valid, uncrossed book.
        #expect(await h.eventually { bookEvents(h).filter { if case .book(let b) = $0.payload { !b.isSnapshot } else { false } }.count >= 10 })
        var replica = Replica()
        for event in bookEvents(h) { replica.apply(event) }
        #expect(replica.valid && !replica.crossedSeen && !replica.bids.isEmpty && !replica.asks.isEmpty)
        await h.stop()
    }

    @Test func tradesAndTickersStream() async throws {
        let h = try await SpotHarness.start(agents: true)
        try h.trading.subscribe(.trades, symbol: Self.btc)
        try h.trading.subscribe(.ticker, symbol: Self.btc)
        #expect(throws: (any Error).self) { try h.trading.subscribe(.trades, symbol: "NOPEUSDT") }
        #expect(await h.eventually {
            h.all.contains { if case .trade(let t) = $0.payload { t.price > .zero && !t.tradeID.isEmpty } else { false } }
                && h.all.contains { if case .ticker(let t) = $0.payload { t.bestBid < t.bestAsk && t.lastPrice > .zero } else { false } }
        })
        try h.trading.unsubscribe(.trades, symbol: Self.btc)
        #expect(throws: (any Error).self) { try h.trading.unsubscribe(.trades, symbol: Self.btc) }
        await h.stop()
    }

    @Test func fillMissedWhileDisconnectedIsRecoveredOnceAfterReconnect() async throws {
        let h = try await SpotHarness.start()
        let id = try h.trading.placeOrder(OrderRequest(side: .buy, symbol: Self.btc, price: d("50000"), size: d("0.01")))
        #expect(await h.waitFor(id, .open))
        let connectedBefore = h.all.filter { if case .connection(let c) = $0.payload { c.state == .connected } else { false } }.count
        // The connection drops and the order fills before the connector is back.
        h.sim.dropAllConnections()
        h.sim.forceTrade(symbol: Self.btc, side: "sell", size: "0.01")
        #expect(await h.waitFor(id, .filled), "updates \(h.orderUpdates(id)) errors \(h.errors)")
        #expect(await h.eventually { h.fills(id).count == 1 })
        #expect(h.all.contains { if case .connection(let c) = $0.payload { c.state == .disconnected } else { false } })
        #expect(await h.eventually {
            h.all.filter { if case .connection(let c) = $0.payload { c.state == .connected } else { false } }.count > connectedBefore
        })
        // Further reconciliations find nothing new.
        try await Task.sleep(for: .milliseconds(500))
        #expect(h.fills(id).count == 1)
        #expect(h.orderUpdates(id).filter { $0.state == .filled }.count == 1)
        await h.stop()
    }

    @Test func restartPicksUpOpenOrdersAndNeverCountsAFillTwice() async throws {
        let h = try await SpotHarness.start()
        let resting = try h.trading.placeOrder(OrderRequest(side: .buy, symbol: Self.btc, price: d("50000"), size: d("0.02")))
        let other = try h.trading.placeOrder(OrderRequest(side: .buy, symbol: Self.btc, price: d("49000"), size: d("0.01")))
        #expect(await h.waitFor(resting, .open))
        #expect(await h.waitFor(other, .open))
        h.sim.forceTrade(symbol: Self.btc, side: "sell", size: "0.005")
        #expect(await h.eventually { h.fills(resting).count == 1 })

        // The bot goes down; meanwhile `other` fills completely.
        try h.instance.stop()
        h.sim.forceTrade(symbol: Self.btc, side: "sell", size: "0.025")
        try await h.restartConnector()

        #expect(await h.waitFor(other, .filled), "other: \(h.orderUpdates(other))")
        #expect(await h.waitFor(resting, .filled), "resting: \(h.orderUpdates(resting))")
        #expect(await h.eventually { h.fills(other).count == 1 })
        // `resting` had one fill before the restart and one after: two in all, never the first again.
        #expect(await h.eventually { h.fills(resting).count == 2 })
        try await Task.sleep(for: .milliseconds(500))
        #expect(Set(h.fills().map(\.tradeID)).count == h.fills().count, "a trade id was emitted twice")
        #expect(h.fills(resting).count == 2 && h.fills(other).count == 1)
        await h.stop()
    }

    /// A bot restarted against an exchange that no longer knows its orders (a reset
    /// simulator here; a reset demo account, or history past Bitget's retention) does not
    /// keep them open for ever: reconciliation finds each absent and ends it.
    @Test func restoredOrdersTheExchangeNoLongerKnowsEndCancelledAtRestart() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("swiftlet-reset-\(UUID().uuidString.prefix(8))")
        let first = try await SpotHarness.start(stateDirectory: directory)
        let resting = try first.trading.placeOrder(OrderRequest(side: .buy, symbol: Self.btc, price: d("50000"), size: d("0.02")))
        let selling = try first.trading.placeOrder(OrderRequest(side: .sell, symbol: Self.btc, price: d("90000"), size: d("0.01")))
        #expect(await first.waitFor(resting, .open))
        #expect(await first.waitFor(selling, .open))
        try first.instance.stop()
        first.instance.destroy()
        await first.runtime.shutdown()
        await first.sim.shutdown()

        let second = try await SpotHarness.start(stateDirectory: directory)
        for id in [resting, selling] {
            #expect(await second.waitFor(id, .cancelled), "\(id): \(second.orderUpdates(id)) errors: \(second.errors)")
            #expect(second.orderUpdates(id).last?.reason.contains("no longer known to the exchange") == true)
        }
        #expect(try second.trading.openOrders().isEmpty)
        await second.stop()
    }

    @Test func restOutageWhilePlacingEndsInFailedOnlyAfterChecking() async throws {
        let h = try await SpotHarness.start()
        h.sim.failREST(seconds: 1)
        let id = try h.trading.placeOrder(OrderRequest(side: .buy, symbol: Self.btc, price: d("50000"), size: d("0.01")))
        // The 503 leaves the outcome unknown: the connector checks the order detail until REST
        // answers, finds no such order, and only then calls it failed.
        #expect(await h.waitFor(id, .failed, timeout: .seconds(20)), "updates \(h.orderUpdates(id)) errors \(h.errors)")
        #expect(h.orderUpdates(id).last?.reason.contains("not accepted") == true)
        #expect(h.errors.contains { $0.contains("outcome unknown") })
        // And the order placed after the outage works normally.
        let next = try h.trading.placeOrder(OrderRequest(side: .buy, symbol: Self.btc, price: d("50000"), size: d("0.01")))
        #expect(await h.waitFor(next, .open))
        await h.stop()
    }

    @Test func wrongSecretIsReportedWithBitgetsCodeAndNothingIsLost() async throws {
        let h = try await SpotHarness.start()
        h.runtime.credentials.add(.init(name: SpotHarness.credential, apiKey: "sim-key", secret: "wrong", passphrase: "sim-passphrase"))
        let id = try h.trading.placeOrder(OrderRequest(side: .buy, symbol: Self.btc, price: d("50000"), size: d("0.01")))
        #expect(await h.waitFor(id, .failed))
        #expect(h.orderUpdates(id).last?.reason.contains("40009") == true, "\(h.orderUpdates(id))")
        #expect(h.all.contains { if case .error(let e) = $0.payload { e.code == "40009" } else { false } })
        await h.stop()
    }

    @Test func marketDataOnlyWithoutCredential() async throws {
        let h = try await SpotHarness.start(agents: true, withCredential: false)
        #expect(throws: (any Error).self) {
            try h.trading.placeOrder(OrderRequest(side: .buy, symbol: Self.btc, price: d("50000"), size: d("0.01")))
        }
        try h.trading.subscribe(.book, symbol: Self.btc)
        #expect(await h.eventually { bookEvents(h).contains { if case .book(let b) = $0.payload { b.isSnapshot } else { false } } })
        await h.stop()
    }
}

extension SpotResilienceTests {
    @Test func rateLimitBurstIsRetriedWithBackoffAndNothingIsLost() async throws {
        let h = try await SpotHarness.start()
        h.sim.rateLimitREST(seconds: 1)
        let ids = try (0..<3).map { i in
            try h.trading.placeOrder(OrderRequest(side: .buy, symbol: Self.btc, price: try ExactDecimal("4500\(i)"),
                                                  size: try ExactDecimal("0.01")))
        }
        // Every request met Bitget's 429 at first; each is retried after the limit clears.
        for id in ids { #expect(await h.waitFor(id, .open, timeout: .seconds(20)), "\(h.orderUpdates(id)) \(h.errors)") }
        #expect(try h.trading.openOrders(symbol: Self.btc).count == 3)
        await h.stop()
    }

    /// A saved state that cannot be read (a broken or foreign value under the connector's
    /// key) is reported and left behind: the connector starts from the exchange's view,
    /// trades, and writes its state anew in the current format.
    @Test func anUnreadableSavedStateIsReportedAndReplaced() async throws {
        let h = try await SpotHarness.create()
        try h.runtime.keyValue.put(namespace: "bitget", key: "spot.state", value: Array(#"{"format":2,"orders":[{"#.utf8))
        try await h.startConnector()
        #expect(await h.eventually { h.errors.contains { $0.contains("saved state unreadable") } }, "\(h.errors)")
        let id = try h.trading.placeOrder(OrderRequest(side: .buy, symbol: Self.btc, price: try ExactDecimal("45000"),
                                                       size: try ExactDecimal("0.01")))
        #expect(await h.waitFor(id, .open))
        #expect(await h.eventually {
            let saved = (try? h.runtime.keyValue.get(namespace: "bitget", key: "spot.state")).flatMap { $0 }
            return saved.map { String(decoding: $0, as: UTF8.self).contains(id) } ?? false
        })
        await h.stop()
    }

    /// A REST balance snapshot answered after a newer `account` push does not overwrite it.
    @Test func aBalanceSnapshotOlderThanAPushDoesNotOverwriteIt() async throws {
        let h = try await SpotHarness.start()
        #expect(await h.eventually { h.balance("USDT") != nil && h.balance("BTC") != nil })
        // Let the startup reconciliation finish (a few local REST calls): one still running
        // when the connection drops would delay the reconnect's, whose balance request would
        // then be sent after the push below, and rightly win over it.
        try await Task.sleep(for: .seconds(1))
        let btc = try #require(h.balance("BTC"))
        func privateConnections() -> Int {
            h.all.filter { if case .connection(let c) = $0.payload { c.stream == "private" && c.state == .connected } else { false } }.count
        }
        let connectedBefore = privateConnections()
        // The reconnect's reconciliation asks for balances; 429s for a second hold its answer
        // back until the third retry, about 1.75 s after the request (retries after 0.25, 0.5, 1 s).
        h.sim.rateLimitREST(seconds: 1)
        h.sim.dropAllConnections()
        #expect(await h.eventually { privateConnections() > connectedBefore })
        // The new subscription's own account snapshot comes within milliseconds.
        try await Task.sleep(for: .milliseconds(300))
        // Newer than the pending REST request: its value must survive the REST answer.
        h.sim.injectFrame(#"{"action":"snapshot","arg":{"instType":"SPOT","channel":"account","coin":"default"},"#
            + #""data":[{"coin":"USDT","available":"123.45","frozen":"0","locked":"0","uTime":"1700000000000"}],"ts":1700000000000}"#,
            privateConnections: true)
        #expect(await h.eventually { h.balance("USDT")?.available == d("123.45") })
        // Once the REST answer is in (it still refreshes the other assets), USDT keeps the pushed value.
        try await Task.sleep(for: .seconds(3))
        #expect(h.balance("USDT")?.available == d("123.45"), "\(String(describing: h.balance("USDT")))")
        #expect(h.balance("BTC") == btc)
        #expect(h.errors.isEmpty, "\(h.errors)")
        await h.stop()
    }

    @Test func bookMatchesTheSimulatorAfterAResync() async throws {
        let h = try await SpotHarness.start(agents: true)
        try h.trading.subscribe(.book, symbol: Self.btc)
        #expect(await h.eventually { snapshotCount(h) >= 1 })
        h.sim.corruptNextChecksum(instId: Self.btc)
        #expect(await h.eventually { resyncs(h).contains { $0.contains("checksum mismatch") } })
        #expect(await h.eventually { snapshotsAfterLastResync(h) >= 1 })
        // Quiet market: the replica must equal the simulator's own book.
        h.sim.setAgentsRunning(false)
        try await Task.sleep(for: .milliseconds(400))
        h.sim.publishNow()
        try await Task.sleep(for: .milliseconds(300))
        var replica = Replica()
        for event in bookEvents(h) { replica.apply(event) }
        let url = try #require(URL(string: "\(h.sim.baseURL)/api/v2/spot/market/orderbook?symbol=\(Self.btc)&limit=150"))
        let (data, _) = try await URLSession.shared.data(from: url)
        struct Book: Decodable { let data: Levels; struct Levels: Decodable { let bids: [[String]]; let asks: [[String]] } }
        let book = try JSONDecoder().decode(Book.self, from: data)
        let simBids = try book.data.bids.prefix(25).map { [try ExactDecimal($0[0]), try ExactDecimal($0[1])] }
        let simAsks = try book.data.asks.prefix(25).map { [try ExactDecimal($0[0]), try ExactDecimal($0[1])] }
        let ourBids = replica.bids.sorted { $0.key > $1.key }.prefix(25).map { [$0.key, $0.value] }
        let ourAsks = replica.asks.sorted { $0.key < $1.key }.prefix(25).map { [$0.key, $0.value] }
        #expect(ourBids == simBids && ourAsks == simAsks)
        await h.stop()
    }

    func snapshotCount(_ h: SpotHarness) -> Int {
        bookEvents(h).filter { if case .book(let b) = $0.payload { b.isSnapshot } else { false } }.count
    }
}

extension SpotResilienceTests {
    /// Frames the connector cannot read are ERROR events; nothing is applied, nothing crashes,
    /// and trading goes on.
    @Test(arguments: [
        (true, #"{"action":"snapshot","arg":{"instType":"SPOT","channel":"orders","instId":"default"},"data":[{"instId":"BTCUSDT","orderId":"#),
        (true, #"{"action":"snapshot","arg":{"instType":"SPOT","channel":"orders","instId":"default"},"data":[{"instId":"BTCUSDT","orderId":"1","size":"1","orderType":"limit","side":"buy","status":7}]}"#),
        (true, #"{"action":"snapshot","arg":{"instType":"SPOT","channel":"fill","instId":"default"},"data":[{"symbol":"BTCUSDT"}]}"#),
        (true, #"{"action":"snapshot","arg":{"instType":"SPOT","channel":"account","coin":"default"},"data":[{"coin":"USDT","available":"lots"}]}"#),
        (true, "not json at all"),
        (false, #"{"action":"update","arg":{"instType":"SPOT","channel":"books","instId":"BTCUSDT"},"data":[{"asks":[["1","#),
        (false, #"{"action":"update","arg":{"instType":"SPOT","channel":"trade","instId":"BTCUSDT"},"data":[{"price":"x","size":"1","side":"buy","tradeId":"1"}]}"#),
    ])
    func malformedFramesAreErrorEventsAndChangeNothing(_ testCase: (Bool, String)) async throws {
        let (toPrivate, frame) = testCase
        let h = try await SpotHarness.start()
        try h.trading.subscribe(.book, symbol: Self.btc)
        try h.trading.subscribe(.trades, symbol: Self.btc)
        // The balances are loaded at start; the frame must not change them afterwards.
        #expect(await h.eventually { h.balance("USDT") != nil })
        let before = h.balance("USDT")
        let errorsBefore = h.errors.count
        #expect(await h.eventually {
            h.all.contains { if case .connection(let c) = $0.payload { c.stream == (toPrivate ? "private" : "public1") && c.state == .connected } else { false } }
        })
        h.sim.injectFrame(frame, privateConnections: toPrivate)
        #expect(await h.eventually { h.errors.count > errorsBefore }, "no ERROR event for \(frame)")
        #expect(h.balance("USDT") == before)
        #expect(try h.trading.openOrders().isEmpty)
        let id = try h.trading.placeOrder(OrderRequest(side: .buy, symbol: Self.btc, price: d("50000"), size: d("0.01")))
        #expect(await h.waitFor(id, .open), "\(h.orderUpdates(id)) \(h.errors)")
        await h.stop()
    }

    @Test func badConfigIsRefusedNamingTheKey() async throws {
        let runtime = try HostRuntime()
        for (product, config, key) in [("BitgetSpot", #"{"rest_url":"ftp://x"}"#, "rest_url"),
                                       ("BitgetSpot", #"{"reconcile_interval_ms":0}"#, "reconcile_interval_ms"),
                                       ("BitgetSpot", "{not json", "JSON"),
                                       ("BitgetPerpetual", #"{"product_type":"SPOT"}"#, "product_type"),
                                       ("BitgetPerpetual", #"{"funding_poll_ms":-1}"#, "funding_poll_ms"),
                                       ("BitgetCandles", #"{"product_type":"PERP"}"#, "product_type")] {
            let library = try PluginLoader.load(path: try SpotHarness.builtPlugin(product))
            #expect(performing: { _ = try runtime.instantiate(library, config: config) },
                    throws: { "\($0)".contains(key) })
        }
        await runtime.shutdown()
    }
}

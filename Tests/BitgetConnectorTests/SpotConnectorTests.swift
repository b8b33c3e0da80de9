import Foundation
import SwiftletCore
import CSwiftletSDK
@testable import SwiftletHost
import Testing

/// The spot connector as a host sees it: loaded from its .so, trading on bitget-sim.
@Suite(.serialized) struct SpotConnectorTests {
    static let btc = "BTCUSDT"

    func d(_ text: String) -> ExactDecimal { try! ExactDecimal(text) }

    @Test func loadsTradingRulesFromTheSymbolsEndpoint() async throws {
        let h = try await SpotHarness.start()
        let rules = try h.trading.instrument(Self.btc)
        #expect(rules.baseAsset == "BTC" && rules.quoteAsset == "USDT")
        #expect(rules.priceIncrement == d("0.01"))
        #expect(rules.sizeIncrement == d("0.000001"))
        #expect(rules.takerFeeRate == d("0.001"))
        #expect(try h.trading.instruments().map(\.symbol) == ["BTCUSDT", "ETHUSDT"])
        #expect(throws: (any Error).self) { try h.trading.instrument("NOPEUSDT") }
        await h.stop()
    }

    @Test func refusesOrdersThatCannotMeetTheRulesAndSendsNothing() async throws {
        let h = try await SpotHarness.start()
        // Below min notional (1 USDT on the simulator): 0.000001 BTC at 100.
        let tooSmall = OrderRequest(side: .buy, symbol: Self.btc, price: d("100"), size: d("0.000001"))
        #expect { try h.trading.placeOrder(tooSmall) } throws: { error in
            "\(error)".contains("below the minimum")
        }
        // Size rounds down to zero lots.
        let dust = OrderRequest(side: .buy, symbol: Self.btc, price: d("50000"), size: d("0.0000001"))
        #expect(throws: (any Error).self) { try h.trading.placeOrder(dust) }
        #expect(throws: (any Error).self) { try h.trading.placeOrder(OrderRequest(side: .buy, symbol: "NOPE", price: d("1"), size: d("1"))) }
        let badID = OrderRequest(side: .buy, symbol: Self.btc, clientOrderID: "has/slash", price: d("50000"), size: d("0.01"))
        #expect(throws: (any Error).self) { try h.trading.placeOrder(badID) }
        #expect(h.all.allSatisfy { if case .order = $0.payload { false } else { true } })
        // A price off the tick is quantized (a buy rounds down), not refused.
        let id = try h.trading.placeOrder(OrderRequest(side: .buy, symbol: Self.btc, price: d("50000.019"), size: d("0.0100009")))
        #expect(await h.waitFor(id, .open))
        let order = try h.trading.order(id)
        #expect(order.price == d("50000.01") && order.size == d("0.01"))
        await h.stop()
    }

    @Test func limitOrderLifecycleWithPartialFillsFeesAndBalances() async throws {
        let h = try await SpotHarness.start()
        let before = try h.simBalance("USDT")
        let id = try h.trading.placeOrder(OrderRequest(side: .buy, symbol: Self.btc, price: d("50000"), size: d("0.02")))
        #expect(id.count <= 40)
        #expect(await h.waitFor(id, .open), "updates: \(h.orderUpdates(id)) errors: \(h.errors)")
        #expect(h.orderUpdates(id).first?.state == .pendingCreate)
        // Someone sells 0.005 into our bid: a partial fill, as maker.
        h.sim.forceTrade(symbol: Self.btc, side: "sell", size: "0.005")
        #expect(await h.waitFor(id, .partiallyFilled))
        #expect(await h.eventually { h.fills(id).count == 1 })
        let fill = try #require(h.fills(id).first)
        #expect(fill.size == d("0.005") && fill.price == d("50000") && fill.isMaker)
        // Bitget reports fees paid as negative numbers; Swiftlet reports them positive.
        #expect(fill.fee > .zero && fill.feeAsset == "BTC", "fee \(fill.fee) \(fill.feeAsset)")
        h.sim.forceTrade(symbol: Self.btc, side: "sell", size: "0.015")
        #expect(await h.waitFor(id, .filled))
        #expect(await h.eventually { h.fills(id).count == 2 })
        let final = try h.trading.order(id)
        #expect(final.filledSize == d("0.02") && final.averageFillPrice == d("50000"))
        // Balances the connector reports match the simulator's books.
        #expect(await h.eventually {
            guard let usdt = h.balance("USDT"), let sim = try? h.simBalance("USDT") else { return false }
            return usdt.available == sim.available && usdt.locked == sim.frozen
        }, "connector \(String(describing: h.balance("USDT"))) simulator \(String(describing: try? h.simBalance("USDT")))")
        let after = try h.simBalance("USDT")
        #expect(try before.available - after.available == d("1000"))
        // Exactly one update per state change and nothing after FILLED.
        let states = h.orderUpdates(id).map(\.state)
        #expect(states.first == .pendingCreate && states.last == .filled)
        #expect(states.filter { $0 == .filled }.count == 1)
        await h.stop()
    }

    @Test func cancelGoesThroughPendingCancelToCancelledAndUnknownIsNotFound() async throws {
        let h = try await SpotHarness.start()
        let id = try h.trading.placeOrder(OrderRequest(side: .sell, symbol: Self.btc, price: d("90000"), size: d("0.01")))
        #expect(await h.waitFor(id, .open))
        try h.trading.cancelOrder(symbol: Self.btc, clientOrderID: id)
        #expect(h.orderUpdates(id).last?.state == .pendingCancel)
        #expect(await h.waitFor(id, .cancelled))
        #expect(try h.trading.openOrders().isEmpty)
        #expect(throws: (any Error).self) { try h.trading.cancelOrder(symbol: Self.btc, clientOrderID: id) }
        #expect(throws: (any Error).self) { try h.trading.cancelOrder(symbol: Self.btc, clientOrderID: "never-placed") }
        await h.stop()
    }

    /// On an ABI 1.3 host an order goes out through a request template the connector made
    /// at its first signed POST; on an older host, field by field. bitget-sim checks the
    /// key, the passphrase and the signature of both.
    @Test(arguments: [true, false])
    func ordersAreSignedThroughATemplateOrFieldByFieldOnAnOlderHost(templates: Bool) async throws {
        let h = try await SpotHarness.create()
        if !templates {
            // An ABI 1.2 host's table ends before http_template_create.
            h.instance.context.hostTable.pointee.struct_size = UInt32(MemoryLayout<swl_host_t>.offset(of: \.http_template_create)!)
        }
        try await h.startConnector()
        let id = try h.trading.placeOrder(OrderRequest(side: .sell, symbol: Self.btc, price: d("90000"), size: d("0.01")))
        #expect(await h.waitFor(id, .open), "updates: \(h.orderUpdates(id)) errors: \(h.errors)")
        try h.trading.cancelOrder(symbol: Self.btc, clientOrderID: id)
        #expect(await h.waitFor(id, .cancelled))
        #expect((h.instance.context.template(1) != nil) == templates)
        await h.stop()
    }

    @Test func exchangeRefusalEndsInFailedWithTheReason() async throws {
        let h = try await SpotHarness.start()
        // Far more BTC than the account holds: Bitget's 43012 insufficient balance.
        let id = try h.trading.placeOrder(OrderRequest(side: .sell, symbol: Self.btc, price: d("90000"), size: d("100000")))
        #expect(await h.waitFor(id, .failed))
        let failed = try #require(h.orderUpdates(id).last)
        #expect(failed.reason.contains("43012"), "reason: \(failed.reason)")
        #expect(try h.trading.order(id).state == .failed)
        await h.stop()
    }

    /// The connector hands a request over before it reports PENDING_CREATE; a request
    /// refused at once (here: the credential is gone, so it cannot be signed) still reports
    /// PENDING_CREATE first, then FAILED, for the order and for a batch.
    @Test func aRequestRefusedAtOnceReportsPendingCreateThenFailed() async throws {
        let h = try await SpotHarness.start()
        h.runtime.credentials.remove(named: SpotHarness.credential)
        let single = try h.trading.placeOrder(OrderRequest(side: .buy, symbol: Self.btc, price: d("40000"), size: d("0.01")))
        let batch = try h.trading.placeOrders([
            OrderRequest(side: .buy, symbol: Self.btc, price: d("40001"), size: d("0.01")),
            OrderRequest(side: .buy, symbol: Self.btc, price: d("40002"), size: d("0.01")),
        ]).map { try $0.get() }
        for id in [single] + batch {
            #expect(h.orderUpdates(id).map(\.state) == [.pendingCreate, .failed], "\(id): \(h.orderUpdates(id))")
            #expect(h.orderUpdates(id).last?.reason.contains("credential") == true)
        }
        await h.stop()
    }

    @Test func batchPlaceBatchCancelAndCancelAll() async throws {
        let h = try await SpotHarness.start()
        let requests = (0..<4).map { i in
            OrderRequest(side: .buy, symbol: Self.btc, price: try! ExactDecimal("4000\(i)"), size: try! ExactDecimal("0.01"))
        } + [OrderRequest(side: .buy, symbol: Self.btc, price: d("1"), size: d("0.000001"))]
        let results = try h.trading.placeOrders(requests)
        let ids = results.compactMap { try? $0.get() }
        #expect(ids.count == 4)
        if case .failure = results[4] {} else { Issue.record("the dust order must be refused locally") }
        for id in ids { #expect(await h.waitFor(id, .open)) }
        let statuses = try h.trading.cancelOrders(symbol: Self.btc, clientOrderIDs: Array(ids.prefix(2)))
        #expect(statuses.allSatisfy { $0 == 0 })
        for id in ids.prefix(2) { #expect(await h.waitFor(id, .cancelled)) }
        try h.trading.cancelAll(symbol: Self.btc)
        for id in ids.suffix(2) { #expect(await h.waitFor(id, .cancelled)) }
        #expect(try h.trading.openOrders(symbol: Self.btc).isEmpty)
        await h.stop()
    }

    @Test func marketBuyIsSentInQuoteCoin() async throws {
        let h = try await SpotHarness.start()
        h.sim.addLiquidity(symbol: Self.btc, side: "sell", price: "60000", size: "1")
        let id = try h.trading.placeOrder(OrderRequest(side: .buy, symbol: Self.btc, type: .market, size: .zero,
                                                      quoteSize: d("600")))
        #expect(await h.waitFor(id, .filled), "updates \(h.orderUpdates(id)) errors \(h.errors)")
        // 600 USDT at 60000 buys 0.01 BTC.
        #expect(await h.eventually { h.fills(id).reduce(ExactDecimal.zero) { (try? $0 + $1.size) ?? $0 } == d("0.01") })
        await h.stop()
    }
}

import CSwiftletSDK
import Foundation
import SwiftletABI
import SwiftletCore
import SwiftletHost
import Testing

/// The plugin side of hot swap (ext/hotswap.h) for the spot connector, each step driven
/// through the ABI: quiesce, export, import into a new instance (its own runtime and state
/// database, so only the exported state carries over), start; nothing lost or doubled.
@Suite(.serialized) struct SpotHotSwapTests {
    static let btc = "BTCUSDT"
    func d(_ text: String) -> ExactDecimal { try! ExactDecimal(text) }

    /// The exported state as a JSON object.
    func object(_ state: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(state.utf8)) as? [String: Any])
    }

    func refusal(_ body: () throws(ABIError) -> Void) -> ABIError? {
        do throws(ABIError) {
            try body()
            return nil
        } catch {
            return error
        }
    }

    @Test func swapToTheNextVersionKeepsOrdersAndReportsEachFillExactlyOnce() async throws {
        let old = try await SpotHarness.start()
        try old.trading.subscribe(.book, symbol: Self.btc)
        let first = try old.trading.placeOrder(OrderRequest(side: .buy, symbol: Self.btc, price: d("50000"), size: d("0.02")))
        let resting = try old.trading.placeOrder(OrderRequest(side: .buy, symbol: Self.btc, price: d("49000"), size: d("0.01")))
        #expect(await old.waitFor(first, .open))
        #expect(await old.waitFor(resting, .open))
        // A fill the old instance reports before the swap.
        old.sim.forceTrade(symbol: Self.btc, side: "sell", size: "0.005")
        // Fill and order pushes come on separate channels: wait for both.
        #expect(await old.waitFor(first, .partiallyFilled))
        #expect(await old.eventually { old.fills(first).count == 1 })
        let reportedTrade = try #require(old.fills(first).first?.tradeID)
        let openBefore = try old.trading.openOrders(symbol: Self.btc)

        let oldSwap = try HotSwapClient(old.instance)
        try await oldSwap.quiesceOnceSettled()
        let state = try oldSwap.exportState()
        let json = try object(state)
        #expect(json["format"] as? Int == 1 && json["plugin"] as? String == "bitget" && json["version"] as? String == "1.0.0")
        #expect((json["trade_ids"] as? [String])?.contains(reportedTrade) == true)
        let orders = try #require(json["orders"] as? [[String: Any]])
        let exported = try #require(orders.first { $0["client_order_id"] as? String == first })
        // Exact decimals travel as text, never as JSON numbers.
        #expect((exported["price"] as? String).flatMap { try? ExactDecimal($0) } == d("50000"))
        #expect((exported["filled_size"] as? String).flatMap { try? ExactDecimal($0) } == d("0.005"))
        #expect(exported["state"] as? String == "partially_filled" && exported["side"] as? String == "buy")
        #expect(state.contains("\"channel\":\"books\",\"symbol\":\"BTCUSDT\""), "\(state)")

        // During the swap the first order fills completely; the quiesced instance reports nothing.
        old.sim.forceTrade(symbol: Self.btc, side: "sell", size: "0.015")
        try await Task.sleep(for: .milliseconds(500))
        #expect(old.fills(first).count == 1)
        #expect(old.orderUpdates(first).last?.state == .partiallyFilled)

        let next = try await SpotHarness.create(product: "BitgetSpotNext", sim: old.sim)
        #expect(next.library.info.version == "1.1.0")
        try HotSwapClient(next.instance).importState(state)
        try await next.startConnector()

        // The fill of the swap window, reported once by the new instance; the earlier one never.
        #expect(await next.waitFor(first, .filled), "updates \(next.orderUpdates(first)) errors \(next.errors)")
        #expect(await next.eventually { next.fills(first).count == 1 })
        let swapFill = try #require(next.fills(first).first)
        #expect(swapFill.tradeID != reportedTrade && swapFill.size == d("0.015") && swapFill.price == d("50000"))
        #expect(try next.trading.order(first).filledSize == d("0.02"))
        // The resting order is tracked as it was, without being placed again.
        let openAfter = try next.trading.openOrders(symbol: Self.btc)
        #expect(openAfter.map(\.clientOrderID) == [resting])
        let before = try #require(openBefore.first { $0.clientOrderID == resting })
        let after = try #require(openAfter.first)
        #expect(after.exchangeOrderID == before.exchangeOrderID && after.price == before.price && after.size == before.size
                && after.state == .open && after.side == .buy)
        #expect(try next.trading.order(resting).exchangeOrderID == before.exchangeOrderID)
        // Subscriptions come back on their own, the book from a fresh snapshot.
        #expect(await next.eventually {
            next.all.contains { if case .book(let book) = $0.payload { book.isSnapshot && $0.context.symbol == Self.btc } else { false } }
        })
        // Later reconciliations find nothing new.
        try await Task.sleep(for: .milliseconds(800))
        #expect(next.fills(first).count == 1 && next.fills().allSatisfy { $0.tradeID != reportedTrade })
        #expect(next.orderUpdates(first).filter { $0.state == .filled }.count == 1)

        // The new version trades: its own id prefix, continuing the old instance's sequence.
        let placed = try next.trading.placeOrder(OrderRequest(side: .buy, symbol: Self.btc, price: d("48000"), size: d("0.01")))
        #expect(resting.hasPrefix("swl") && resting.hasSuffix("x2"))
        #expect(placed == "swn" + resting.dropFirst(3).dropLast() + "3", "\(placed) after \(resting)")
        #expect(await next.waitFor(placed, .open))
        try next.trading.cancelOrder(symbol: Self.btc, clientOrderID: resting)
        #expect(await next.waitFor(resting, .cancelled))
        await next.stop()
        await old.stop()
    }

    @Test func quiescedInstanceRefusesOrdersAndResumeCatchesUp() async throws {
        let h = try await SpotHarness.start()
        try h.trading.subscribe(.book, symbol: Self.btc)
        let id = try h.trading.placeOrder(OrderRequest(side: .buy, symbol: Self.btc, price: d("50000"), size: d("0.01")))
        #expect(await h.waitFor(id, .open))
        let swap = try HotSwapClient(h.instance)
        // Export needs a quiesced instance.
        #expect(refusal { () throws(ABIError) in _ = try swap.exportState() }?.status == swl_status_t(SWL_ERR_STATE))

        try await swap.quiesceOnceSettled()
        try swap.quiesce()
        let place = refusal { () throws(ABIError) in
            _ = try h.trading.placeOrder(OrderRequest(side: .buy, symbol: Self.btc, price: d("49000"), size: d("0.01")))
        }
        #expect(place?.status == swl_status_t(SWL_ERR_STATE))
        #expect(place?.message.contains("quiesced") == true, "\(String(describing: place))")
        #expect(refusal { () throws(ABIError) in try h.trading.cancelOrder(symbol: Self.btc, clientOrderID: id) }?.status
                == swl_status_t(SWL_ERR_STATE))
        #expect(refusal { () throws(ABIError) in try h.trading.subscribe(.book, symbol: Self.btc) }?.status
                == swl_status_t(SWL_ERR_STATE))
        // The order fills meanwhile: nothing is reported while quiesced, not even book updates.
        h.sim.forceTrade(symbol: Self.btc, side: "sell", size: "0.01")
        try await Task.sleep(for: .milliseconds(300))
        let quiescedAt = h.all.count
        try await Task.sleep(for: .milliseconds(500))
        #expect(h.all.count == quiescedAt, "events while quiesced: \(h.all.suffix(from: quiescedAt).map(\.payload))")
        #expect(h.fills(id).isEmpty && h.orderUpdates(id).last?.state == .open)

        try swap.resume()
        // Book frames were dropped: the book resyncs from a fresh snapshot.
        #expect(await h.eventually {
            let after = h.all.suffix(from: quiescedAt)
            guard let resync = after.firstIndex(where: { if case .bookResync = $0.payload { true } else { false } }) else { return false }
            return after[resync...].contains { if case .book(let book) = $0.payload { book.isSnapshot } else { false } }
        })
        #expect(await h.waitFor(id, .filled), "updates \(h.orderUpdates(id)) errors \(h.errors)")
        #expect(await h.eventually { h.fills(id).count == 1 })
        let next = try h.trading.placeOrder(OrderRequest(side: .buy, symbol: Self.btc, price: d("49000"), size: d("0.01")))
        #expect(await h.waitFor(next, .open))
        try await Task.sleep(for: .milliseconds(500))
        #expect(h.fills(id).count == 1)
        await h.stop()
    }

    /// An order whose answer is still on its way when the swap begins is settled before the
    /// state is taken: here the exchange refuses it with 429 and the old instance retries it,
    /// so it reaches the exchange once and the new instance tracks it.
    @Test func anOrderInFlightAtQuiesceIsSettledBeforeTheStateIsTaken() async throws {
        let old = try await SpotHarness.start()
        old.sim.delayRESTAnswers(milliseconds: 300)
        old.sim.rateLimitREST(seconds: 1)
        let id = try old.trading.placeOrder(OrderRequest(side: .buy, symbol: Self.btc, price: d("40000"), size: d("0.001")))
        let swap = try HotSwapClient(old.instance)
        let refused = refusal { () throws(ABIError) in try swap.quiesce() }
        #expect(refused?.status == swl_status_t(SWL_ERR_RATE_LIMITED), "\(String(describing: refused))")
        #expect(refused?.message.contains("in flight") == true, "\(String(describing: refused))")
        // The host asks again until the instance has nothing outstanding.
        try await swap.quiesceOnceSettled()
        old.sim.clearFaults()
        #expect(old.sim.account(apiKey: "sim-key")?.openOrders[id] != nil, "the order is not at the exchange at quiesce")
        let state = try swap.exportState()

        let next = try await SpotHarness.create(product: "BitgetSpotNext", sim: old.sim)
        try HotSwapClient(next.instance).importState(state)
        try await next.startConnector()
        #expect(try next.trading.order(id).state == .open)
        try next.trading.cancelOrder(symbol: Self.btc, clientOrderID: id)
        #expect(await next.waitFor(id, .cancelled), "updates \(next.orderUpdates(id)) errors \(next.errors)")
        await next.stop()
        await old.stop()
    }

    /// Bitget's limits are the account's: the new instance counts the requests its
    /// predecessor sent in the last second, so the two together stay within them.
    @Test func theNewInstanceCountsTheRequestsItsPredecessorSentAgainstTheLimits() async throws {
        let old = try await SpotHarness.start()
        let refusedBefore = old.sim.restRequestsRateLimited
        // Place-order allows 10 per second: the old instance uses all ten.
        let first = try (0..<10).map { index in
            try old.trading.placeOrder(OrderRequest(side: .buy, symbol: Self.btc, price: d("\(40000 + index)"), size: d("0.001")))
        }
        let swap = try HotSwapClient(old.instance)
        try await swap.quiesceOnceSettled()
        let state = try swap.exportState()
        let budget = try #require(try object(state)["rate_budget"] as? [String: [Int64]])
        #expect(budget["/api/v2/spot/trade/place-order"]?.count == 10, "\(budget)")

        let next = try await SpotHarness.create(product: "BitgetSpotNext", sim: old.sim)
        try HotSwapClient(next.instance).importState(state)
        try await next.startConnector()
        let second = try (0..<5).map { index in
            try next.trading.placeOrder(OrderRequest(side: .buy, symbol: Self.btc, price: d("\(41000 + index)"), size: d("0.001")))
        }
        for id in first { #expect(try next.trading.order(id).state == .open) }
        for id in second { #expect(await next.waitFor(id, .open), "\(id): \(next.orderUpdates(id)) \(next.errors)") }
        // The new instance's orders waited for the window of the old one's to pass.
        let times = try #require(old.sim.account(apiKey: "sim-key")?.openOrderTimes)
        let firstSent = try #require(first.compactMap { times[$0] }.min())
        let secondSent = try #require(second.compactMap { times[$0] }.min())
        #expect(secondSent - firstSent >= 900, "the new instance sent \(secondSent - firstSent) ms after the old one")
        #expect(old.sim.restRequestsRateLimited == refusedBefore)
        await next.stop()
        await old.stop()
    }

    @Test func theStateCarriesOpenOrdersAndOnlyTheNewestFinalOnes() async throws {
        let h = try await SpotHarness.start()
        // 120 orders in three batches, all cancelled, then two resting ones.
        var cancelled: [String] = []
        for batch in 0..<3 {
            let requests = (0..<40).map { index in
                OrderRequest(side: .buy, symbol: Self.btc, price: d("\(40000 + batch * 100 + index)"), size: d("0.001"))
            }
            cancelled += try h.trading.placeOrders(requests).map { try $0.get() }
        }
        #expect(await h.eventually { cancelled.allSatisfy { h.orderUpdates($0).last?.state == .open } })
        try h.trading.cancelAll(symbol: Self.btc)
        #expect(await h.eventually { cancelled.allSatisfy { h.orderUpdates($0).last?.state == .cancelled } })
        let resting = try (0..<2).map { index in
            try h.trading.placeOrder(OrderRequest(side: .buy, symbol: Self.btc, price: d("\(39000 + index)"), size: d("0.001")))
        }
        for id in resting { #expect(await h.waitFor(id, .open)) }

        let swap = try HotSwapClient(h.instance)
        // Requests that follow 120 orders (their reconciliation) may still be outstanding;
        // quiesce refuses until they settle, and the host's HotSwap asks again, as this does
        // (for longer than the host's 3 s: the state's content is under test here).
        try await swap.quiesceOnceSettled(patience: .seconds(15))
        let orders = try #require(try object(try swap.exportState())["orders"] as? [[String: Any]])
        let states = orders.compactMap { $0["state"] as? String }
        #expect(states.filter { $0 == "open" }.count == 2)
        #expect(states.filter { $0 == "cancelled" }.count == 100, "\(states.count) orders exported")
        try swap.resume()
        await h.stop()
    }

    @Test func importRefusesStateItCannotReadNamingTheProblem() async throws {
        let h = try await SpotHarness.start()
        let id = try h.trading.placeOrder(OrderRequest(side: .buy, symbol: Self.btc, price: d("50000"), size: d("0.01")))
        #expect(await h.waitFor(id, .open))
        let swap = try HotSwapClient(h.instance)
        try await swap.quiesceOnceSettled()
        let state = try swap.exportState()

        let fresh = try await SpotHarness.create(sim: h.sim)
        let target = try HotSwapClient(fresh.instance)
        let cases: [(String, String)] = [
            ("this is not JSON", "hot-swap state"),
            (state.replacingOccurrences(of: "\"format\":1", with: "\"format\":2"), "format 2"),
            (state.replacingOccurrences(of: "\"plugin\":\"bitget\"", with: "\"plugin\":\"bitget_perpetual\""), "bitget_perpetual"),
            ("{\"format\":1,\"plugin\":\"bitget\",\"version\":\"1.0.0\"}", "missing"),
            ("{\"plugin\":\"bitget\"}", "'format'"),
            (state.replacingOccurrences(of: "\"inst_type\":\"SPOT\"", with: "\"inst_type\":\"USDT-FUTURES\""), "USDT-FUTURES"),
            (state.replacingOccurrences(of: "\"state\":\"open\"", with: "\"state\":\"sleeping\""), "sleeping"),
        ]
        for (text, named) in cases {
            let error = refusal { () throws(ABIError) in try target.importState(text) }
            #expect(error?.status == swl_status_t(SWL_ERR_INVALID_ARGUMENT), "\(text): \(String(describing: error))")
            #expect(error?.message.contains(named) == true, "\(text): \(String(describing: error))")
        }
        // Nothing was adopted by the refused imports; the valid state still imports.
        try target.importState(state)
        try await fresh.startConnector()
        #expect(await fresh.eventually { (try? fresh.trading.openOrders(symbol: Self.btc).count) == 1 })
        // Import is only for an instance that has not started.
        #expect(refusal { () throws(ABIError) in try target.importState(state) }?.status == swl_status_t(SWL_ERR_STATE))

        // The deliberately broken version refuses any state.
        let broken = try await SpotHarness.create(product: "BitgetSpotBrokenImport", sim: h.sim)
        #expect(broken.library.info.version == "1.2.0-broken")
        let brokenSwap = try HotSwapClient(broken.instance)
        let error = refusal { () throws(ABIError) in try brokenSwap.importState(state) }
        #expect(error?.status == swl_status_t(SWL_ERR_INVALID_ARGUMENT))
        #expect(error?.message == "this build deliberately refuses imported state")
        await broken.stop()
        await fresh.stop()
        await h.stop()
    }
}

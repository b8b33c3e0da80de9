import CSwiftletSDK
import Foundation
import SwiftletABI
import SwiftletCore
import SwiftletHost
import Testing

/// Hot swap of the perpetual connector: the shared `ConnectorCore` state travels, under the
/// `bitget_perpetual` id and the instance's productType.
@Suite(.serialized) struct PerpetualHotSwapTests {
    static let btc = "BTCUSDT"
    static let futures = "USDT-FUTURES"
    static let config = #","product_type":"USDT-FUTURES","funding_poll_ms":200"#
    func d(_ text: String) -> ExactDecimal { try! ExactDecimal(text) }

    @Test func swapKeepsTheRestingOrderAndReportsTheSwapWindowFillOnce() async throws {
        let old = try await SpotHarness.start(product: "BitgetPerpetual", extraConfig: Self.config)
        let perp = try PerpetualClient(old.instance)
        try #require(await old.eventually { (try? perp.positionMode()) != nil }, "position mode never read: \(old.errors)")
        let id = try old.trading.placeOrder(OrderRequest(side: .buy, symbol: Self.btc, price: d("59000"), size: d("0.02")))
        #expect(await old.waitFor(id, .open), "\(old.orderUpdates(id)) \(old.errors)")
        old.sim.forceTrade(instType: Self.futures, symbol: Self.btc, side: "sell", size: "0.005")
        #expect(await old.waitFor(id, .partiallyFilled))
        #expect(await old.eventually { old.fills(id).count == 1 })
        let reported = try #require(old.fills(id).first?.tradeID)

        let oldSwap = try HotSwapClient(old.instance)
        try await oldSwap.quiesceOnceSettled()
        let state = try oldSwap.exportState()
        #expect(state.contains("\"plugin\":\"bitget_perpetual\"") && state.contains("\"inst_type\":\"USDT-FUTURES\""))
        old.sim.forceTrade(instType: Self.futures, symbol: Self.btc, side: "sell", size: "0.005")

        let next = try await SpotHarness.create(product: "BitgetPerpetual", extraConfig: Self.config, sim: old.sim)
        let nextSwap = try HotSwapClient(next.instance)
        // A spot connector's state is not this plugin's.
        do throws(ABIError) {
            try nextSwap.importState(state.replacingOccurrences(of: "\"plugin\":\"bitget_perpetual\"", with: "\"plugin\":\"bitget\""))
            Issue.record("a state of plugin bitget was imported")
        } catch {
            #expect(error.status == swl_status_t(SWL_ERR_INVALID_ARGUMENT) && error.message.contains("'bitget'"), "\(error)")
        }
        try nextSwap.importState(state)
        try await next.startConnector()
        #expect(await next.eventually { next.fills(id).count == 1 }, "\(next.orderUpdates(id)) \(next.errors)")
        #expect(next.fills(id).first?.tradeID != reported && next.fills(id).first?.size == d("0.005"))
        #expect(await next.eventually { (try? next.trading.order(id).filledSize) == d("0.01") })
        #expect(try next.trading.openOrders(symbol: Self.btc).map(\.clientOrderID) == [id])
        try await Task.sleep(for: .milliseconds(800))
        #expect(next.fills(id).count == 1 && old.fills(id).count == 1)
        await next.stop()
        await old.stop()
    }
}

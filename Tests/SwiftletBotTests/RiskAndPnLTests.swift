import CSwiftletSDK
import SwiftletABI
import SwiftletBot
import SwiftletCore
import Testing

@Suite struct PnLTrackerTests {
    @Test func spotRoundTripWithBaseAndQuoteFees() throws {
        let tracker = PnLTracker()
        // Buy 1 BTC at 100, fee 0.001 BTC; sell 0.999 at 110, fee 0.10989 USDT.
        try tracker.record(Fill(tradeID: "1", clientOrderID: "a", exchangeOrderID: "x", side: .buy, isMaker: true,
                                price: dec("100"), size: dec("1"), fee: dec("0.001"), feeAsset: "BTC"),
                           source: "bitget", symbol: "BTCUSDT", baseAsset: "BTC")
        try tracker.record(Fill(tradeID: "2", clientOrderID: "b", exchangeOrderID: "y", side: .sell, isMaker: true,
                                price: dec("110"), size: dec("0.999"), fee: dec("0.10989"), feeAsset: "USDT"),
                           source: "bitget", symbol: "BTCUSDT", baseAsset: "BTC")
        let result = try tracker.pnl { _, _ in dec("120") }
        // cash: -100 + 109.89 - 0.10989 = 9.78011; inventory 0.
        #expect(result.total == dec("9.78011"))
        #expect(result.markets.first?.inventory == .zero)
        #expect(result.markets.first?.fees == dec("0.20989"))
    }

    @Test func perpetualShortMarkedAtTheCurrentPriceAndFunding() throws {
        let tracker = PnLTracker()
        try tracker.record(Fill(tradeID: "1", clientOrderID: "a", exchangeOrderID: "x", side: .sell, isMaker: false,
                                price: dec("50000"), size: dec("0.01"), fee: dec("0.3"), feeAsset: "USDT", positionSide: .short),
                           source: "bitget_perpetual", symbol: "BTCUSDT", baseAsset: "BTC")
        try tracker.record(FundingPayment(paymentID: "f1", amount: dec("0.05"), rate: dec("0.0001"), asset: "USDT"),
                           source: "bitget_perpetual", symbol: "BTCUSDT")
        // cash 500 - 0.3 + 0.05 = 499.75; inventory -0.01 at 51000 = -510 → -10.25
        #expect(try tracker.pnl { _, _ in dec("51000") }.total == dec("-10.25"))
        #expect(try tracker.pnl { _, _ in dec("49000") }.total == dec("9.75"))
    }
}

@Suite struct RiskGateTests {
    let buy = OrderRequest(side: .buy, symbol: "BTCUSDT", type: .limit, price: dec("100"), size: dec("2"))

    @Test func limitsNameWhatTheyRefuse() {
        let venue = FakeVenue(balances: [("USDT", "1000"), ("BTC", "1")])
        let bySize = RiskGate(limits: RiskLimits(maxOrderSize: ["BTCUSDT": dec("1.5")]))
        #expect(throws: ABIError.self) { try bySize.check(buy, instrument: venue.instrumentValue, on: venue, referencePrice: nil) }
        do { try bySize.check(buy, instrument: venue.instrumentValue, on: venue, referencePrice: nil) } catch {
            #expect(error.message.contains("max_order_size"))
        }
        let byNotional = RiskGate(limits: RiskLimits(maxOrderNotional: dec("150")))
        do { try byNotional.check(buy, instrument: venue.instrumentValue, on: venue, referencePrice: nil); Issue.record("not refused") } catch {
            #expect(error.message.contains("max_order_notional"))
        }
        // A market order is valued at the reference price; without one it cannot be checked.
        let market = OrderRequest(side: .buy, symbol: "BTCUSDT", type: .market, size: dec("1"))
        #expect(throws: ABIError.self) { try byNotional.check(market, instrument: venue.instrumentValue, on: venue, referencePrice: nil) }
        #expect(throws: Never.self) { try byNotional.check(market, instrument: venue.instrumentValue, on: venue, referencePrice: dec("120")) }
    }

    @Test func ordersAreJudgedAsTheyWillBeSentFittedToTickAndLot() throws {
        let venue = FakeVenue(balances: [("USDT", "100000"), ("BTC", "10")])
        let gate = RiskGate(limits: RiskLimits(maxOrderNotional: dec("1000")))
        // A strategy's price with many digits: valued once on the tick, not overflowing.
        let long = OrderRequest(side: .buy, symbol: "BTCUSDT", type: .limit, price: dec("59251.478437489689"),
                                size: dec("0.000499990625"))
        let fitted = try gate.check(long, instrument: venue.instrumentValue, on: venue, referencePrice: nil)
        #expect(fitted.price == dec("59251.47"))
        #expect(fitted.size == dec("0.0004"))
        let sell = OrderRequest(side: .sell, symbol: "BTCUSDT", type: .limit, price: dec("60451.501"), size: dec("0.001"))
        #expect(try gate.check(sell, instrument: venue.instrumentValue, on: venue, referencePrice: nil).price == dec("60451.51"))
        let dust = OrderRequest(side: .sell, symbol: "BTCUSDT", type: .limit, price: dec("60000"), size: dec("0.00001"))
        do { try gate.check(dust, instrument: venue.instrumentValue, on: venue, referencePrice: nil); Issue.record("not refused") } catch {
            #expect(error.message.contains("below the lot"))
        }
    }

    @Test func fundsAreChecked() {
        let gate = RiskGate(limits: RiskLimits())
        let venue = FakeVenue(balances: [("USDT", "150"), ("BTC", "0.5")])
        do { try gate.check(buy, instrument: venue.instrumentValue, on: venue, referencePrice: nil); Issue.record("not refused") } catch {
            #expect(error.status == SWL_ERR_INSUFFICIENT_FUNDS)
        }
        let sell = OrderRequest(side: .sell, symbol: "BTCUSDT", price: dec("100"), size: dec("0.6"))
        #expect(throws: ABIError.self) { try gate.check(sell, instrument: venue.instrumentValue, on: venue, referencePrice: nil) }
        let smallSell = OrderRequest(side: .sell, symbol: "BTCUSDT", price: dec("100"), size: dec("0.5"))
        #expect(throws: Never.self) { try gate.check(smallSell, instrument: venue.instrumentValue, on: venue, referencePrice: nil) }
        // Perpetuals need margin = notional / leverage.
        let perp = FakeVenue(id: "bitget_perpetual", perpetual: true, balances: [("USDT", "50")])
        perp.leverageValue = dec("5")
        #expect(throws: Never.self) { try gate.check(buy, instrument: perp.instrumentValue, on: perp, referencePrice: nil) }  // 200/5 = 40
        perp.leverageValue = dec("2")
        #expect(throws: ABIError.self) { try gate.check(buy, instrument: perp.instrumentValue, on: perp, referencePrice: nil) }  // 100 > 50
        // Reduce-only orders never need funds.
        var reduce = buy
        reduce.reduceOnly = true
        #expect(throws: Never.self) { try gate.check(reduce, instrument: perp.instrumentValue, on: perp, referencePrice: nil) }
    }

    @Test func theKillSwitchRefusesEverythingOnceTripped() {
        let gate = RiskGate(limits: RiskLimits(killSwitchLoss: dec("50")))
        #expect(!gate.breaches(pnl: dec("-50")))
        #expect(gate.breaches(pnl: dec("-50.01")))
        #expect(gate.trip("loss 60"))
        #expect(!gate.trip("again"))
        let venue = FakeVenue(balances: [("USDT", "1000")])
        do { try gate.check(buy, instrument: venue.instrumentValue, on: venue, referencePrice: nil); Issue.record("not refused") } catch {
            #expect(error.status == SWL_ERR_STATE)
            #expect(error.message.contains("kill switch"))
        }
    }
}

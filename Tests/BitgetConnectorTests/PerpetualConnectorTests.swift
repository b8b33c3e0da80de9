@testable import BitgetSim
import Foundation
import SwiftletCore
import SwiftletHost
import Testing

/// The perpetual connector as a host sees it: loaded from its .so, trading USDT-FUTURES on
/// bitget-sim through the trading and perpetual extensions.
@Suite(.serialized) struct PerpetualConnectorTests {
    static let btc = "BTCUSDT"
    static let futures = "USDT-FUTURES"
    func d(_ text: String) -> ExactDecimal { try! ExactDecimal(text) }

    func start(funding: Bool = false) async throws -> (SpotHarness, PerpetualClient) {
        let h = try await SpotHarness.start(product: "BitgetPerpetual",
                                            extraConfig: #","product_type":"USDT-FUTURES","funding_poll_ms":200"#)
        let perp = try PerpetualClient(h.instance)
        try #require(await h.eventually { (try? perp.positionMode()) != nil }, "position mode never read: \(h.errors)")
        return (h, perp)
    }

    func position(_ h: SpotHarness, _ perp: PerpetualClient, _ side: PositionSide) -> ExactDecimal {
        (try? perp.position(symbol: Self.btc, side: side).position.size) ?? d("-1")
    }

    /// Liquidity on both sides of the futures book so market orders fill.
    func liquidity(_ h: SpotHarness) {
        h.sim.addLiquidity(instType: Self.futures, symbol: Self.btc, side: "sell", price: "60010", size: "5")
        h.sim.addLiquidity(instType: Self.futures, symbol: Self.btc, side: "buy", price: "59990", size: "5")
    }

    @Test func contractRulesModesAndLeverageLimits() async throws {
        let (h, perp) = try await start()
        let rules = try h.trading.instrument(Self.btc)
        #expect(rules.isPerpetual && rules.priceIncrement == d("0.1") && rules.sizeIncrement == d("0.001"))
        #expect(try perp.positionMode() == .oneWay)
        // Outside the contract's limits: refused locally, naming them.
        #expect { try perp.setLeverage(d("500"), symbol: Self.btc) } throws: { "\($0)".contains("1...125") }
        #expect(throws: (any Error).self) { try perp.setLeverage(d("2.5"), symbol: Self.btc) }
        try perp.setLeverage(d("10"), symbol: Self.btc)
        #expect(await h.eventually { (try? perp.leverage(symbol: Self.btc)) == d("10") })
        await h.stop()
    }

    @Test func oneWayOpenAndCloseALongWithReduceOnly() async throws {
        let (h, perp) = try await start()
        liquidity(h)
        let open = try h.trading.placeOrder(OrderRequest(side: .buy, symbol: Self.btc, type: .market, size: d("0.01")))
        #expect(await h.waitFor(open, .filled), "\(h.orderUpdates(open)) \(h.errors)")
        #expect(await h.eventually { position(h, perp, .long) == d("0.01") }, "positions \(String(describing: try? perp.positions()))")
        let long = try perp.position(symbol: Self.btc, side: .long).position
        #expect(long.entryPrice == d("60010") && long.leverage > .zero)
        #expect(h.all.contains { if case .position(let p) = $0.payload { p.side == .long && p.size == d("0.01") } else { false } })
        // Fees are paid (positive), in the margin coin.
        #expect(await h.eventually { h.fills(open).count == 1 })
        #expect(h.fills(open).first.map { $0.fee > .zero && $0.feeAsset == "USDT" } == true)

        let close = try h.trading.placeOrder(OrderRequest(side: .sell, symbol: Self.btc, type: .market, size: d("0.01"),
                                                         positionSide: .long, reduceOnly: true))
        #expect(await h.waitFor(close, .filled), "\(h.orderUpdates(close)) \(h.errors)")
        #expect(await h.eventually { position(h, perp, .long) == .zero })
        #expect(try perp.positions().isEmpty)
        await h.stop()
    }

    @Test func hedgeModeHoldsLongAndShortAndModeChangesWaitForFlat() async throws {
        let (h, perp) = try await start()
        liquidity(h)
        try perp.setPositionMode(.hedge)
        #expect(await h.eventually { (try? perp.positionMode()) == .hedge })
        let long = try h.trading.placeOrder(OrderRequest(side: .buy, symbol: Self.btc, type: .market, size: d("0.02"),
                                                        positionSide: .long))
        let short = try h.trading.placeOrder(OrderRequest(side: .sell, symbol: Self.btc, type: .market, size: d("0.01"),
                                                         positionSide: .short))
        #expect(await h.waitFor(long, .filled), "\(h.errors)")
        #expect(await h.waitFor(short, .filled), "\(h.errors)")
        #expect(await h.eventually { position(h, perp, .long) == d("0.02") && position(h, perp, .short) == d("0.01") })
        // Refused while positions are open (as Bitget does), and nothing is sent.
        #expect { try perp.setPositionMode(.oneWay) } throws: { "\($0)".contains("cannot change") }
        // Close the long in hedge mode: SELL on the LONG position.
        let close = try h.trading.placeOrder(OrderRequest(side: .sell, symbol: Self.btc, type: .market, size: d("0.02"),
                                                         positionSide: .long))
        #expect(await h.waitFor(close, .filled), "\(h.orderUpdates(close)) \(h.errors)")
        #expect(await h.eventually { position(h, perp, .long) == .zero && position(h, perp, .short) == d("0.01") })
        #expect(try h.trading.order(close).side == .sell && h.trading.order(close).positionSide == .long)
        // reduce_only with the wrong side is refused locally.
        #expect(throws: (any Error).self) {
            try h.trading.placeOrder(OrderRequest(side: .sell, symbol: Self.btc, type: .market, size: d("0.01"),
                                                  positionSide: .short, reduceOnly: true))
        }
        await h.stop()
    }

    @Test func marginModeIsPerSymbol() async throws {
        let (h, perp) = try await start()
        liquidity(h)
        try perp.setMarginMode(.isolated, symbol: Self.btc)
        #expect(await h.eventually { (try? perp.marginMode(symbol: Self.btc)) == .isolated })
        let open = try h.trading.placeOrder(OrderRequest(side: .buy, symbol: Self.btc, type: .market, size: d("0.01")))
        #expect(await h.waitFor(open, .filled))
        #expect(await h.eventually { (try? perp.position(symbol: Self.btc, side: .long).position.marginMode) == .isolated })
        // BTCUSDT has a position: its mode is locked, ETHUSDT's is not.
        #expect(throws: (any Error).self) { try perp.setMarginMode(.crossed, symbol: Self.btc) }
        try perp.setMarginMode(.isolated, symbol: "ETHUSDT")
        #expect(await h.eventually { (try? perp.marginMode(symbol: "ETHUSDT")) == .isolated })
        await h.stop()
    }

    @Test func fundingIsReportedOncePerBillWithItsSymbol() async throws {
        let (h, perp) = try await start()
        liquidity(h)
        let open = try h.trading.placeOrder(OrderRequest(side: .buy, symbol: Self.btc, type: .market, size: d("0.1")))
        #expect(await h.waitFor(open, .filled))
        #expect(await h.eventually { position(h, perp, .long) == d("0.1") })
        let before = try #require(h.balance("USDT")).available
        h.sim.settleFundingNow()
        func payments() -> [(String, FundingPayment)] {
            h.all.compactMap { if case .fundingPayment(let p) = $0.payload { ($0.context.symbol, p) } else { nil } }
        }
        #expect(await h.eventually { payments().count == 1 }, "\(h.errors)")
        let (symbol, payment) = try #require(payments().first)
        // A long pays a positive rate: a negative amount.
        #expect(symbol == Self.btc && payment.amount < .zero && payment.asset == "USDT" && !payment.paymentID.isEmpty)
        #expect(await h.eventually { (try? perp.fundingInfo(symbol: Self.btc)).map { $0.rate == d("0.0001") } == true })
        #expect(((try? perp.fundingInfo(symbol: Self.btc))?.nextFundingTime ?? 0) > 0)
        // It shows in the account, and later polls do not report it again.
        #expect(await h.eventually { (h.balance("USDT")?.available ?? before) < before })
        try await Task.sleep(for: .milliseconds(800))
        #expect(payments().count == 1)
        // Every 200 ms poll of `current-fund-rate` for the held symbol gave its rate and next settlement.
        #expect(!h.errors.contains { $0.contains("funding") }, "\(h.errors)")
        await h.stop()
    }

    @Test func reconnectMidPositionComesBackWithTheRightPosition() async throws {
        let (h, perp) = try await start()
        liquidity(h)
        let open = try h.trading.placeOrder(OrderRequest(side: .buy, symbol: Self.btc, type: .market, size: d("0.03")))
        #expect(await h.waitFor(open, .filled))
        #expect(await h.eventually { position(h, perp, .long) == d("0.03") })
        h.sim.dropAllConnections()
        // While disconnected the position grows; the connector must learn it on return.
        let more = try h.trading.placeOrder(OrderRequest(side: .buy, symbol: Self.btc, type: .market, size: d("0.02")))
        #expect(await h.waitFor(more, .filled), "\(h.orderUpdates(more)) \(h.errors)")
        #expect(await h.eventually { position(h, perp, .long) == d("0.05") })
        #expect(await h.eventually { h.fills(more).count == 1 })
        await h.stop()
    }
}

extension PerpetualConnectorTests {
    @Test func startUpReadsTheAccountsModeAndNeverChangesIt() async throws {
        let h = try await SpotHarness.start(product: "BitgetPerpetual", extraConfig: #","product_type":"USDT-FUTURES""#,
                                            simConfig: { _ in })
        // A second connector instance on an account already in hedge mode.
        try h.instance.stop()
        _ = try h.sim.exchange.locked { () throws(BitgetError) in h.sim.exchange.accounts[0].posMode[Self.futures] = "hedge_mode" }
        try await h.restartConnector()
        let perp = try PerpetualClient(h.instance)
        #expect(await h.eventually { (try? perp.positionMode()) == .hedge })
        try await Task.sleep(for: .milliseconds(300))
        let stillHedge = try h.sim.exchange.locked { () throws(BitgetError) in h.sim.exchange.accounts[0].posMode[Self.futures] }
        #expect(stillHedge == "hedge_mode")
        await h.stop()
    }

    @Test func fundingPaymentsCarryTheirOwnSymbol() async throws {
        let (h, perp) = try await start()
        liquidity(h)
        h.sim.addLiquidity(instType: Self.futures, symbol: "ETHUSDT", side: "sell", price: "3010", size: "50")
        let btcOrder = try h.trading.placeOrder(OrderRequest(side: .buy, symbol: Self.btc, type: .market, size: d("0.1")))
        let ethOrder = try h.trading.placeOrder(OrderRequest(side: .buy, symbol: "ETHUSDT", type: .market, size: d("1")))
        #expect(await h.waitFor(btcOrder, .filled), "\(h.orderUpdates(btcOrder)) \(h.errors)")
        #expect(await h.waitFor(ethOrder, .filled), "\(h.orderUpdates(ethOrder)) \(h.errors)")
        #expect(await h.eventually { (try? perp.positions().count) == 2 },
                "positions \(String(describing: try? perp.positions())) errors \(h.errors)")
        h.sim.settleFundingNow()
        func payments() -> [String: FundingPayment] {
            var bySymbol: [String: FundingPayment] = [:]
            for event in h.all { if case .fundingPayment(let p) = event.payload { bySymbol[event.context.symbol] = p } }
            return bySymbol
        }
        #expect(await h.eventually { payments().count == 2 })
        let bySymbol = payments()
        // 0.1 BTC at ~60,000 and 1 ETH at ~3,000 pay different amounts at the same rate.
        #expect(bySymbol[Self.btc] != nil && bySymbol["ETHUSDT"] != nil)
        #expect(bySymbol[Self.btc]?.amount != bySymbol["ETHUSDT"]?.amount)
        #expect(bySymbol[Self.btc]?.paymentID != bySymbol["ETHUSDT"]?.paymentID)
        await h.stop()
    }
}

extension PerpetualConnectorTests {
    @Test func shortsOpenAndCloseInBothModes() async throws {
        let (h, perp) = try await start()
        liquidity(h)
        // One-way: SELL opens a short, a reduce-only BUY closes it.
        let open = try h.trading.placeOrder(OrderRequest(side: .sell, symbol: Self.btc, type: .market, size: d("0.02")))
        #expect(await h.waitFor(open, .filled), "\(h.orderUpdates(open)) \(h.errors)")
        #expect(await h.eventually { position(h, perp, .short) == d("0.02") })
        let close = try h.trading.placeOrder(OrderRequest(side: .buy, symbol: Self.btc, type: .market, size: d("0.02"),
                                                         reduceOnly: true))
        #expect(await h.waitFor(close, .filled), "\(h.orderUpdates(close)) \(h.errors)")
        #expect(await h.eventually { position(h, perp, .short) == .zero })
        // Hedge: SELL on SHORT opens, BUY on SHORT closes.
        try perp.setPositionMode(.hedge)
        #expect(await h.eventually { (try? perp.positionMode()) == .hedge })
        let hedgeOpen = try h.trading.placeOrder(OrderRequest(side: .sell, symbol: Self.btc, type: .market, size: d("0.03"),
                                                             positionSide: .short))
        #expect(await h.waitFor(hedgeOpen, .filled), "\(h.errors)")
        #expect(await h.eventually { position(h, perp, .short) == d("0.03") })
        let hedgeClose = try h.trading.placeOrder(OrderRequest(side: .buy, symbol: Self.btc, type: .market, size: d("0.03"),
                                                              positionSide: .short))
        #expect(await h.waitFor(hedgeClose, .filled), "\(h.orderUpdates(hedgeClose)) \(h.errors)")
        #expect(await h.eventually { position(h, perp, .short) == .zero && position(h, perp, .long) == .zero })
        // Flat again: the mode may change back.
        try perp.setPositionMode(.oneWay)
        #expect(await h.eventually { (try? perp.positionMode()) == .oneWay })
        await h.stop()
    }
}

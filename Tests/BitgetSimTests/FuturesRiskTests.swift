import BitgetSim
import Foundation
import Testing

/// Isolated vs crossed margin, liquidation price, margin ratio, and flash close.
@Suite("Futures risk") struct FuturesRiskTests {
    static let usdtFutures = "productType=USDT-FUTURES&marginCoin=USDT"

    static func position(_ client: RestClient, _ symbol: String, _ holdSide: String? = nil) async throws -> [String: Any]? {
        let answer = try await client.get("/api/v2/mix/position/single-position",
                                          "symbol=\(symbol)&\(usdtFutures)", signed: true)
        let list = answer["data"] as? [[String: Any]] ?? []
        return list.first { holdSide == nil || $0["holdSide"] as? String == holdSide }
    }

    static func decimal(_ value: Any?) -> Decimal? { (value as? String).flatMap { Decimal(string: $0) } }

    @Test func isolatedAndCrossedLiquidationPrices() async throws {
        let sim = try await quietSim()
        defer { Task { await sim.shutdown() } }
        let client = RestClient(base: sim.baseURL)
        // BTC: isolated, 10x. ETH: crossed (the default), 20x.
        let mode = try await client.post("/api/v2/mix/account/set-margin-mode",
            #"{"symbol":"BTCUSDT","productType":"USDT-FUTURES","marginCoin":"USDT","marginMode":"isolated"}"#)
        #expect(mode["code"] as? String == "00000")
        let lever = try await client.post("/api/v2/mix/account/set-leverage",
            #"{"symbol":"BTCUSDT","productType":"USDT-FUTURES","marginCoin":"USDT","leverage":"10"}"#)
        #expect(lever["code"] as? String == "00000")
        // The single-account answer shows the symbol's own leverage and margin mode.
        for (symbol, leverage, mode) in [("BTCUSDT", "10", "isolated"), ("ETHUSDT", "20", "crossed")] {
            let answer = try await client.get("/api/v2/mix/account/account", "symbol=\(symbol)&\(FuturesRiskTests.usdtFutures)", signed: true)
            let data = try #require(answer["data"] as? [String: Any])
            #expect(data["crossedMarginLeverage"] as? String == leverage && data["isolatedLongLever"] as? String == leverage
                    && data["isolatedShortLever"] as? String == leverage && data["marginMode"] as? String == mode, "\(symbol): \(data)")
        }
        sim.addLiquidity(instType: "USDT-FUTURES", symbol: "BTCUSDT", side: "sell", price: "60000.0", size: "1")
        sim.addLiquidity(instType: "USDT-FUTURES", symbol: "ETHUSDT", side: "buy", price: "3000.00", size: "10")
        let long = try await client.post("/api/v2/mix/order/place-order",
            #"{"symbol":"BTCUSDT","productType":"USDT-FUTURES","marginMode":"isolated","marginCoin":"USDT","size":"0.1","side":"buy","orderType":"market"}"#)
        #expect(long["code"] as? String == "00000")
        let short = try await client.post("/api/v2/mix/order/place-order",
            #"{"symbol":"ETHUSDT","productType":"USDT-FUTURES","marginMode":"crossed","marginCoin":"USDT","size":"1","side":"sell","orderType":"market"}"#)
        #expect(short["code"] as? String == "00000")

        // Open interest counts both positions (the other side of each is the simulator's own liquidity).
        for (symbol, size) in [("BTCUSDT", "0.100"), ("ETHUSDT", "1.00")] {
            let answer = try await client.get("/api/v2/mix/market/open-interest", "symbol=\(symbol)&productType=USDT-FUTURES")
            let list = (answer["data"] as? [String: Any])?["openInterestList"] as? [[String: Any]]
            #expect(list?.first?["size"] as? String == size, "\(symbol): \(answer)")
        }
        // One position tier: the contract's maximum leverage at the maintenance rate liquidation uses.
        let tiers = try await client.get("/api/v2/mix/market/query-position-lever", "symbol=BTCUSDT&productType=USDT-FUTURES")
        let tier = try #require((tiers["data"] as? [[String: Any]])?.first)
        #expect(tier["leverage"] as? String == "125" && tier["keepMarginRate"] as? String == "0.004", "\(tier)")
        let fees = try await client.get("/api/v2/common/trade-rate", "symbol=BTCUSDT&businessType=mix", signed: true)
        #expect((fees["data"] as? [String: Any])?["takerFeeRate"] as? String == "0.0006")

        // Isolated long: entry 6000 (0.1 × 60000), margin 600 (10x), mmr 0.004:
        // (6000 − 600) / (0.1 × 0.996) = 54216.867469… → rounded up at 5 places.
        let btc = try #require(try await FuturesRiskTests.position(client, "BTCUSDT"))
        #expect(btc["marginMode"] as? String == "isolated")
        #expect(btc["marginSize"] as? String == "600")
        #expect(btc["liquidationPrice"] as? String == "54216.86747")
        // Maintenance 60000 × 0.1 × 0.004 = 24 over 600 of margin.
        #expect(btc["marginRatio"] as? String == "0.04")

        // Crossed short: backed by its margin (150) plus the account's free USDT.
        let account = try await client.get("/api/v2/mix/account/account", "symbol=ETHUSDT&\(FuturesRiskTests.usdtFutures)", signed: true)
        let available = try #require(FuturesRiskTests.decimal((account["data"] as? [String: Any])?["available"]))
        // 1,000,000 − 600 − 3.6 fee (BTC) − 150 − 1.8 fee (ETH).
        #expect(available == Decimal(string: "999244.6"))
        let eth = try #require(try await FuturesRiskTests.position(client, "ETHUSDT"))
        #expect(eth["marginMode"] as? String == "crossed")
        let expected = (Decimal(3000) + Decimal(150) + available) / Decimal(string: "1.004")!
        let liq = try #require(FuturesRiskTests.decimal(eth["liquidationPrice"]))
        #expect(abs(liq - expected) < Decimal(string: "0.000001")!, "\(liq) vs \(expected)")

        // Freezing margin for a resting order lowers the crossed liquidation price; the isolated one stays.
        let resting = try await client.post("/api/v2/mix/order/place-order",
            #"{"symbol":"ETHUSDT","productType":"USDT-FUTURES","marginMode":"crossed","marginCoin":"USDT","size":"100","price":"1000.00","side":"buy","orderType":"limit"}"#)
        #expect(resting["code"] as? String == "00000")
        let eth2 = try #require(try await FuturesRiskTests.position(client, "ETHUSDT"))
        let liq2 = try #require(FuturesRiskTests.decimal(eth2["liquidationPrice"]))
        // 100 × 1000 / 20 = 5000 frozen → 5000 / 1.004 lower.
        #expect(abs((liq - liq2) - Decimal(5000) / Decimal(string: "1.004")!) < Decimal(string: "0.00001")!)
        #expect(try await FuturesRiskTests.position(client, "BTCUSDT")?["liquidationPrice"] as? String == "54216.86747")

        // Unrealized PnL is reported per margin mode: move BTC's mark to 61000.
        sim.addLiquidity(instType: "USDT-FUTURES", symbol: "BTCUSDT", side: "sell", price: "61000.0", size: "1")
        sim.forceTrade(instType: "USDT-FUTURES", symbol: "BTCUSDT", side: "buy", size: "1.0")
        let after = try await client.get("/api/v2/mix/account/account", "symbol=BTCUSDT&\(FuturesRiskTests.usdtFutures)", signed: true)
        let data = try #require(after["data"] as? [String: Any])
        #expect(data["isolatedUnrealizedPL"] as? String == "100")
        #expect(data["crossedUnrealizedPL"] as? String == "0")
        #expect(data["unrealizedPL"] as? String == "100")
        let btc2 = try #require(try await FuturesRiskTests.position(client, "BTCUSDT"))
        #expect(btc2["markPrice"] as? String == "61000.0")
        // Maintenance 61000 × 0.1 × 0.004 = 24.4 over 600 + 100.
        #expect(FuturesRiskTests.decimal(btc2["marginRatio"]) == Decimal(string: "0.03485715"))
    }

    @Test func closePositionsOneWay() async throws {
        let sim = try await quietSim()
        defer { Task { await sim.shutdown() } }
        let client = RestClient(base: sim.baseURL)
        sim.addLiquidity(instType: "USDT-FUTURES", symbol: "BTCUSDT", side: "sell", price: "60000.0", size: "0.2")
        sim.addLiquidity(instType: "USDT-FUTURES", symbol: "ETHUSDT", side: "buy", price: "3000.00", size: "10")
        for body in [#"{"symbol":"BTCUSDT","productType":"USDT-FUTURES","marginMode":"crossed","marginCoin":"USDT","size":"0.2","side":"buy","orderType":"market"}"#,
                     #"{"symbol":"ETHUSDT","productType":"USDT-FUTURES","marginMode":"crossed","marginCoin":"USDT","size":"2","side":"sell","orderType":"market"}"#] {
            #expect(try await client.post("/api/v2/mix/order/place-order", body)["code"] as? String == "00000")
        }
        // Liquidity to close against, at a profit for the long.
        sim.addLiquidity(instType: "USDT-FUTURES", symbol: "BTCUSDT", side: "buy", price: "60500.0", size: "1")
        sim.addLiquidity(instType: "USDT-FUTURES", symbol: "ETHUSDT", side: "sell", price: "3010.00", size: "10")

        // `holdSide` is ignored in one-way mode; `symbol` limits the close to BTC.
        let first = try await client.post("/api/v2/mix/order/close-positions",
                                          #"{"symbol":"BTCUSDT","productType":"USDT-FUTURES","holdSide":"short"}"#)
        #expect(first["code"] as? String == "00000")
        let firstData = try #require(first["data"] as? [String: Any])
        let closed = firstData["successList"] as? [[String: Any]] ?? []
        #expect(closed.count == 1)
        #expect(closed.first?["symbol"] as? String == "BTCUSDT")
        #expect((firstData["failureList"] as? [Any])?.isEmpty == true)
        #expect(try await FuturesRiskTests.position(client, "BTCUSDT") == nil)
        #expect(try await FuturesRiskTests.position(client, "ETHUSDT")?["total"] as? String == "2.00")
        let orderId = try #require(closed.first?["orderId"] as? String)
        let detail = try await client.get("/api/v2/mix/order/detail", "symbol=BTCUSDT&productType=USDT-FUTURES&orderId=\(orderId)",
                                          signed: true)
        let order = try #require(detail["data"] as? [String: Any])
        #expect(order["side"] as? String == "sell")
        #expect(order["reduceOnly"] as? String == "YES")
        #expect(order["status"] as? String == "filled")
        #expect(order["totalProfits"] as? String == "100")  // (60500 − 60000) × 0.2

        // Without a symbol: everything left in the productType.
        let rest = try await client.post("/api/v2/mix/order/close-positions", #"{"productType":"USDT-FUTURES"}"#)
        #expect(((rest["data"] as? [String: Any])?["successList"] as? [Any])?.count == 1)
        let all = try await client.get("/api/v2/mix/position/all-position", FuturesRiskTests.usdtFutures, signed: true)
        #expect((all["data"] as? [Any])?.isEmpty == true)
        // Nothing to close: empty lists, not an error.
        let none = try await client.post("/api/v2/mix/order/close-positions", #"{"productType":"USDT-FUTURES"}"#)
        #expect(none["code"] as? String == "00000")
        #expect(((none["data"] as? [String: Any])?["successList"] as? [Any])?.isEmpty == true)
        let unknown = try await client.post("/api/v2/mix/order/close-positions", #"{"symbol":"NOPEUSDT","productType":"USDT-FUTURES"}"#)
        #expect(unknown["code"] as? String == "40034")
    }

    @Test func closePositionsHedgeModeBySide() async throws {
        let sim = try await quietSim()
        defer { Task { await sim.shutdown() } }
        let client = RestClient(base: sim.baseURL)
        #expect(try await client.post("/api/v2/mix/account/set-position-mode",
                                      #"{"productType":"USDT-FUTURES","posMode":"hedge_mode"}"#)["code"] as? String == "00000")
        sim.addLiquidity(instType: "USDT-FUTURES", symbol: "BTCUSDT", side: "sell", price: "60000.0", size: "1")
        sim.addLiquidity(instType: "USDT-FUTURES", symbol: "BTCUSDT", side: "buy", price: "59990.0", size: "1")
        for (side, size) in [("buy", "0.3"), ("sell", "0.1")] {
            let body = #"{"symbol":"BTCUSDT","productType":"USDT-FUTURES","marginMode":"crossed","marginCoin":"USDT","size":"\#(size)","side":"\#(side)","tradeSide":"open","orderType":"market"}"#
            #expect(try await client.post("/api/v2/mix/order/place-order", body)["code"] as? String == "00000")
        }
        #expect(try await FuturesRiskTests.position(client, "BTCUSDT", "long")?["total"] as? String == "0.300")
        #expect(try await FuturesRiskTests.position(client, "BTCUSDT", "short")?["total"] as? String == "0.100")

        let long = try await client.post("/api/v2/mix/order/close-positions",
                                         #"{"symbol":"BTCUSDT","productType":"USDT-FUTURES","holdSide":"long"}"#)
        #expect(((long["data"] as? [String: Any])?["successList"] as? [Any])?.count == 1)
        #expect(try await FuturesRiskTests.position(client, "BTCUSDT", "long") == nil)
        #expect(try await FuturesRiskTests.position(client, "BTCUSDT", "short")?["total"] as? String == "0.100")
        let fills = try await client.get("/api/v2/mix/order/fills", "productType=USDT-FUTURES", signed: true)
        let last = ((fills["data"] as? [String: Any])?["fillList"] as? [[String: Any]])?.first
        #expect(last?["tradeSide"] as? String == "close")
        #expect(last?["side"] as? String == "buy")  // hedge mode: close long = side buy + tradeSide close
        #expect(last?["profit"] as? String == "-3")  // (59990 − 60000) × 0.3
    }
}

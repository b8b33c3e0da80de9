import BitgetSim
import Foundation
import Testing

@Suite("REST") struct RestTests {
    @Test func publicMarketData() async throws {
        let sim = try await quietSim(agents: true)
        defer { Task { await sim.shutdown() } }
        let client = RestClient(base: sim.baseURL)
        let time = try await client.get("/api/v2/public/time")
        #expect(time["code"] as? String == "00000")
        #expect((time["data"] as? [String: Any])?["serverTime"] is String)
        let symbols = try await client.get("/api/v2/spot/public/symbols")
        #expect((symbols["data"] as? [[String: Any]])?.count == 2)
        let book = try await client.get("/api/v2/spot/market/orderbook", "symbol=BTCUSDT&limit=5")
        let bids = (book["data"] as? [String: Any])?["bids"] as? [[String]]
        #expect((bids?.count ?? 0) > 0)
        let candles = try await client.get("/api/v2/spot/market/history-candles", "symbol=BTCUSDT&granularity=1min&endTime=\(Int64(Date().timeIntervalSince1970 * 1000))&limit=200")
        #expect((candles["data"] as? [[String]])?.count == 200)
        let unknown = try await client.call("GET", "/api/v2/spot/market/tickers", query: "symbol=NOPEUSDT")
        #expect(unknown.1["code"] as? String == "40034")
        let contracts = try await client.get("/api/v2/mix/market/contracts", "productType=SUSDT-FUTURES")
        #expect((contracts["data"] as? [Any])?.isEmpty == true)
        let v3 = try await client.call("GET", "/api/v3/account/settings", signed: true)
        #expect(v3.1["code"] as? String == "40084")
    }

    @Test func signatureRejections() async throws {
        let sim = try await quietSim()
        defer { Task { await sim.shutdown() } }
        var client = RestClient(base: sim.baseURL)
        #expect(try await client.call("GET", "/api/v2/spot/account/assets", signed: true).1["code"] as? String == "00000")
        #expect(try await client.call("GET", "/api/v2/spot/account/assets", signed: true, sign: "bad").1["code"] as? String == "40009")
        client.key = "nope"
        #expect(try await client.call("GET", "/api/v2/spot/account/assets", signed: true).1["code"] as? String == "40006")
        client.key = "sim-key"
        client.passphrase = "wrong"
        #expect(try await client.call("GET", "/api/v2/spot/account/assets", signed: true).1["code"] as? String == "40012")
        client.passphrase = "sim-passphrase"
        client.timestampOffset = -120_000
        #expect(try await client.call("GET", "/api/v2/spot/account/assets", signed: true).1["code"] as? String == "40008")
    }

    @Test func spotOrderLifecycle() async throws {
        let sim = try await quietSim()
        defer { Task { await sim.shutdown() } }
        let client = RestClient(base: sim.baseURL)
        sim.addLiquidity(symbol: "BTCUSDT", side: "sell", price: "70000.00", size: "0.5")
        let placed = try await client.post("/api/v2/spot/trade/place-order",
            #"{"symbol":"BTCUSDT","side":"buy","orderType":"limit","force":"gtc","price":"70000.00","size":"1","clientOid":"c1"}"#)
        #expect(placed["code"] as? String == "00000")
        let id = (placed["data"] as? [String: Any])?["orderId"] as? String ?? ""
        var info = try await client.get("/api/v2/spot/trade/orderInfo", "orderId=\(id)", signed: true)
        var order = (info["data"] as? [[String: Any]])?.first
        #expect(order?["status"] as? String == "partially_filled")
        #expect(order?["baseVolume"] as? String == "0.500000")
        sim.addLiquidity(symbol: "BTCUSDT", side: "sell", price: "70000.00", size: "0.5")
        info = try await client.get("/api/v2/spot/trade/orderInfo", "clientOid=c1", signed: true)
        order = (info["data"] as? [[String: Any]])?.first
        #expect(order?["status"] as? String == "filled")
        #expect(order?["feeDetail"] is String)
        let fills = try await client.get("/api/v2/spot/trade/fills", "symbol=BTCUSDT", signed: true)
        let fee = ((fills["data"] as? [[String: Any]])?.first?["feeDetail"] as? [String: Any])?["totalFee"] as? String
        #expect(fee?.hasPrefix("-") == true)
        // new → cancelled, and the frozen quote comes back.
        let resting = try await client.post("/api/v2/spot/trade/place-order",
            #"{"symbol":"BTCUSDT","side":"buy","orderType":"limit","force":"gtc","price":"50000.00","size":"0.1"}"#)
        let restingId = (resting["data"] as? [String: Any])?["orderId"] as? String ?? ""
        let cancel = try await client.post("/api/v2/spot/trade/cancel-order", #"{"symbol":"BTCUSDT","orderId":"\#(restingId)"}"#)
        #expect(cancel["code"] as? String == "00000")
        let again = try await client.post("/api/v2/spot/trade/cancel-order", #"{"symbol":"BTCUSDT","orderId":"\#(restingId)"}"#)
        #expect(again["code"] as? String == "43001")
        let assets = try await client.get("/api/v2/spot/account/assets", "coin=USDT", signed: true)
        let usdt = (assets["data"] as? [[String: Any]])?.first
        #expect(usdt?["frozen"] as? String == "0")
        #expect(usdt?["available"] as? String == "930000")
    }

    @Test func badRequests() async throws {
        let sim = try await quietSim()
        defer { Task { await sim.shutdown() } }
        let client = RestClient(base: sim.baseURL)
        let cases: [(String, String)] = [
            (#"{"symbol":"BTCUSDT","side":"buy""#, "40017"),
            (#"{"symbol":"XXXUSDT","side":"buy","orderType":"limit","price":"1","size":"1"}"#, "40034"),
            (#"{"symbol":"BTCUSDT","side":"buy","orderType":"limit","price":"60000.001","size":"1"}"#, "40808"),
            (#"{"symbol":"BTCUSDT","side":"buy","orderType":"limit","price":"60000","size":"0.0000001"}"#, "40808"),
            (#"{"symbol":"BTCUSDT","orderType":"limit","price":"60000","size":"1"}"#, "40019"),
            (#"{"symbol":"BTCUSDT","side":"buy","orderType":"limit","price":"60000","size":"100000"}"#, "43012"),
        ]
        for (body, code) in cases {
            let answer = try await client.post("/api/v2/spot/trade/place-order", body)
            #expect(answer["code"] as? String == code, "\(body)")
        }
    }

    @Test func hedgeModeAndFunding() async throws {
        let sim = try await quietSim()
        defer { Task { await sim.shutdown() } }
        let client = RestClient(base: sim.baseURL)
        let mode = try await client.post("/api/v2/mix/account/set-position-mode", #"{"productType":"USDT-FUTURES","posMode":"hedge_mode"}"#)
        #expect(mode["code"] as? String == "00000")
        let noTradeSide = try await client.post("/api/v2/mix/order/place-order",
            #"{"symbol":"BTCUSDT","productType":"USDT-FUTURES","marginMode":"crossed","marginCoin":"USDT","size":"0.1","side":"buy","orderType":"market"}"#)
        #expect(noTradeSide["code"] as? String == "40774")
        sim.addLiquidity(instType: "USDT-FUTURES", symbol: "BTCUSDT", side: "sell", price: "60000.0", size: "1")
        let open = try await client.post("/api/v2/mix/order/place-order",
            #"{"symbol":"BTCUSDT","productType":"USDT-FUTURES","marginMode":"crossed","marginCoin":"USDT","size":"0.1","side":"buy","tradeSide":"open","orderType":"market"}"#)
        #expect(open["code"] as? String == "00000")
        var positions = try await client.get("/api/v2/mix/position/all-position", "productType=USDT-FUTURES&marginCoin=USDT", signed: true)
        var list = positions["data"] as? [[String: Any]] ?? []
        #expect(list.count == 1)
        #expect(list.first?["holdSide"] as? String == "long")
        #expect(list.first?["total"] as? String == "0.100")
        let refused = try await client.post("/api/v2/mix/account/set-position-mode", #"{"productType":"USDT-FUTURES","posMode":"one_way_mode"}"#)
        #expect(refused["code"] as? String == "40920")
        sim.settleFundingNow()
        let bills = try await client.get("/api/v2/mix/account/bill", "productType=USDT-FUTURES&businessType=contract_settle_fee", signed: true)
        let billList = (bills["data"] as? [String: Any])?["bills"] as? [[String: Any]] ?? []
        #expect(billList.first?["amount"] as? String == "-0.6")
        // Close long: side buy + tradeSide close (Bitget's hedge-mode convention).
        sim.addLiquidity(instType: "USDT-FUTURES", symbol: "BTCUSDT", side: "buy", price: "61000.0", size: "1")
        let close = try await client.post("/api/v2/mix/order/place-order",
            #"{"symbol":"BTCUSDT","productType":"USDT-FUTURES","marginMode":"crossed","marginCoin":"USDT","size":"0.1","side":"buy","tradeSide":"close","orderType":"market"}"#)
        #expect(close["code"] as? String == "00000")
        positions = try await client.get("/api/v2/mix/position/all-position", "productType=USDT-FUTURES", signed: true)
        list = positions["data"] as? [[String: Any]] ?? []
        #expect(list.isEmpty)
        let fills = try await client.get("/api/v2/mix/order/fills", "productType=USDT-FUTURES", signed: true)
        let fillList = (fills["data"] as? [String: Any])?["fillList"] as? [[String: Any]] ?? []
        #expect(fillList.first?["profit"] as? String == "100")
    }

    @Test func restFaults() async throws {
        let sim = try await quietSim()
        defer { Task { await sim.shutdown() } }
        let client = RestClient(base: sim.baseURL)
        sim.failREST(seconds: 30)
        let failed = try await client.call("GET", "/api/v2/public/time")
        #expect(failed.0 == 503)
        sim.clearFaults()
        sim.rateLimitREST(seconds: 30)
        let limited = try await client.call("GET", "/api/v2/public/time")
        #expect(limited.0 == 429)
        #expect(limited.1["code"] as? String == "429")
        sim.clearFaults()
        #expect(try await client.call("GET", "/api/v2/public/time").0 == 200)
    }
}

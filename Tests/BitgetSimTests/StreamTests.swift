import BitgetSim
import Crypto
import Foundation
import SwiftletCore
import Testing

/// WebSocket behaviour over real loopback sockets, with `WSTestClient` (WebSocketKit) as the client.
///
/// Timing: every wait is "until a condition holds, or a generous deadline"; nothing asserts a
/// duration. Tests that need a quiet book run without agents and drive the book themselves.
@Suite("WebSocket") struct StreamTests {
    static func subscribe(_ args: String...) -> String {
        #"{"op":"subscribe","args":["# + args.joined(separator: ",") + "]}"
    }

    static func arg(_ instType: String = "SPOT", _ channel: String, _ instId: String = "BTCUSDT") -> String {
        #"{"instType":"\#(instType)","channel":"\#(channel)","instId":"\#(instId)"}"#
    }

    @Test func pingPong() async throws {
        let sim = try await quietSim()
        defer { Task { await sim.shutdown() } }
        let ws = try await WSTestClient.connect(sim.publicWebSocketURL)
        ws.send("ping")
        #expect(try await ws.next() == "pong")
        ws.send("ping")
        #expect(try await ws.next() == "pong")
        // Not JSON and not `ping`: an error event, and the connection stays usable.
        ws.send("hello")
        let error = try await ws.next(where: { $0.event == "error" })
        #expect(error["code"] as? Int == 30002)
        ws.send("ping")
        #expect(try await ws.next() == "pong")
    }

    /// Subscribe ack echoes the arg; unknown extra keys (top level and in args) are ignored;
    /// bad channels/instruments get 30001; unsubscribe stops the pushes.
    @Test func subscribeAckUnknownKeysAndUnsubscribe() async throws {
        let sim = try await quietSim()
        defer { Task { await sim.shutdown() } }
        sim.addLiquidity(symbol: "BTCUSDT", side: "buy", price: "59990.00", size: "1")
        sim.addLiquidity(symbol: "BTCUSDT", side: "sell", price: "60010.00", size: "1")
        let ws = try await WSTestClient.connect(sim.publicWebSocketURL)
        ws.send(#"{"op":"subscribe","id":"x1","extra":{"a":[1,2]},"args":[{"instType":"SPOT","channel":"books5","instId":"BTCUSDT","foo":"bar"}]}"#)
        let ack = try await ws.next(where: { $0.event != nil })
        #expect(ack.event == "subscribe")
        let ackArg = ack["arg"] as? [String: String]
        #expect(ackArg == ["instType": "SPOT", "channel": "books5", "instId": "BTCUSDT"])
        let push = try await ws.next(where: { $0.isPush("books5") })
        #expect((push["arg"] as? [String: String]) == ackArg)
        #expect(push["ts"] is Int)

        ws.send(StreamTests.subscribe(StreamTests.arg("SPOT", "books", "NOPEUSDT")))
        let unknownInst = try await ws.next(where: { $0.event == "error" })
        #expect(unknownInst["code"] as? Int == 30001)
        ws.send(StreamTests.subscribe(StreamTests.arg("SPOT", "nosuchchannel")))
        let unknownChannel = try await ws.next(where: { $0.event == "error" })
        #expect(unknownChannel["code"] as? Int == 30001)
        ws.send(#"{"op":"dance","args":[]}"#)
        #expect(try await ws.next(where: { $0.event == "error" })["code"] as? Int == 30003)

        // Two channels; drop one; only the other keeps coming.
        ws.send(StreamTests.subscribe(StreamTests.arg("SPOT", "books1")))
        _ = try await ws.next(where: { $0.isPush("books1") })
        ws.send(#"{"op":"unsubscribe","args":[\#(StreamTests.arg("SPOT", "books5"))]}"#)
        let unsubAck = try await ws.next(where: { $0.event == "unsubscribe" })
        #expect((unsubAck["arg"] as? [String: String])?["channel"] == "books5")
        var books1Seen = 0
        while books1Seen < 10 {
            let message = try await ws.next(where: { $0["action"] != nil })
            #expect(message.channel == "books1", "books5 pushed after unsubscribe")
            if message.channel == "books1" { books1Seen += 1 }
        }
    }

    /// `books`: a snapshot, then many updates; the test keeps its own book, checks `seq`
    /// continuity and recomputes Bitget's CRC32 checksum after every message.
    @Test func booksChecksumAndSeqOverManyUpdates() async throws {
        let sim = try await quietSim(agents: true)
        defer { Task { await sim.shutdown() } }
        // Deep levels beyond the agents' quotes, so the book is deeper than the 25 checksummed levels.
        for n in 0..<20 {
            sim.addLiquidity(symbol: "BTCUSDT", side: "buy", price: "\(55_000 - n * 10).00", size: "0.01")
            sim.addLiquidity(symbol: "BTCUSDT", side: "sell", price: "\(65_000 + n * 10).00", size: "0.01")
        }
        let ws = try await WSTestClient.connect(sim.publicWebSocketURL)
        ws.send(StreamTests.subscribe(StreamTests.arg("SPOT", "books")))
        #expect(try await ws.next(where: { $0.event != nil }).event == "subscribe")
        let snapshot = try await ws.next(where: { $0.isPush("books") })
        #expect(snapshot.action == "snapshot")
        var book = TestBook()
        let first = try #require(snapshot.dataList.first)
        book.apply(first)
        #expect(book.checksum() == first["checksum"] as? Int)
        #expect(book.bids.count > 25 && book.asks.count > 25, "the book should be deeper than 25 levels")
        var seq = try #require(first["seq"] as? Int)
        var updates = 0
        var deletions = 0
        while updates < 150 {
            let message = try await ws.next(where: { $0.isPush("books") })
            #expect(message.action == "update")
            let data = try #require(message.dataList.first)
            let nextSeq = try #require(data["seq"] as? Int)
            #expect(nextSeq == seq + 1, "seq gap \(seq) → \(nextSeq)")
            seq = nextSeq
            deletions += book.apply(data)
            let expected = book.checksum()
            #expect(expected == data["checksum"] as? Int, "checksum mismatch at seq \(seq)")
            if expected != data["checksum"] as? Int { break }
            if let bid = book.sortedBids.first, let ask = book.sortedAsks.first {
                #expect(bid.price < ask.price, "crossed book at seq \(seq)")
            }
            updates += 1
        }
        #expect(deletions > 0, "the updates never deleted a level (size \"0\")")
        // The book the test maintained equals a fresh subscriber's snapshot + updates at the same seq
        // (compared after the fresh subscriber's first update, which re-sends every level touched
        // since the previous push with its absolute size).
        let ws2 = try await WSTestClient.connect(sim.publicWebSocketURL)
        ws2.send(StreamTests.subscribe(StreamTests.arg("SPOT", "books")))
        var freshBook = TestBook()
        freshBook.apply(try #require(try await ws2.next(where: { $0.isPush("books") }).dataList.first))
        let freshUpdate = try #require(try await ws2.next(where: { $0.isPush("books") && $0.action == "update" }).dataList.first)
        freshBook.apply(freshUpdate)
        let target = try #require(freshUpdate["seq"] as? Int)
        while seq < target {
            let data = try #require(try await ws.next(where: { $0.isPush("books") }).dataList.first)
            seq = try #require(data["seq"] as? Int)
            book.apply(data)
        }
        #expect(seq == target)
        #expect(book.sortedBids.map { "\($0.price):\($0.size)" } == freshBook.sortedBids.map { "\($0.price):\($0.size)" })
        #expect(book.sortedAsks.map { "\($0.price):\($0.size)" } == freshBook.sortedAsks.map { "\($0.price):\($0.size)" })
        #expect(freshBook.checksum() == freshUpdate["checksum"] as? Int)
    }

    /// `books1` / `books5`: snapshots of the top of the book, exactly the levels resting.
    @Test func books1AndBooks5() async throws {
        let sim = try await quietSim()
        defer { Task { await sim.shutdown() } }
        for (i, price) in ["59990.00", "59980.00", "59970.00", "59960.00", "59950.00", "59940.00"].enumerated() {
            sim.addLiquidity(symbol: "BTCUSDT", side: "buy", price: price, size: "0.\(i + 1)")
        }
        for price in ["60010.00", "60020.00", "60030.00"] {
            sim.addLiquidity(symbol: "BTCUSDT", side: "sell", price: price, size: "0.25")
        }
        sim.addLiquidity(symbol: "BTCUSDT", side: "sell", price: "60010.00", size: "0.5")
        let ws = try await WSTestClient.connect(sim.publicWebSocketURL)
        ws.send(StreamTests.subscribe(StreamTests.arg("SPOT", "books5"), StreamTests.arg("SPOT", "books1")))
        let five = try await ws.next(where: { $0.isPush("books5") })
        #expect(five.action == "snapshot")
        let data5 = try #require(five.dataList.first)
        #expect((data5["bids"] as? [[String]])?.map { $0[0] } == ["59990.00", "59980.00", "59970.00", "59960.00", "59950.00"])
        #expect((data5["bids"] as? [[String]])?.map { $0[1] } == ["0.100000", "0.200000", "0.300000", "0.400000", "0.500000"])
        #expect((data5["asks"] as? [[String]]) == [["60010.00", "0.750000"], ["60020.00", "0.250000"], ["60030.00", "0.250000"]])
        #expect(data5["ts"] is String)
        #expect(data5["seq"] is Int)
        let one = try await ws.next(where: { $0.isPush("books1") })
        let data1 = try #require(one.dataList.first)
        #expect((data1["bids"] as? [[String]]) == [["59990.00", "0.100000"]])
        #expect((data1["asks"] as? [[String]]) == [["60010.00", "0.750000"]])
        var oneBook = TestBook()
        oneBook.apply(data1)
        #expect(oneBook.checksum() == data1["checksum"] as? Int)

        // A better bid appears: the next books1 push shows it.
        sim.addLiquidity(symbol: "BTCUSDT", side: "buy", price: "60000.00", size: "2")
        sim.publishNow()
        let moved = try await ws.next(where: { m in
            m.isPush("books1") && ((m.dataList.first?["bids"] as? [[String]])?.first?.first == "60000.00")
        })
        #expect((moved.dataList.first?["bids"] as? [[String]]) == [["60000.00", "2.000000"]])
    }

    /// `trade`, `ticker` and `candle1m` after a forced trade.
    @Test func tradeTickerAndCandle() async throws {
        let sim = try await quietSim()
        defer { Task { await sim.shutdown() } }
        sim.addLiquidity(symbol: "BTCUSDT", side: "sell", price: "61234.50", size: "1")
        sim.addLiquidity(symbol: "BTCUSDT", side: "buy", price: "61000.00", size: "1")
        let ws = try await WSTestClient.connect(sim.publicWebSocketURL)
        ws.send(StreamTests.subscribe(StreamTests.arg("SPOT", "trade"), StreamTests.arg("SPOT", "ticker"),
                                      StreamTests.arg("SPOT", "candle1m")))
        let tradeSnapshot = try await ws.next(where: { $0.isPush("trade") })
        #expect(tradeSnapshot.action == "snapshot")
        let candleSnapshot = try await ws.next(where: { $0.isPush("candle1m") })
        #expect(candleSnapshot.action == "snapshot")
        let rows = candleSnapshot["data"] as? [[String]] ?? []
        #expect(rows.count > 1)
        #expect(rows.allSatisfy { $0.count == 8 })

        sim.forceTrade(symbol: "BTCUSDT", side: "buy", size: "0.2")
        let trade = try await ws.next(where: { $0.isPush("trade") && $0.action == "update" })
        let t = try #require(trade.dataList.first)
        #expect(t["price"] as? String == "61234.50")
        #expect(t["size"] as? String == "0.200000")
        #expect(t["side"] as? String == "buy")
        #expect(t["tradeId"] is String)
        #expect(t["ts"] is String)

        sim.publishNow()
        let ticker = try await ws.next(where: { $0.isPush("ticker") && $0.dataList.first?["lastPr"] as? String == "61234.50" })
        let tk = try #require(ticker.dataList.first)
        #expect(tk["instId"] as? String ?? tk["symbol"] as? String == "BTCUSDT")
        #expect(tk["bidPr"] as? String == "61000.00")
        #expect(tk["askPr"] as? String == "61234.50")
        #expect(tk["askSz"] as? String == "0.800000")

        let candle = try await ws.next(where: { m in
            m.isPush("candle1m") && m.action == "update" && ((m["data"] as? [[String]])?.first?[4] == "61234.50")
        })
        let row = try #require((candle["data"] as? [[String]])?.first)
        #expect(row.count == 8)
        let minute = Int64(Date().timeIntervalSince1970 * 1000) / 60_000 * 60_000
        #expect(abs((Int64(row[0]) ?? 0) - minute) <= 60_000)
    }

    /// Private login: Bitget's prehash (`timestamp + "GET" + "/user/verify"`, seconds), and
    /// each failure's code, delivered as an `error` event.
    @Test func privateLogin() async throws {
        let sim = try await quietSim()
        defer { Task { await sim.shutdown() } }
        let ws = try await WSTestClient.connect(sim.privateWebSocketURL)
        ws.send(StreamTests.subscribe(StreamTests.arg("SPOT", "orders")))
        #expect(try await ws.next(where: { $0.event == "error" })["code"] as? Int == 30004)

        let now = Int(Date().timeIntervalSince1970)
        let cases: [(key: String, passphrase: String, ts: String, sign: String, code: Int)] = [
            ("sim-key", "sim-passphrase", String(now), "bad", 30015),
            ("sim-key", "sim-passphrase", String(now), TestSign.login(timestamp: String(now), secret: "other-secret"), 30015),
            ("nope", "sim-passphrase", String(now), TestSign.login(timestamp: String(now), secret: "sim-secret"), 30011),
            ("sim-key", "wrong", String(now), TestSign.login(timestamp: String(now), secret: "sim-secret"), 30012),
            ("sim-key", "sim-passphrase", String(now - 600), TestSign.login(timestamp: String(now - 600), secret: "sim-secret"), 30014),
        ]
        for c in cases {
            ws.send(#"{"op":"login","args":[{"apiKey":"\#(c.key)","passphrase":"\#(c.passphrase)","timestamp":"\#(c.ts)","sign":"\#(c.sign)"}]}"#)
            let answer = try await ws.next(where: { $0.event != nil })
            #expect(answer.event == "error")
            #expect(answer["code"] as? Int == c.code, "\(c)")
        }
        #expect(!ws.isClosed)
        try await login(ws)
        ws.send(StreamTests.subscribe(StreamTests.arg("SPOT", "orders")))
        #expect(try await ws.next(where: { $0.event != nil }).event == "subscribe")
    }

    /// Spot `orders`, `fill`, `account` after a crossing order placed over REST.
    @Test func privateSpotPushes() async throws {
        let sim = try await quietSim()
        defer { Task { await sim.shutdown() } }
        let ws = try await WSTestClient.connect(sim.privateWebSocketURL)
        try await login(ws)
        ws.send(StreamTests.subscribe(StreamTests.arg("SPOT", "orders"), StreamTests.arg("SPOT", "fill", "default"),
                                      #"{"instType":"SPOT","channel":"account","coin":"default"}"#))
        var acks = 0
        while acks < 3 {
            let event = try await ws.next(where: { $0.event != nil })
            #expect(event.event == "subscribe")
            acks += 1
        }
        let accountSnapshot = try await ws.next(where: { $0.isPush("account") })
        #expect((accountSnapshot["arg"] as? [String: String])?["coin"] == "default")
        let usdt0 = accountSnapshot.dataList.first { $0["coin"] as? String == "USDT" }
        #expect(usdt0?["available"] as? String == "1000000")

        sim.addLiquidity(symbol: "BTCUSDT", side: "sell", price: "60000.00", size: "0.3")
        let client = RestClient(base: sim.baseURL)
        let placed = try await client.post("/api/v2/spot/trade/place-order",
            #"{"symbol":"BTCUSDT","side":"buy","orderType":"limit","force":"gtc","price":"60100.00","size":"0.1","clientOid":"ws-1"}"#)
        #expect(placed["code"] as? String == "00000")
        let orderId = try #require((placed["data"] as? [String: Any])?["orderId"] as? String)

        // The three pushes may arrive in any order: gather the first of each.
        var pushes: [String: [String: Any]] = [:]
        while pushes.count < 3 {
            let message = try await ws.next(where: { m in ["orders", "fill", "account"].contains(m.channel ?? "") && m.action != nil })
            if pushes[message.channel!] == nil { pushes[message.channel!] = message }
        }
        let o = try #require(pushes["orders"]?.dataList.first)
        #expect(o["orderId"] as? String == orderId)
        #expect(o["clientOid"] as? String == "ws-1")
        #expect(o["status"] as? String == "filled")
        #expect(o["accBaseVolume"] as? String == "0.100000")
        #expect(o["fillPrice"] as? String == "60000.00")
        // The orders channel abbreviates the liquidity side (Bitget's example), the fill channel does not.
        #expect(o["tradeScope"] as? String == "T")
        // `newSize` is the size placed; `size` and `notional` are its value in USDT, to 4 and 6
        // places (live pushes: ws_spot_orders_2024.json).
        #expect(o["newSize"] as? String == "0.1")
        #expect(o["notional"] as? String == "6010.000000")
        #expect(o["size"] as? String == "6010.0000")

        let f = try #require(pushes["fill"]?.dataList.first)
        #expect(f["orderId"] as? String == orderId)
        #expect(f["priceAvg"] as? String == "60000.00")
        #expect(f["size"] as? String == "0.100000")
        #expect(try ExactDecimal(f["amount"] as? String ?? "") == ExactDecimal(6000))
        let fee = (f["feeDetail"] as? [[String: Any]])?.first
        #expect(fee?["feeCoin"] as? String == "BTC")
        // Unlike REST fills, the spot fill push gives the fee paid as a positive number (ws_spot_fill.json).
        #expect(fee?["totalFee"] as? String == "0.0001")
        #expect(f["tradeScope"] as? String == "taker")

        // Balances after: +0.1 BTC − 0.0001 fee; −6000 USDT (the 10 USDT price improvement is refunded).
        let account = try #require(pushes["account"])
        let coins = Dictionary(uniqueKeysWithValues: account.dataList.compactMap { d in
            (d["coin"] as? String).map { ($0, d) }
        })
        #expect(coins["BTC"]?["available"] as? String == "100.0999")
        #expect(coins["USDT"]?["available"] as? String == "994000")
        #expect(coins["USDT"]?["frozen"] as? String == "0")
    }

    /// Futures `positions`, `orders`, `account` after opening a long over REST.
    @Test func futuresPositionsChannel() async throws {
        let sim = try await quietSim()
        defer { Task { await sim.shutdown() } }
        let ws = try await WSTestClient.connect(sim.privateWebSocketURL)
        try await login(ws)
        ws.send(StreamTests.subscribe(StreamTests.arg("USDT-FUTURES", "positions", "default"),
                                      StreamTests.arg("USDT-FUTURES", "orders", "default"),
                                      #"{"instType":"USDT-FUTURES","channel":"account","coin":"default"}"#))
        let empty = try await ws.next(where: { $0.isPush("positions") })
        #expect(empty.action == "snapshot")
        #expect(empty.dataList.isEmpty)

        sim.addLiquidity(instType: "USDT-FUTURES", symbol: "BTCUSDT", side: "sell", price: "60000.0", size: "1")
        let client = RestClient(base: sim.baseURL)
        let placed = try await client.post("/api/v2/mix/order/place-order",
            #"{"symbol":"BTCUSDT","productType":"USDT-FUTURES","marginMode":"crossed","marginCoin":"USDT","size":"0.25","side":"buy","orderType":"market"}"#)
        #expect(placed["code"] as? String == "00000")
        let position = try await ws.next(where: { $0.isPush("positions") && !$0.dataList.isEmpty })
        let p = try #require(position.dataList.first)
        #expect(p["symbol"] as? String ?? p["instId"] as? String == "BTCUSDT")
        #expect(p["holdSide"] as? String == "long")
        #expect(p["total"] as? String == "0.250")
        #expect(p["openPriceAvg"] as? String == "60000")
        #expect(p["marginSize"] as? String == "750")  // 0.25 × 60000 / 20
        let order = try await ws.next(where: { $0.isPush("orders") })
        #expect(order.dataList.first?["status"] as? String == "filled")
        #expect(order.dataList.first?["posSide"] as? String == "net")
        // Spelled `clientOid`, as in live pushes (ws_mix_orders.json).
        let placedID = (placed["data"] as? [String: Any])?["clientOid"] as? String
        #expect(placedID != nil && order.dataList.first?["clientOid"] as? String == placedID)
        // A market order is valued at what it filled at: 0.25 × 60000.
        #expect(try ExactDecimal(order.dataList.first?["notionalUsd"] as? String ?? "") == ExactDecimal(15000))
        let account = try await ws.next(where: { $0.isPush("account") && $0.action == "snapshot" && ($0.dataList.first?["marginCoin"] as? String) == "USDT"
            && ($0.dataList.first?["available"] as? String) != "1000000" })
        // 1,000,000 − 750 margin − 9 taker fee (0.06% of 15,000).
        #expect(account.dataList.first?["available"] as? String == "999241")

        // Closing the position empties the channel again.
        sim.addLiquidity(instType: "USDT-FUTURES", symbol: "BTCUSDT", side: "buy", price: "60000.0", size: "1")
        let close = try await client.post("/api/v2/mix/order/place-order",
            #"{"symbol":"BTCUSDT","productType":"USDT-FUTURES","marginMode":"crossed","marginCoin":"USDT","size":"0.25","side":"sell","orderType":"market","reduceOnly":"YES"}"#)
        #expect(close["code"] as? String == "00000")
        _ = try await ws.next(where: { $0.isPush("positions") && $0.dataList.isEmpty })
    }

    @Test func faultDropAllConnections() async throws {
        let sim = try await quietSim()
        defer { Task { await sim.shutdown() } }
        let a = try await WSTestClient.connect(sim.publicWebSocketURL)
        let b = try await WSTestClient.connect(sim.privateWebSocketURL)
        a.send("ping")
        b.send("ping")
        #expect(try await a.next() == "pong")
        #expect(try await b.next() == "pong")
        #expect(sim.webSocketConnections == 2)
        sim.dropAllConnections()
        try await a.waitClosed()
        try await b.waitClosed()
        // The server still accepts new connections.
        let c = try await WSTestClient.connect(sim.publicWebSocketURL)
        c.send("ping")
        #expect(try await c.next() == "pong")
    }

    /// A BTCUSDT book with one bid (59000) and one ask (61000), subscribed on a new
    /// connection, with its snapshot applied.
    static func bookAfterSnapshot(_ sim: BitgetSimulator) async throws -> (WSTestClient, TestBook) {
        sim.addLiquidity(symbol: "BTCUSDT", side: "buy", price: "59000.00", size: "1")
        sim.addLiquidity(symbol: "BTCUSDT", side: "sell", price: "61000.00", size: "1")
        let ws = try await WSTestClient.connect(sim.publicWebSocketURL)
        ws.send(StreamTests.subscribe(StreamTests.arg("SPOT", "books")))
        var book = TestBook()
        book.apply(try #require(try await ws.next(where: { $0.isPush("books") }).dataList.first))
        return (ws, book)
    }

    /// `/admin/trade` then `/admin/publish` (the tick-to-order benchmark's round, the simulator
    /// in its own process): the book update is pushed at once, not at the next publishing round.
    @Test func adminTradeAndPublishPushTheBookAtOnce() async throws {
        var config = SimConfig()
        config.agents = false
        config.publishIntervalMs = 3_600_000
        config.agentIntervalMs = 3_600_000
        let sim = try await BitgetSimulator.start(config)
        defer { Task { await sim.shutdown() } }
        let (ws, snapshot) = try await Self.bookAfterSnapshot(sim)
        var book = snapshot
        let admin = RestClient(base: sim.baseURL)
        let lot = #"{"instId":"BTCUSDT","side":"buy","lots":100000}"#  // 0.1 BTC (6 size digits)
        #expect(try await admin.call("POST", "/admin/trade", body: lot).0 == 200)
        #expect(try await admin.call("POST", "/admin/publish", body: "{}").0 == 200)
        let data = try #require(try await ws.next(timeout: 5, where: { $0.isPush("books") }).dataList.first)
        book.apply(data)
        #expect(book.checksum() == data["checksum"] as? Int)
        #expect((data["asks"] as? [[String]])?.first == ["61000.00", "0.900000"])
    }

    /// A corrupted checksum is detectable: the client's recomputation disagrees exactly once.
    /// Only `publishNow` publishes: a periodic round between a change and `publishNow` made an
    /// extra push, read one step late (the corruption then showed at step 4, one run in five).
    @Test func faultCorruptChecksum() async throws {
        let sim = try await quietSim(periodicPublishing: false)
        defer { Task { await sim.shutdown() } }
        let (ws, snapshot) = try await Self.bookAfterSnapshot(sim)
        var book = snapshot
        var results: [Bool] = []
        for step in 0..<6 {
            if step == 3 { sim.corruptNextChecksum(instId: "BTCUSDT") }
            sim.addLiquidity(symbol: "BTCUSDT", side: "buy", price: "5800\(step).00", size: "0.5")
            sim.publishNow()
            let data = try #require(try await ws.next(where: { $0.isPush("books") }).dataList.first)
            book.apply(data)
            results.append(book.checksum() == data["checksum"] as? Int)
        }
        #expect(results == [true, true, true, false, true, true])
    }

    @Test func faultSkipSeq() async throws {
        let sim = try await quietSim(periodicPublishing: false)
        defer { Task { await sim.shutdown() } }
        let ws = try await WSTestClient.connect(sim.publicWebSocketURL)
        ws.send(StreamTests.subscribe(StreamTests.arg("SPOT", "books")))
        var seqs: [Int] = [try #require(try await ws.next(where: { $0.isPush("books") }).dataList.first?["seq"] as? Int)]
        for step in 0..<5 {
            if step == 2 { sim.skipNextSeq(instId: "BTCUSDT") }
            sim.addLiquidity(symbol: "BTCUSDT", side: "sell", price: "6100\(step).00", size: "0.5")
            sim.publishNow()
            seqs.append(try #require(try await ws.next(where: { $0.isPush("books") }).dataList.first?["seq"] as? Int))
        }
        let gaps = zip(seqs.dropFirst(), seqs).map { $0 - $1 }
        #expect(gaps == [1, 1, 2, 1, 1])
    }

    /// A stalled channel goes silent while others continue; resuming brings it back.
    @Test func faultStall() async throws {
        let sim = try await quietSim()
        defer { Task { await sim.shutdown() } }
        sim.addLiquidity(symbol: "BTCUSDT", side: "buy", price: "59000.00", size: "1")
        sim.addLiquidity(symbol: "ETHUSDT", side: "buy", price: "2900.00", size: "1")
        let ws = try await WSTestClient.connect(sim.publicWebSocketURL)
        ws.send(StreamTests.subscribe(StreamTests.arg("SPOT", "books5", "BTCUSDT"), StreamTests.arg("SPOT", "books5", "ETHUSDT")))
        _ = try await ws.next(where: { $0.isPush("books5") && ($0["arg"] as? [String: String])?["instId"] == "BTCUSDT" })
        sim.stall(channel: "books5", instId: "BTCUSDT")
        // A marker sent after the stall: the snapshot of a new subscription is written under the
        // same locks as the periodic pushes, so every books5 push after it is post-stall.
        ws.send(StreamTests.subscribe(StreamTests.arg("SPOT", "ticker", "ETHUSDT")))
        _ = try await ws.next(where: { $0.isPush("ticker") })
        var eth = 0
        while eth < 20 {
            let message = try await ws.next(where: { $0.isPush("books5") })
            let instId = (message["arg"] as? [String: String])?["instId"]
            #expect(instId == "ETHUSDT", "stalled BTCUSDT channel still pushed")
            if instId == "ETHUSDT" { eth += 1 }
        }
        sim.stall(channel: "books5", instId: "BTCUSDT", false)
        _ = try await ws.next(where: { $0.isPush("books5") && ($0["arg"] as? [String: String])?["instId"] == "BTCUSDT" })
    }

    @Test func idleConnectionIsClosed() async throws {
        let sim = try await quietSim(idle: 1)
        defer { Task { await sim.shutdown() } }
        let ws = try await WSTestClient.connect(sim.publicWebSocketURL)
        try await ws.waitClosed(timeout: 20)
    }

    private func login(_ ws: WSTestClient) async throws {
        let ts = String(Int(Date().timeIntervalSince1970))
        let sign = TestSign.login(timestamp: ts, secret: "sim-secret")
        ws.send(#"{"op":"login","args":[{"apiKey":"sim-key","passphrase":"sim-passphrase","timestamp":"\#(ts)","sign":"\#(sign)"}]}"#)
        let answer = try await ws.next(where: { $0.event != nil })
        #expect(answer.event == "login")
        #expect(answer["code"] as? Int == 0)
    }
}

/// Bitget's WebSocket login signature, written independently of the simulator's.
enum TestSign {
    static func login(timestamp: String, secret: String) -> String {
        let prehash = timestamp + "GET" + "/user/verify"
        let mac = HMAC<SHA256>.authenticationCode(for: Data(prehash.utf8), using: SymmetricKey(data: Data(secret.utf8)))
        return Data(mac).base64EncodedString()
    }
}

/// The client's own copy of an order book, maintained from `books` pushes.
struct TestBook {
    var bids: [String: String] = [:]
    var asks: [String: String] = [:]

    /// Applies a snapshot or update element; returns how many levels it deleted.
    @discardableResult
    mutating func apply(_ data: [String: Any]) -> Int {
        var deleted = 0
        for (side, key) in [(0, "bids"), (1, "asks")] {
            for level in data[key] as? [[String]] ?? [] {
                if level[1] == "0" || (try? ExactDecimal(level[1]))?.isZero == true {
                    if side == 0 { bids[level[0]] = nil } else { asks[level[0]] = nil }
                    deleted += 1
                } else if side == 0 {
                    bids[level[0]] = level[1]
                } else {
                    asks[level[0]] = level[1]
                }
            }
        }
        return deleted
    }

    var sortedBids: [(price: String, size: String)] {
        bids.map { ($0.key, $0.value) }.sorted { (try! ExactDecimal($0.0)) > (try! ExactDecimal($1.0)) }
    }

    var sortedAsks: [(price: String, size: String)] {
        asks.map { ($0.key, $0.value) }.sorted { (try! ExactDecimal($0.0)) < (try! ExactDecimal($1.0)) }
    }

    /// Bitget's checksum: first 25 levels, `bid:size:ask:size` interleaved, CRC32 as signed Int32.
    func checksum() -> Int {
        let b = sortedBids.prefix(25)
        let a = sortedAsks.prefix(25)
        var parts: [String] = []
        for i in 0..<25 {
            if i < b.count { parts += [b[i].price, b[i].size] }
            if i < a.count { parts += [a[i].price, a[i].size] }
        }
        return Int(Int32(bitPattern: TestCRC.crc32(parts.joined(separator: ":"))))
    }
}

/// CRC-32 (bitwise, zlib polynomial), written independently of the simulator's table version.
enum TestCRC {
    static func crc32(_ text: String) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in text.utf8 {
            crc ^= UInt32(byte)
            for _ in 0..<8 { crc = (crc >> 1) ^ (0xEDB8_8320 & (0 &- (crc & 1))) }
        }
        return ~crc
    }
}

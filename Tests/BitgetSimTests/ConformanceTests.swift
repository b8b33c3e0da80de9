import BitgetSim
import Foundation
import Testing

/// Every real Bitget payload in `Tests/Fixtures/bitget/` against the simulator's answer to the
/// same request: same field names, same JSON value types, recursively (arrays by their first
/// element). The real exchange wins: a difference here is a simulator bug unless listed below.
@Suite("Fixture conformance") struct ConformanceTests {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/bitget")

    /// Fields the simulator sends that a fixture lacks, each with the reason it is legitimate.
    /// Anything not listed fails the test.
    static let allowedExtra: [String: [String: String]] = [
        // Bitget's all-position example is older than its single-position example, which has these.
        "http_get_mix_all_position.json": [
            "$.data[].breakEvenPrice": "in the single-position example", "$.data[].totalFee": "in the single-position example",
            "$.data[].deductedFee": "in the single-position example", "$.data[].assetMode": "in the single-position example",
            "$.data[].uTime": "in the single-position example",
        ],
        // Fields the current Get-Single-Account documentation lists beyond its (older) example.
        "http_get_mix_account.json": [
            "$.data.crossedUnrealizedPL": "documented response field", "$.data.isolatedUnrealizedPL": "documented response field",
            "$.data.assetMode": "documented response field",
        ],
        // The zh-CN Flash-Close-Position example has `symbol` in each element (the English one does not).
        "http_post_mix_close_positions.json": ["$.data.successList[].symbol": "in Bitget's zh-CN example"],
        // The fields Bitget's 2025 example of the same endpoint adds (http_get_mix_current_fund_rate_2025.json).
        "http_get_mix_current_fund_rate.json": [
            "$.data[].fundingRateInterval": "in the 2025 example", "$.data[].nextUpdate": "in the 2025 example",
            "$.data[].minFundingRate": "in the 2025 example", "$.data[].maxFundingRate": "in the 2025 example",
        ],
        // Bitget documents `checksum` for the `books*` channels; the books5 example omits it.
        "ws_books5.json": ["$.data[].checksum": "documented for books channels"],
        // A canceled order without fills, recorded in 2023; Bitget's 2025 Order-Channel example
        // (https://www.bjxnyj.com/api-doc/contract/websocket/private/Order-Channel) has
        // `totalProfits` and `stpMode`, and ccxt's 2024 recording of a filled push
        // (ccxt/pro/bitget.py, parse_ws_order) has `priceAvg`.
        "ws_mix_orders.json": [
            "$.data[].totalProfits": "in Bitget's 2025 example", "$.data[].stpMode": "in Bitget's 2025 example",
            "$.data[].priceAvg": "in ccxt's 2024 recording of a filled push",
        ],
    ]

    /// Fixture fields the simulator may leave out (legitimately optional), with the reason.
    static let allowedMissing: [String: [String: String]] = [:]

    /// Lists the simulator may answer empty where the example shows an element, with the reason.
    static let allowedEmpty: [String: [String: String]] = [
        "http_post_mix_close_positions.json": ["$.data.failureList": "nothing failed to close"],
    ]

    @Test func everyFixtureHasAConformanceCheck() throws {
        let names = try FileManager.default.contentsOfDirectory(atPath: ConformanceTests.fixtures.path)
            .filter { $0.hasSuffix(".json") }.sorted()
        #expect(names.count >= 20)
        let covered = Set(ConformanceTests.restCases.map(\.file) + ConformanceTests.wsCases.map(\.file))
        #expect(Set(names) == covered, "fixtures without a check: \(Set(names).subtracting(covered).sorted())")
    }

    /// A REST request whose answer is compared with a fixture.
    struct RestCase: Sendable {
        var file: String
        var method = "GET"
        var path: String
        var query = ""
        var body = ""
        var signed = false
    }

    static let restCases: [RestCase] = [
        .init(file: "http_get_symbols.json", path: "/api/v2/spot/public/symbols", query: "symbol=BTCUSDT"),
        .init(file: "http_get_tickers.json", path: "/api/v2/spot/market/tickers", query: "symbol=BTCUSDT"),
        .init(file: "http_get_orderbook.json", path: "/api/v2/spot/market/orderbook", query: "symbol=BTCUSDT&type=step0&limit=5"),
        .init(file: "http_get_candles.json", path: "/api/v2/spot/market/candles", query: "symbol=BTCUSDT&granularity=1min&limit=5"),
        .init(file: "http_get_history_candles.json", path: "/api/v2/spot/market/history-candles",
              query: "symbol=BTCUSDT&granularity=1min&endTime=\(Int64(Date().timeIntervalSince1970 * 1000))&limit=5"),
        .init(file: "http_get_assets.json", path: "/api/v2/spot/account/assets", signed: true),
        .init(file: "http_get_fills.json", path: "/api/v2/spot/trade/fills", query: "symbol=BTCUSDT", signed: true),
        .init(file: "http_get_orderInfo.json", path: "/api/v2/spot/trade/orderInfo", query: "clientOid=conf-spot", signed: true),
        .init(file: "http_post_place_order.json", method: "POST", path: "/api/v2/spot/trade/place-order",
              body: #"{"symbol":"BTCUSDT","side":"buy","orderType":"limit","force":"gtc","price":"50000.00","size":"0.01"}"#, signed: true),
        .init(file: "http_get_mix_contracts.json", path: "/api/v2/mix/market/contracts", query: "productType=USDT-FUTURES"),
        .init(file: "http_get_mix_ticker.json", path: "/api/v2/mix/market/ticker", query: "symbol=BTCUSDT&productType=USDT-FUTURES"),
        .init(file: "http_get_mix_current_fund_rate.json", path: "/api/v2/mix/market/current-fund-rate",
              query: "symbol=BTCUSDT&productType=USDT-FUTURES"),
        .init(file: "http_get_mix_current_fund_rate_2025.json", path: "/api/v2/mix/market/current-fund-rate",
              query: "productType=USDT-FUTURES"),
        .init(file: "http_get_mix_funding_time.json", path: "/api/v2/mix/market/funding-time",
              query: "symbol=BTCUSDT&productType=USDT-FUTURES"),
        .init(file: "http_get_mix_query_position_lever.json", path: "/api/v2/mix/market/query-position-lever",
              query: "symbol=BTCUSDT&productType=USDT-FUTURES"),
        .init(file: "http_get_mix_open_interest.json", path: "/api/v2/mix/market/open-interest",
              query: "symbol=BTCUSDT&productType=USDT-FUTURES"),
        .init(file: "http_get_common_trade_rate.json", path: "/api/v2/common/trade-rate",
              query: "symbol=BTCUSDT&businessType=mix", signed: true),
        .init(file: "http_get_mix_account.json", path: "/api/v2/mix/account/account",
              query: "symbol=BTCUSDT&productType=USDT-FUTURES&marginCoin=USDT", signed: true),
        .init(file: "http_get_mix_all_position.json", path: "/api/v2/mix/position/all-position",
              query: "productType=USDT-FUTURES&marginCoin=USDT", signed: true),
        .init(file: "http_get_mix_single_position.json", path: "/api/v2/mix/position/single-position",
              query: "symbol=BTCUSDT&productType=USDT-FUTURES&marginCoin=USDT", signed: true),
        .init(file: "http_get_mix_fills.json", path: "/api/v2/mix/order/fills", query: "productType=USDT-FUTURES", signed: true),
        .init(file: "http_post_mix_set_leverage.json", method: "POST", path: "/api/v2/mix/account/set-leverage",
              body: #"{"symbol":"ETHUSDT","productType":"USDT-FUTURES","marginCoin":"USDT","leverage":"25"}"#, signed: true),
        .init(file: "http_post_mix_set_margin_mode.json", method: "POST", path: "/api/v2/mix/account/set-margin-mode",
              body: #"{"symbol":"ETHUSDT","productType":"USDT-FUTURES","marginCoin":"USDT","marginMode":"isolated"}"#, signed: true),
        .init(file: "http_post_mix_set_position_mode.json", method: "POST", path: "/api/v2/mix/account/set-position-mode",
              body: #"{"productType":"USDC-FUTURES","posMode":"one_way_mode"}"#, signed: true),
        // Last: closes the position the cases above read.
        .init(file: "http_post_mix_close_positions.json", method: "POST", path: "/api/v2/mix/order/close-positions",
              body: #"{"symbol":"BTCUSDT","productType":"USDT-FUTURES"}"#, signed: true),
    ]

    /// A WebSocket subscription whose first push (or ack) is compared with a fixture.
    struct WSCase: Sendable {
        var file: String
        var arg: String
        /// Compare the subscribe ack instead of the first push.
        var ack = false
        /// A private channel: on the private endpoint, after login.
        var isPrivate = false
        /// A signed order (path, body) placed once subscribed, for a channel that pushes only on a fill.
        var orderAfterSubscribing: (path: String, body: String)?
        /// The fixture is one `data` element (a recording without its envelope).
        var elementOnly = false
    }

    static let wsCases: [WSCase] = [
        .init(file: "ws_subscribe_ack.json", arg: #"{"instType":"SPOT","channel":"books5","instId":"BTCUSDT"}"#, ack: true),
        .init(file: "ws_books5.json", arg: #"{"instType":"SPOT","channel":"books5","instId":"BTCUSDT"}"#),
        .init(file: "ws_ticker.json", arg: #"{"instType":"SPOT","channel":"ticker","instId":"BTCUSDT"}"#),
        .init(file: "ws_trade.json", arg: #"{"instType":"SPOT","channel":"trade","instId":"BTCUSDT"}"#),
        .init(file: "ws_mix_account.json", arg: #"{"instType":"USDT-FUTURES","channel":"account","coin":"default"}"#, isPrivate: true),
        .init(file: "ws_positions.json", arg: #"{"instType":"USDT-FUTURES","channel":"positions","instId":"default"}"#, isPrivate: true),
        // A taker buy into the ask populatedSim left at 61000.
        .init(file: "ws_spot_fill.json", arg: #"{"instType":"SPOT","channel":"fill","instId":"default"}"#, isPrivate: true,
              orderAfterSubscribing: ("/api/v2/spot/trade/place-order",
                                      #"{"symbol":"BTCUSDT","side":"buy","orderType":"limit","force":"gtc","price":"61000.00","size":"0.01","clientOid":"conf-fill"}"#)),
        // A limit buy resting under the bid populatedSim left at 59000: the push of a new order.
        .init(file: "ws_spot_orders.json", arg: #"{"instType":"SPOT","channel":"orders","instId":"default"}"#, isPrivate: true,
              orderAfterSubscribing: ("/api/v2/spot/trade/place-order",
                                      #"{"symbol":"BTCUSDT","side":"buy","orderType":"limit","force":"gtc","price":"58000.00","size":"0.01","clientOid":"conf-orders"}"#)),
        .init(file: "ws_spot_orders_2024.json", arg: #"{"instType":"SPOT","channel":"orders","instId":"default"}"#, isPrivate: true,
              orderAfterSubscribing: ("/api/v2/spot/trade/place-order",
                                      #"{"symbol":"BTCUSDT","side":"buy","orderType":"limit","force":"gtc","price":"58000.00","size":"0.01","clientOid":"conf-orders-2"}"#),
              elementOnly: true),
        // A futures limit buy resting under the bid populatedSim left at 59900.
        .init(file: "ws_mix_orders.json", arg: #"{"instType":"USDT-FUTURES","channel":"orders","instId":"default"}"#, isPrivate: true,
              orderAfterSubscribing: ("/api/v2/mix/order/place-order",
                                      #"{"symbol":"BTCUSDT","productType":"USDT-FUTURES","marginMode":"crossed","marginCoin":"USDT","size":"0.01","price":"59000.0","side":"buy","orderType":"limit","force":"gtc","clientOid":"conf-mix-orders"}"#)),
        // A market buy into the futures ask populatedSim left at 60000.
        .init(file: "ws_mix_fill.json", arg: #"{"instType":"USDT-FUTURES","channel":"fill","instId":"default"}"#, isPrivate: true,
              orderAfterSubscribing: ("/api/v2/mix/order/place-order",
                                      #"{"symbol":"BTCUSDT","productType":"USDT-FUTURES","marginMode":"crossed","marginCoin":"USDT","size":"0.01","side":"buy","orderType":"market"}"#)),
    ]

    /// A simulator with one of everything: resting orders, spot and futures fills, an open position.
    static func populatedSim() async throws -> BitgetSimulator {
        let sim = try await quietSim()
        let client = RestClient(base: sim.baseURL)
        sim.addLiquidity(symbol: "BTCUSDT", side: "buy", price: "59000.00", size: "1")
        sim.addLiquidity(symbol: "BTCUSDT", side: "sell", price: "61000.00", size: "1")
        let spot = try await client.post("/api/v2/spot/trade/place-order",
            #"{"symbol":"BTCUSDT","side":"buy","orderType":"limit","force":"gtc","price":"61000.00","size":"0.1","clientOid":"conf-spot"}"#)
        #expect(spot["code"] as? String == "00000")
        sim.addLiquidity(instType: "USDT-FUTURES", symbol: "BTCUSDT", side: "sell", price: "60000.0", size: "1")
        sim.addLiquidity(instType: "USDT-FUTURES", symbol: "BTCUSDT", side: "buy", price: "59900.0", size: "1")
        let open = try await client.post("/api/v2/mix/order/place-order",
            #"{"symbol":"BTCUSDT","productType":"USDT-FUTURES","marginMode":"crossed","marginCoin":"USDT","size":"0.1","side":"buy","orderType":"market"}"#)
        #expect(open["code"] as? String == "00000")
        return sim
    }

    @Test func restPayloadsMatchRealShapes() async throws {
        let sim = try await ConformanceTests.populatedSim()
        defer { Task { await sim.shutdown() } }
        let client = RestClient(base: sim.baseURL)
        for c in ConformanceTests.restCases {
            let fixture = try ConformanceTests.load(c.file)
            let (status, text) = try await client.callText(c.method, c.path, query: c.query, body: c.body, signed: c.signed)
            #expect(status == 200, "\(c.file): HTTP \(status)")
            let answer = try JSONShape.parse(text)
            #expect(answer.field("code") == .string("00000"), "\(c.file): \(answer)")
            // Envelope: code, msg, requestTime, data (Bitget's assets example says `message`; its
            // place-order example omits `requestTime`; every other example has `msg` and `requestTime`).
            #expect(Set(answer.keys) == ["code", "msg", "requestTime", "data"], "\(c.file)")
            #expect(answer.field("requestTime")?.kind == "number", "\(c.file)")
            let problems = ConformanceTests.compare(fixture: fixture.field("data")!, actual: answer.field("data") ?? .null,
                                                    path: "$.data", file: c.file)
            #expect(problems.isEmpty, "\(c.file):\n\(problems.joined(separator: "\n"))")
        }
    }

    @Test func webSocketPayloadsMatchRealShapes() async throws {
        let sim = try await ConformanceTests.populatedSim()
        defer { Task { await sim.shutdown() } }
        for c in ConformanceTests.wsCases {
            let fixture = try ConformanceTests.load(c.file)
            let ws = try await WSTestClient.connect(c.isPrivate ? sim.privateWebSocketURL : sim.publicWebSocketURL)
            if c.isPrivate {
                let ts = String(Int(Date().timeIntervalSince1970))
                let sign = TestSign.login(timestamp: ts, secret: "sim-secret")
                ws.send(#"{"op":"login","args":[{"apiKey":"sim-key","passphrase":"sim-passphrase","timestamp":"\#(ts)","sign":"\#(sign)"}]}"#)
                let answer = try await ws.next(where: { $0.event != nil })
                #expect(answer.event == "login", "\(c.file)")
            }
            ws.send(#"{"op":"subscribe","args":[\#(c.arg)]}"#)
            if let order = c.orderAfterSubscribing {
                _ = try await ws.next(where: { $0.event == "subscribe" })
                let placed = try await RestClient(base: sim.baseURL).post(order.path, order.body)
                #expect(placed["code"] as? String == "00000", "\(c.file): \(placed)")
            }
            let text: String
            if c.ack {
                text = try await ws.nextText(where: { $0.event == "subscribe" })
            } else {
                // The first push that carries data (a trade snapshot needs a trade: populatedSim made one).
                text = try await ws.nextText(where: { $0.action != nil && !$0.dataList.isEmpty })
            }
            var actual = try JSONShape.parse(text)
            var path = "$"
            if c.elementOnly {
                guard case .array(let elements)? = actual.field("data"), let first = elements.first else {
                    Issue.record("\(c.file): no data element in \(text)")
                    continue
                }
                (actual, path) = (first, "$.data[]")
            }
            let problems = ConformanceTests.compare(fixture: fixture, actual: actual, path: path, file: c.file)
            #expect(problems.isEmpty, "\(c.file):\n\(problems.joined(separator: "\n"))")
            await ws.close()
        }
    }

    /// The comparison itself must catch differences (so the tests above can fail).
    @Test func comparisonDetectsDifferences() throws {
        let real = try JSONShape.parse(#"{"a":"1","b":[{"c":2}],"d":{"e":true}}"#)
        #expect(ConformanceTests.compare(fixture: real, actual: real, path: "$", file: "").isEmpty)
        let wrongType = try JSONShape.parse(#"{"a":1,"b":[{"c":2}],"d":{"e":true}}"#)
        #expect(ConformanceTests.compare(fixture: real, actual: wrongType, path: "$", file: "") == ["$.a: type string, simulator number"])
        let missing = try JSONShape.parse(#"{"a":"1","b":[{"x":2}],"d":{"e":true}}"#)
        #expect(ConformanceTests.compare(fixture: real, actual: missing, path: "$", file: "").sorted()
            == ["$.b[].c: missing in simulator", "$.b[].x: extra in simulator"])
        let nested = try JSONShape.parse(#"{"a":"1","b":[{"c":2}],"d":{"e":"true"}}"#)
        #expect(ConformanceTests.compare(fixture: real, actual: nested, path: "$", file: "") == ["$.d.e: type bool, simulator string"])
    }

    // MARK: helpers

    static func load(_ file: String) throws -> JSONShape {
        try JSONShape.parse(String(contentsOf: fixtures.appendingPathComponent(file), encoding: .utf8))
    }

    /// Differences between a real payload's shape and the simulator's.
    static func compare(fixture: JSONShape, actual: JSONShape, path: String, file: String) -> [String] {
        guard fixture.kind == actual.kind else { return ["\(path): type \(fixture.kind), simulator \(actual.kind)"] }
        switch (fixture, actual) {
        case (.object(let real), .object(let sim)):
            var problems: [String] = []
            for (key, value) in real.sorted(by: { $0.key < $1.key }) {
                let sub = "\(path).\(key)"
                guard let mine = sim[key] else {
                    if allowedMissing[file]?[sub] == nil { problems.append("\(sub): missing in simulator") }
                    continue
                }
                problems += compare(fixture: value, actual: mine, path: sub, file: file)
            }
            for key in sim.keys.sorted() where real[key] == nil {
                let sub = "\(path).\(key)"
                if allowedExtra[file]?[sub] == nil { problems.append("\(sub): extra in simulator") }
            }
            return problems
        case (.array(let real), .array(let sim)):
            // Compared by first element; an empty list on either side has nothing to compare.
            guard let r = real.first, let s = sim.first else {
                if real.isEmpty || allowedEmpty[file]?[path] != nil { return [] }
                return ["\(path): simulator list is empty, cannot compare"]
            }
            return compare(fixture: r, actual: s, path: path + "[]", file: file)
        default:
            return []
        }
    }
}

/// A JSON value reduced to what the conformance check needs: structure and value kinds.
enum JSONShape: Equatable, CustomStringConvertible {
    case string(String), number, bool, null
    case array([JSONShape])
    case object([String: JSONShape])

    var kind: String {
        switch self {
        case .string: "string"
        case .number: "number"
        case .bool: "bool"
        case .null: "null"
        case .array: "array"
        case .object: "object"
        }
    }

    var keys: [String] { if case .object(let o) = self { Array(o.keys) } else { [] } }
    func field(_ key: String) -> JSONShape? { if case .object(let o) = self { o[key] } else { nil } }

    var description: String {
        switch self {
        case .string(let s): "\"\(s)\""
        case .array(let a): "[\(a.map(\.description).joined(separator: ","))]"
        case .object(let o): "{\(o.map { "\($0.key):\($0.value)" }.sorted().joined(separator: ","))}"
        default: kind
        }
    }

    struct ParseError: Error { let at: Int }

    /// A small strict JSON reader (kinds only; numbers are not converted).
    static func parse(_ text: String) throws -> JSONShape {
        var reader = Reader(bytes: Array(text.utf8))
        let value = try reader.value()
        reader.skipSpace()
        guard reader.at == reader.bytes.count else { throw ParseError(at: reader.at) }
        return value
    }

    private struct Reader {
        let bytes: [UInt8]
        var at = 0

        mutating func skipSpace() {
            while at < bytes.count, [0x20, 0x0A, 0x0D, 0x09].contains(bytes[at]) { at += 1 }
        }

        mutating func value() throws -> JSONShape {
            skipSpace()
            guard at < bytes.count else { throw ParseError(at: at) }
            switch bytes[at] {
            case UInt8(ascii: "{"):
                at += 1
                var members: [String: JSONShape] = [:]
                skipSpace()
                if bytes[at] == UInt8(ascii: "}") { at += 1; return .object(members) }
                while true {
                    skipSpace()
                    guard case .string(let key) = try value() else { throw ParseError(at: at) }
                    skipSpace()
                    guard bytes[at] == UInt8(ascii: ":") else { throw ParseError(at: at) }
                    at += 1
                    members[key] = try value()
                    skipSpace()
                    if bytes[at] == UInt8(ascii: ",") { at += 1; continue }
                    guard bytes[at] == UInt8(ascii: "}") else { throw ParseError(at: at) }
                    at += 1
                    return .object(members)
                }
            case UInt8(ascii: "["):
                at += 1
                var items: [JSONShape] = []
                skipSpace()
                if bytes[at] == UInt8(ascii: "]") { at += 1; return .array(items) }
                while true {
                    items.append(try value())
                    skipSpace()
                    if bytes[at] == UInt8(ascii: ",") { at += 1; continue }
                    guard bytes[at] == UInt8(ascii: "]") else { throw ParseError(at: at) }
                    at += 1
                    return .array(items)
                }
            case UInt8(ascii: "\""):
                at += 1
                var out: [UInt8] = []
                while bytes[at] != UInt8(ascii: "\"") {
                    if bytes[at] == UInt8(ascii: "\\") { out.append(bytes[at + 1]); at += 2 } else { out.append(bytes[at]); at += 1 }
                }
                at += 1
                return .string(String(decoding: out, as: UTF8.self))
            case UInt8(ascii: "t"): at += 4; return .bool
            case UInt8(ascii: "f"): at += 5; return .bool
            case UInt8(ascii: "n"): at += 4; return .null
            default:
                let start = at
                while at < bytes.count, "-+.eE0123456789".utf8.contains(bytes[at]) { at += 1 }
                guard at > start else { throw ParseError(at: at) }
                return .number
            }
        }
    }
}

extension WSTestClient {
    /// Like `next(where:)` but returns the raw text (for type-exact comparisons).
    func nextText(timeout: Double = 15, where match: @escaping ([String: Any]) -> Bool) async throws -> String {
        while true {
            let text = try await next(timeout: timeout)
            if let object = WSTestClient.json(text), match(object) { return text }
        }
    }
}

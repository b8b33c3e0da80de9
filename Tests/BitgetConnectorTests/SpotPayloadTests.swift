@testable import BitgetCommon
import BitgetSpotConnector
import Foundation
import SwiftletCore
import SwiftletPluginKit
import Testing

/// The spot payload parsers over Bitget's documented examples (Tests/Fixtures/bitget) and
/// malformed variants of them.
@Suite struct SpotPayloadTests {
    func d(_ text: String) -> ExactDecimal { try! ExactDecimal(text) }

    /// `data` of a fixture envelope, decoded as `T`.
    func fixtureData<T: Decodable>(_ name: String, as: T.Type) throws -> T {
        let bytes = try SpotHarness.fixture("bitget/\(name)")
        let response = PluginHost.HTTPResponse(status: 200, headers: [], body: Array(bytes))
        return try BitgetREST.decode(.success(response), as: T.self, what: name).get()
    }

    @Test func symbolsBecomeTradingRules() throws {
        let symbols = try fixtureData("http_get_symbols.json", as: [SpotPayloads.Symbol].self)
        let rules = try SpotPayloads.instrument(try #require(symbols.first))
        #expect(rules.symbol == "BTCUSDT" && rules.baseAsset == "BTC" && rules.quoteAsset == "USDT")
        #expect(rules.priceIncrement == d("0.0001"))     // pricePrecision "4"
        #expect(rules.sizeIncrement == d("0.00000001"))  // quantityPrecision "8"
        #expect(rules.minSize == d("0.0001") && rules.minNotional == d("5"))
        #expect(rules.makerFeeRate == d("0.001") && rules.takerFeeRate == d("0.001"))
        #expect(SpotPayloads.quoteScale(symbols[0]) == 4)
    }

    @Test func orderDetailWithFeeDetailAsAJSONString() throws {
        let infos = try fixtureData("http_get_orderInfo.json", as: [SpotPayloads.OrderInfo].self)
        let info = try #require(infos.first)
        let report = try SpotPayloads.report(info)
        #expect(report.state == .filled && report.type == .market && report.side == .buy)
        // A market buy's size is in quote coin: no base size is claimed.
        #expect(report.baseSize == nil)
        #expect(report.filledSize == d("0.0007") && report.averagePrice == d("13000"))
        #expect(report.createdTime == 1_695_865_232_127_000_000)
        // feeDetail is a JSON object inside a string; fees paid come out positive.
        let fees = try SpotPayloads.fees(ofDetail: info.feeDetail)
        #expect(fees == ["BGB": d("0.0041")])
    }

    @Test func fillsFlipBitgetsNegativeFee() throws {
        let records = try fixtureData("http_get_fills.json", as: [SpotPayloads.FillRecord].self)
        let fill = try SpotPayloads.fill(try #require(records.first), clientOrderID: "c1")
        #expect(fill.tradeID == "12345678910" && fill.exchangeOrderID == "12345678910")
        #expect(fill.size == d("0.0007") && fill.price == d("13000"))
        #expect(fill.fee == d("0.0000007") && fill.feeAsset == "BTC")
        #expect(!fill.isMaker) // tradeScope "taker"
    }

    /// The spot `fill` push reports the fee paid POSITIVE (a live push, and Bitget's example),
    /// where REST fills report it negative: both come out as the same fee paid.
    @Test func aSpotFillPushKeepsItsPositiveFee() throws {
        let push = try decodePayload(MarketPayloads.Push<SpotPayloads.FillRecord>.self,
                                     from: try SpotHarness.fixture("bitget/ws_spot_fill.json"), what: "fill")
        let fill = try SpotPayloads.fill(try #require(push.data.first), clientOrderID: "", pushed: true)
        #expect(fill.tradeID == "1169142457636958209" && fill.exchangeOrderID == "1169142457356959747")
        #expect(fill.size == d("0.074") && fill.price == d("81.069") && !fill.isMaker && fill.side == .buy)
        #expect(fill.fee == d("0.000074") && fill.feeAsset == "LTC")
    }

    @Test func assetsBecomeBalances() throws {
        let assets = try fixtureData("http_get_assets.json", as: [SpotPayloads.Asset].self)
        let balance = try SpotPayloads.balance(try #require(assets.first))
        #expect(balance.asset == "USDT" && balance.total == .zero && balance.locked == .zero)
        let busy = try SpotPayloads.balance(JSONDecoder().decode(SpotPayloads.Asset.self, from: Data("""
            {"coin":"btc","available":"1.5","frozen":"0.25","locked":"0.25"}
            """.utf8)))
        #expect(busy.total == d("2") && busy.available == d("1.5") && busy.locked == d("0.5"))
    }

    @Test func publicTradeAndTickerPushes() throws {
        let trades = try decodePayload(MarketPayloads.Push<MarketPayloads.TradePush>.self,
                                       from: try SpotHarness.fixture("bitget/ws_trade.json"), what: "trade")
        let trade = try MarketPayloads.trade(try #require(trades.data.first))
        #expect(trade.price == d("26293.4") && trade.size == d("0.0013") && trade.takerSide == .buy && trade.tradeID == "1000000000")
        let tickers = try decodePayload(MarketPayloads.Push<MarketPayloads.TickerPush>.self,
                                        from: try SpotHarness.fixture("bitget/ws_ticker.json"), what: "ticker")
        let ticker = try MarketPayloads.ticker(try #require(tickers.data.first))
        #expect(ticker.lastPrice == d("2200.10") && ticker.bestBid == d("1792") && ticker.bestAsk == d("2200.1"))
        #expect(ticker.bestAskSize == d("19740.8811") && ticker.baseVolume24h == .zero)
        #expect(tickers.arg.instId == "ETHUSDT" && tickers.action == "snapshot")
    }

    @Test func anOrdersPushIsSizedByNewSizeNotBySizeWhichIsItsValue() throws {
        // A live push (ws_spot_orders_2024.json): 7 EOS at 0.81075 say `"newSize":"7.0000"`,
        // `"notional":"5.675250"` and `"size":"5.6752"`.
        let item = try decodePayload(SpotPayloads.OrderPush.self, from: try SpotHarness.fixture("bitget/ws_spot_orders_2024.json"),
                                     what: "orders")
        let report = try SpotPayloads.report(item)
        #expect(report.baseSize == d("7") && report.price == d("0.81075") && report.type == .limit && report.side == .buy)
        #expect(report.state == .open && report.filledSize == .zero && report.averagePrice == .zero)
        #expect(report.symbol == "EOSUSDT" && report.clientOrderID == "a2330139-1d04-4d78-98be-07de3cfd1055")
        #expect(report.createdTime == 1_715_099_824_215_000_000)  // ns
        #expect(try SpotPayloads.fill(item, clientOrderID: report.clientOrderID) == nil)

        let push = try decodePayload(MarketPayloads.Push<SpotPayloads.OrderPush>.self,
                                     from: try SpotHarness.fixture("bitget/ws_spot_orders.json"), what: "orders")
        let older = try SpotPayloads.report(try #require(push.data.first))
        #expect(older.state == .open && older.price == d("35000") && older.exchangeOrderID == "1116512721422422017")
    }

    @Test func orderPushCarriesTheTradeThatCausedIt() throws {
        // Shape of Bitget's spot `orders` push (api-doc/spot/websocket/private/Order-Channel).
        let text = """
            {"action":"snapshot","arg":{"instType":"SPOT","channel":"orders","instId":"default"},"data":[{"instId":"BTCUSDT",\
            "orderId":"1","clientOid":"c1","price":"50000.00","size":"0.020000","newSize":"0.020000","notional":"0",\
            "orderType":"limit","force":"gtc","side":"buy","fillPrice":"50000.00","tradeId":"77","baseVolume":"0.005000",\
            "fillTime":"1700000000000","fillFee":"-0.000005","fillFeeCoin":"BTC","tradeScope":"maker","accBaseVolume":"0.005000",\
            "priceAvg":"50000.00","status":"partially_filled","cTime":"1700000000000","uTime":"1700000000001",\
            "stpMode":"none","feeDetail":[{"feeCoin":"BTC","fee":"-0.000005"}],"enterPointSource":"API"}],"ts":1700000000001}
            """
        let push = try decodePayload(MarketPayloads.Push<SpotPayloads.OrderPush>.self, from: Data(text.utf8), what: "orders")
        let item = try #require(push.data.first)
        let report = try SpotPayloads.report(item)
        #expect(report.state == .partiallyFilled && report.filledSize == d("0.005") && report.baseSize == d("0.02"))
        let fill = try #require(try SpotPayloads.fill(item, clientOrderID: "c1"))
        #expect(fill.tradeID == "77" && fill.isMaker && fill.fee == d("0.000005") && fill.size == d("0.005"))
    }

    @Test(arguments: [
        ("truncated JSON", #"{"code":"00000","msg":"success","data":[{"symbol":"BTCUSDT","#, "not a Bitget envelope"),
        ("missing field", #"{"code":"00000","msg":"success","data":[{"symbol":"BTCUSDT","baseCoin":"BTC"}]}"#, "missing"),
        ("wrong type", #"{"code":"00000","msg":"success","data":{"symbol":"BTCUSDT"}}"#, "wrong type"),
        ("no data", #"{"code":"00000","msg":"success"}"#, "data is missing"),
    ])
    func malformedAnswersAreClearErrors(_ testCase: (String, String, String)) {
        let response = PluginHost.HTTPResponse(status: 200, headers: [], body: Array(testCase.1.utf8))
        let result = BitgetREST.decode(.success(response), as: [SpotPayloads.Symbol].self, what: "GET symbols")
        guard case .failure(let error) = result else {
            Issue.record("\(testCase.0) was accepted")
            return
        }
        #expect(error.kind == .malformedResponse, "\(testCase.0): \(error)")
        #expect(error.message.contains(testCase.2), "\(testCase.0): \(error.message)")
    }

    @Test func exchangeErrorsAreClassified() {
        func decode(_ status: Int, _ body: String) -> BitgetAPIError? {
            let response = PluginHost.HTTPResponse(status: status, headers: [], body: Array(body.utf8))
            if case .failure(let error) = BitgetREST.decode(.success(response), as: [String].self, what: "x") { return error }
            return nil
        }
        #expect(decode(400, #"{"code":"43012","msg":"Insufficient balance","requestTime":1}"#)?.kind == .insufficientBalance)
        // An error whose `data` is not what a success would carry is still the exchange's error.
        #expect(decode(400, #"{"code":"43012","msg":"Insufficient balance","data":{"orderId":"1"}}"#)?.kind == .insufficientBalance)
        #expect(decode(400, #"{"code":"40009","msg":"sign signature error","data":null}"#)?.kind == .invalidSignature)
        #expect(decode(400, #"{"code":"40009","msg":"sign signature error"}"#)?.kind == .invalidSignature)
        #expect(decode(400, #"{"code":"40008","msg":"Request timestamp expired"}"#)?.kind == .expiredTimestamp)
        #expect(decode(429, #"{"code":"429","msg":"Too Many Requests"}"#)?.kind == .rateLimited)
        #expect(decode(400, #"{"code":"43001","msg":"The order does not exist"}"#)?.kind == .orderNotFound)
        let outage = decode(502, "<html>Bad Gateway</html>")
        #expect(outage?.kind == .serverError && outage?.outcomeUnknown == true)
        if case .failure(let error) = BitgetREST.decode(.failure(PluginError(SWL_ERR_IO, "reset")), as: [String].self, what: "x") {
            #expect(error.kind == .transport && error.outcomeUnknown)
        } else {
            Issue.record("a transport failure was accepted")
        }
    }

    @Test func unknownStatusesAndSidesAreRefused() throws {
        #expect(throws: PayloadError.self) { try MarketPayloads.state("exploded") }
        let text = #"{"symbol":"BTCUSDT","orderId":"1","size":"1","orderType":"limit","side":"sideways","status":"live","price":"1"}"#
        let info = try JSONDecoder().decode(SpotPayloads.OrderInfo.self, from: Data(text.utf8))
        #expect(throws: PayloadError.self) { try SpotPayloads.report(info) }
        let badPrice = #"{"symbol":"BTCUSDT","orderId":"1","size":"1","orderType":"limit","side":"buy","status":"live","price":"1.2.3"}"#
        #expect(throws: PayloadError.self) {
            try SpotPayloads.report(try JSONDecoder().decode(SpotPayloads.OrderInfo.self, from: Data(badPrice.utf8)))
        }
    }
}

@testable import BitgetCommon
import BitgetPerpetualConnector
import Foundation
import SwiftletCore
import SwiftletPluginKit
import Testing

/// Futures payload parsers over Bitget's documented examples, and the order mapping.
@Suite struct PerpPayloadTests {
    func d(_ text: String) -> ExactDecimal { try! ExactDecimal(text) }

    func fixtureData<T: Decodable>(_ name: String, as: T.Type) throws -> T {
        let bytes = try SpotHarness.fixture("bitget/\(name)")
        return try BitgetREST.decode(.success(PluginHost.HTTPResponse(status: 200, headers: [], body: Array(bytes))),
                                     as: T.self, what: name).get()
    }

    /// A WebSocket push: its `data` items.
    struct Push<Item: Decodable>: Decodable { let data: [Item] }

    /// The `data` items of a WebSocket push fixture.
    func pushItems<T: Decodable>(_ name: String, as: T.Type) throws -> [T] {
        try JSONDecoder().decode(Push<T>.self, from: Data(try SpotHarness.fixture("bitget/\(name)"))).data
    }

    /// The futures `fill` push reports the fee paid negative, as REST does (unlike the spot push).
    @Test func aFuturesFillPushFlipsItsNegativeFee() throws {
        let record = try #require(try pushItems("ws_mix_fill.json", as: PerpPayloads.FillRecord.self).first)
        let fill = try PerpPayloads.fill(record, clientOrderID: "")
        #expect(fill.tradeID == "1169142761312637004" && fill.exchangeOrderID == "1169142761031114781")
        #expect(fill.price == d("80.87") && fill.size == d("0.1") && fill.side == .buy && !fill.isMaker)
        #expect(fill.fee == d("0.0048522") && fill.feeAsset == "USDT")
    }

    @Test func accountAndPositionPushesReadAsTheirRESTCounterparts() throws {
        // The push says `frozen` and `equity` where REST says `locked` and `accountEquity`.
        let account = try #require(try pushItems("ws_mix_account.json", as: PerpPayloads.Account.self).first)
        let balance = try PerpPayloads.balance(account)
        #expect(balance.asset == "USDT" && balance.available == d("11490.16841069") && balance.locked == .zero
                && balance.total == d("11489.96841069"))
        // Margin held by orders comes as `frozen` (a push recorded in ccxt's Bitget client, handle_balance).
        let held = #"{"marginCoin":"USDT","frozen":"5.36581500","available":"26.14309528","equity":"26.14309528"}"#
        #expect(try PerpPayloads.balance(JSONDecoder().decode(PerpPayloads.Account.self, from: Data(held.utf8))).locked
                == d("5.365815"))
        // `instId` instead of `symbol`, a numeric leverage, no mark price.
        let record = try #require(try pushItems("ws_positions.json", as: PerpPayloads.PositionRecord.self).first)
        let position = try PerpPayloads.position(record)
        #expect(position.symbol == "BTCUSDT" && position.position.side == .long && position.position.marginMode == .crossed)
        #expect(position.position.size == d("0.001") && position.position.entryPrice == d("43849")
                && position.position.leverage == d("20") && position.position.margin == d("2.19245"))
        #expect(position.position.unrealizedPnL == d("-0.0032") && position.position.liquidationPrice == d("17629.684814834"))
    }

    @Test func contractsBecomeRulesWithLeverageLimits() throws {
        let contract = try #require(try fixtureData("http_get_mix_contracts.json", as: [PerpPayloads.Contract].self).first)
        let rules = try PerpPayloads.instrument(contract)
        #expect(rules.isPerpetual && rules.symbol == "BTCUSDT")
        #expect(rules.priceIncrement == d("0.1"))   // pricePlace 1, priceEndStep 1
        #expect(rules.sizeIncrement == d("0.01"))   // sizeMultiplier
        #expect(rules.minSize == d("0.01") && rules.minNotional == d("5"))
        #expect(rules.makerFeeRate == d("0.0004") && rules.takerFeeRate == d("0.0006"))
        #expect(PerpPayloads.leverageRange(contract) == 1...125)
    }

    @Test func positionsAccountsAndFills() throws {
        let record = try #require(try fixtureData("http_get_mix_all_position.json", as: [PerpPayloads.PositionRecord].self).first)
        let position = try PerpPayloads.position(record)
        #expect(position.symbol == "BTCUSDT" && position.position.side == .long && position.position.marginMode == .isolated)
        #expect(position.position.size == d("0.01") && position.position.entryPrice == d("25000") && position.position.markPrice == d("25100"))
        #expect(position.position.unrealizedPnL == d("1") && position.position.leverage == d("20"))
        // 21 significant digits do not fit 64 bits: the estimate is cut to 18.
        #expect(position.position.liquidationPrice == d("24144.1124161806977"))
        #expect(position.position.margin == d("9.6695050093373343"))

        let account = try fixtureData("http_get_mix_account.json", as: PerpPayloads.Account.self)
        let balance = try PerpPayloads.balance(account)
        #expect(balance.asset == "USDT" && balance.available == d("13168.86110692") && balance.total == d("13178.86110692"))
        #expect(try PerpPayloads.positionMode(account.posMode) == .hedge)

        let page = try fixtureData("http_get_mix_fills.json", as: PerpPayloads.FillPage.self)
        let fill = try PerpPayloads.fill(try #require(page.fillList?.first), clientOrderID: "c")
        // "close" with side "buy" in hedge mode closes a long: a sell. Fee paid is positive.
        #expect(fill.side == .sell && fill.fee == d("0.017118519726") && fill.feeAsset == "BGB" && !fill.isMaker)
    }

    @Test func fundingPayloads() throws {
        let rate = try #require(try fixtureData("http_get_mix_current_fund_rate.json", as: [PerpPayloads.FundingRate].self).first)
        #expect(rate.fundingRate == "0.0005" && rate.nextUpdate == nil)
        let current = try #require(try fixtureData("http_get_mix_current_fund_rate_2025.json", as: [PerpPayloads.FundingRate].self).first)
        #expect(current.fundingRate == "0.000068" && current.nextUpdate?.text == "1743062400000")
    }

    @Test func malformedFuturesPayloadsAreClearErrors() throws {
        let bad = #"{"symbol":"BTCUSDT","holdSide":"sideways","total":"1"}"#
        let record = try JSONDecoder().decode(PerpPayloads.PositionRecord.self, from: Data(bad.utf8))
        #expect(throws: PayloadError.self) { try PerpPayloads.position(record) }
        let truncated = #"{"code":"00000","data":[{"symbol":"BTCUSDT","baseCoin":"#
        let result = BitgetREST.decode(.success(PluginHost.HTTPResponse(status: 200, headers: [], body: Array(truncated.utf8))),
                                       as: [PerpPayloads.Contract].self, what: "contracts")
        if case .failure(let error) = result { #expect(error.kind == .malformedResponse) } else { Issue.record("accepted") }
        #expect(throws: PayloadError.self) { try PerpPayloads.positionMode("both_ways") }
    }

    /// A live futures `orders` push (ws_mix_orders.json): a hedge-mode long opened by a limit buy,
    /// then canceled (spelled with one "l" here).
    @Test func aLiveFuturesOrdersPushReadsAsACancelledOpeningBuy() throws {
        let push = try #require(try pushItems("ws_mix_orders.json", as: PerpPayloads.OrderPush.self).first)
        let report = try PerpPayloads.report(push)
        #expect(report.clientOrderID == "1116501214318198793" && report.exchangeOrderID == "1116501214293032964")
        #expect(report.state == .cancelled && report.side == .buy && report.positionSide == .long && report.type == .limit)
        #expect(report.price == d("35000") && report.baseSize == d("0.003") && report.filledSize == .zero)
        #expect(report.updatedTime == 1_701_920_595_866_000_000)  // ns
        #expect(try PerpPayloads.fill(push, clientOrderID: report.clientOrderID) == nil)
    }

    @Test func orderPushReadsEitherClientIdSpelling() throws {
        for key in ["clientOid", "clientOId"] {
            let text = """
                {"instId":"BTCUSDT","orderId":"9","\(key)":"c9","size":"0.01","orderType":"market","side":"buy",\
                "tradeSide":"close","posSide":"long","status":"filled","accBaseVolume":"0.01","priceAvg":"60000",\
                "tradeId":"t9","fillPrice":"60000","baseVolume":"0.01","fillFee":"-0.36","fillFeeCoin":"USDT"}
                """
            let push = try JSONDecoder().decode(PerpPayloads.OrderPush.self, from: Data(text.utf8))
            let report = try PerpPayloads.report(push)
            #expect(report.clientOrderID == "c9" && report.side == .sell && report.positionSide == .long && report.state == .filled)
            let fill = try #require(try PerpPayloads.fill(push, clientOrderID: "c9"))
            #expect(fill.fee == d("0.36") && fill.side == .sell)
        }
    }

    @Test func oneWayOrdersNeverCarryTradeSide() throws {
        for side in [Side.buy, .sell] {
            for position in [PositionSide.none, .long, .short] {
                for reduce in [false, true] {
                    let (fields, _) = try PerpOrderMapping.fields(side: side, positionSide: position, reduceOnly: reduce, mode: .oneWay)
                    #expect(!fields.contains { $0.0 == "tradeSide" }, "\(side) \(position) \(reduce): \(fields)")
                    #expect(fields.first?.1 == (side == .buy ? "buy" : "sell"))
                }
            }
        }
        let (close, _) = try PerpOrderMapping.fields(side: .sell, positionSide: .long, reduceOnly: false, mode: .oneWay)
        #expect(close.contains { $0 == ("reduceOnly", "YES") })
    }

    @Test func hedgeOrdersUseBitgetsSideConvention() throws {
        func map(_ side: Side, _ position: PositionSide, reduce: Bool = false) throws -> [String] {
            try PerpOrderMapping.fields(side: side, positionSide: position, reduceOnly: reduce, mode: .hedge).0.map(\.1)
        }
        #expect(try map(.buy, .long) == ["buy", "open"])      // open long
        #expect(try map(.sell, .long) == ["buy", "close"])    // close long
        #expect(try map(.sell, .short) == ["sell", "open"])   // open short
        #expect(try map(.buy, .short) == ["sell", "close"])   // close short
        #expect(try map(.sell, .none, reduce: true) == ["buy", "close"])
        #expect(throws: PluginError.self) { try map(.buy, .long, reduce: true) }
    }
}

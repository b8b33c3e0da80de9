import CSwiftletSDK
import SwiftletABI
import SwiftletCore
import Testing

/// Trading structs crossing the ABI: round trips, and what a careless caller gets.
@Suite struct TradingValuesTests {
    @Test func orderRequestRoundTripsAndBadOnesAreRefused() throws {
        let storage = CStorage()
        let request = OrderRequest(side: .sell, symbol: "BTCUSDT", clientOrderID: "c1", type: .limit, timeInForce: .postOnly,
                                   price: try ExactDecimal("60000.5"), size: try ExactDecimal("0.01"),
                                   positionSide: .short, reduceOnly: true)
        var c = TradingValues.cOrderRequest(request, storage: storage)
        #expect(try TradingValues.orderRequest(&c) == request)

        var small = c
        small.struct_size = 8
        #expect { try TradingValues.orderRequest(&small) } throws: { ($0 as? ABIError)?.status == swl_status_t(SWL_ERR_ABI) }
        var sideways = c
        sideways.side = 9
        #expect { try TradingValues.orderRequest(&sideways) } throws: { ($0 as? ABIError)?.status == swl_status_t(SWL_ERR_INVALID_ARGUMENT) }
        var badScale = c
        badScale.price.scale = 40
        #expect(throws: ABIError.self) { try TradingValues.orderRequest(&badScale) }
    }

    @Test func anOrderRequestLentWithoutStorageRoundTrips() throws {
        let request = OrderRequest(side: .buy, symbol: "ETHUSDT", clientOrderID: "swl0xsessionx1z", type: .market,
                                   timeInForce: .ioc, price: .zero, size: try ExactDecimal("0.5"),
                                   quoteSize: try ExactDecimal("1500.25"))
        #expect(try TradingValues.withCOrderRequest(request) { c throws(ABIError) in try TradingValues.orderRequest(c) } == request)
        var noID = request
        noID.clientOrderID = ""
        #expect(try TradingValues.withCOrderRequest(noID) { c throws(ABIError) in try TradingValues.orderRequest(c) } == noID)
        #expect(TradingValues.withCOrderRequest(noID) { $0.pointee.client_order_id.len } == 0)
    }

    @Test func positionsAndFundingRoundTrip() throws {
        let storage = CStorage()
        let position = PositionSnapshot(symbol: "ETHUSDT", position: Position(
            side: .long, marginMode: .isolated, size: try ExactDecimal("1.5"), entryPrice: try ExactDecimal("3000"),
            markPrice: try ExactDecimal("3010"), unrealizedPnL: try ExactDecimal("15"), realizedPnL: .zero,
            margin: try ExactDecimal("150"), leverage: ExactDecimal(30), liquidationPrice: try ExactDecimal("2910.5"),
            marginAsset: ""))
        var c = PerpetualValues.cPosition(position, storage: storage)
        #expect(try PerpetualValues.position(&c) == position)
        c.struct_size = 4
        #expect(throws: ABIError.self) { try PerpetualValues.position(&c) }
        let info = FundingInfo(rate: try ExactDecimal("0.0001"), nextFundingTime: 42, markPrice: ExactDecimal(1), indexPrice: ExactDecimal(2))
        var cInfo = PerpetualValues.cFundingInfo(info)
        #expect(try PerpetualValues.fundingInfo(&cInfo) == info)
    }
}

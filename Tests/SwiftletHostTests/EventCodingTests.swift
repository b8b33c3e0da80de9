import CSwiftletSDK
import SwiftletABI
import SwiftletCore
import Testing

/// Events encoded for C (what a plugin's `on_event` receives) and decoded back (what the
/// host reads from `emit`): every kind comes back exactly as it went.
@Suite struct EventCodingTests {
    private static func d(_ text: String) -> ExactDecimal { try! ExactDecimal(text) }

    static let payloads: [EventPayload] = [
        .book(BookUpdate(isSnapshot: true,
                         bids: [BookLevel(price: d("60000.5"), size: d("0.25")), BookLevel(price: d("59999"), size: d("3"))],
                         asks: [BookLevel(price: d("60001"), size: d("0.0001")), BookLevel(price: d("60002.75"), size: d("7")),
                                BookLevel(price: d("60010"), size: d("0"))],
                         sequence: 42)),
        .book(BookUpdate(isSnapshot: false, bids: [], asks: [BookLevel(price: d("1.5"), size: d("2"))], sequence: 43)),
        .book(BookUpdate(isSnapshot: false, bids: [BookLevel(price: d("1.4"), size: d("0"))], asks: [], sequence: 44)),
        .book(BookUpdate(isSnapshot: false, bids: [], asks: [], sequence: 45)),
        .bookResync(reason: "checksum mismatch"),
        .trade(Trade(tradeID: "t-1", takerSide: .sell, price: d("60000.1"), size: d("0.002"))),
        .ticker(Ticker(lastPrice: d("60000"), bestBid: d("59999.9"), bestBidSize: d("1"), bestAsk: d("60000.1"),
                       bestAskSize: d("2"), baseVolume24h: d("1234.5"), quoteVolume24h: d("74000000"))),
        .order(OrderUpdate(clientOrderID: "swl0x1x2", exchangeOrderID: "1234567890", state: .partiallyFilled, side: .buy,
                           type: .limit, positionSide: .long, price: d("60000"), size: d("0.01"), filledSize: d("0.004"),
                           averageFillPrice: d("59999.5"), reason: "")),
        .fill(Fill(tradeID: "f-9", clientOrderID: "c", exchangeOrderID: "e", side: .sell, isMaker: true,
                   price: d("3000.25"), size: d("1.5"), fee: d("-0.0045"), feeAsset: "USDT", positionSide: .short)),
        .balance(Balance(asset: "USDT", total: d("1000.5"), available: d("900"), locked: d("100.5"))),
        .position(Position(side: .short, marginMode: .isolated, size: d("2"), entryPrice: d("3000"), markPrice: d("2990"),
                           unrealizedPnL: d("20"), realizedPnL: d("-1.5"), margin: d("600"), leverage: d("10"),
                           liquidationPrice: d("3290"), marginAsset: "USDT")),
        .fundingInfo(FundingInfo(rate: d("0.0001"), nextFundingTime: 1_733_000_000_000, markPrice: d("3000"), indexPrice: d("2999"))),
        .fundingPayment(FundingPayment(paymentID: "p-1", amount: d("-0.3"), rate: d("0.0001"), asset: "USDT")),
        .candle(CandleUpdate(feed: "bitget-spot", interval: "1m",
                             candle: Candle(openTime: 1_733_000_040_000, open: d("1"), high: d("2"), low: d("0.5"),
                                            close: d("1.5"), baseVolume: d("10"), quoteVolume: d("15")),
                             isClosed: true)),
        .error(ErrorReport(status: 7, code: "43001", message: "order not found")),
        .connection(ConnectionChange(stream: "public1", state: .reconnecting, detail: "socket closed: €")),
        .timer(id: 99),
    ]

    @Test(arguments: payloads)
    func everyKindComesBackAsItWent(_ payload: EventPayload) throws {
        let event = Event(context: EventContext(exchangeTime: 1_733_000_000_123, localTime: 1_733_000_000_456,
                                                source: "bitget-spot", symbol: "BTCUSDT"),
                          payload: payload)
        let decoded = EventEncoding.withCEvent(event) { header in Result { () throws(ABIError) in try EventDecoding.decode(header) } }
        #expect(try decoded.get() == event)
    }

    @Test func aBookEventsLevelsAreItsOwnBidsThenAsks() {
        let book = BookUpdate(isSnapshot: false, bids: [BookLevel(price: Self.d("2"), size: Self.d("1"))],
                              asks: [BookLevel(price: Self.d("3"), size: Self.d("4")), BookLevel(price: Self.d("5"), size: Self.d("6"))],
                              sequence: 7)
        let event = Event(context: EventContext(source: "s", symbol: "X"), payload: .book(book))
        EventEncoding.withCEvent(event) { header in
            #expect(Int(header.pointee.kind) == Int(SWL_EVENT_BOOK_DELTA))
            #expect(Int(header.pointee.struct_size) == MemoryLayout<swl_book_event_t>.size)
            let c = UnsafeRawPointer(header).load(as: swl_book_event_t.self)
            #expect(c.bid_count == 1 && c.ask_count == 2 && c.sequence == 7)
            #expect(c.bids?[0].price.mantissa == 2 && c.asks?[0].price.mantissa == 3 && c.asks?[1].size.mantissa == 6)
        }
    }
}

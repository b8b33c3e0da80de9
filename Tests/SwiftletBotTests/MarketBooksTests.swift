import SwiftletBot
import SwiftletCore
import Testing

@Suite struct MarketBooksTests {
    @Test func snapshotThenDeltasKeepTheBestLevels() {
        let books = MarketBooks()
        #expect(books.topOfBook(source: "bitget", symbol: "BTCUSDT") == nil)
        books.apply(bookEvent(snapshot: true, bids: [("100.00", "1"), ("99.50", "2")], asks: [("100.50", "1"), ("101", "3")]))
        var top = books.topOfBook(source: "bitget", symbol: "BTCUSDT")
        #expect(top?.bid.price == dec("100") && top?.ask.price == dec("100.5"))
        // Delete the best bid, add a better ask, change a size.
        books.apply(bookEvent(snapshot: false, bids: [("100.00", "0"), ("99.50", "5")], asks: [("100.25", "2")]))
        top = books.topOfBook(source: "bitget", symbol: "BTCUSDT")
        #expect(top?.bid.price == dec("99.5") && top?.bid.size == dec("5"))
        #expect(top?.ask.price == dec("100.25") && top?.ask.size == dec("2"))
        #expect(books.mark(source: "bitget", symbol: "BTCUSDT") == dec("99.875"))
        // Another source's book is separate.
        #expect(books.topOfBook(source: "bitget_perpetual", symbol: "BTCUSDT") == nil)
    }

    @Test func aResyncHidesTheBookUntilTheNextSnapshot() {
        let books = MarketBooks()
        books.apply(bookEvent(snapshot: true, bids: [("10", "1")], asks: [("11", "1")]))
        books.apply(Event(context: EventContext(source: "bitget", symbol: "BTCUSDT"),
                          payload: .trade(Trade(tradeID: "1", takerSide: .buy, price: dec("10.7"), size: dec("1")))))
        books.apply(Event(context: EventContext(source: "bitget", symbol: "BTCUSDT"), payload: .bookResync(reason: "gap")))
        #expect(books.topOfBook(source: "bitget", symbol: "BTCUSDT") == nil)
        #expect(books.mark(source: "bitget", symbol: "BTCUSDT") == dec("10.7"))
        books.apply(bookEvent(snapshot: true, bids: [("12", "1")], asks: [("13", "1")]))
        #expect(books.topOfBook(source: "bitget", symbol: "BTCUSDT")?.bid.price == dec("12"))
    }

    @Test func aSnapshotReplacesEveryLevel() {
        let books = MarketBooks()
        books.apply(bookEvent(snapshot: true, bids: [("10", "1"), ("9", "1")], asks: [("11", "1")]))
        books.apply(bookEvent(snapshot: true, bids: [("8", "1")], asks: [("8.5", "1")]))
        books.apply(bookEvent(snapshot: false, bids: [("8", "0")], asks: []))
        #expect(books.topOfBook(source: "bitget", symbol: "BTCUSDT") == nil)
    }
}

import Foundation
import SwiftletCore
import SwiftletPersistence
import Testing

@Suite struct TradeJournalTests {
    @Test func aFillSeenTwiceIsStoredOnce() throws {
        let journal = try TradeJournal.inMemory()
        let fill = try Make.fill("T1", .buy, "0.000100", at: "97000.10", fee: "0.0000001", feeAsset: "BTC", time: 10)
        #expect(try journal.record(fill) == .stored)
        // Reconciliation reports it again, later and with another receive time.
        var again = fill
        again.context.localTime = 99_999
        #expect(try journal.record(again) == .duplicate)
        // The same trade id in another market or from another source is another fill.
        #expect(try journal.record(try Make.fill("T1", .sell, "1", at: "3000", symbol: "ETHUSDT", time: 11)) == .stored)
        #expect(try journal.record(try Make.fill("T1", .sell, "1", at: "97000", source: "bitget_perpetual", time: 12)) == .stored)
        #expect(try journal.counts().fills == 3)

        let stored = try journal.fills(source: "bitget", symbol: "BTCUSDT")
        #expect(stored.count == 1)
        let first = try #require(stored.first)
        // Everything round-trips exactly, the decimals with their scale.
        #expect(first.context == fill.context)
        guard case .fill(let original) = fill.payload else { Issue.record("not a fill"); return }
        #expect(first.fill == original)
        #expect(first.fill.size.description == "0.000100")
        #expect(first.fill.fee.description == "0.0000001")
        #expect(first.time == 10)
        #expect(try journal.fills(source: "bitget").map(\.fill.tradeID) == ["T1", "T1"])
        #expect(try journal.fills(since: 11).map(\.time) == [11, 12])
        #expect(try journal.latestFillTime(source: "bitget") == 11)
        #expect(try journal.latestFillTime(source: "nobody") == nil)
    }

    @Test func aFundingPaymentSeenTwiceIsStoredOnce() throws {
        let journal = try TradeJournal.inMemory()
        #expect(try journal.record(try Make.funding("F1", "-0.35", time: 1)) == .stored)
        #expect(try journal.record(try Make.funding("F1", "-0.35", time: 1)) == .duplicate)
        // Payment ids are per source: the same id in another symbol is still the same payment.
        #expect(try journal.record(try Make.funding("F1", "-0.35", symbol: "ETHUSDT", time: 1)) == .duplicate)
        #expect(try journal.record(try Make.funding("F2", "0.10", time: 2)) == .stored)
        let payments = try journal.fundingPayments()
        #expect(payments.map(\.payment.paymentID) == ["F1", "F2"])
        #expect(payments.map(\.payment.amount.description) == ["-0.35", "0.10"])
        #expect(payments[0].market == Market(source: "bitget_perpetual", symbol: "BTCUSDT"))
    }

    @Test func anOrderKeepsItsLatestStateAndItsHistory() throws {
        let journal = try TradeJournal.inMemory()
        try journal.record(try Make.order("c-1", .pendingCreate, time: 1))
        try journal.record(try Make.order("c-1", .open, time: 2))
        try journal.record(try Make.order("c-2", .open, time: 3))
        try journal.record(try Make.order("c-3", .open, source: "bitget_perpetual", time: 4))
        #expect(try journal.openOrders().map(\.update.clientOrderID) == ["c-1", "c-2", "c-3"])
        #expect(try journal.openOrders(source: "bitget").map(\.update.clientOrderID) == ["c-1", "c-2"])

        try journal.record(try Make.order("c-1", .partiallyFilled, filled: "0.004", time: 5))
        try journal.record(try Make.order("c-1", .filled, filled: "0.010", time: 6))
        // A late update of the stream, replayed after the final one, does not reopen the order.
        try journal.record(try Make.order("c-1", .open, time: 7))
        let latest = try #require(try journal.order(source: "bitget", clientOrderID: "c-1"))
        #expect(latest.update.state == .filled)
        #expect(latest.update.filledSize == (try dec("0.01")))
        #expect(latest.context.exchangeTime == 6)
        #expect(try journal.orderHistory(source: "bitget", clientOrderID: "c-1").map(\.update.state)
                == [.pendingCreate, .open, .partiallyFilled, .filled, .open])
        #expect(try journal.openOrders(source: "bitget").map(\.update.clientOrderID) == ["c-2"])

        // One final state may follow another (a cancel reported after a failure is kept).
        try journal.record(try Make.order("c-2", .failed, time: 8))
        try journal.record(try Make.order("c-2", .cancelled, time: 9))
        #expect(try journal.order(source: "bitget", clientOrderID: "c-2")?.update.state == .cancelled)
        #expect(try journal.orders(source: "bitget").map(\.update.state) == [.filled, .cancelled])
        #expect(try journal.orders(source: "bitget_perpetual", symbol: "BTCUSDT").map(\.update.state) == [.open])
        #expect(try journal.order(source: "bitget", clientOrderID: "never") == nil)
        let counts = try journal.counts()
        #expect(counts.orders == 3)
        #expect(counts.orderUpdates == 9)
    }

    @Test func positionChangesAreAppended() throws {
        let journal = try TradeJournal.inMemory()
        let first = try Make.position("0.5", time: 1)
        try journal.record(first)
        try journal.record(try Make.position("0", side: .none, time: 2))
        let changes = try journal.positionChanges(source: "bitget_perpetual", symbol: "BTCUSDT")
        #expect(changes.map(\.position.size) == [try dec("0.5"), .zero])
        guard case .position(let original) = first.payload else { Issue.record("not a position"); return }
        #expect(changes[0].position == original)
        #expect(changes[0].context == first.context)
        #expect(try journal.positionChanges(source: "bitget").isEmpty)
    }

    @Test func theLastPriceIsTheNewestTickerOrTrade() throws {
        let journal = try TradeJournal.inMemory()
        let market = Market(source: "bitget", symbol: "BTCUSDT")
        #expect(try journal.record(try Make.ticker("97000.5", time: 10)) == .stored)
        #expect(try journal.record(try Make.trade("97001", time: 20)) == .stored)
        // An older price (a replayed trade) does not move the mark back.
        #expect(try journal.record(try Make.ticker("90000", time: 15)) == .ignored)
        // A ticker without a last trade says nothing.
        #expect(try journal.record(try Make.ticker("0", time: 30)) == .ignored)
        #expect(try journal.record(try Make.trade("3000", symbol: "ETHUSDT", time: 5)) == .stored)
        #expect(try journal.lastPrices() == [
            LastPrice(market: market, price: try dec("97001"), time: 20),
            LastPrice(market: Market(source: "bitget", symbol: "ETHUSDT"), price: try dec("3000"), time: 5),
        ])
    }

    @Test func otherEventsAreIgnored() throws {
        let journal = try TradeJournal.inMemory()
        let context = Make.context()
        let ignored: [EventPayload] = [
            .balance(Balance(asset: "USDT", total: try dec("10"), available: try dec("10"), locked: .zero)),
            .book(BookUpdate(isSnapshot: true, bids: [], asks: [], sequence: 1)),
            .bookResync(reason: "gap"),
            .connection(ConnectionChange(stream: "private", state: .connected, detail: "")),
            .timer(id: 7),
        ]
        for payload in ignored {
            #expect(try journal.record(Event(context: context, payload: payload)) == .ignored)
        }
        #expect(try journal.counts() == JournalCounts(orders: 0, orderUpdates: 0, fills: 0, positionChanges: 0,
                                                      fundingPayments: 0, lastPrices: 0))
    }

    @Test func badEventsAreRefusedNamingTheFieldAndWriteNothing() throws {
        let journal = try TradeJournal.inMemory()
        func message(_ event: Event) -> String {
            do {
                try journal.record(event)
                return "recorded"
            } catch {
                return error.message
            }
        }
        #expect(message(try Make.fill("", .buy, "1", at: "100")).contains("empty tradeID"))
        #expect(message(try Make.fill("T1", .buy, "1", at: "100", source: "")).contains("empty source"))
        #expect(message(try Make.fill("T1", .buy, "1", at: "100", symbol: "")).contains("empty symbol"))
        #expect(message(try Make.fill("T1", .buy, "0", at: "100")).contains("size 0, must be positive"))
        #expect(message(try Make.fill("T1", .buy, "1", at: "-100")).contains("price -100, must be positive"))
        #expect(message(try Make.order("", .open)).contains("empty clientOrderID"))
        #expect(message(try Make.funding("", "1")).contains("empty paymentID"))
        #expect(message(try Make.trade("-1")).contains("price -1, must be positive"))
        #expect(try journal.counts() == JournalCounts(orders: 0, orderUpdates: 0, fills: 0, positionChanges: 0,
                                                      fundingPayments: 0, lastPrices: 0))
    }

    @Test func reopeningTheFileKeepsEverything() throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.path("nested/trades.sqlite")
        let events = [
            try Make.order("c-1", .open, time: 1),
            try Make.fill("T1", .buy, "0.5", at: "100", time: 2),
            try Make.order("c-1", .filled, filled: "0.5", time: 3),
            try Make.position("0.5", time: 4),
            try Make.funding("F1", "-0.01", time: 5),
            try Make.ticker("101", time: 6),
        ]
        do {
            let journal = try TradeJournal(path: path)
            for event in events { try journal.record(event) }
        }
        let reopened = try TradeJournal(path: path)
        #expect(try reopened.counts() == JournalCounts(orders: 1, orderUpdates: 2, fills: 1, positionChanges: 1,
                                                       fundingPayments: 1, lastPrices: 1))
        #expect(try reopened.order(source: "bitget", clientOrderID: "c-1")?.update.state == .filled)
        #expect(try reopened.fills().map(\.fill.tradeID) == ["T1"])
        // After a restart, the stream's replay of a known fill is recognised.
        #expect(try reopened.record(events[1]) == .duplicate)
        #expect(try reopened.record(try Make.fill("T2", .sell, "0.5", at: "110", time: 7)) == .stored)
        #expect(try reopened.pnlReport().markets.first?.realizedPnL == (try dec("5")))
    }

    @Test func aSecondConnectionSeesEveryCommittedRecord() throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.path("trades.sqlite")
        let writer = try TradeJournal(path: path)
        for index in 0..<50 {
            try writer.record(try Make.fill("T\(index)", .buy, "1", at: "100", time: Int64(index)))
        }
        // Opened while the first is still open and has not been closed or checkpointed.
        let reader = try TradeJournal(path: path)
        #expect(try reader.counts().fills == 50)
        try reader.record(try Make.fill("R1", .sell, "1", at: "100", time: 100))
        #expect(try writer.fills(since: 100).map(\.fill.tradeID) == ["R1"])
    }

    @Test func aFileThatIsNotAJournalIsAnError() throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        try FileManager.default.createDirectory(at: directory.url, withIntermediateDirectories: true)
        let path = directory.path("garbage.sqlite")
        #expect(FileManager.default.createFile(atPath: path, contents: Data(repeating: 0x5A, count: 4096)))
        let error = #expect(throws: PersistenceError.self) { try TradeJournal(path: path) }
        #expect(error?.message.contains(path) == true)
    }

    @Test func theDefaultPathFollowsSwiftletHome() {
        #expect(TradeJournal.defaultPath(environment: ["SWIFTLET_HOME": "/srv/bot"]) == "/srv/bot/trades.sqlite")
        #expect(TradeJournal.defaultPath(environment: [:]) == ".swiftlet/trades.sqlite")
        #expect(TradeJournal.defaultPath(environment: ["SWIFTLET_HOME": ""]) == ".swiftlet/trades.sqlite")
    }

    @Test func marketsParseFromSourceColonSymbol() throws {
        #expect(try Market(parsing: "bitget_perpetual:BTCUSDT") == Market(source: "bitget_perpetual", symbol: "BTCUSDT"))
        #expect(Market(source: "bitget", symbol: "BTCUSDT").description == "bitget:BTCUSDT")
        for bad in ["BTCUSDT", ":BTCUSDT", "bitget:", ""] {
            #expect(throws: PersistenceError.self) { try Market(parsing: bad) }
        }
    }
}

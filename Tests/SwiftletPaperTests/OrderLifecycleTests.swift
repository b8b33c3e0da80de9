import SwiftletCore
import SwiftletPaper
import Testing

/// Order states, time in force, cancels, trading rules, funds and ids.
@Suite struct OrderLifecycleTests {
    private func exchange() throws -> PaperExchange {
        let paper = try Fixture.spotExchange()
        _ = paper.apply(Fixture.book(bids: [("100", "1")], asks: [("101", "0.1"), ("102", "1")]))
        return paper
    }

    @Test func postOnlyThatWouldCrossIsCancelledWithAReasonAndMovesNoMoney() throws {
        let paper = try exchange()
        let (id, events) = try paper.place(Fixture.limit(.buy, "0.5", at: "101", tif: .postOnly), now: Fixture.now)
        #expect(events.kinds == ["order:pendingCreate", "order:cancelled"])
        #expect(events.orderUpdates.last?.reason.contains("post-only") == true)
        #expect(events.orderUpdates.first?.exchangeOrderID == "")
        #expect(events.orderUpdates.last?.exchangeOrderID.isEmpty == false)
        #expect(paper.order(id)?.state == .cancelled)
        #expect(paper.balance("USDT") == Fixture.balance("USDT", "10000"))

        let resting = try paper.place(Fixture.limit(.buy, "0.5", at: "100.9", tif: .postOnly), now: Fixture.now)
        #expect(resting.events.states == [.pendingCreate, .open])
    }

    @Test func immediateOrCancelTakesWhatCrossesAndCancelsTheRest() throws {
        let paper = try exchange()
        let (id, events) = try paper.place(Fixture.limit(.buy, "0.5", at: "101", tif: .ioc), now: Fixture.now)
        #expect(events.states == [.pendingCreate, .partiallyFilled, .cancelled])
        #expect(events.fills.map(\.size) == [dec("0.1")])
        #expect(paper.order(id)?.filledSize == dec("0.1"))
        // Nothing stays locked for the cancelled rest.
        #expect(paper.balance("USDT") == Fixture.balance("USDT", "9989.9"))
    }

    @Test func fillOrKillFillsEntirelyOrNotAtAll() throws {
        let paper = try exchange()
        let killed = try paper.place(Fixture.limit(.buy, "0.5", at: "101", tif: .fok), now: Fixture.now).events
        #expect(killed.states == [.pendingCreate, .cancelled])
        #expect(killed.fills.isEmpty)
        #expect(killed.orderUpdates.last?.reason.contains("only 0.1 of 0.500 available") == true)
        #expect(paper.balance("USDT") == Fixture.balance("USDT", "10000"))

        let filled = try paper.place(Fixture.limit(.buy, "0.5", at: "102", tif: .fok), now: Fixture.now).events
        #expect(filled.states == [.pendingCreate, .partiallyFilled, .filled])
        #expect(filled.fills.map(\.price) == [dec("101"), dec("102")])
    }

    @Test func cancelReportsPendingCancelThenCancelledAndUnlocks() throws {
        let paper = try exchange()
        let (id, _) = try paper.place(Fixture.limit(.buy, "0.5", at: "99"), now: Fixture.now)
        #expect(paper.balance("USDT").locked == dec("49.5"))
        let events = try paper.cancel(symbol: "BTCUSDT", clientOrderID: id, now: Fixture.now + 1)
        #expect(events.kinds == ["order:pendingCancel", "order:cancelled", "balance:USDT"])
        #expect(paper.balance("USDT") == Fixture.balance("USDT", "10000"))
        #expect(paper.openOrders(symbol: "BTCUSDT").isEmpty)
        // Final is final: a second cancel, and a trade through its price, do nothing.
        #expect(throws: PaperError.self) { try paper.cancel(symbol: "BTCUSDT", clientOrderID: id, now: Fixture.now) }
        #expect(paper.apply(Fixture.trade(price: "98", size: "1", taker: .sell)).isEmpty)
        #expect(throws: PaperError.self) { try paper.cancel(symbol: "", clientOrderID: "nope", now: Fixture.now) }
    }

    @Test func cancelAllCancelsEveryOpenOrderOfTheSymbolOrAll() throws {
        let paper = try exchange()
        _ = try paper.place(Fixture.limit(.buy, "0.1", at: "99"), now: Fixture.now)
        _ = try paper.place(Fixture.limit(.sell, "0.1", at: "105"), now: Fixture.now)
        #expect(paper.cancelAll(symbol: "ETHUSDT", now: Fixture.now).isEmpty)
        let events = paper.cancelAll(symbol: "", now: Fixture.now)
        #expect(events.states == [.pendingCancel, .cancelled, .pendingCancel, .cancelled])
        #expect(paper.openOrders(symbol: "").isEmpty)
        #expect(paper.balances == [Fixture.balance("BTC", "1"), Fixture.balance("USDT", "10000")])
    }

    @Test func insufficientFundsRefusesAndChangesNothing() throws {
        let paper = try exchange()
        do {
            _ = try paper.place(Fixture.limit(.buy, "200", at: "100"), now: Fixture.now)
            Issue.record("a buy of 20000 USDT was accepted with 10000")
        } catch {
            #expect(error.kind == .insufficientFunds)
            #expect(error.message.contains("20000") && error.message.contains("USDT"))
        }
        #expect(throws: PaperError.self) { try paper.place(Fixture.market(.sell, "1.5"), now: Fixture.now) }
        #expect(paper.openOrders(symbol: "").isEmpty)
        #expect(paper.balances == [Fixture.balance("BTC", "1"), Fixture.balance("USDT", "10000")])
    }

    @Test func pricesAndSizesAreQuantizedAndMinimumsRefusedNamingTheRule() throws {
        let paper = try exchange()
        let (buy, _) = try paper.place(Fixture.limit(.buy, "0.12345", at: "99.07"), now: Fixture.now)
        #expect(paper.order(buy)?.price == dec("99.0"))
        #expect(paper.order(buy)?.size == dec("0.123"))
        let (sell, _) = try paper.place(Fixture.limit(.sell, "0.1", at: "105.01"), now: Fixture.now)
        #expect(paper.order(sell)?.price == dec("105.1"))

        do {
            _ = try paper.place(Fixture.limit(.buy, "0.01", at: "99"), now: Fixture.now)
            Issue.record("0.99 USDT accepted under a 5 USDT minimum")
        } catch {
            #expect(error.kind == .invalidArgument)
            #expect(error.message.contains("minimum notional 5"))
        }
        do {
            _ = try paper.place(Fixture.limit(.buy, "0.0004", at: "99"), now: Fixture.now)
            Issue.record("a size below the lot was accepted")
        } catch {
            #expect(error.message.contains("minimum size"))
        }
    }

    @Test func clientIDsAreGeneratedUniqueAndDuplicatesRefused() throws {
        let paper = try Fixture.spotExchange()
        let first = try paper.place(Fixture.limit(.buy, "0.1", at: "90"), now: Fixture.now).clientOrderID
        let second = try paper.place(Fixture.limit(.buy, "0.1", at: "90"), now: Fixture.now).clientOrderID
        #expect(first != second)
        for id in [first, second] {
            #expect(id.count <= 40)
            #expect(id.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_") })
        }
        _ = try paper.place(Fixture.limit(.buy, "0.1", at: "90", id: "mine_1"), now: Fixture.now)
        #expect(throws: PaperError.self) { try paper.place(Fixture.limit(.buy, "0.1", at: "90", id: "mine_1"), now: Fixture.now) }
        #expect(throws: PaperError.self) { try paper.place(Fixture.limit(.buy, "0.1", at: "90", id: "no/slash"), now: Fixture.now) }
        #expect(paper.openOrders(symbol: "BTCUSDT").count == 3)
        // Still refused once the order is final.
        _ = try paper.cancel(symbol: "BTCUSDT", clientOrderID: "mine_1", now: Fixture.now)
        #expect(paper.order("mine_1")?.state == .cancelled)
        #expect(throws: PaperError.self) { try paper.place(Fixture.limit(.buy, "0.1", at: "90", id: "mine_1"), now: Fixture.now) }
    }

    @Test func anOverflowingOrderIsRefusedNotACrash() throws {
        let paper = try exchange()
        do {
            _ = try paper.place(Fixture.limit(.buy, "900000000", at: "90000000000"), now: Fixture.now)
            Issue.record("an overflowing notional was accepted")
        } catch {
            #expect(error.kind == .invalidArgument)
            #expect(error.message.contains("overflow"))
        }
    }

    @Test func badSetupIsRefusedNamingTheField() throws {
        var bad = Fixture.spot
        bad.sizeIncrement = .zero
        #expect(throws: PaperError.self) { try Fixture.spotExchange(instrument: bad) }
        #expect(throws: PaperError.self) {
            try PaperExchange(connector: "x", instruments: [Fixture.perp], balances: [], defaultLeverage: dec("0.5"))
        }
        #expect(throws: PaperError.self) {
            try PaperExchange(connector: "x", instruments: [Fixture.spot], balances: [Fixture.balance("USDT", "-1")])
        }
    }
}

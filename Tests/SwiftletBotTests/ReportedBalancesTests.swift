import CSwiftletSDK
import SwiftletABI
import SwiftletBot
import SwiftletCore
import SwiftletHost
import Testing

/// The balances the risk checks read: a venue's listing once, then its BALANCE events.
struct ReportedBalancesTests {
    func usdt(_ amount: String) -> Balance { Balance(asset: "USDT", total: dec(amount), available: dec(amount), locked: .zero) }

    @Test func theListingIsTakenOnceThenEventsKeepItCurrent() throws {
        let venue = FakeVenue(balances: [("USDT", "1000"), ("BTC", "1")])
        let balances = ReportedBalances()
        #expect(try balances.balance(of: "USDT", on: venue)?.available == dec("1000"))
        #expect(try balances.balance(of: "BTC", on: venue)?.available == dec("1"))
        // Listed: an asset the venue does not have has none, without asking again.
        #expect(try balances.balance(of: "ETH", on: venue) == nil)
        #expect(venue.balanceListings == 1)
        // An event replaces its asset; the venue is not asked.
        venue.balanceValues = [usdt("999")]
        balances.record(usdt("150"), venue: "bitget")
        #expect(try balances.balance(of: "USDT", on: venue)?.available == dec("150"))
        #expect(venue.balanceListings == 1)
        // Another venue's events are its own.
        balances.record(usdt("5"), venue: "other")
        #expect(try balances.balance(of: "USDT", on: venue)?.available == dec("150"))
        // Forgotten (a hot swap's new instance): the listing is taken again.
        balances.forget(venue: "bitget")
        #expect(try balances.balance(of: "USDT", on: venue)?.available == dec("999"))
        #expect(try balances.balance(of: "BTC", on: venue) == nil)
        #expect(venue.balanceListings == 2)
    }

    @Test func anEventRecordedBeforeTheListingIsNewerAndKept() throws {
        let venue = FakeVenue(balances: [("USDT", "1000"), ("BTC", "1")])
        let balances = ReportedBalances()
        balances.record(usdt("40"), venue: "bitget")
        // USDT is known from the event; BTC needs the listing, which must not undo the event.
        #expect(try balances.balance(of: "BTC", on: venue)?.available == dec("1"))
        #expect(try balances.balance(of: "USDT", on: venue)?.available == dec("40"))
        #expect(venue.balanceListings == 1)
    }

    @Test func aListingThatFailsIsTheCallersError() throws {
        let venue = FakeVenue(balances: [("USDT", "1000")])
        venue.listingError = ABIError(SWL_ERR_STATE, "not started")
        let balances = ReportedBalances()
        #expect(throws: ABIError.self) { try balances.balance(of: "USDT", on: venue) }
        // Nothing was taken for a listing: the next question asks again.
        venue.listingError = nil
        #expect(try balances.balance(of: "USDT", on: venue)?.available == dec("1000"))
    }

    /// The bot records BALANCE events from its bus, and its risk checks judge by them.
    @Test func theBotsRiskChecksSeeABalanceEventAtOnce() async throws {
        let runtime = try HostRuntime()
        let bot = Bot(runtime: runtime)
        let venue = FakeVenue(balances: [("USDT", "1000"), ("BTC", "1")])
        bot.addVenue(venue)
        let buy = OrderRequest(side: .buy, symbol: "BTCUSDT", type: .limit, price: dec("100"), size: dec("2"))
        #expect(throws: Never.self) {
            try bot.risk.check(buy, instrument: venue.instrumentValue, on: venue, referencePrice: nil, balances: bot.balances)
        }
        runtime.events.publish(Event(context: EventContext(source: "bitget"), payload: .balance(usdt("150"))))
        #expect(try bot.balances.balance(of: "USDT", on: venue)?.available == dec("150"))
        do {
            try bot.risk.check(buy, instrument: venue.instrumentValue, on: venue, referencePrice: nil, balances: bot.balances)
            Issue.record("a 200 USDT buy passed with 150 USDT reported")
        } catch {
            #expect(error.status == SWL_ERR_INSUFFICIENT_FUNDS)
        }
        #expect(venue.balanceListings == 1)
        await runtime.shutdown()
    }
}

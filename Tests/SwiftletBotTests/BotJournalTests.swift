import Dispatch
import Foundation
import GRDB
import SwiftletBot
import SwiftletCore
import SwiftletHost
import SwiftletPersistence
import Testing

/// How the bot writes its trade database: pending order states behind the event, off the
/// caller's thread; everything else before the event's delivery returns; always in order.
struct BotJournalTests {
    private func order(_ state: OrderState, clientOrderID: String = "swl0x1x1") -> Event {
        Event(context: EventContext(exchangeTime: 1, localTime: 1, source: "bitget", symbol: "BTCUSDT"),
              payload: .order(OrderUpdate(clientOrderID: clientOrderID, exchangeOrderID: state == .pendingCreate ? "" : "9",
                                          state: state, side: .buy, type: .limit, price: dec("60000"), size: dec("0.01"))))
    }

    @Test func aPendingOrderStateIsWrittenBehindWhileTheDatabaseIsBusyAndTheOrderIsKept() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("swiftlet-bot-journal-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("trades.sqlite").path
        let journal = try TradeJournal(path: path)
        let runtime = try HostRuntime()
        let bot = Bot(runtime: runtime, journal: journal)

        // Another connection holds the database's write lock, as a long write or a
        // checkpoint would.
        let locker = try DatabaseQueue(path: path)
        let locked = DispatchSemaphore(value: 0), release = DispatchSemaphore(value: 0)
        Thread {
            try? locker.inTransaction(.immediate) { _ in
                locked.signal()
                release.wait()
                return .commit
            }
        }.start()
        locked.wait()

        // The PENDING_CREATE a connector emits inside the strategy's call is delivered
        // without waiting for the lock: the write waits instead.
        let delivered = DispatchSemaphore(value: 0)
        Thread {
            runtime.events.publish(order(.pendingCreate))
            delivered.signal()
        }.start()
        let deliveredWhileLocked = delivered.wait(timeout: .now() + 3) == .success
        #expect(deliveredWhileLocked, "the delivery waited for the database")
        #expect(try journal.order(source: "bitget", clientOrderID: "swl0x1x1") == nil)
        release.signal()
        if !deliveredWhileLocked { delivered.wait() }

        // What the exchange acknowledged is committed when its delivery returns, after the
        // pending state queued before it.
        runtime.events.publish(order(.open))
        #expect(try journal.order(source: "bitget", clientOrderID: "swl0x1x1")?.update.state == .open)
        #expect(try journal.orderHistory(source: "bitget", clientOrderID: "swl0x1x1").map(\.update.state) == [.pendingCreate, .open])

        runtime.events.publish(order(.pendingCancel))
        bot.journalWritten()
        #expect(try journal.orderHistory(source: "bitget", clientOrderID: "swl0x1x1").map(\.update.state)
                == [.pendingCreate, .open, .pendingCancel])
        #expect(bot.recordFailures == 0)
        await runtime.shutdown()
    }

    /// A pending state the database refuses (no client id) is counted as a failed write once
    /// the queue has run, as a refused acknowledged state is at once; later writes go on.
    @Test func aPendingStateTheDatabaseRefusesIsCountedAndTheNextWritesGoOn() async throws {
        let runtime = try HostRuntime()
        let journal = try TradeJournal.inMemory()
        let bot = Bot(runtime: runtime, journal: journal)
        runtime.events.publish(order(.pendingCreate, clientOrderID: ""))
        bot.journalWritten()
        #expect(bot.recordFailures == 1)
        runtime.events.publish(order(.open, clientOrderID: ""))
        #expect(bot.recordFailures == 2)
        runtime.events.publish(order(.pendingCreate))
        runtime.events.publish(order(.open))
        #expect(try journal.orderHistory(source: "bitget", clientOrderID: "swl0x1x1").map(\.update.state) == [.pendingCreate, .open])
        #expect(bot.recordFailures == 2)
        await runtime.shutdown()
    }
}

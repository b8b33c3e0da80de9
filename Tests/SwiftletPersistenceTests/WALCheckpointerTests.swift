import Foundation
@testable import SwiftletPersistence
import Testing

/// The trade journal's log is checkpointed by its own thread, never by a commit (which runs on
/// the bot's event loop and would sync both files there).
@Suite struct WALCheckpointerTests {
    /// Writes `count` fills (a few log pages each), pausing 30 ms every `pauseEvery`.
    private func fillLog(_ journal: TradeJournal, count: Int, pauseEvery: Int = .max) throws {
        for index in 0..<count {
            _ = try journal.record(try Make.fill("T\(index)", .buy, "0.001", at: "97000", time: Int64(index)))
            if index % pauseEvery == pauseEvery - 1 { Thread.sleep(forTimeInterval: 0.03) }
        }
    }

    private func logSize(_ path: String) -> Int {
        (try? FileManager.default.attributesOfItem(atPath: path + "-wal")[.size] as? Int) ?? 0
    }

    @Test func commitsNeverCheckpointAndTheCheckpointerKeepsTheLogBounded() throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }

        // No checkpointer in reach (threshold never met): the log only grows. SQLite's own
        // automatic checkpoint would have restarted it at 1,000 pages (about 4 MiB).
        let unchecked = directory.path("unchecked.sqlite")
        let grown = try TradeJournal(path: unchecked, checkpointAbove: .max, checkEvery: .milliseconds(10))
        try fillLog(grown, count: 3_000)
        #expect(logSize(unchecked) > 6 << 20, "log \(logSize(unchecked)) bytes")
        #expect(grown.checkpointer?.completed.done == 0)

        // With a 256 KiB threshold checked every 10 ms, the writer restarts the log after each
        // checkpoint, so it stays near the threshold (plus what is written between checks).
        let checked = directory.path("checked.sqlite")
        let journal = try TradeJournal(path: checked, checkpointAbove: 256 << 10, checkEvery: .milliseconds(10))
        try fillLog(journal, count: 3_000, pauseEvery: 100)
        #expect(logSize(checked) < 3 << 20, "log \(logSize(checked)) bytes")
        let (done, failed) = try #require(journal.checkpointer).completed
        #expect(done >= 3 && failed == 0, "\(done) checkpoints, \(failed) failed")
        #expect(try journal.counts().fills == 3_000)

        // Everything committed is in the database file once the log is checkpointed away.
        let reopened = try TradeJournal(path: checked)
        #expect(try reopened.counts().fills == 3_000)
    }
}

import Foundation
import SwiftletCore
import SwiftletPersistence
import Testing

/// kill -9 in the middle of trading loses nothing the journal acknowledged, and a restart resumes.
///
/// The parent test runs this test binary again (`/proc/self/exe`, as `swift test` runs it) with
/// a filter that selects only ``childWritesUntilKilled()``, enabled by an environment variable
/// naming the journal file. The child opens the journal, reconciles the orders it finds open
/// (as a restarted bot would), resumes after the fills already there, and loops: order open, fill, order filled, and every tenth a funding payment, printing
/// `ack N` once those records have returned (the point where the bot treats them as durable).
/// The parent reads the acks, sends SIGKILL while the child is still writing (so the signal
/// lands inside or between transactions, with no close and no WAL checkpoint), reopens the
/// file and checks that every acknowledged record is there and the fills are a gap-free
/// prefix. Three rounds on one file: each child resumes from what the previous one left.
///
/// Covered: death of the process at an arbitrary point, recovered by SQLite's WAL on reopen.
/// Not covered: power loss or an OS crash. With `synchronous = NORMAL` the last commits before
/// such a crash can be lost (never corrupted); proving that needs a VM or a fault-injecting
/// file system, not a test process.
@Suite struct CrashDurabilityTests {
    static let childVariable = "SWIFTLET_JOURNAL_CRASH_CHILD"
    static let childPath = ProcessInfo.processInfo.environment[childVariable]

    @Test func acknowledgedRecordsSurviveKillNineAndARestartResumes() throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.path("trades.sqlite")
        var acknowledged = -1
        for round in 1...3 {
            let target = acknowledged + 150
            let (lastAck, status) = try Self.runChildUntilAck(target, path: path)
            #expect(status == SIGKILL, "round \(round): the child must die by SIGKILL, got status \(status)")
            #expect(lastAck >= target)
            acknowledged = lastAck

            let journal = try TradeJournal(path: path)
            let tradeIDs = try journal.fills().map(\.fill.tradeID)
            // Every acknowledged fill, then at most what was in flight; no gap, nothing twice.
            #expect(tradeIDs.count > acknowledged)
            #expect(tradeIDs == (0..<tradeIDs.count).map { "T\($0)" })
            for index in 0...acknowledged {
                #expect(try journal.order(source: "bitget", clientOrderID: "c\(index)")?.update.state == .filled,
                        "round \(round): order c\(index) was acknowledged filled")
            }
            #expect(try journal.fundingPayments().count >= acknowledged / 10 + 1)
            // A replay of an acknowledged fill after the restart is recognised.
            #expect(try journal.record(Self.fill(acknowledged)) == .duplicate)
        }
    }

    /// The child side: never runs in a normal test run.
    @Test(.enabled(if: childPath != nil, "only as the child of the kill -9 test"))
    func childWritesUntilKilled() throws {
        let journal = try TradeJournal(path: try #require(Self.childPath))
        // Resume as a restarted bot does: the orders the killed run left open are reconciled
        // with the exchange (here: they were filled; the fill may already be there).
        for open in try journal.openOrders(source: "bitget") {
            let index = try #require(Int(open.update.clientOrderID.dropFirst()))
            try journal.record(Self.fill(index))
            try journal.record(Self.order(index, .filled))
        }
        let start = try journal.counts().fills
        // The killed run may have died between the last fill and its funding payment (every
        // tenth index has one); a restarted bot reconciles funding too. Recording it again is
        // harmless: the journal recognises a payment it holds.
        if start > 0, (start - 1) % 10 == 0 {
            try journal.record(Make.funding("F\(start - 1)", "-0.01", time: Int64(start)))
        }
        let deadline = Date().addingTimeInterval(60)
        var index = start
        while Date() < deadline {
            try journal.record(Self.order(index, .open))
            try journal.record(Self.fill(index))
            try journal.record(Self.order(index, .filled))
            if index % 10 == 0 {
                try journal.record(Make.funding("F\(index)", "-0.01", time: Int64(index) + 1))
            }
            // Unbuffered, so the parent sees the ack as soon as the records returned.
            FileHandle.standardOutput.write(Data("ack \(index)\n".utf8))
            index += 1
        }
    }

    static func fill(_ index: Int) throws -> Event {
        try Make.fill("T\(index)", index % 2 == 0 ? .buy : .sell, "0.001", at: "97000.5", order: "c\(index)",
                      time: Int64(index) + 1)
    }

    static func order(_ index: Int, _ state: OrderState) throws -> Event {
        try Make.order("c\(index)", state, filled: state == .filled ? "0.010" : "0", time: Int64(index) + 1)
    }

    /// Starts the child on `path`, reads its acks until one is at least `target`, lets it write
    /// on for a random 0–20 ms (so the kill lands at a different point each time), kills it with
    /// SIGKILL and returns the last ack read and the child's termination status.
    static func runChildUntilAck(_ target: Int, path: String) throws -> (lastAck: Int, status: Int32) {
        let child = Process()
        child.executableURL = URL(fileURLWithPath: "/proc/self/exe")
        child.arguments = ["--testing-library", "swift-testing", "--filter", "childWritesUntilKilled"]
        child.environment = ProcessInfo.processInfo.environment.merging([childVariable: path]) { _, new in new }
        let output = Pipe()
        child.standardOutput = output
        child.standardError = FileHandle.nullDevice
        try child.run()
        var text = ""
        var lastAck = -1
        while lastAck < target {
            let data = output.fileHandleForReading.availableData
            if data.isEmpty { break }  // the child exited on its own
            text += String(decoding: data, as: UTF8.self)
            var lines = text.split(separator: "\n", omittingEmptySubsequences: false)
            text = String(lines.removeLast())  // a partial line waits for more data
            for line in lines where line.hasPrefix("ack ") {
                lastAck = Int(line.dropFirst(4)) ?? lastAck
            }
        }
        usleep(UInt32.random(in: 0...20_000))
        if child.isRunning { kill(child.processIdentifier, SIGKILL) }
        child.waitUntilExit()
        if lastAck < target {
            Issue.record("the child stopped after ack \(lastAck), before \(target); its last output: \(text.suffix(500))")
        }
        return (lastAck, child.terminationStatus)
    }
}

import CSwiftletSDK
import BitgetCommon
import Dispatch
import Foundation

/// Order-book hot-path benchmark: replays a Bitget `books` corpus (one frame per line)
/// through the spot connector's real path up to the book event: parse + apply + checksum
/// verification via `BookTracker`, then the ABI book event the connector emits, built by
/// the same `BookEventEncoder`.
///
/// Throughput rounds time the whole replay; a separate latency round timestamps every
/// frame (monotonic clock) from bytes-in to book-event-built, so clock reads do not slow
/// the throughput figures.
enum BooksBenchmark {
    /// Timed replays; the best and the median are reported.
    static let rounds = 7

    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    /// - Parameter instType: replays the corpus labelled with this `instType` (e.g.
    ///   `USDT-FUTURES` for the perpetual connector's path); the frames are otherwise identical.
    static func run(corpusPath: String, instType: String = "SPOT") throws {
        guard let data = FileManager.default.contents(atPath: corpusPath) else {
            throw Failure(description: "cannot read books corpus at \(corpusPath)")
        }
        var bytes = [UInt8](data)
        if instType != "SPOT" {
            let text = String(decoding: bytes, as: UTF8.self)
                .replacingOccurrences(of: "\"instType\":\"SPOT\"", with: "\"instType\":\"\(instType)\"")
            bytes = Array(text.utf8)
            print("books: corpus relabelled instType \(instType)")
        }
        let lines = Corpus.lineRanges(bytes)
        try bytes.withUnsafeBytes { buffer in
            let levels = try verify(buffer, lines)
            print("books: \(lines.count) frames, \(levels) levels, \(bytes.count) bytes; every checksum verified")

            var rates: [Double] = []
            for _ in 0..<rounds { rates.append(try throughput(buffer, lines)) }
            rates.sort()
            let best = rates.last!, median = rates[rates.count / 2]
            let levelsPerFrame = Double(levels) / Double(lines.count)
            print("books: messages/s best \(format(best))  median \(format(median))  (\(rounds) rounds)")
            print("books: levels/s   best \(format(best * levelsPerFrame))  median \(format(median * levelsPerFrame))")

            let stages = try stageRates(buffer, lines)
            print("books: stages, best messages/s: parse \(format(stages.parse))  "
                + "parse+apply+checksum \(format(stages.process))  (+ event build = the figure above)")

            var latencies = try latency(buffer, lines)
            latencies.sort()
            func percentile(_ p: Double) -> UInt64 { Measure.percentile(p, of: latencies) }
            print("books: latency frame-in -> book-event-built  p50 \(percentile(0.50)) ns  p99 \(percentile(0.99)) ns  "
                + "p99.9 \(percentile(0.999)) ns  max \(latencies.last!) ns")
        }
    }

    /// One untimed replay that checks every frame applies cleanly; returns the level count.
    private static func verify(_ buffer: UnsafeRawBufferPointer, _ lines: [Range<Int>]) throws -> Int {
        var tracker = BookTracker()
        var levels = 0
        for (number, line) in lines.enumerated() {
            let outcome = try tracker.process(UnsafeRawBufferPointer(rebasing: buffer[line]))
            guard outcome == .applied else { throw Failure(description: "line \(number + 1): \(outcome)") }
            levels += tracker.lastFrame!.bids.count + tracker.lastFrame!.asks.count
        }
        return levels
    }

    /// Frames per second for one full replay.
    private static func throughput(_ buffer: UnsafeRawBufferPointer, _ lines: [Range<Int>]) throws -> Double {
        var tracker = BookTracker()
        let encoder = BookEventEncoder()
        var failures = 0
        let start = DispatchTime.now().uptimeNanoseconds
        var sink = 0
        for line in lines {
            if try !bookEvent(&tracker, encoder, UnsafeRawBufferPointer(rebasing: buffer[line]), into: &sink) { failures += 1 }
        }
        let elapsed = DispatchTime.now().uptimeNanoseconds - start
        blackHole(sink)
        guard failures == 0 else { throw Failure(description: "\(failures) frames not applied") }
        return Double(lines.count) / (Double(elapsed) / 1e9)
    }

    /// Best rates of the path's first stages over `rounds` replays each: parsing alone,
    /// then parsing, applying and verifying, so a change can be placed in its stage.
    private static func stageRates(_ buffer: UnsafeRawBufferPointer,
                                   _ lines: [Range<Int>]) throws -> (parse: Double, process: Double) {
        func best(_ replay: () throws -> Void) rethrows -> Double {
            var rate = 0.0
            for _ in 0..<rounds {
                let start = DispatchTime.now().uptimeNanoseconds
                try replay()
                rate = max(rate, Double(lines.count) / (Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9))
            }
            return rate
        }
        var parser = BookFrameParser()
        var sink = 0
        let parse = try best {
            for line in lines { sink &+= try parser.parse(UnsafeRawBufferPointer(rebasing: buffer[line])).bids.count }
        }
        let process = try best {
            var tracker = BookTracker()
            for line in lines { sink &+= try tracker.process(UnsafeRawBufferPointer(rebasing: buffer[line])) == .applied ? 1 : 0 }
        }
        blackHole(sink)
        return (parse, process)
    }

    /// Nanoseconds from frame-in to book-updated, per frame.
    private static func latency(_ buffer: UnsafeRawBufferPointer, _ lines: [Range<Int>]) throws -> [UInt64] {
        var tracker = BookTracker()
        let encoder = BookEventEncoder()
        var latencies = [UInt64](repeating: 0, count: lines.count)
        var sink = 0
        for (index, line) in lines.enumerated() {
            let start = DispatchTime.now().uptimeNanoseconds
            let applied = try bookEvent(&tracker, encoder, UnsafeRawBufferPointer(rebasing: buffer[line]), into: &sink)
            latencies[index] = DispatchTime.now().uptimeNanoseconds - start
            guard applied else { throw Failure(description: "line \(index + 1): not applied") }
        }
        blackHole(sink)
        return latencies
    }

    /// What the connectors' `handleBooks` does for a frame before handing the event to the
    /// host: process it, then build the ABI book event with the same `BookEventEncoder`.
    /// Folds a little of the event into `sink` so the optimiser cannot drop it.
    @inline(never)
    private static func bookEvent(_ tracker: inout BookTracker, _ encoder: BookEventEncoder,
                                  _ bytes: UnsafeRawBufferPointer, into sink: inout Int) throws -> Bool {
        guard try tracker.process(bytes) == .applied, let frame = tracker.lastFrame else { return false }
        sink &+= encoder.withEvent(for: frame, in: bytes, localTime: 0) { header in
            header.withMemoryRebound(to: swl_book_event_t.self, capacity: 1) { event in
                event.pointee.bid_count &+ event.pointee.ask_count &+ event.pointee.header.symbol.len
                    &+ Int(truncatingIfNeeded: event.pointee.header.exchange_time) & 1
            }
        }
        return true
    }

    @inline(never)
    private static func blackHole(_ value: Int) {
        if value == -1 { print("") }
    }

    private static func format(_ value: Double) -> String {
        value >= 1e6 ? String(format: "%.2fM", value / 1e6) : String(format: "%.0fk", value / 1e3)
    }
}

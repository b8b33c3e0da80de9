import Foundation
import ReferencePath
import SwiftletSystem

/// A floor for `tick-to-order`: the same work (a Bitget book update applied and
/// checksummed, a post-only order priced off it, signed with HMAC-SHA256 and written as an
/// HTTP request) written the shortest way in C, in one function on one thread, against an
/// exchange thread over loopback TCP, with the same CPU placement and the same 110 ms
/// between rounds. What it reads is what this machine charges for that work after an idle
/// gap, before any framework, plugin boundary or allocation adds to it. Like `tick-to-order`,
/// it keeps the bot thread's CPU awake (``IdleSpinners``) unless given `--no-keep-awake`.
///
/// `swift run -c release swiftlet-bench reference-path [samples] [gap-ms] [--no-keep-awake]`
enum ReferencePathBenchmark {
    struct Failure: Error, CustomStringConvertible { let description: String }

    static func run(samples: Int, gapMilliseconds: Int, corpusPath: String, keepAwake: Bool = true) throws {
        let warmup = 20
        let frames = try firstLines(of: corpusPath, count: samples + warmup + 1)
        guard frames.count == samples + warmup + 1 else {
            throw Failure(description: "\(corpusPath) has fewer than \(samples + warmup + 1) frames")
        }
        let cpus = try CPUAffinity.availableCPUs()
        let (exchangeCPU, botCPU) = cpus.count > 1 ? (Int32(cpus.last!), Int32(cpus.first!)) : (Int32(-1), Int32(-1))
        let spinners = keepAwake && botCPU >= 0 ? try IdleSpinners(on: [Int(botCPU)]) : nil
        defer { spinners?.stop() }
        var results = [swl_reference_sample](repeating: swl_reference_sample(), count: samples)
        var error = [CChar](repeating: 0, count: 256)
        let status = withCStrings(frames) { pointers in
            swl_reference_path_run(pointers, Int32(frames.count), Int32(warmup), Int32(gapMilliseconds),
                                   exchangeCPU, botCPU, &results, &error, error.count)
        }
        guard status == 0 else {
            throw Failure(description: "reference path: " + String(decoding: error.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) },
                                                                   as: UTF8.self))
        }
        let placement = botCPU < 0 ? "one CPU"
            : "exchange thread on CPU \(exchangeCPU), bot thread on CPU \(botCPU)" + (spinners != nil ? ", kept awake" : ", allowed to idle")
        print("reference path in C (frame read → order request written, no framework), \(samples) samples, "
              + "\(gapMilliseconds) ms apart; \(placement):")
        let afterRead = results.map { $0.apply + $0.checksum + $0.order + $0.write }.sorted()
        print(String(format: "  from the frame read:  p50 %.1f µs   p90 %.1f µs   p99 %.1f µs   max %.1f µs",
                     micros(0.50, afterRead), micros(0.90, afterRead), micros(0.99, afterRead), Double(afterRead.last!) / 1_000))
        let whole = results.map { $0.read + $0.apply + $0.checksum + $0.order + $0.write }.sorted()
        print(String(format: "  with the read:        p50 %.1f µs   p90 %.1f µs   p99 %.1f µs   max %.1f µs",
                     micros(0.50, whole), micros(0.90, whole), micros(0.99, whole), Double(whole.last!) / 1_000))
        print("  median time per stage:")
        let stages: [(String, KeyPath<swl_reference_sample, Int64>)] = [
            ("the frame read (readable → in memory)", \.read),
            ("levels parsed and applied (exact fixed point)", \.apply),
            ("top-25 checksum (CRC-32) checked", \.checksum),
            ("order priced, body, HMAC-SHA256, Base64, HTTP request", \.order),
            ("request written (write(2) on loopback)", \.write),
        ]
        for (name, path) in stages {
            print("    " + String(format: "%9.1f µs  ", micros(0.50, results.map { $0[keyPath: path] }.sorted())) + name)
        }
    }

    private static func micros(_ p: Double, _ sorted: [Int64]) -> Double {
        Double(Measure.percentile(p, of: sorted)) / 1_000
    }

    /// The corpus's first `count` frames.
    private static func firstLines(of path: String, count: Int) throws -> [String] {
        guard let data = FileManager.default.contents(atPath: path) else { throw Failure(description: "cannot read \(path)") }
        let bytes = [UInt8](data)
        return Corpus.lineRanges(bytes).prefix(count).map { String(decoding: bytes[$0], as: UTF8.self) }
    }

    /// Calls `body` with the strings as an array of C strings that live for the call.
    private static func withCStrings<R>(_ strings: [String], _ body: ([UnsafePointer<CChar>?]) -> R) -> R {
        let copies = strings.map { strdup($0) }
        defer { copies.forEach { free($0) } }
        return body(copies.map { UnsafePointer($0) })
    }
}

import BitgetCandleFeeds
import Foundation
import SwiftletCore
import SwiftletHost

/// Candle feeds: live-update processing (the plugin's push parser, no network) and
/// backfill throughput over loopback against an out-of-process bitget-sim.
///
/// `swift run -c release swiftlet-bench candles`
enum CandleBenchmark {
    static func run() async throws {
        try liveParsing()
        try await backfill()
    }

    /// Candle pushes as Bitget sends them while a candle forms: one row per message.
    private static func liveParsing() throws {
        let count = 200_000
        var frames: [[UInt8]] = []
        frames.reserveCapacity(count)
        var price = 60_000_00
        for index in 0..<count {
            price += (index * 7919) % 11 - 5
            let p = "\(price / 100).\(String(format: "%02d", price % 100))"
            let text = #"{"action":"update","arg":{"instType":"SPOT","channel":"candle1m","instId":"BTCUSDT"},"data":[["#
                + #""\#(1_700_000_000_000 + Int64(index / 600) * 60_000)","\#(p)","\#(p)","\#(p)","\#(p)","1.234500","74067.00","74067.00"]],"#
                + #""ts":\#(1_700_000_000_000 + index)}"#
            frames.append(Array(text.utf8))
        }
        var best = 0.0
        for _ in 0..<5 {
            let started = ContinuousClock.now
            var candles = 0
            for frame in frames {
                candles += try frame.withUnsafeBytes { try BitgetCandleFeeds.parsePush($0).candles.count }
            }
            let seconds = (ContinuousClock.now - started) / .seconds(1)
            precondition(candles == count)
            best = max(best, Double(count) / seconds)
        }
        print("candles: live push processing \(Int(best)) messages/s (best of 5, \(count) one-row pushes)")
    }

    /// Pages 30 days of 1m candles (history-candles, 200 per request) through the plugin.
    private static func backfill() async throws {
        let directory = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()
        let plugin = directory.appendingPathComponent("libBitgetCandles.so").path
        guard FileManager.default.fileExists(atPath: plugin), FileManager.default.fileExists(atPath: SimulatorProcess.executable) else {
            print("candles: backfill skipped: build everything first (`swift build -c release`)")
            return
        }
        let (process, baseURL) = try SimulatorProcess.start(arguments: ["--no-agents"])
        defer { process.terminate() }
        let runtime = try HostRuntime()
        let instance = try runtime.instantiate(try PluginLoader.load(path: plugin), config: #"{"rest_url":"\#(baseURL)"}"#)
        try instance.start()
        let client = try CandleClient(instance)
        let end = Int64(Date().timeIntervalSince1970) / 60 * 60 * 1_000_000_000
        let start = end - 29 * 86_400 * 1_000_000_000
        let began = ContinuousClock.now
        let candles = try await client.fetchRange(feed: "bitget_spot_candles", symbol: "BTCUSDT", interval: "1m", start: start, end: end)
        let seconds = (ContinuousClock.now - began) / .seconds(1)
        print("candles: backfill \(candles.count) candles in \(String(format: "%.2f", seconds)) s = \(Int(Double(candles.count) / seconds)) candles/s "
            + "(\(candles.count / 200 + 1) requests, paced by Bitget's 20 requests/s history-candles limit)")
        try instance.stop()
        instance.destroy()
        await runtime.shutdown()
    }
}

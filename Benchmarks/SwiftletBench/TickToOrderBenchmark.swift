import BitgetSim
import Foundation
import SwiftletBot
import SwiftletCore
import SwiftletHost
import SwiftletTransport
import Synchronization

/// Tick-to-order latency: from a Bitget book update arriving at the host's WebSocket to
/// the order request it causes being written to the HTTP connection. The path measured
/// is the real one: host WebSocket → spot connector plugin (parse, checksum, book event)
/// → bot (books, routing) → strategy plugin (a C strategy reacting to every book delta:
/// place a far post-only bid, then cancel it) → host trading API (risk checks) →
/// connector (quantize, sign) → host HTTP → AsyncHTTPClient write.
///
/// bitget-sim runs in-process, its agents stopped once they built a book; each round forces one small trade
/// (which changes the book), publishes it, and takes one sample. Rounds are spaced
/// 110 ms apart so Bitget's 10 requests/s order budget never queues a request.
///
/// `swift run -c release swiftlet-bench tick-to-order [samples]`
enum TickToOrderBenchmark {
    static func run(samples: Int) async throws {
        let directory = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()
        let sim = try await BitgetSimulator.start(SimConfig())
        let probe = LatencyProbe()
        let runtime = try HostRuntime(configuration: HostConfiguration(probe: probe))
        runtime.credentials.add(Credential(name: "sim", apiKey: "sim-key", secret: "sim-secret", passphrase: "sim-passphrase"))
        let spot = try PluginLoader.load(path: directory.appendingPathComponent("libBitgetSpot.so").path)
        let config = #"{"rest_url":"\#(sim.baseURL)","ws_public_url":"\#(sim.publicWebSocketURL)","#
            + #""ws_private_url":"\#(sim.privateWebSocketURL)","credential":"sim"}"#
        let connector = try runtime.instantiate(spot, config: config, credentials: ["sim"])
        try connector.start()
        let bot = Bot(runtime: runtime)
        bot.addVenue(try LiveVenue(id: "bitget", connector: connector))
        let trading = try TradingClient(connector)
        while (try? trading.instruments().isEmpty) != false { try await Task.sleep(for: .milliseconds(50)) }
        let strategyLibrary = try PluginLoader.load(path: directory.appendingPathComponent("libTickToOrderStrategy.so").path)
        try bot.startStrategy(id: "bench", library: strategyLibrary, params: "{}", tick: .seconds(3600))
        // Let the simulator's agents build a book, then stop them: from now on only the
        // benchmark changes the book.
        try await Task.sleep(for: .seconds(2))
        sim.setAgentsRunning(false)
        try await Task.sleep(for: .milliseconds(300))

        let warmup = 20
        var missed = 0
        for round in 0..<(samples + warmup) {
            probe.arm(keep: round >= warmup)
            sim.forceTrade(symbol: "BTCUSDT", side: round % 2 == 0 ? "buy" : "sell", size: "0.0001")
            sim.publishNow()
            try await Task.sleep(for: .milliseconds(110))
            if probe.disarm() { missed += 1 }
        }
        let latencies = probe.samples.sorted()
        print("tick-to-order (book update in → order request written), \(latencies.count) samples, \(missed) rounds without a request:")
        if !latencies.isEmpty {
            func percentile(_ p: Double) -> Double {
                Double(latencies[min(latencies.count - 1, Int(Double(latencies.count) * p))]) / 1_000
            }
            print(String(format: "  p50 %.1f µs   p90 %.1f µs   p99 %.1f µs   max %.1f µs",
                         percentile(0.50), percentile(0.90), percentile(0.99), Double(latencies.last!) / 1_000))
        }
        bot.stop()
        try? connector.stop()
        connector.destroy()
        await runtime.shutdown()
        await sim.shutdown()
    }
}

/// Pairs the first WebSocket message after `arm` with the next HTTP request written.
final class LatencyProbe: TransportProbe {
    private struct State {
        var armed = false
        var keep = false
        var arrival: Int64 = 0
        var samples: [Int64] = []
    }
    private let state = Mutex(State())

    func arm(keep: Bool) {
        state.withLock {
            $0.armed = true
            $0.keep = keep
            $0.arrival = 0
        }
    }

    /// Ends a round; true if it produced no sample.
    func disarm() -> Bool {
        state.withLock { state in
            defer { state.armed = false }
            return state.armed
        }
    }

    var samples: [Int64] { state.withLock { $0.samples } }

    func messageArrived(connection: UInt64) {
        let now = Clocks.monotonicNanoseconds()
        state.withLock { state in
            if state.armed, state.arrival == 0 { state.arrival = now }
        }
    }

    func requestWritten(request: UInt64) {
        let now = Clocks.monotonicNanoseconds()
        state.withLock { state in
            guard state.armed, state.arrival != 0 else { return }
            if state.keep { state.samples.append(now - state.arrival) }
            state.armed = false
        }
    }
}

import BitgetSim
import Foundation
import SwiftletBot
import SwiftletCore
import SwiftletHost
import SwiftletRunner
import SwiftletTransport

/// Hot-swap pause: the time during which no event reaches strategies and no order leaves
/// (quiesce → export → create → import → start → rules loaded → queued intents replayed),
/// over repeated swaps of the spot connector between 1.0.0 and 1.1.0 on a bot whose
/// market maker keeps resting orders, against bitget-sim in-process. Also the resident
/// memory before and after, since every swap creates and retires an instance.
///
/// `swift run -c release swiftlet-bench hot-swap [swaps]`
enum HotSwapBenchmark {
    static func run(swaps: Int) async throws {
        let directory = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()
        func library(_ product: String) throws -> PluginLibrary {
            try PluginLoader.load(path: directory.appendingPathComponent("lib\(product).so").path)
        }
        let sim = try await BitgetSimulator.start(SimConfig())
        // Logs go to a file through the bot's background writer, as in `swiftlet start`.
        let log = FileLog(path: NSTemporaryDirectory() + "swiftlet-bench-hot-swap.log")
        let runtime = try HostRuntime(logger: log.logger())
        runtime.credentials.add(Credential(name: "sim", apiKey: "sim-key", secret: "sim-secret", passphrase: "sim-passphrase"))
        let versions = [try library("BitgetSpot"), try library("BitgetSpotNext")]
        let config = #"{"rest_url":"\#(sim.baseURL)","ws_public_url":"\#(sim.publicWebSocketURL)","#
            + #""ws_private_url":"\#(sim.privateWebSocketURL)","credential":"sim"}"#
        let connector = try runtime.instantiate(versions[0], name: "bitget", config: config, credentials: ["sim"])
        try connector.start()
        let bot = Bot(runtime: runtime)
        bot.addVenue(try LiveVenue(id: "bitget", connector: connector))
        let trading = try TradingClient(connector)
        guard await trading.waitForRules(timeout: .seconds(30)) else {
            print("the spot connector loaded no trading rules within 30 s")
            exit(1)
        }
        try bot.startStrategy(id: "pmm", library: try library("PureMarketMaking"), params:
            #"{"connector":"bitget","symbol":"BTCUSDT","bid_spread":"0.001","ask_spread":"0.001","order_amount":"0.001","#
            + #""order_levels":3,"order_level_spread":"0.001","order_refresh_time":"5"}"#, tick: .milliseconds(200))
        try await Task.sleep(for: .seconds(3))
        let rssBefore = SpotMemoryBenchmark.residentMB()
        var pauses: [Int64] = []
        var readiness: [Int64] = []
        var replayed = 0
        for round in 0..<swaps {
            let report = try await bot.swapConnector("bitget", to: versions[(round + 1) % 2])
            pauses.append(report.pauseNanoseconds)
            readiness.append(report.readinessNanoseconds)
            replayed += report.replayedIntents
            // Let the new instance settle (orders reconciled, state written) before the next swap.
            try await Task.sleep(for: .milliseconds(300))
        }
        let rssAfter = SpotMemoryBenchmark.residentMB()
        let open = try bot.venues[0].openOrders(symbol: "BTCUSDT").count
        pauses.sort()
        func percentile(_ p: Double) -> Double {
            Double(Measure.percentile(p, of: pauses)) / 1_000
        }
        print("hot swap bitget 1.0.0 <-> 1.1.0, \(pauses.count) swaps with \(open) resting orders at the end, \(replayed) intents queued and replayed:")
        print(String(format: "  pause p50 %.0f µs   p99 %.0f µs   max %.0f µs", percentile(0.5), percentile(0.99), Double(pauses.last!) / 1_000))
        readiness.sort()
        print(String(format: "  of which waiting for the new instance's rules and balances: p50 %.0f µs",
                     Double(readiness[readiness.count / 2]) / 1_000))
        print(String(format: "  resident memory %.1f MB before, %.1f MB after the swaps", rssBefore, rssAfter))
        bot.stop()
        for venue in bot.venues {
            guard let live = venue as? LiveVenue else { continue }
            try? live.connector.stop()
            live.connector.destroy()
        }
        await runtime.shutdown()
        await sim.shutdown()
    }
}

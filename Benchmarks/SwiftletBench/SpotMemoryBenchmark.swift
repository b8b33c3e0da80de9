import Foundation
import SwiftletCore
import SwiftletHost
import SwiftletTransport
import Synchronization

/// Resident memory of a host running the Bitget spot connector with many symbols
/// subscribed (books, trades, tickers) against a `bitget-sim` in a separate process, so
/// only the host and the connector are measured.
///
/// `swift run -c release swiftlet-bench spot-memory [seconds]` (default 60).
enum SpotMemoryBenchmark {
    struct Failure: Error, CustomStringConvertible { let description: String }

    static let symbols = ["BTC", "ETH", "SOL", "XRP", "ADA", "DOGE", "DOT", "LTC", "LINK", "AVAX",
                          "TRX", "BCH", "ATOM", "UNI", "XLM", "ETC", "FIL", "NEAR", "APT", "ARB"].map { "\($0)USDT" }

    static func run(seconds: Int) async throws {
        let directory = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()
        let plugin = directory.appendingPathComponent("libBitgetSpot.so").path
        let simulator = directory.appendingPathComponent("bitget-sim").path
        guard FileManager.default.fileExists(atPath: plugin), FileManager.default.fileExists(atPath: simulator) else {
            throw Failure(description: "spot-memory: build everything first (`swift build -c release`): need \(plugin) and \(simulator)")
        }
        let (process, baseURL) = try SimulatorProcess.start(simulator, arguments: ["--symbols", symbols.joined(separator: ","),
                                                                                  "--publish-interval", "50"])
        defer { process.terminate() }
        let wsBase = baseURL.replacingOccurrences(of: "http://", with: "ws://")

        let runtime = try HostRuntime()
        runtime.credentials.add(Credential(name: "bitget", apiKey: "sim-key", secret: "sim-secret", passphrase: "sim-passphrase"))
        let events = Atomic<Int>(0)
        runtime.events.subscribe { _ in events.add(1, ordering: .relaxed) }
        let baseline = residentMB()
        let instance = try runtime.instantiate(try PluginLoader.load(path: plugin), config: """
            {"rest_url":"\(baseURL)","ws_public_url":"\(wsBase)/v2/ws/public","ws_private_url":"\(wsBase)/v2/ws/private",\
            "credential":"bitget"}
            """, credentials: ["bitget"])
        let trading = try TradingClient(instance)
        try instance.start()
        while (try? trading.instruments().count) != symbols.count { try await Task.sleep(for: .milliseconds(50)) }
        for symbol in symbols {
            for channel in MarketChannel.allCases { try trading.subscribe(channel, symbol: symbol) }
        }
        print("spot-memory: \(symbols.count) symbols × books/trades/ticker; RSS before the connector \(format(baseline)) MB")
        var peak = 0.0
        let started = ContinuousClock.now
        var lastEvents = 0
        for elapsed in stride(from: 10, through: max(10, seconds), by: 10) {
            try await Task.sleep(until: started + .seconds(elapsed))
            let rss = residentMB()
            peak = max(peak, rss)
            let total = events.load(ordering: .relaxed)
            print("spot-memory: t=\(elapsed)s RSS \(format(rss)) MB, events/s \((total - lastEvents) / 10)")
            lastEvents = total
        }
        print("spot-memory: peak RSS \(format(peak)) MB (host + connector; \(format(peak - baseline)) MB above the bare host)")
        try instance.stop()
        instance.destroy()
        await runtime.shutdown()
    }

    /// Resident set size of this process in MB (`/proc/self/statm`).
    static func residentMB() -> Double {
        guard let text = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8) else { return 0 }
        let fields = text.split(separator: " ")
        guard fields.count > 1, let pages = Double(fields[1]) else { return 0 }
        return pages * Double(sysconf(Int32(_SC_PAGESIZE))) / 1_048_576
    }

    private static func format(_ value: Double) -> String { String(format: "%.1f", value) }
}

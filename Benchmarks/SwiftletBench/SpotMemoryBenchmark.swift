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
        let baselineSplit = ResidentSplit.current()
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
        print("spot-memory: \(symbols.count) symbols × books/trades/ticker; RSS before the connector \(format(baseline)) MB "
              + "(\(baselineSplit.described))")
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
        let split = ResidentSplit.current()
        print("spot-memory: at the end \(split.described); the connector added \(format(split.anonymous - baselineSplit.anonymous)) MB "
              + "anonymous and \(format(split.file - baselineSplit.file)) MB of code pages (its own library \(format(split.library("libBitgetSpot.so"))) MB)")
        try instance.stop()
        instance.destroy()
        await runtime.shutdown()
    }

    /// Resident set size of this process in MB (`/proc/self/statm`).
    static func residentMB() -> Double {
        guard let text = procText("/proc/self/statm") else { return 0 }
        let fields = text.split(separator: " ")
        guard fields.count > 1, let pages = Double(fields[1]) else { return 0 }
        return pages * Double(sysconf(Int32(_SC_PAGESIZE))) / 1_048_576
    }

    private static func format(_ value: Double) -> String { String(format: "%.1f", value) }

    /// A procfs file read to its end: procfs reports no size, and a sized read stops early.
    static func procText(_ path: String) -> String? {
        guard let data = try? FileHandle(forReadingFrom: URL(fileURLWithPath: path)).readToEnd() else { return nil }
        return String(decoding: data, as: UTF8.self)
    }

    /// Resident memory split into anonymous pages (heap, stacks, buffers: the process's
    /// data) and file-backed pages (the code of the executable and the shared libraries,
    /// which the kernel shares with other processes mapping the same files).
    struct ResidentSplit {
        let anonymous: Double
        let file: Double

        static func current() -> ResidentSplit {
            let status = procText("/proc/self/status") ?? ""
            func field(_ name: String) -> Double {
                guard let line = status.split(separator: "\n").first(where: { $0.hasPrefix(name + ":") }),
                      let kilobytes = line.split(separator: " ").dropFirst().first.flatMap({ Double($0) }) else { return 0 }
                return kilobytes / 1024
            }
            return ResidentSplit(anonymous: field("RssAnon"), file: field("RssFile"))
        }

        /// Resident pages of the mapped file whose path ends with `name`, in MB.
        func library(_ name: String) -> Double {
            guard let smaps = procText("/proc/self/smaps") else { return 0 }
            var inLibrary = false
            var kilobytes = 0.0
            for line in smaps.split(separator: "\n") {
                if let first = line.first, first.isHexDigit, line.contains("-") {
                    inLibrary = line.hasSuffix(name)
                } else if inLibrary, line.hasPrefix("Rss:") {
                    kilobytes += line.split(separator: " ").dropFirst().first.flatMap { Double($0) } ?? 0
                }
            }
            return kilobytes / 1024
        }

        var described: String {
            String(format: "%.1f MB anonymous + %.1f MB file-backed code", anonymous, file)
        }
    }
}

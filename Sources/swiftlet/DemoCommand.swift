import ArgumentParser
import BitgetSim
import Foundation
import Logging
import SwiftletCore
import SwiftletHost
import SwiftletTransport
import Synchronization

/// `swiftlet demo`: installs the bundled plugins, starts bitget-sim in-process and runs the
/// Bitget connectors and candle feeds against it with a live status view.
struct Demo: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Install the bundled plugins and run them against the built-in Bitget simulator.")

    @Option(name: .long, help: "Plugin directory to install the bundled plugins into.")
    var dir: String?

    @Option(name: .long, help: "Stop after this many seconds (default: run until Ctrl-C).")
    var seconds: Int?

    @Option(name: .long, help: "Symbol to watch.")
    var symbol = "BTCUSDT"

    func run() async throws {
        let directory = dir ?? Plugins.defaultDirectory
        let bundled = BundledPlugins.libraries()
        guard !bundled.isEmpty else {
            print("no bundled plugin libraries next to \(BundledPlugins.directory.path); run `swift build` first")
            throw ExitCode.failure
        }
        let installer = PluginInstaller(directory: directory)
        for file in bundled {
            do {
                let installed = try installer.install(file)
                print("installed \(installed.info.key)")
            } catch {
                print(error)
            }
        }
        let report = PluginRegistry().discover(directory: directory)
        print("\(report.loaded.count) plugin(s) loaded from \(directory), \(report.refused.count) refused")
        for library in report.loaded {
            print("  \(library.info.id) \(library.info.version) [\(library.info.kinds)] \(library.info.name)")
        }
        for refusal in report.refused { print("  \(refusal)") }
        try await runAgainstSimulator(report.loaded)
    }

    /// The newest loaded version of each plugin id.
    private func newest(_ id: String, in libraries: [PluginLibrary]) -> PluginLibrary? {
        libraries.filter { $0.info.id == id }.max { a, b in
            guard let x = SemanticVersion(a.info.version), let y = SemanticVersion(b.info.version) else { return false }
            return x < y
        }
    }

    private func runAgainstSimulator(_ libraries: [PluginLibrary]) async throws {
        guard let spot = newest("bitget", in: libraries), let perp = newest("bitget_perpetual", in: libraries),
              let candles = newest("bitget_candles", in: libraries) else {
            print("the Bitget plugins are not installed; run `swift build` first")
            throw ExitCode.failure
        }
        let sim = try await BitgetSimulator.start(SimConfig())
        print("bitget-sim listening on \(sim.baseURL)")
        let logPath = FileManager.default.currentDirectoryPath + "/.swiftlet/demo.log"
        let runtime = try HostRuntime(configuration: HostConfiguration(stateDatabasePath: ".swiftlet/demo-state.sqlite"),
                                      logger: DemoLog.fileLogger(path: logPath))
        runtime.credentials.add(Credential(name: "sim", apiKey: "sim-key", secret: "sim-secret", passphrase: "sim-passphrase"))
        let endpoints = #""rest_url":"\#(sim.baseURL)","ws_public_url":"\#(sim.publicWebSocketURL)","ws_private_url":"\#(sim.privateWebSocketURL)""#
        let status = DemoStatus(symbol: symbol)
        runtime.events.subscribe { status.record($0) }
        let spotInstance = try runtime.instantiate(spot, config: "{\(endpoints),\"credential\":\"sim\"}", credentials: ["sim"])
        let perpInstance = try runtime.instantiate(perp, config: "{\(endpoints),\"credential\":\"sim\"}", credentials: ["sim"])
        let candleInstance = try runtime.instantiate(candles, config: "{\(endpoints)}")
        for instance in [spotInstance, perpInstance, candleInstance] { try instance.start() }
        let spotTrading = try TradingClient(spotInstance)
        let perpTrading = try TradingClient(perpInstance)
        let feeds = try CandleClient(candleInstance)
        while (try? spotTrading.instruments().isEmpty) != false || (try? perpTrading.instruments().isEmpty) != false {
            try await Task.sleep(for: .milliseconds(100))
        }
        for channel in MarketChannel.allCases {
            try spotTrading.subscribe(channel, symbol: symbol)
            try perpTrading.subscribe(channel, symbol: symbol)
        }
        try feeds.subscribe(feed: "bitget_spot_candles", symbol: symbol, interval: "1m", history: 120)
        print("watching \(symbol) spot and perpetual; logs in \(logPath); Ctrl-C to stop")

        let stop = DemoLog.stopSignal()
        let deadline = seconds.map { ContinuousClock.now + .seconds($0) }
        while !stop.isRaised {
            if let deadline, ContinuousClock.now >= deadline { break }
            let balances = (try? spotTrading.balances()) ?? []
            print(status.line(balances: balances))
            try await Task.sleep(for: .seconds(1))
        }
        print("stopping")
        for instance in [spotInstance, perpInstance, candleInstance] {
            try? instance.stop()
            instance.destroy()
        }
        await runtime.shutdown()
        await sim.shutdown()
    }
}

/// Live figures for the status line, updated from the event bus.
final class DemoStatus: Sendable {
    private struct State {
        var bestBid: [String: ExactDecimal] = [:]
        var bestAsk: [String: ExactDecimal] = [:]
        var lastTrade: [String: ExactDecimal] = [:]
        var events = 0
        var closedCandles = 0
        var resyncs = 0
        var errors = 0
    }
    private let symbol: String
    private let state = Mutex(State())

    init(symbol: String) { self.symbol = symbol }

    func record(_ event: Event) {
        state.withLock { s in
            s.events += 1
            let source = event.context.source
            switch event.payload {
            case .ticker(let t) where event.context.symbol == symbol:
                s.bestBid[source] = t.bestBid
                s.bestAsk[source] = t.bestAsk
            case .trade(let t) where event.context.symbol == symbol:
                s.lastTrade[source] = t.price
            case .candle(let c) where c.isClosed: s.closedCandles += 1
            case .bookResync: s.resyncs += 1
            case .error: s.errors += 1
            default: break
            }
        }
    }

    func line(balances: [Balance]) -> String {
        state.withLock { s in
            func market(_ source: String) -> String {
                "\(source) bid \(s.bestBid[source]?.description ?? "-") ask \(s.bestAsk[source]?.description ?? "-") "
                    + "last \(s.lastTrade[source]?.description ?? "-")"
            }
            let money = balances.filter { ["USDT", "BTC"].contains($0.asset) }.map { "\($0.asset) \($0.available)" }
            return "\(symbol) | \(market("bitget")) | \(market("bitget_perpetual")) | candles \(s.closedCandles) | "
                + "\(money.joined(separator: " ")) | events \(s.events) resyncs \(s.resyncs) errors \(s.errors)"
        }
    }
}

/// The plugin libraries SwiftPM built next to this executable.
enum BundledPlugins {
    static var directory: URL {
        URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()
    }

    static func libraries() -> [String] {
        let files = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        return files.filter { $0.hasPrefix("lib") && $0.hasSuffix(".so") }
            .filter { file in (try? PluginLoader.load(path: directory.appendingPathComponent(file).path)) != nil }
            .sorted()
            .map { directory.appendingPathComponent($0).path }
    }
}

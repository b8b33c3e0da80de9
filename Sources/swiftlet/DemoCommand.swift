import ArgumentParser
import BitgetSim
import Foundation
import Logging
import SwiftletCore
import SwiftletHost
import SwiftletConfig
import SwiftletRunner
import SwiftletTransport

/// `swiftlet demo`: installs the bundled plugins, starts bitget-sim in-process and runs the
/// Bitget connectors and candle feeds against it with a live status view.
struct Demo: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run a market-making bot (and a trend strategy) against the built-in Bitget simulator.")

    @Option(name: .long, help: "Plugin directory to install the bundled plugins into (default: .swiftlet/demo-plugins, emptied first).")
    var dir: String?

    @Option(name: .long, help: "Stop after this many seconds (default: run until Ctrl-C).")
    var seconds: Int?

    @Option(name: .long, help: "Symbol to watch.")
    var symbol = "BTCUSDT"

    func run() async throws {
        // The demo runs what this build just made: its own directory is emptied first, so an
        // earlier build's copy of the same version (which `install` keeps) never stands in.
        let directory = dir ?? ".swiftlet/demo-plugins"
        if dir == nil { try? FileManager.default.removeItem(atPath: directory) }
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
        let registry = PluginRegistry()
        let report = registry.discover(directory: directory)
        print("\(report.loaded.count) plugin(s) loaded from \(directory), \(report.refused.count) refused")
        for library in report.loaded {
            print("  \(library.info.id) \(library.info.version) [\(library.info.kinds)] \(library.info.name)")
        }
        for refusal in report.refused { print("  \(refusal)") }
        try await runAgainstSimulator(report.loaded, registry: registry, pluginDirectory: directory)
    }

    /// The bot's durable state and trade database; the demo starts both afresh.
    static let statePath = ".swiftlet/demo-state.sqlite"
    static let tradesPath = ".swiftlet/demo-trades.sqlite"

    private func runAgainstSimulator(_ libraries: [PluginLibrary], registry: PluginRegistry, pluginDirectory: String) async throws {
        // Each run's simulator is a new exchange: the orders, fills and balances a previous
        // run recorded never happened on it, so the bot does not resume them. (That run's
        // history stays readable with `swiftlet history` until the next demo.)
        for database in [Self.statePath, Self.tradesPath] {
            for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: database + suffix) }
        }
        let sim = try await BitgetSimulator.start(SimConfig())
        print("bitget-sim listening on \(sim.baseURL)")
        let logPath = FileManager.default.currentDirectoryPath + "/.swiftlet/demo.log"
        let fileLog = FileLog(path: logPath)
        defer { fileLog.flush() }
        let endpoints = #"{"rest_url":"\#(sim.baseURL)","ws_public_url":"\#(sim.publicWebSocketURL)","ws_private_url":"\#(sim.privateWebSocketURL)"}"#
        let config = BotConfig(
            database: Self.tradesPath,
            controlSocket: ".swiftlet/demo-control.sock",
            connectors: [
                // 1.0.0: the build also holds bitget 1.1.0, to hot-swap to (docs/hot-swap.md).
                ConnectorConfig(id: "bitget", plugin: "bitget", version: "1.0.0", credential: "sim", configJSON: endpoints,
                                markets: [symbol]),
                ConnectorConfig(id: "bitget_perpetual", plugin: "bitget_perpetual", credential: "sim", configJSON: endpoints,
                                markets: [symbol]),
            ],
            candleFeeds: [CandleFeedConfig(id: "bitget_candles", plugin: "bitget_candles", configJSON: endpoints)],
            strategies: [
                StrategyConfig(id: "market_maker", plugin: "pure_market_making", paramsJSON:
                    #"{"connector":"bitget","symbol":"\#(symbol)","bid_spread":"0.001","ask_spread":"0.001","order_amount":"0.002","#
                    + #""order_levels":2,"order_level_spread":"0.001","order_refresh_time":"10","filled_order_delay":"5","#
                    // The simulator's account holds about 86% of its BTC/USDT value in BTC: with a
                    // range of 500 times one side's order size (about 120,000 USDT) the skew shrinks
                    // the bids rather than leaving only asks, as a range of 1 (240 USDT) would.
                    + #""inventory_skew_enabled":true,"inventory_target_base_pct":"0.85","inventory_range_multiplier":"500"}"#),
                StrategyConfig(id: "trend", plugin: "candle_directional", paramsJSON:
                    #"{"connector":"bitget_perpetual","symbol":"\#(symbol)","interval":"1m","fast_period":3,"slow_period":8,"#
                    + #""order_amount":"0.001","stop_loss":"0.01","take_profit":"0.02","time_limit":"300"}"#),
            ],
            risk: RiskConfig(maxOrderNotional: try ExactDecimal("20000"), killSwitchLoss: try ExactDecimal("500")))
        let running = try await RunningBot.start(
            config, registry: registry, pluginDirectory: pluginDirectory,
            credentials: [Credential(name: "sim", apiKey: "sim-key", secret: "sim-secret", passphrase: "sim-passphrase")],
            statePath: Self.statePath, logger: fileLog.logger())
        print("market making \(symbol) on bitget spot, trend following on bitget perpetual; logs in \(logPath)")
        try await serve(running, socket: config.controlSocket!, quiet: false, seconds: seconds)
        await sim.shutdown()
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

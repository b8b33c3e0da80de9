import BitgetSim
import Foundation
import Logging
import SwiftletConfig
import SwiftletControl
import SwiftletCore
import SwiftletHost
import SwiftletRunner
import SwiftletSystem
import SwiftletTransport
import Testing

/// `RunningBot`, what `swiftlet start` and `swiftlet demo` run: a bot built from a config,
/// with its plugins from a plugin directory, against bitget-sim.
@Suite(.serialized) struct RunnerEndToEndTests {
    static let registry: PluginRegistry = {
        let registry = PluginRegistry()
        _ = registry.discover(directory: BotHarness.products.path)
        return registry
    }()

    static func config(_ sim: BitgetSimulator, connector: ConnectorConfig? = nil, strategy: StrategyConfig? = nil) -> BotConfig {
        let endpoints = #"{"rest_url":"\#(sim.baseURL)","ws_public_url":"\#(sim.publicWebSocketURL)","ws_private_url":"\#(sim.privateWebSocketURL)"}"#
        return BotConfig(
            connectors: [connector ?? ConnectorConfig(id: "bitget", plugin: "bitget", version: "1.0.0", credential: "sim",
                                                      configJSON: endpoints, markets: ["BTCUSDT"])],
            strategies: [strategy ?? StrategyConfig(id: "mm", plugin: "pure_market_making", paramsJSON:
                #"{"connector":"bitget","symbol":"BTCUSDT","bid_spread":"0.002","ask_spread":"0.002","order_amount":"0.001","order_refresh_time":"30"}"#,
                tickIntervalMilliseconds: 200)])
    }

    static func start(_ config: BotConfig, journal: String) async throws -> RunningBot {
        try await RunningBot.start(config, registry: registry, pluginDirectory: BotHarness.products.path,
                                   credentials: [Credential(name: "sim", apiKey: "k1", secret: "s1", passphrase: "p1")],
                                   journalPath: journal, logger: Logger(label: "runner-e2e"))
    }

    static func simulator() async throws -> BitgetSimulator {
        var config = SimConfig()
        config.accounts = [SimConfig.Account(key: "k1", secret: "s1", passphrase: "p1",
                                             spot: ["USDT": dec("100000"), "BTC": dec("2")], futures: ["USDT": dec("100000")])]
        return try await BitgetSimulator.start(config)
    }

    static func temporaryJournal() -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("runner-\(UUID().uuidString).sqlite").path
    }

    @Test func aBadConfigIsRefusedNamingTheEntryAndNothingKeepsRunning() async throws {
        let sim = try await Self.simulator()
        let endpoints = #"{"rest_url":"\#(sim.baseURL)","ws_public_url":"\#(sim.publicWebSocketURL)","ws_private_url":"\#(sim.privateWebSocketURL)"}"#
        let cases: [(BotConfig, String)] = [
            (Self.config(sim, connector: ConnectorConfig(id: "bitget", plugin: "bitgett", configJSON: endpoints)),
             "connectors.bitget.plugin: bitgett is not installed"),
            (Self.config(sim, connector: ConnectorConfig(id: "bitget", plugin: "bitget", version: "1.0.0", credential: "nobody",
                                                         configJSON: endpoints)),
             "connectors.bitget.credential: no credential named \"nobody\""),
            (Self.config(sim, connector: ConnectorConfig(id: "bitget", plugin: "bitget", version: "1.0.0", credential: "sim",
                                                         configJSON: endpoints, markets: ["NOPEUSDT"])),
             "connectors.bitget.markets: NOPEUSDT"),
            (Self.config(sim, strategy: StrategyConfig(id: "mm", plugin: "pure_market_making", paramsJSON: #"{"connector":"bitget"}"#)),
             "strategies.mm:"),
        ]
        for (config, expected) in cases {
            let journal = Self.temporaryJournal()
            do {
                let running = try await Self.start(config, journal: journal)
                await running.stop()
                Issue.record("started despite: \(expected)")
            } catch {
                #expect("\(error)".contains(expected), "\(error)")
            }
            removeDatabase(atPath: journal)
        }
        // Every refused start released its connections.
        try await waitUntil("no WebSocket left open at the simulator", timeout: .seconds(10)) { sim.webSocketConnections == 0 }
        await sim.shutdown()
    }

    /// In a process of its own: a bot with pinned loops moves every other thread of its process.
    @Test(.enabled(if: ((try? CPUAffinity.availableCPUs().count) ?? 0) >= 2, "needs two CPUs"))
    func aBotWithPinnedLoopsKeptAwakeSaysSoInItsStatus() async throws {
        await #expect(processExitsWith: .success) {
            let loopCPU = try #require(try CPUAffinity.availableCPUs().last)
            let sim = try await Self.simulator()
            var config = Self.config(sim)
            config.eventLoops = EventLoopConfig(cpus: [loopCPU], keepAwake: true)
            let journal = Self.temporaryJournal()
            let running = try await Self.start(config, journal: journal)
            let status = await running.status()
            await running.stop()
            await sim.shutdown()
            removeDatabase(atPath: journal)
            if status.eventLoops != EventLoopStatus(cpus: [loopCPU], reserved: true, keptAwake: true) {
                Issue.record("event loops reported as \(String(describing: status.eventLoops))")
                exit(1)
            }
        }
    }

    @Test func aConfiguredBotQuotesReportsItsStatusAndHotSwapsThroughTheControlAPI() async throws {
        let sim = try await Self.simulator()
        let journal = Self.temporaryJournal()
        let running = try await Self.start(Self.config(sim), journal: journal)
        do {
            try await waitUntil("two-sided quotes", timeout: .seconds(20)) {
                let open = try running.bot.venues[0].openOrders(symbol: "BTCUSDT")
                return open.contains { $0.side == .buy } && open.contains { $0.side == .sell }
            }
            var status = await running.status()
            #expect(status.eventLoops == nil)  // not pinned
            #expect(status.connectors.map(\.version) == ["1.0.0"])
            #expect(status.connectors.first?.openOrders.count == 2)
            #expect(status.strategies.map(\.id) == ["mm"])
            let outcome = try await running.swapPlugin(PluginSwapRequest(id: "bitget", version: "1.1.0"))
            #expect(outcome.kind == .connector && outcome.from == "bitget@1.0.0" && outcome.to == "bitget@1.1.0")
            status = await running.status()
            #expect(status.connectors.map(\.version) == ["1.1.0"])
            await #expect(throws: PluginSwapRefused.self) {
                _ = try await running.swapPlugin(PluginSwapRequest(id: "bitget", version: "7.0.0"))
            }
            // The same route swaps a strategy (here to a fresh instance of its one installed version).
            let strategySwap = try await running.swapPlugin(PluginSwapRequest(id: "mm", version: "1.0.0"))
            #expect(strategySwap.kind == .strategy && strategySwap.to == "pure_market_making@1.0.0", "\(strategySwap)")
            #expect(await running.status().strategies.map(\.id) == ["mm"])
            await #expect { _ = try await running.swapPlugin(PluginSwapRequest(id: "nothing", version: "1.0.0")) } throws: { error in
                "\(error)".contains("no connector or strategy \"nothing\"")
            }
        } catch {
            await running.stop()
            await sim.shutdown()
            throw error
        }
        await running.stop()
        #expect(running.isStopped)
        // Stopping cancelled the quotes at the exchange.
        #expect(sim.account(apiKey: "k1")?.openOrders.isEmpty == true)
        await sim.shutdown()
        removeDatabase(atPath: journal)
    }
}

@testable import BitgetSim
import Foundation
import SwiftletCore
import SwiftletHost
import SwiftletTransport
import Synchronization
import Testing

/// A bitget-sim on loopback, a host runtime, and the built `libBitgetSpot.so` loaded into
/// it, driven only through the ABI (`TradingClient`) and observed only through events.
final class SpotHarness: @unchecked Sendable {
    let sim: BitgetSimulator
    /// False when the simulator was passed in: its creator's `stop` shuts it down.
    private(set) var ownsSim = true
    let runtime: HostRuntime
    let library: PluginLibrary
    private(set) var instance: PluginInstance
    /// The trading extension; nil for plugins that are not trading connectors.
    private(set) var trading: TradingClient!
    let connectorConfig: String
    let events = Mutex<[Event]>([])
    let stateDirectory: URL

    static let credential = "bitget"

    private init(sim: BitgetSimulator, runtime: HostRuntime, library: PluginLibrary, instance: PluginInstance,
                 trading: TradingClient?, connectorConfig: String, stateDirectory: URL) {
        self.connectorConfig = connectorConfig
        self.sim = sim
        self.runtime = runtime
        self.library = library
        self.instance = instance
        self.trading = trading
        self.stateDirectory = stateDirectory
    }

    /// Starts everything and waits until the connector has its trading rules.
    /// `product` is the plugin library to load (`BitgetSpot` or `BitgetPerpetual`).
    static func start(product: String = "BitgetSpot", agents: Bool = false, extraConfig: String = "",
                      stateDirectory: URL? = nil, sim existing: BitgetSimulator? = nil, withCredential: Bool = true,
                      simConfig configure: (inout SimConfig) -> Void = { _ in }) async throws -> SpotHarness {
        let harness = try await create(product: product, agents: agents, extraConfig: extraConfig, stateDirectory: stateDirectory,
                                       sim: existing, withCredential: withCredential, simConfig: configure)
        try await harness.startConnector()
        return harness
    }

    /// Like `start`, but leaves the connector created and not started (hot-swap tests import
    /// state first). Its runtime and state database are its own, even with a shared `sim`.
    static func create(product: String = "BitgetSpot", agents: Bool = false, extraConfig: String = "",
                       stateDirectory: URL? = nil, sim existing: BitgetSimulator? = nil, withCredential: Bool = true,
                       simConfig configure: (inout SimConfig) -> Void = { _ in }) async throws -> SpotHarness {
        var simConfig = SimConfig()
        simConfig.agents = agents
        simConfig.publishIntervalMs = 50
        configure(&simConfig)
        let sim = if let existing { existing } else { try await BitgetSimulator.start(simConfig) }
        let directory = stateDirectory ?? FileManager.default.temporaryDirectory
            .appendingPathComponent("swiftlet-spot-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let runtime = try HostRuntime(configuration: HostConfiguration(
            stateDatabasePath: directory.appendingPathComponent("state.sqlite").path))
        runtime.credentials.add(Credential(name: credential, apiKey: "sim-key", secret: "sim-secret", passphrase: "sim-passphrase"))
        let library = try PluginLoader.load(path: try builtPlugin(product))
        let config = """
            {"rest_url":"\(sim.baseURL)","ws_public_url":"\(sim.publicWebSocketURL)",\
            "ws_private_url":"\(sim.privateWebSocketURL)"\(withCredential ? ",\"credential\":\"\(credential)\"" : ""),\
            "reconnect_base_ms":50,"reconnect_max_ms":500\(extraConfig)}
            """
        let instance = try runtime.instantiate(library, config: config, credentials: [credential])
        let harness = SpotHarness(sim: sim, runtime: runtime, library: library, instance: instance,
                                  trading: try TradingClient(instance), connectorConfig: config, stateDirectory: directory)
        harness.ownsSim = existing == nil
        runtime.events.subscribe { [weak harness] event in harness?.events.withLock { $0.append(event) } }
        return harness
    }

    /// Starts the created connector and waits until it has its trading rules.
    func startConnector() async throws {
        try instance.start()
        try #require(await eventually { (try? self.trading.instruments().isEmpty == false) ?? false },
                     "trading rules never loaded; events: \(errors)")
    }

    /// Wraps an already created (not started) instance of a plugin that is not a trading
    /// connector; `trading` is unusable then.
    static func adopt(sim: BitgetSimulator, runtime: HostRuntime, library: PluginLibrary,
                      instance: PluginInstance) async throws -> SpotHarness {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("swiftlet-feed-\(UUID().uuidString.prefix(8))")
        let harness = SpotHarness(sim: sim, runtime: runtime, library: library, instance: instance,
                                  trading: nil, connectorConfig: "{}", stateDirectory: directory)
        runtime.events.subscribe { [weak harness] event in harness?.events.withLock { $0.append(event) } }
        return harness
    }

    /// Stops and destroys the connector instance, then starts a fresh one of the same
    /// library on the same state database (a bot restart).
    func restartConnector() async throws {
        try instance.stop()
        instance.destroy()
        instance = try runtime.instantiate(library, config: connectorConfig, credentials: [Self.credential])
        trading = try TradingClient(instance)
        try instance.start()
        try #require(await eventually { (try? self.trading.instruments().isEmpty == false) ?? false })
    }

    func stop() async {
        try? instance.stop()
        instance.destroy()
        await runtime.shutdown()
        if ownsSim { await sim.shutdown() }
        try? FileManager.default.removeItem(at: stateDirectory)
    }

    // MARK: observing

    var all: [Event] { events.withLock { $0 } }

    var errors: [String] {
        all.compactMap { if case .error(let report) = $0.payload { report.message } else { nil } }
    }

    func orderUpdates(_ clientID: String) -> [OrderUpdate] {
        all.compactMap { if case .order(let update) = $0.payload, update.clientOrderID == clientID { update } else { nil } }
    }

    func fills(_ clientID: String? = nil) -> [Fill] {
        all.compactMap {
            if case .fill(let fill) = $0.payload, clientID == nil || fill.clientOrderID == clientID { fill } else { nil }
        }
    }

    func balance(_ asset: String) -> SwiftletCore.Balance? {
        (try? trading.balances())?.first { $0.asset == asset }
    }

    /// Polls `condition` until it holds or `timeout` passes.
    func eventually(timeout: Duration = .seconds(15), _ condition: () -> Bool) async -> Bool {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if condition() { return true }
            try? await Task.sleep(for: .milliseconds(20))
        }
        return condition()
    }

    /// Waits until the order reaches `state`.
    func waitFor(_ clientID: String, _ state: OrderState, timeout: Duration = .seconds(15)) async -> Bool {
        await eventually(timeout: timeout) { orderUpdates(clientID).last?.state == state }
    }

    // MARK: the simulator's own books

    /// The simulator's account 0 balance of `coin` (available, frozen).
    func simBalance(_ coin: String) throws -> (available: ExactDecimal, frozen: ExactDecimal) {
        try sim.exchange.locked { () throws(BitgetError) in
            let balance = sim.exchange.accounts[0].spot[coin] ?? BitgetSim.Balance()
            return (balance.available, balance.frozen)
        }
    }

    // MARK: files

    static let repoRoot: URL = {
        var url = URL(fileURLWithPath: #filePath)
        while url.path != "/" {
            url.deleteLastPathComponent()
            if FileManager.default.fileExists(atPath: url.appendingPathComponent("Package.swift").path) { return url }
        }
        fatalError("repository root not found above \(#filePath)")
    }()

    /// A built plugin library of this package (the test binary sits next to them).
    static func builtPlugin(_ product: String) throws -> String {
        var directory = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()
        for _ in 0..<4 {
            let candidate = directory.appendingPathComponent("lib\(product).so")
            if FileManager.default.fileExists(atPath: candidate.path) { return candidate.path }
            directory.deleteLastPathComponent()
        }
        let fallback = repoRoot.appendingPathComponent(".build/debug/lib\(product).so").path
        guard FileManager.default.fileExists(atPath: fallback) else {
            throw SpotTestFailure("lib\(product).so not found: run `swift build` first")
        }
        return fallback
    }

    /// A fixture file's text.
    static func fixture(_ relative: String) throws -> Data {
        try Data(contentsOf: repoRoot.appendingPathComponent("Tests/Fixtures").appendingPathComponent(relative))
    }
}

struct SpotTestFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

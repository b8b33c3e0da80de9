import BitgetSim
import Foundation
import Logging
import SwiftletBot
import SwiftletCore
import SwiftletHost
import SwiftletPersistence
import SwiftletTransport
import Testing

struct TestFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

func dec(_ text: String) -> ExactDecimal { try! ExactDecimal(text) }

/// bitget-sim in-process, a host with the real spot connector plugin (`bitget`), a bot
/// with a trade journal in a temporary file, and strategies loaded from their `.so`.
final class BotHarness: @unchecked Sendable {
    let sim: BitgetSimulator
    let runtime: HostRuntime
    let bot: Bot
    let journal: TradeJournal
    let connectors: [PluginInstance]
    let journalPath: String

    static let products: URL = {
        let binary = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        var candidate = binary.deletingLastPathComponent()
        for _ in 0..<4 {
            if FileManager.default.fileExists(atPath: candidate.appendingPathComponent("libBitgetSpot.so").path) { return candidate }
            candidate.deleteLastPathComponent()
        }
        var root = URL(fileURLWithPath: #filePath)
        while !FileManager.default.fileExists(atPath: root.appendingPathComponent("Package.swift").path) { root.deleteLastPathComponent() }
        return root.appendingPathComponent(".build/debug")
    }()

    static func library(_ product: String) throws -> PluginLibrary {
        let path = products.appendingPathComponent("lib\(product).so").path
        guard FileManager.default.fileExists(atPath: path) else { throw TestFailure("\(path) missing: run `swift build` first") }
        return try PluginLoader.load(path: path)
    }

    /// - Parameters:
    ///   - spot: the sim account's spot balances.
    ///   - paper: paper balances; non-nil wraps the connector in a paper venue.
    static func start(spot: [String: String] = ["USDT": "100000", "BTC": "2"], paper: [String: String]? = nil,
                      limits: RiskLimits = RiskLimits(), perpetual: Bool = false,
                      candles: Bool = false) async throws -> BotHarness {
        var config = SimConfig()
        config.accounts = [SimConfig.Account(key: "k1", secret: "s1", passphrase: "p1",
                                             spot: spot.mapValues { dec($0) }, futures: ["USDT": dec("100000")])]
        let sim = try await BitgetSimulator.start(config)
        let runtime = try HostRuntime(logger: Logger(label: "bot-e2e"))
        runtime.credentials.add(Credential(name: "sim", apiKey: "k1", secret: "s1", passphrase: "p1"))
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("bot-e2e-\(UUID().uuidString).sqlite").path
        let journal = try TradeJournal(path: path)
        let bot = Bot(runtime: runtime, limits: limits, journal: journal)
        let endpoints = #""rest_url":"\#(sim.baseURL)","ws_public_url":"\#(sim.publicWebSocketURL)","ws_private_url":"\#(sim.privateWebSocketURL)""#
        var connectors: [PluginInstance] = []
        for (product, id) in perpetual ? [("BitgetSpot", "bitget"), ("BitgetPerpetual", "bitget_perpetual")] : [("BitgetSpot", "bitget")] {
            let credential = paper == nil ? #","credential":"sim""# : ""
            let instance = try runtime.instantiate(try library(product), name: id, config: "{\(endpoints)\(credential)}",
                                                   credentials: paper == nil ? ["sim"] : [])
            try instance.start()
            connectors.append(instance)
            let trading = try TradingClient(instance)
            guard await trading.waitForRules(timeout: .seconds(15)) else { throw TestFailure("\(id) loaded no trading rules in 15 s") }
            if let paper {
                let balances = paper.map { Balance(asset: $0.key, total: dec($0.value), available: dec($0.value), locked: .zero) }
                bot.addVenue(try PaperVenue(id: id, connector: instance, balances: balances))
            } else {
                bot.addVenue(try LiveVenue(id: id, connector: instance))
            }
        }
        if candles {
            let feed = try runtime.instantiate(try library("BitgetCandles"), name: "bitget_candles", config: "{\(endpoints)}")
            try feed.start()
            connectors.append(feed)
            try bot.addCandleFeed(feed)
        }
        return BotHarness(sim: sim, runtime: runtime, bot: bot, journal: journal, connectors: connectors, journalPath: path)
    }

    private init(sim: BitgetSimulator, runtime: HostRuntime, bot: Bot, journal: TradeJournal, connectors: [PluginInstance],
                 journalPath: String) {
        self.sim = sim
        self.runtime = runtime
        self.bot = bot
        self.journal = journal
        self.connectors = connectors
        self.journalPath = journalPath
    }

    func venue(_ id: String = "bitget") -> any TradingVenue { bot.venues.first { $0.id == id }! }

    /// Runs `body` with the harness, then shuts it down, also when `body` throws.
    func use<Result>(_ body: (BotHarness) async throws -> Result) async throws -> Result {
        let result: Result
        do {
            result = try await body(self)
        } catch {
            await shutdown()
            throw error
        }
        await shutdown()
        return result
    }

    func shutdown() async {
        bot.stop()
        // The venues' connectors first: a hot swap may have replaced the ones started here.
        let current = bot.venues.compactMap { ($0 as? LiveVenue)?.connector }
        for connector in current + connectors {
            try? connector.stop()
            connector.destroy()
        }
        await runtime.shutdown()
        await sim.shutdown()
        removeDatabase(atPath: journalPath)
    }
}

/// Removes the SQLite database at `path` with its write-ahead log and shared-memory files.
func removeDatabase(atPath path: String) {
    for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
}

/// Polls `condition` every 50 ms until it holds; fails naming `what` after `timeout`, with
/// `detail` (what the test knows of the state it waited on) when given.
func waitUntil(_ what: String, timeout: Duration, detail: () -> String = { "" },
               _ condition: () throws -> Bool) async throws {
    let deadline = ContinuousClock.now + timeout
    while try !condition() {
        guard ContinuousClock.now < deadline else {
            let known = detail()
            throw TestFailure("timed out waiting for \(what)" + (known.isEmpty ? "" : ": \(known)"))
        }
        try await Task.sleep(for: .milliseconds(50))
    }
}

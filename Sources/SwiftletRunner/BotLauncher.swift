import Foundation
public import Logging
public import SwiftletBot
public import SwiftletConfig
import SwiftletCore
public import SwiftletHost
public import SwiftletPersistence
public import SwiftletTransport
import Synchronization

/// A bot built from a `BotConfig`: plugins loaded from the plugin directory, connectors
/// started (live, or wrapped for paper trading), candle feeds, the trade journal, the
/// risk limits and the strategies. `swiftlet start`, `swiftlet demo` and the end-to-end
/// tests all run bots this way.
public final class RunningBot: @unchecked Sendable {
    public let config: BotConfig
    public let runtime: HostRuntime
    public let bot: Bot
    public let journal: TradeJournal
    /// Connector and feed instances, in start order.
    public let instances: [PluginInstance]
    /// Where the bot's plugins were found; hot swaps look for new versions here.
    let registry: PluginRegistry
    let pluginDirectory: String?
    let startedAt = Date()
    private let killSwitchTimer: UInt64
    private let stopped = Mutex(false)

    /// True once `stop` has run (from the control endpoint, a signal or the kill switch's owner).
    public var isStopped: Bool { stopped.withLock { $0 } }

    /// Starts everything the config names; on any failure, what was started is stopped
    /// again and the error names the config entry.
    /// - Parameters:
    ///   - registry: where plugins were discovered.
    ///   - credentials: the credentials the config may name (from the vault, or test ones).
    ///   - journalPath: overrides `config.database`.
    ///   - pluginDirectory: the directory `registry` was discovered from, searched again for
    ///     versions installed later (hot swap).
    public static func start(_ config: BotConfig, registry: PluginRegistry, pluginDirectory: String? = nil,
                             credentials: [Credential] = [], statePath: String? = nil, journalPath: String? = nil,
                             logger: Logger) async throws -> RunningBot {
        let runtime = try HostRuntime(
            configuration: HostConfiguration(stateDatabasePath: statePath, eventLoopCPUs: config.eventLoops.cpus,
                                             reservesEventLoopCPUs: true,
                                             keepsEventLoopCPUsAwake: config.eventLoops.keepAwake),
            logger: logger)
        for credential in credentials { runtime.credentials.add(credential) }
        var started: [PluginInstance] = []
        do {
            let journal = try TradeJournal(path: journalPath ?? config.database ?? TradeJournal.defaultPath())
            let bot = Bot(runtime: runtime, limits: config.risk.limits, journal: journal, logger: logger)
            for entry in config.connectors {
                let venue = try await startConnector(entry, registry: registry, runtime: runtime,
                                                     known: Set(credentials.map(\.name)), started: &started)
                bot.addVenue(venue)
            }
            for entry in config.candleFeeds {
                let library = try pick(entry.plugin, entry.version, registry, what: "candle_feeds.\(entry.id)")
                let instance = try runtime.instantiate(library, name: entry.id, config: entry.configJSON)
                started.append(instance)
                try instance.start()
                try bot.addCandleFeed(instance)
            }
            for entry in config.strategies {
                let library = try pick(entry.plugin, entry.version, registry, what: "strategies.\(entry.id)")
                let tick = Duration.milliseconds(entry.tickIntervalMilliseconds ?? 1_000)
                do {
                    try bot.startStrategy(id: entry.id, library: library, params: entry.paramsJSON, tick: tick)
                } catch {
                    throw LaunchError("strategies.\(entry.id): \(error.message)")
                }
            }
            // Marks move without fills: the kill switch is also checked every second.
            let timer = runtime.timers.start(delay: .seconds(1), interval: .seconds(1)) { [weak bot] _ in bot?.checkKillSwitch() }
            return RunningBot(config: config, runtime: runtime, bot: bot, journal: journal, instances: started, timer: timer,
                              registry: registry, pluginDirectory: pluginDirectory)
        } catch {
            for instance in started.reversed() { instance.destroy() }
            await runtime.shutdown()
            throw error
        }
    }

    private init(config: BotConfig, runtime: HostRuntime, bot: Bot, journal: TradeJournal, instances: [PluginInstance],
                 timer: UInt64, registry: PluginRegistry, pluginDirectory: String?) {
        self.registry = registry
        self.pluginDirectory = pluginDirectory
        self.config = config
        self.runtime = runtime
        self.bot = bot
        self.journal = journal
        self.instances = instances
        self.killSwitchTimer = timer
    }

    /// Starts one connector instance and wraps it in its venue.
    private static func startConnector(_ entry: SwiftletConfig.ConnectorConfig, registry: PluginRegistry, runtime: HostRuntime,
                                       known: Set<String>, started: inout [PluginInstance]) async throws -> any TradingVenue {
        let library = try pick(entry.plugin, entry.version, registry, what: "connectors.\(entry.id)")
        var granted: Set<String> = []
        var configJSON = entry.configJSON
        // A paper venue takes only market data from its connector: it gets no credential.
        if let credential = entry.credential, !entry.paper {
            guard known.contains(credential) else {
                throw LaunchError("connectors.\(entry.id).credential: no credential named \"\(credential)\" (run `swiftlet connect`)")
            }
            granted.insert(credential)
            configJSON = JSONText.adding(key: "credential", string: credential, to: configJSON)
        }
        let instance: PluginInstance
        do {
            instance = try runtime.instantiate(library, name: entry.id, config: configJSON, credentials: granted)
        } catch {
            throw LaunchError("connectors.\(entry.id): \(error.message)")
        }
        started.append(instance)
        try instance.start()
        let trading = try TradingClient(instance)
        guard await trading.waitForRules(timeout: .seconds(20)) else {
            throw LaunchError("connectors.\(entry.id): no trading rules loaded within 20 s (is the exchange reachable?)")
        }
        for symbol in entry.markets {
            do { _ = try trading.instrument(symbol) } catch {
                throw LaunchError("connectors.\(entry.id).markets: \(symbol): \(error.message)")
            }
        }
        guard entry.paper else { return try LiveVenue(id: entry.id, connector: instance) }
        let balances = entry.paperBalances.sorted { $0.key < $1.key }
            .map { Balance(asset: $0.key, total: $0.value, available: $0.value, locked: .zero) }
        return try PaperVenue(id: entry.id, connector: instance, balances: balances)
    }

    static func pick(_ id: String, _ version: String?, _ registry: PluginRegistry, what: String) throws(LaunchError) -> PluginLibrary {
        guard let library = registry.library(id: id, version: version) else {
            let installed = registry.all.filter { $0.info.id == id }.map(\.info.version)
            throw LaunchError("\(what).plugin: \(id)\(version.map { "@\($0)" } ?? "") is not installed"
                              + (installed.isEmpty ? "" : " (installed: \(installed.joined(separator: ", ")))"))
        }
        return library
    }

    /// Stops the strategies (cancelling their orders), then the connectors and feeds.
    public func stop() async {
        let already = stopped.withLock { value -> Bool in
            defer { value = true }
            return value
        }
        if already { return }
        _ = runtime.timers.cancel(killSwitchTimer)
        bot.stop()
        // The venues' current connectors first: a hot swap may have replaced started ones.
        let current = bot.venues.compactMap { ($0 as? LiveVenue)?.connector }
        for instance in current + instances.reversed() {
            try? instance.stop()
            instance.destroy()
        }
        await runtime.shutdown()
    }
}

/// Why a bot could not start, naming the config entry at fault.
public struct LaunchError: Error, CustomStringConvertible {
    public let description: String
    init(_ description: String) { self.description = description }
}

extension RiskConfig {
    /// The host's risk limits.
    var limits: RiskLimits {
        RiskLimits(maxOrderSize: maxOrderSize, maxOrderNotional: maxOrderNotional, killSwitchLoss: killSwitchLoss)
    }
}

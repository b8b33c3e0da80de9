import Foundation
import RegexBuilder
import SwiftletCore
import SwiftletSystem
import Yams

extension BotConfig {
    /// Reads and validates the YAML file at `path`.
    public static func load(path: String) throws(ConfigError) -> BotConfig {
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw ConfigError(path: "", message: "cannot read \(path): \(error.localizedDescription)")
        }
        return try parse(yaml: text)
    }

    /// Reads and validates a bot configuration; the first problem found is thrown,
    /// naming its field (see ``ConfigError``).
    public static func parse(yaml: String) throws(ConfigError) -> BotConfig {
        let root = try YAMLDocument.root(of: yaml)
        let fields = try root.mapping(
            allowed: ["database", "control", "connectors", "candle_feeds", "strategies", "risk", "event_loops"],
            required: ["connectors"])
        var ids = IdRegistry()

        var connectors: [ConnectorConfig] = []
        let connectorNodes = try fields["connectors"]!.sequence()
        if connectorNodes.isEmpty { throw fields["connectors"]!.error("needs at least one connector") }
        for node in connectorNodes {
            let connector = try connectorConfig(node)
            try ids.register(connector.id, at: node)
            connectors.append(connector)
        }
        var candleFeeds: [CandleFeedConfig] = []
        for node in try fields["candle_feeds"]?.sequence() ?? [] {
            let feed = try candleFeedConfig(node)
            try ids.register(feed.id, at: node)
            candleFeeds.append(feed)
        }
        var strategies: [StrategyConfig] = []
        for node in try fields["strategies"]?.sequence() ?? [] {
            let strategy = try strategyConfig(node, connectorIDs: connectors.map(\.id))
            try ids.register(strategy.id, at: node)
            strategies.append(strategy)
        }
        return BotConfig(
            database: try fields["database"]?.string(),
            controlSocket: try fields["control"].map { node throws(ConfigError) in
                try node.mapping(allowed: ["socket"], required: ["socket"])["socket"]!.string()
            },
            connectors: connectors, candleFeeds: candleFeeds, strategies: strategies,
            risk: try fields["risk"].map(riskConfig) ?? RiskConfig(),
            eventLoops: try fields["event_loops"].map(eventLoopConfig) ?? EventLoopConfig())
    }

    /// `event_loops`: `cpus`, distinct CPU ids this process may run on; `keep_awake`, only
    /// with `cpus`.
    private static func eventLoopConfig(_ node: ConfigNode) throws(ConfigError) -> EventLoopConfig {
        let fields = try node.mapping(allowed: ["cpus", "keep_awake"])
        var cpus: [Int] = []
        if let cpusNode = fields["cpus"] {
            for item in try cpusNode.sequence() {
                let cpu = try item.nonNegativeInteger()
                if cpus.contains(cpu) { throw item.error("CPU \(cpu) is listed twice") }
                cpus.append(cpu)
            }
            if let problem = CPUAffinity.problem(with: cpus) { throw cpusNode.error(problem) }
        }
        let keepAwake = try fields["keep_awake"]?.bool() ?? false
        if keepAwake && cpus.isEmpty {
            throw fields["keep_awake"]!.error("needs event_loops.cpus, the CPUs to keep awake")
        }
        return EventLoopConfig(cpus: cpus, keepAwake: keepAwake)
    }

    private static func connectorConfig(_ node: ConfigNode) throws(ConfigError) -> ConnectorConfig {
        let fields = try node.mapping(
            allowed: ["id", "plugin", "version", "credential", "paper", "paper_balances", "config", "markets"],
            required: ["id", "plugin"])
        let paper = try fields["paper"]?.bool() ?? false
        var balances: [String: ExactDecimal] = [:]
        if let balancesNode = fields["paper_balances"] {
            guard paper else { throw balancesNode.error("only allowed with paper: true") }
            for entry in try balancesNode.mapping().entries {
                try entry.value.checkNameKey(entry.key)
                balances[entry.key] = try entry.value.nonNegativeDecimal()
            }
        }
        var markets: [String] = []
        for item in try fields["markets"]?.sequence() ?? [] {
            let symbol = try item.identifier()
            if markets.contains(symbol) { throw item.error("duplicate market \(String(reflecting: symbol))") }
            markets.append(symbol)
        }
        return ConnectorConfig(
            id: try fields["id"]!.identifier(), plugin: try fields["plugin"]!.identifier(),
            version: try fields["version"].map(version), credential: try fields["credential"]?.identifier(),
            paper: paper, paperBalances: balances, configJSON: try JSONText.object(fields["config"]), markets: markets)
    }

    private static func candleFeedConfig(_ node: ConfigNode) throws(ConfigError) -> CandleFeedConfig {
        let fields = try node.mapping(allowed: ["id", "plugin", "version", "config"], required: ["id", "plugin"])
        return CandleFeedConfig(
            id: try fields["id"]!.identifier(), plugin: try fields["plugin"]!.identifier(),
            version: try fields["version"].map(version), configJSON: try JSONText.object(fields["config"]))
    }

    private static func strategyConfig(_ node: ConfigNode, connectorIDs: [String]) throws(ConfigError) -> StrategyConfig {
        let fields = try node.mapping(allowed: ["id", "plugin", "version", "params", "tick_interval_ms"],
                                      required: ["id", "plugin"])
        if let params = fields["params"], let connector = try params.mapping()["connector"] {
            let name = try connector.string()
            guard connectorIDs.contains(name) else {
                throw connector.error("no connector has id \(String(reflecting: name)) "
                    + "(connectors: \(connectorIDs.joined(separator: ", ")))")
            }
        }
        return StrategyConfig(
            id: try fields["id"]!.identifier(), plugin: try fields["plugin"]!.identifier(),
            version: try fields["version"].map(version), paramsJSON: try JSONText.object(fields["params"]),
            tickIntervalMilliseconds: try fields["tick_interval_ms"]?.positiveInteger())
    }

    private static func riskConfig(_ node: ConfigNode) throws(ConfigError) -> RiskConfig {
        let fields = try node.mapping(allowed: ["max_order_size", "max_order_notional", "kill_switch_loss"])
        var maxOrderSize: [String: ExactDecimal] = [:]
        for entry in try fields["max_order_size"]?.mapping().entries ?? [] {
            try entry.value.checkNameKey(entry.key)
            maxOrderSize[entry.key] = try entry.value.positiveDecimal()
        }
        return RiskConfig(maxOrderSize: maxOrderSize,
                          maxOrderNotional: try fields["max_order_notional"]?.positiveDecimal(),
                          killSwitchLoss: try fields["kill_switch_loss"]?.positiveDecimal())
    }

    /// A semantic version `MAJOR.MINOR.PATCH[-prerelease][+build]`, kept as text.
    private static func version(_ node: ConfigNode) throws(ConfigError) -> String {
        let text = try node.string()
        let number = #/(0|[1-9][0-9]*)/#
        let dotted = #/[0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*/#
        let pattern = Regex {
            number; "."; number; "."; number
            Optionally { "-"; dotted }
            Optionally { "+"; dotted }
        }
        guard (try? pattern.wholeMatch(in: text)) != nil else { throw node.error("expected a version like \"1.0.0\", got \(String(reflecting: text))") }
        return text
    }
}

/// Instance ids share one namespace across connectors, candle feeds and strategies.
private struct IdRegistry {
    private var owners: [String: String] = [:]

    mutating func register(_ id: String, at node: ConfigNode) throws(ConfigError) {
        let idPath = node.path + ".id"
        if let owner = owners[id] {
            throw ConfigError(path: idPath, message: "duplicate id \(String(reflecting: id)) (already used by \(owner))",
                              line: node.line)
        }
        owners[id] = node.path
    }
}

import SwiftletCore

/// A bot as `swiftlet start --config bot.yml` describes it: the connectors, candle feeds and
/// strategies to run, and the risk limits around them. The YAML schema is in
/// docs/configuration.md; ``BotConfig/parse(yaml:)`` reads and validates it.
public struct BotConfig: Sendable, Equatable {
    /// SQLite file for trades and state; nil: the runtime's default.
    public var database: String?
    /// Unix socket of the control endpoint; nil: ``SwiftletPaths/controlSocket``.
    public var controlSocket: String?
    /// Exchange connectors, in file order.
    public var connectors: [ConnectorConfig]
    /// Candle feeds, in file order.
    public var candleFeeds: [CandleFeedConfig]
    /// Strategies, in file order.
    public var strategies: [StrategyConfig]
    /// Limits the host applies to every order intent.
    public var risk: RiskConfig
    /// Where the host's event loops run.
    public var eventLoops: EventLoopConfig

    /// Makes a configuration from parts that are already valid.
    public init(database: String? = nil, controlSocket: String? = nil, connectors: [ConnectorConfig],
                candleFeeds: [CandleFeedConfig] = [], strategies: [StrategyConfig] = [], risk: RiskConfig = RiskConfig(),
                eventLoops: EventLoopConfig = EventLoopConfig()) {
        self.database = database
        self.controlSocket = controlSocket
        self.connectors = connectors
        self.candleFeeds = candleFeeds
        self.strategies = strategies
        self.risk = risk
        self.eventLoops = eventLoops
    }
}

/// One exchange connector instance (`connectors[i]`).
public struct ConnectorConfig: Sendable, Equatable {
    /// The instance name strategies refer to.
    public var id: String
    /// The plugin id to load, e.g. `bitget`.
    public var plugin: String
    /// A pinned plugin version (`1.0.0`); nil: the newest installed.
    public var version: String?
    /// Vault name of the API credential; nil: public market data only.
    public var credential: String?
    /// Trade against a simulated account instead of the exchange.
    public var paper: Bool
    /// Starting balances of the paper account by asset (paper only).
    public var paperBalances: [String: ExactDecimal]
    /// The plugin's configuration as a JSON object text (`{}` when absent).
    public var configJSON: String
    /// Symbols to trade or watch, e.g. `BTCUSDT`.
    public var markets: [String]

    /// Makes a connector entry.
    public init(id: String, plugin: String, version: String? = nil, credential: String? = nil, paper: Bool = false,
                paperBalances: [String: ExactDecimal] = [:], configJSON: String = "{}", markets: [String] = []) {
        self.id = id
        self.plugin = plugin
        self.version = version
        self.credential = credential
        self.paper = paper
        self.paperBalances = paperBalances
        self.configJSON = configJSON
        self.markets = markets
    }
}

/// One candle feed instance (`candle_feeds[i]`).
public struct CandleFeedConfig: Sendable, Equatable {
    /// The instance name.
    public var id: String
    /// The plugin id, e.g. `bitget_candles`.
    public var plugin: String
    /// A pinned plugin version; nil: the newest installed.
    public var version: String?
    /// The plugin's configuration as a JSON object text (`{}` when absent).
    public var configJSON: String

    /// Makes a candle feed entry.
    public init(id: String, plugin: String, version: String? = nil, configJSON: String = "{}") {
        self.id = id
        self.plugin = plugin
        self.version = version
        self.configJSON = configJSON
    }
}

/// One strategy instance (`strategies[i]`).
public struct StrategyConfig: Sendable, Equatable {
    /// The instance name.
    public var id: String
    /// The plugin id, e.g. `pure_market_making`.
    public var plugin: String
    /// A pinned plugin version; nil: the newest installed.
    public var version: String?
    /// The strategy's parameters as a JSON object text, numbers copied digit for digit.
    public var paramsJSON: String
    /// How often the strategy is ticked, in milliseconds; nil: the strategy's own choice.
    public var tickIntervalMilliseconds: Int?

    /// Makes a strategy entry.
    public init(id: String, plugin: String, version: String? = nil, paramsJSON: String = "{}",
                tickIntervalMilliseconds: Int? = nil) {
        self.id = id
        self.plugin = plugin
        self.version = version
        self.paramsJSON = paramsJSON
        self.tickIntervalMilliseconds = tickIntervalMilliseconds
    }
}

/// Risk limits (`risk`); every one is optional.
public struct RiskConfig: Sendable, Equatable {
    /// Largest order size per symbol, in base units.
    public var maxOrderSize: [String: ExactDecimal]
    /// Largest order value (price × size) in the quote asset.
    public var maxOrderNotional: ExactDecimal?
    /// Realized plus unrealized loss, in the quote asset, at which trading stops.
    public var killSwitchLoss: ExactDecimal?

    /// Makes a set of limits; the defaults impose none.
    public init(maxOrderSize: [String: ExactDecimal] = [:], maxOrderNotional: ExactDecimal? = nil,
                killSwitchLoss: ExactDecimal? = nil) {
        self.maxOrderSize = maxOrderSize
        self.maxOrderNotional = maxOrderNotional
        self.killSwitchLoss = killSwitchLoss
    }
}

/// `event_loops`: the host's I/O threads (docs/operations.md#cpu-pinning).
public struct EventLoopConfig: Sendable, Equatable {
    /// CPUs the event loops are pinned to, one loop per CPU; empty: two loops, not pinned.
    public var cpus: [Int]
    /// Keep those CPUs from going idle (docs/operations.md#keeping-the-loops-cpus-awake).
    public var keepAwake: Bool

    public init(cpus: [Int] = [], keepAwake: Bool = false) {
        self.cpus = cpus
        self.keepAwake = keepAwake
    }
}

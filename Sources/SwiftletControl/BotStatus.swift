import SwiftletCore

/// What a running bot reports on `GET /status`: every connector with its balances, open
/// orders and positions, the strategies, PnL per market and the kill switch.
///
/// Money is ``ExactDecimal``, encoded in JSON as exact decimal strings (`"0.10"`).
public struct BotStatus: Codable, Sendable, Equatable {
    /// Connector instances, in configuration order.
    public var connectors: [ConnectorStatus]
    /// Strategy instances, in configuration order.
    public var strategies: [StrategyStatus]
    /// Profit and loss per market.
    public var pnl: [MarketPnL]
    /// Whether the kill switch has stopped trading.
    public var killSwitch: KillSwitchStatus
    /// Seconds since the bot started.
    public var uptimeSeconds: Int
    /// Where the host's event loops run, when pinned (`event_loops` in `bot.yml`); nil when not.
    public var eventLoops: EventLoopStatus?

    /// Makes a status report.
    public init(connectors: [ConnectorStatus] = [], strategies: [StrategyStatus] = [], pnl: [MarketPnL] = [],
                killSwitch: KillSwitchStatus = KillSwitchStatus(), uptimeSeconds: Int = 0,
                eventLoops: EventLoopStatus? = nil) {
        self.connectors = connectors
        self.strategies = strategies
        self.pnl = pnl
        self.killSwitch = killSwitch
        self.uptimeSeconds = uptimeSeconds
        self.eventLoops = eventLoops
    }
}

/// The CPUs the host's event loops are pinned to, and what is done to keep them for the loops
/// (docs/operations.md#cpu-pinning).
public struct EventLoopStatus: Codable, Sendable, Equatable {
    /// One loop per CPU.
    public var cpus: [Int]
    /// The bot's other threads are kept off those CPUs.
    public var reserved: Bool
    /// The CPUs are kept from going idle.
    public var keptAwake: Bool

    /// Makes an event-loop report.
    public init(cpus: [Int], reserved: Bool, keptAwake: Bool) {
        self.cpus = cpus
        self.reserved = reserved
        self.keptAwake = keptAwake
    }
}

/// A connector's link to its exchange.
public enum ConnectorHealth: String, Codable, Sendable, Equatable {
    case connecting, connected, reconnecting, disconnected
    /// Stopped on purpose (bot stopping, plugin swapped out).
    case stopped
    /// Gave up after an error.
    case failed

    /// The health matching a connection event's state.
    public init(_ state: ConnectionState) {
        switch state {
        case .connecting: self = .connecting
        case .connected: self = .connected
        case .disconnected: self = .disconnected
        case .reconnecting: self = .reconnecting
        }
    }
}

/// One connector instance.
public struct ConnectorStatus: Codable, Sendable, Equatable {
    /// The instance id from the configuration.
    public var id: String
    /// Plugin id and version serving it.
    public var plugin: String
    public var version: String
    /// True when trading against a paper account.
    public var paper: Bool
    public var health: ConnectorHealth
    public var balances: [BalanceStatus]
    public var openOrders: [OpenOrderStatus]
    public var positions: [PositionStatus]

    /// Makes a connector report.
    public init(id: String, plugin: String, version: String, paper: Bool = false, health: ConnectorHealth,
                balances: [BalanceStatus] = [], openOrders: [OpenOrderStatus] = [], positions: [PositionStatus] = []) {
        self.id = id
        self.plugin = plugin
        self.version = version
        self.paper = paper
        self.health = health
        self.balances = balances
        self.openOrders = openOrders
        self.positions = positions
    }
}

/// One asset's balance.
public struct BalanceStatus: Codable, Sendable, Equatable {
    public var asset: String
    public var total: ExactDecimal
    public var available: ExactDecimal
    public var locked: ExactDecimal

    /// Makes a balance row.
    public init(asset: String, total: ExactDecimal, available: ExactDecimal, locked: ExactDecimal) {
        self.asset = asset
        self.total = total
        self.available = available
        self.locked = locked
    }
}

/// One open order.
public struct OpenOrderStatus: Codable, Sendable, Equatable {
    /// `buy` or `sell`.
    public enum Side: String, Codable, Sendable, Equatable {
        case buy, sell

        /// The side of a core order.
        public init(_ side: SwiftletCore.Side) {
            self = side == .buy ? .buy : .sell
        }
    }

    /// An order's lifecycle state, in snake_case.
    public enum State: String, Codable, Sendable, Equatable {
        case pendingCreate = "pending_create", open, partiallyFilled = "partially_filled", filled
        case pendingCancel = "pending_cancel", cancelled, failed

        /// The state of a core order.
        public init(_ state: OrderState) {
            switch state {
            case .pendingCreate: self = .pendingCreate
            case .open: self = .open
            case .partiallyFilled: self = .partiallyFilled
            case .filled: self = .filled
            case .pendingCancel: self = .pendingCancel
            case .cancelled: self = .cancelled
            case .failed: self = .failed
            }
        }
    }

    public var symbol: String
    public var clientOrderID: String
    public var side: Side
    public var price: ExactDecimal
    public var size: ExactDecimal
    /// Size filled so far.
    public var filled: ExactDecimal
    public var state: State

    /// Makes an order row.
    public init(symbol: String, clientOrderID: String, side: Side, price: ExactDecimal, size: ExactDecimal,
                filled: ExactDecimal = .zero, state: State) {
        self.symbol = symbol
        self.clientOrderID = clientOrderID
        self.side = side
        self.price = price
        self.size = size
        self.filled = filled
        self.state = state
    }
}

/// One perpetual position.
public struct PositionStatus: Codable, Sendable, Equatable {
    /// `long`, `short`, or `net` in one-way mode.
    public enum Side: String, Codable, Sendable, Equatable {
        case long, short, net

        /// The side of a core position (`none` is a one-way net position).
        public init(_ side: PositionSide) {
            switch side {
            case .long: self = .long
            case .short: self = .short
            case .none: self = .net
            }
        }
    }

    public var symbol: String
    public var side: Side
    /// Size in contracts or base units, as the exchange reports it.
    public var size: ExactDecimal
    public var entryPrice: ExactDecimal
    public var unrealizedPnL: ExactDecimal
    public var leverage: ExactDecimal

    /// Makes a position row.
    public init(symbol: String, side: Side, size: ExactDecimal, entryPrice: ExactDecimal,
                unrealizedPnL: ExactDecimal, leverage: ExactDecimal) {
        self.symbol = symbol
        self.side = side
        self.size = size
        self.entryPrice = entryPrice
        self.unrealizedPnL = unrealizedPnL
        self.leverage = leverage
    }
}

/// One strategy instance.
public struct StrategyStatus: Codable, Sendable, Equatable {
    /// A strategy's lifecycle state.
    public enum State: String, Codable, Sendable, Equatable {
        case starting, running, stopping, stopped, failed
    }

    public var id: String
    public var plugin: String
    public var version: String
    public var state: State

    /// Makes a strategy row.
    public init(id: String, plugin: String, version: String, state: State) {
        self.id = id
        self.plugin = plugin
        self.version = version
        self.state = state
    }
}

/// Profit and loss of one market, in its quote asset.
public struct MarketPnL: Codable, Sendable, Equatable {
    /// `<connector>:<symbol>`, e.g. `bitget:BTCUSDT`.
    public var market: String
    public var realized: ExactDecimal
    public var unrealized: ExactDecimal
    /// Fees paid (positive) or rebates earned (negative).
    public var fees: ExactDecimal

    /// Makes a PnL row.
    public init(market: String, realized: ExactDecimal, unrealized: ExactDecimal, fees: ExactDecimal) {
        self.market = market
        self.realized = realized
        self.unrealized = unrealized
        self.fees = fees
    }
}

/// The kill switch: once tripped, the host accepts no new orders.
public struct KillSwitchStatus: Codable, Sendable, Equatable {
    public var tripped: Bool
    /// Why it tripped, e.g. "loss 100.5 USDT reached kill_switch_loss 100".
    public var reason: String?

    /// Makes a kill switch report; the default is not tripped.
    public init(tripped: Bool = false, reason: String? = nil) {
        self.tripped = tripped
        self.reason = reason
    }
}

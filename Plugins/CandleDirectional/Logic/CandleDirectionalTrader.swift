public import SwiftletPluginKit

/// The candle directional loop over any `StrategyTradingAPI`, driven by events.
///
/// - Signals: each closed candle of the configured feed/symbol/interval feeds an
///   `SMACrossover`. A signal is acted on only if its candle closed less than one interval
///   ago; older candles (a backfill) only warm the averages up. Missing history is read
///   from the host's candle window before the first signal.
/// - Entry: flat and out of cooldown → a MARKET order of `order_amount` (buy for long, sell
///   for short, `position_side` long/short). A refused order is logged; the next signal
///   tries again.
/// - Position: the entry's fills give size and average price; the time limit runs from the
///   first fill.
/// - Exit: a reduce-only MARKET order for the open size when the last price (ticker,
///   trades or book mid) reaches the stop-loss or take-profit price, when the time limit
///   has passed, or when the opposite signal arrives. Once decided the exit is pursued
///   until flat: a refused exit is retried at most once a second (on ticks and prices), a
///   partly filled one is followed by another for the rest.
/// - One position at a time; after it closes, no entry for `cooldown`.
public final class CandleDirectionalTrader {
    public let config: CandleDirectionalConfig
    private let trading: any StrategyTradingAPI
    private let log: StrategyLogger
    public private(set) var crossover: SMACrossover
    public private(set) var position: DirectionalPosition?
    public private(set) var lastPrice: ExactDecimal?
    /// No entry before this time, ns.
    public private(set) var cooldownUntil: Int64 = 0

    public init(config: CandleDirectionalConfig, trading: any StrategyTradingAPI, log: @escaping StrategyLogger) {
        self.config = config
        self.trading = trading
        self.log = log
        crossover = SMACrossover(fastPeriod: config.fastPeriod, slowPeriod: config.slowPeriod)
    }

    /// Subscribes to the candles and to the price channel.
    public func start() throws(PluginError) {
        try trading.subscribeCandles(feedPlugin: config.feedPlugin, feed: config.feed, symbol: config.symbol,
                                     interval: config.interval, history: config.history)
        try trading.subscribe(connector: config.connector, channel: config.priceChannel.channel, symbol: config.symbol)
        log(.info, "candle directional on \(config.connector) \(config.symbol) \(config.interval): SMA \(config.fastPeriod)/\(config.slowPeriod), \(config.orderAmount) per entry")
    }

    /// The state the next instance takes over on a hot swap.
    public var handover: CandleDirectionalHandover {
        CandleDirectionalHandover(position: position, cooldownUntil: cooldownUntil, lastPrice: lastPrice,
                                  closes: crossover.closes.map { .init(openTime: $0.openTime, close: $0.close) })
    }

    /// Takes over the previous instance's state, before `start`.
    public func adopt(_ handover: CandleDirectionalHandover) {
        position = handover.position
        cooldownUntil = handover.cooldownUntil
        lastPrice = handover.lastPrice
        crossover.restore(handover.closes.map { (openTime: $0.openTime, close: $0.close) })
    }

    /// Routes one event.
    public func handle(_ event: Event, now: Int64) {
        do throws(DecimalError) {
            switch event.payload {
            case .candle(let update):
                guard update.isClosed, update.feed == config.feed, update.interval == config.interval,
                      event.context.symbol == config.symbol else { return }
                try closed(update.candle, now: now)
            case .ticker(let ticker) where isOurMarket(event) && config.priceChannel == .ticker:
                try price(ticker.lastPrice, now: now)
            case .trade(let trade) where isOurMarket(event) && config.priceChannel == .trades:
                try price(trade.price, now: now)
            case .book where isOurMarket(event) && config.priceChannel == .book:
                if let mid = bookMid() { try price(mid, now: now) }
            case .order(let update):
                try apply(update, now: now)
            case .fill(let fill):
                try apply(fill, now: now)
            case .timer:
                try evaluate(now: now)
            default:
                break
            }
        } catch {
            log(.error, "arithmetic failed: \(error)")
        }
    }

    // MARK: signals

    private func closed(_ candle: Candle, now: Int64) throws(DecimalError) {
        if !crossover.isWarm { seed(before: candle.openTime) }
        guard let signal = try crossover.append(openTime: candle.openTime, close: candle.close) else { return }
        let closedAt = candle.openTime + config.intervalNanoseconds
        guard now - closedAt < config.intervalNanoseconds else {
            log(.debug, "\(signal) cross on an old candle (\(candle.openTime)); history only")
            return
        }
        log(.info, "\(signal == .long ? "golden" : "death") cross at close \(candle.close)")
        try act(on: signal, now: now)
    }

    /// Fills missing history from the host's window (candles before `openTime` only, so the
    /// candle being delivered still produces its signal).
    private func seed(before openTime: Int64) {
        do throws(PluginError) {
            let window = try trading.candles(feedPlugin: config.feedPlugin, feed: config.feed,
                                             symbol: config.symbol, interval: config.interval)
            crossover.seed(window.filter { $0.openTime < openTime })
        } catch {
            log(.debug, "candle window not available yet: \(error.message)")
        }
    }

    private func act(on signal: TradeDirection, now: Int64) throws(DecimalError) {
        guard let current = position else {
            guard now >= cooldownUntil else {
                log(.info, "\(signal) signal ignored: cooling down for \((cooldownUntil - now) / 1_000_000) ms")
                return
            }
            enter(signal, now: now)
            return
        }
        guard current.direction != signal else { return }
        if try current.openSize > .zero, position?.exitReason == nil {
            position?.exitReason = .oppositeSignal
            try evaluate(now: now)
        }
    }

    // MARK: orders

    private func enter(_ direction: TradeDirection, now: Int64) {
        let request = OrderRequest(side: direction == .long ? .buy : .sell, symbol: config.symbol, type: .market,
                                   timeInForce: .ioc, size: config.orderAmount,
                                   positionSide: direction == .long ? .long : .short)
        do throws(PluginError) {
            let id = try trading.placeOrder(connector: config.connector, request)
            position = DirectionalPosition(direction: direction, entryOrderID: id)
            log(.info, "entering \(direction) \(config.orderAmount) \(config.symbol) (\(id))")
        } catch {
            log(.warning, "\(direction) entry refused: \(error.message); waiting for the next signal")
        }
    }

    private func exit(_ current: DirectionalPosition, size: ExactDecimal, now: Int64) {
        let request = OrderRequest(side: current.direction == .long ? .sell : .buy, symbol: config.symbol, type: .market,
                                   timeInForce: .ioc, size: size,
                                   positionSide: current.direction == .long ? .long : .short, reduceOnly: true)
        let reason = current.exitReason?.rawValue ?? "exit"
        do throws(PluginError) {
            let id = try trading.placeOrder(connector: config.connector, request)
            position?.exits[id] = OrderFills()
            position?.liveExitOrderID = id
            position?.exitRefusedAt = nil
            log(.info, "exiting \(current.direction) \(size) on \(reason) (\(id))")
        } catch {
            position?.exitRefusedAt = now
            log(.error, "exit (\(reason)) of \(size) refused: \(error.message); retrying")
        }
    }

    private func apply(_ update: OrderUpdate, now: Int64) throws(DecimalError) {
        guard var current = position else { return }
        if update.clientOrderID == current.entryOrderID {
            current.entry.report(update)
            if update.state.isFinal, current.entry.size > .zero {
                if current.openedAt == nil { current.openedAt = now }
                log(.info, "\(current.direction) position of \(current.entry.size) open at \(try current.entry.averagePrice)")
            }
        } else if current.exits[update.clientOrderID] != nil {
            current.exits[update.clientOrderID]?.report(update)
            if update.state.isFinal, current.liveExitOrderID == update.clientOrderID { current.liveExitOrderID = nil }
            if update.state == .failed { log(.warning, "exit \(update.clientOrderID) failed: \(update.reason)") }
        } else {
            return
        }
        position = current
        try evaluate(now: now)
    }

    private func apply(_ fill: Fill, now: Int64) throws(DecimalError) {
        guard var current = position else { return }
        if fill.clientOrderID == current.entryOrderID {
            try current.entry.add(fill)
            if current.openedAt == nil { current.openedAt = now }
        } else if current.exits[fill.clientOrderID] != nil {
            try current.exits[fill.clientOrderID]?.add(fill)
        } else {
            return
        }
        position = current
        try evaluate(now: now)
    }

    // MARK: exits

    private func price(_ value: ExactDecimal, now: Int64) throws(DecimalError) {
        guard value > .zero else { return }
        lastPrice = value
        try evaluate(now: now)
    }

    private func bookMid() -> ExactDecimal? {
        guard let top = try? trading.topOfBook(connector: config.connector, symbol: config.symbol),
              let sum = try? top.bid.price + top.ask.price else { return nil }
        return try? sum.divided(by: ExactDecimal(2), maxScale: sum.scale + 1, .towardZero)
    }

    /// Decides and pursues exits, and notices a closed position.
    private func evaluate(now: Int64) throws(DecimalError) {
        guard let current = position else { return }
        let open = try current.openSize
        // Flat again: nothing left open, no exit in flight, and the entry has ended (or was
        // already closed out by an exit).
        if current.liveExitOrderID == nil, open <= .zero, current.entry.isFinal || !current.exits.isEmpty {
            position = nil
            if current.exits.isEmpty {
                log(.warning, "\(current.direction) entry \(current.entryOrderID) ended unfilled")
            } else {
                cooldownUntil = now + config.cooldown
                log(.info, "\(current.direction) position closed (\(current.exitReason?.rawValue ?? "exit"))")
            }
            return
        }
        guard open > .zero else { return }
        if current.exitReason == nil, let reason = try exitReason(for: current, now: now) {
            position?.exitReason = reason
        }
        guard let pending = position, pending.exitReason != nil, pending.liveExitOrderID == nil else { return }
        if let refused = pending.exitRefusedAt, now - refused < 1_000_000_000 { return }
        exit(pending, size: open, now: now)
    }

    private func exitReason(for current: DirectionalPosition, now: Int64) throws(DecimalError) -> ExitReason? {
        if let limit = config.timeLimit, let opened = current.openedAt, now - opened >= limit { return .timeLimit }
        guard let price = lastPrice else { return nil }
        let entry = try current.entry.averagePrice
        guard entry > .zero else { return nil }
        let one = ExactDecimal(1)
        let long = current.direction == .long
        if let stopLoss = config.stopLoss {
            let level = try entry.multiplied(by: long ? one - stopLoss : one + stopLoss, maxScale: 12, .towardZero)
            if long ? price <= level : price >= level { return .stopLoss }
        }
        if let takeProfit = config.takeProfit {
            let level = try entry.multiplied(by: long ? one + takeProfit : one - takeProfit, maxScale: 12, .towardZero)
            if long ? price >= level : price <= level { return .takeProfit }
        }
        return nil
    }

    private func isOurMarket(_ event: Event) -> Bool {
        event.context.symbol == config.symbol && (event.context.source.isEmpty || event.context.source == config.connector)
    }
}

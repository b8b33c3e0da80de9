import CSwiftletSDK
import Dispatch
public import Logging
import SwiftletABI
public import SwiftletCore
public import SwiftletHost
public import SwiftletPersistence
import Synchronization

/// A running bot: connector venues (live or paper), candle feeds and strategies on one
/// host. It routes every event from the plugins to the trade database, the risk checks
/// and the strategies that asked for it, and it is the host side of the strategies'
/// `swiftlet.host.trading/1` (their only way to act).
///
/// Nothing here calls into a plugin from the emitting plugin's stack: strategies get
/// events on their own serial contexts, and actions the bot takes on its own (the kill
/// switch) run on the bot's queue.
public final class Bot: HostExtensionProvider, @unchecked Sendable {
    public let runtime: HostRuntime
    public let books = MarketBooks()
    public let pnl = PnLTracker()
    public let risk: RiskGate
    /// What each venue reported of its balances: what the risk checks and `get_balance` read.
    public let balances = ReportedBalances()
    let logger: Logger
    /// The trade database. Every order, fill, position and funding event is written to it
    /// before the emitting plugin's `emit` returns, except an order's PENDING_CREATE and
    /// PENDING_CANCEL (see `record`).
    public let journal: TradeJournal?
    /// Every write to `journal` goes through this queue, in the order the events reached the bot.
    private let journalWrites = DispatchQueue(label: "swiftlet.bot.journal")
    let control = DispatchQueue(label: "swiftlet.bot")
    private let busToken = Mutex<UInt64?>(nil)

    struct State {
        var venues: [String: any TradingVenue] = [:]
        /// The venues of `venues` that simulate orders (paper), which see the market events.
        var simulated: [String: any SimulatedVenue] = [:]
        var feeds: [String: CandleClient] = [:]
        var strategies: [RunningStrategy] = []
        var owners: [String: RunningStrategy] = [:]
        var instruments: [Market: Instrument] = [:]
        var health: [String: ConnectionState] = [:]
        var orderCounter: UInt64 = 0
        var recordFailures = 0
        var markWritten: [String: Int64] = [:]
        /// Connectors being hot-swapped, with the intents queued meanwhile (in order).
        var swapping: [String: [VenueIntent]] = [:]
        /// Trade ids of fills already booked, per connector (a fill is counted once even if
        /// a connector reports it twice, e.g. across a hot swap).
        var bookedFills: [String: RecentIDs] = [:]
        /// Connector instances a hot swap replaced, retired shortly after.
        var retiring: [PluginInstance] = []
    }
    let state = Mutex(State())
    private let clientOrderIDs: BotClientOrderIDs

    /// - Parameters:
    ///   - journal: the trade database; nil keeps nothing.
    public init(runtime: HostRuntime, limits: RiskLimits = RiskLimits(), journal: TradeJournal? = nil,
                logger: Logger? = nil) {
        self.runtime = runtime
        self.risk = RiskGate(limits: limits)
        self.journal = journal
        self.logger = logger ?? runtime.logger
        clientOrderIDs = BotClientOrderIDs(sessionStart: UInt64(Clocks.wallNanoseconds() / 1_000_000))
        let token = runtime.events.subscribe { [weak self] event in self?.ingest(event) }
        busToken.withLock { $0 = token }
    }

    deinit {
        if let token = busToken.withLock({ $0 }) { runtime.events.unsubscribe(token) }
    }

    // MARK: composition

    /// Adds a trading venue under its id; paper venues get the bot's dispatch.
    public func addVenue(_ venue: any TradingVenue) {
        let simulated = venue as? any SimulatedVenue
        state.withLock { state in
            state.venues[venue.id] = venue
            state.simulated[venue.id] = simulated
        }
        balances.forget(venue: venue.id)
        simulated?.attach { [weak self] in self?.dispatch($0) }
    }

    /// Adds a candle feed plugin instance; strategies name it by `instance.name`.
    public func addCandleFeed(_ instance: PluginInstance) throws(HostError) {
        let client = try CandleClient(instance)
        state.withLock { $0.feeds[instance.name] = client }
    }

    /// Creates and starts a strategy instance.
    /// - Parameters:
    ///   - id: its name in logs, events and order ownership.
    ///   - params: the JSON object passed to its `create`.
    ///   - tick: interval of its TIMER events.
    @discardableResult
    public func startStrategy(id: String, library: PluginLibrary, params: String,
                              tick: Duration = .seconds(1)) throws(HostError) -> RunningStrategy {
        guard library.info.kinds.contains(.strategy) else {
            throw HostError("\(library.info.key) is not a strategy plugin")
        }
        guard state.withLock({ state in !state.strategies.contains { $0.id == id } }) else {
            throw HostError("a strategy named \(id) is already running")
        }
        let index = state.withLock { $0.strategies.count }
        let instance = try runtime.instantiate(library, name: id, config: params, extensions: self)
        let strategy = RunningStrategy(id: id, instance: instance, clientOrderIDPrefix: clientOrderIDs.prefix(strategy: index))
        state.withLock { $0.strategies.append(strategy) }
        do {
            try instance.start()
        } catch {
            state.withLock { $0.strategies.removeAll { $0 === strategy } }
            instance.destroy()
            throw error
        }
        strategy.startTicking(every: tick, timers: runtime.timers)
        logger.info("strategy \(id) started (\(library.info.key))")
        return strategy
    }

    public var venues: [any TradingVenue] { state.withLock { Array($0.venues.values) }.sorted { $0.id < $1.id } }
    public var strategies: [RunningStrategy] { state.withLock { $0.strategies } }
    /// Last reported health of each connector's streams ("bitget/public" → state).
    public var health: [String: ConnectionState] { state.withLock { $0.health } }
    /// Trade-database writes that failed (each is logged).
    public var recordFailures: Int { state.withLock { $0.recordFailures } }

    /// Stops the strategies, cancels their open orders, and stops delivering events.
    public func stop() {
        let (strategies, venues) = state.withLock { ($0.strategies, $0.venues) }
        for strategy in strategies {
            strategy.stopTicking(timers: runtime.timers)
            try? strategy.instance.stop()
        }
        cancelEverything(strategies: strategies, venues: venues)
        for strategy in strategies { strategy.instance.destroy() }
        for instance in state.withLock({ $0.retiring }) { retire(instance) }
        if let token = busToken.withLock({ $0 }) { runtime.events.unsubscribe(token) }
        journalWritten()
    }

    /// Stops one strategy and cancels its orders; the bot goes on (its orders' remaining
    /// events still reach the trade database).
    public func stopStrategy(_ id: String) throws(ABIError) {
        let strategy = try strategy(named: id)
        strategy.stopTicking(timers: runtime.timers)
        try? strategy.instance.stop()
        cancelEverything(strategies: [strategy], venues: state.withLock { $0.venues })
    }

    private func cancelEverything(strategies: [RunningStrategy], venues: [String: any TradingVenue]) {
        var symbols: [String: Set<String>] = [:]
        for strategy in strategies {
            for (source, markets) in strategy.markets { symbols[source, default: []].formUnion(markets) }
        }
        for (source, markets) in symbols {
            guard venues[source] != nil else { continue }
            for symbol in markets.sorted() {
                do throws(ABIError) { try submit(.cancelAll(symbol: symbol), to: source) } catch {
                    logger.error("cancel all \(source) \(symbol) failed: \(error.description)")
                }
            }
        }
    }

    // MARK: events

    /// Events from plugins (the event bus). A paper venue's connector keeps only its
    /// market data: order-side events of a paper venue come from the paper engine.
    private func ingest(_ event: Event) {
        if event.isAccountEvent, let venue = state.withLock({ $0.venues[event.context.source] }), venue.isPaper {
            return
        }
        dispatch(event)
    }

    /// Routes one event: books, paper engines, trade database, PnL and kill switch,
    /// strategies.
    func dispatch(_ event: Event) {
        let source = event.context.source
        // Looked up, not cast from the venue: a cast to a protocol per book event costs.
        let simulated = state.withLock { $0.simulated[source] }
        switch event.payload {
        case .book, .bookResync, .trade:
            books.apply(event)
            simulated?.observe(event)
        case .ticker:
            books.apply(event)
            simulated?.observe(event)
            recordMark(event)
        case .fundingInfo:
            simulated?.observe(event)
        case .order, .position:
            record(event)
        case .fill(let fill):
            guard firstReport(of: fill, source: source) else {
                logger.info("fill \(fill.tradeID) of \(source) reported again; counted once")
                return
            }
            record(event)
            bookFill(fill, event: event)
        case .fundingPayment(let payment):
            record(event)
            do throws(DecimalError) { try pnl.record(payment, source: source, symbol: event.context.symbol) } catch {
                logger.error("PnL of funding \(payment.paymentID) overflows: \(error)")
            }
            checkKillSwitch()
        case .balance(let balance):
            balances.record(balance, venue: source)
        case .connection(let change):
            state.withLock { $0.health["\(source)/\(change.stream)"] = change.state }
        default:
            break
        }
        route(event)
    }

    /// Keeps the trade database's last price (the mark of `swiftlet history`) current,
    /// at most once a second per market: tickers arrive many times a second.
    private func recordMark(_ event: Event) {
        guard journal != nil else { return }
        let key = "\(event.context.source)/\(event.context.symbol)"
        let now = Clocks.monotonicNanoseconds()
        let due = state.withLock { state -> Bool in
            guard now - (state.markWritten[key] ?? .min / 2) >= 1_000_000_000 else { return false }
            state.markWritten[key] = now
            return true
        }
        if due { record(event) }
    }

    /// Writes `event` to the trade database; when this returns it is committed, unless it is
    /// an order's PENDING_CREATE or PENDING_CANCEL.
    ///
    /// Those two are emitted by a connector right after it hands an order or a cancel to the
    /// host, on the event loop and inside the strategy's call, so a strategy that sends several
    /// orders at once waited for each one's commit before it could send the next: about 180 µs
    /// each, cold (`swiftlet-bench tick-to-order 150 2`: the second of two orders written at
    /// p50 345–374 µs, against 168–173 µs without a trade database), and a commit that
    /// checkpoints the log syncs the disk for milliseconds. Nothing the exchange acknowledged
    /// is in them, so they are written behind, on the journal's queue; every other event goes
    /// through the same queue and waits for them, so the journal sees events in order.
    private func record(_ event: Event) {
        guard let journal else { return }
        if case .order(let update) = event.payload, update.state == .pendingCreate || update.state == .pendingCancel {
            journalWrites.async { [self] in write(event, to: journal) }
        } else {
            journalWrites.sync { write(event, to: journal) }
        }
    }

    private func write(_ event: Event, to journal: TradeJournal) {
        do {
            try journal.record(event)
        } catch {
            state.withLock { $0.recordFailures += 1 }
            logger.error("trade database write failed: \(error)")
        }
    }

    /// Returns once every event that reached the bot so far is in the trade database.
    public func journalWritten() {
        journalWrites.sync {}
    }

    /// Books a fill into the PnL. Its market's trading rules (for the base asset) come
    /// from the cache; fetching them calls into the connector, which is emitting this very
    /// fill and holds its instance lock, so a miss is handled on the bot's queue instead.
    private func bookFill(_ fill: Fill, event: Event) {
        let source = event.context.source, symbol = event.context.symbol
        if let known = state.withLock({ $0.instruments[Market(source: source, symbol: symbol)] }) {
            bookFill(fill, source: source, symbol: symbol, baseAsset: known.baseAsset)
            return
        }
        control.async { [self] in
            bookFill(fill, source: source, symbol: symbol, baseAsset: instrument(source: source, symbol: symbol)?.baseAsset ?? "")
        }
    }

    private func bookFill(_ fill: Fill, source: String, symbol: String, baseAsset: String) {
        do throws(DecimalError) { try pnl.record(fill, source: source, symbol: symbol, baseAsset: baseAsset) } catch {
            logger.error("PnL of fill \(fill.tradeID) overflows: \(error)")
        }
        checkKillSwitch()
    }

    /// Trips the kill switch when the loss exceeds its limit; the stop itself runs on
    /// the bot's queue (never on the stack of the plugin that emitted the event).
    public func checkKillSwitch() {
        guard risk.limits.killSwitchLoss != nil, risk.killReason == nil else { return }
        let total: ExactDecimal
        do throws(DecimalError) {
            total = try pnl.pnl { [books] source, symbol in books.mark(source: source, symbol: symbol) }.total
        } catch {
            logger.error("PnL overflows: \(error)")
            return
        }
        guard risk.breaches(pnl: total) else { return }
        let reason = "loss \(total.negated) exceeds kill_switch_loss \(risk.limits.killSwitchLoss!)"
        guard risk.trip(reason) else { return }
        logger.critical("kill switch: \(reason); stopping strategies and cancelling all orders")
        control.async { [self] in
            let (strategies, venues) = state.withLock { ($0.strategies, $0.venues) }
            for strategy in strategies {
                strategy.stopTicking(timers: runtime.timers)
                try? strategy.instance.stop()
            }
            cancelEverything(strategies: strategies, venues: venues)
        }
    }

    /// Delivers `event` to the strategies that should see it.
    private func route(_ event: Event) {
        let (strategies, owner) = state.withLock { state -> ([RunningStrategy], RunningStrategy?) in
            switch event.payload {
            case .order(let update):
                let owner = state.owners[update.clientOrderID] ?? ownerByID(update.clientOrderID, state.strategies)
                if update.state.isFinal { state.owners.removeValue(forKey: update.clientOrderID) }
                return (state.strategies, owner)
            case .fill(let fill):
                return (state.strategies, state.owners[fill.clientOrderID] ?? ownerByID(fill.clientOrderID, state.strategies))
            default:
                return (state.strategies, nil)
            }
        }
        if let owner {
            owner.post(event)
            return
        }
        for strategy in strategies where strategy.wants(event) { strategy.post(event) }
    }

    /// The strategy an id the bot generated this session names (``BotClientOrderIDs``), for
    /// events that outlive the owners entry.
    private func ownerByID(_ id: String, _ strategies: [RunningStrategy]) -> RunningStrategy? {
        guard let index = clientOrderIDs.strategyIndex(of: id), strategies.indices.contains(index) else { return nil }
        return strategies[index]
    }

    // MARK: the strategies' trading API

    func venue(_ id: String) throws(ABIError) -> any TradingVenue {
        guard let venue = state.withLock({ $0.venues[id] }) else {
            throw ABIError(SWL_ERR_NOT_FOUND, "no connector \"\(id)\" in this bot")
        }
        return venue
    }

    func feed(_ id: String) throws(ABIError) -> CandleClient {
        guard let feed = state.withLock({ $0.feeds[id] }) else {
            throw ABIError(SWL_ERR_NOT_FOUND, "no candle feed plugin \"\(id)\" in this bot")
        }
        return feed
    }

    func strategy(named name: String) throws(ABIError) -> RunningStrategy {
        guard let strategy = state.withLock({ state in state.strategies.first { $0.id == name } }) else {
            throw ABIError(SWL_ERR_STATE, "\(name) is not a running strategy of this bot")
        }
        return strategy
    }

    /// Trading rules, cached per venue and symbol (the connector re-quantizes every order
    /// with its own current rules, so a cached copy only ever judges, never sends).
    func rules(source: String, symbol: String) throws(ABIError) -> Instrument {
        let key = Market(source: source, symbol: symbol)
        if let known = state.withLock({ $0.instruments[key] }) { return known }
        let found = try venue(source).instrument(symbol)
        state.withLock { $0.instruments[key] = found }
        return found
    }

    /// `rules`, or nil when the venue or symbol is unknown.
    func instrument(source: String, symbol: String) -> Instrument? { try? rules(source: source, symbol: symbol) }

    /// Places a strategy's order: a client id is assigned (unless given) and its owner
    /// recorded before the connector sees it, so every event of the order reaches the
    /// strategy; then the risk checks; then the venue.
    func place(_ request: OrderRequest, on connector: String, by strategy: RunningStrategy) throws(ABIError) -> String {
        let venue = try venue(connector)
        // From the cache, which this fills for the order's fills too (see `bookFill`).
        let instrument = try rules(source: connector, symbol: request.symbol)
        let top = books.topOfBook(source: connector, symbol: request.symbol)
        let reference = request.side == .buy ? top?.ask.price : top?.bid.price
        var request = try risk.check(request, instrument: instrument, on: venue, referencePrice: reference, balances: balances)
        if request.clientOrderID.isEmpty {
            let counter = state.withLock { state -> UInt64 in
                state.orderCounter += 1
                return state.orderCounter
            }
            request.clientOrderID = BotClientOrderIDs.id(prefix: strategy.clientOrderIDPrefix, counter: counter)
        }
        let id = request.clientOrderID
        let taken = state.withLock { state -> Bool in
            if state.owners[id] != nil { return true }
            state.owners[id] = strategy
            return false
        }
        if taken { throw ABIError(SWL_ERR_INVALID_ARGUMENT, "client order id \(id) is already in use") }
        do throws(ABIError) {
            try submit(.place(request), to: connector)
        } catch {
            state.withLock { _ = $0.owners.removeValue(forKey: id) }
            throw error
        }
        return id
    }
}

extension Event {
    /// Events about the account rather than the market.
    var isAccountEvent: Bool {
        switch payload {
        case .order, .fill, .balance, .position, .fundingPayment: true
        default: false
        }
    }
}

extension Bot {
    /// The host-side tables strategies may look up.
    public func hostExtension(_ id: String) -> UnsafeRawPointer? {
        id == SWL_EXT_HOST_TRADING ? HostTradingTable.pointer : nil
    }
}

public import SwiftletPluginKit

/// The pure market-making loop, Hummingbot's `pure_market_making` tick, over any
/// `StrategyTradingAPI`. Driven by `tick(now:)` (the host's TIMER events) and by the
/// strategy's own order events (`handle(_:now:)`); it holds no clock of its own.
///
/// Each tick:
/// 1. mid = (best bid + best ask) / 2 from the host's book; no book yet: nothing happens.
/// 2. When the create time has come, build a `QuoteProposal` (skewed by the inventory when
///    enabled).
/// 3. When the cancel time has come, compare the live orders with the proposal: if every
///    price is within `order_refresh_tolerance_pct` of its counterpart (same count per side),
///    keep them and push both times one refresh later; otherwise cancel them all.
/// 4. Cancel any live order nearer the mid than `minimum_spread`.
/// 5. When the create time has come and NO order of ours is left (live or being cancelled),
///    place the proposal and set the next refresh `order_refresh_time` later. Waiting for
///    cancels to be confirmed is what keeps at most `order_levels` orders per side open.
///
/// A complete fill moves the create time to `filled_order_delay` after it (and the cancel
/// time no later than that), so the remaining orders are replaced only then. A refused
/// placement or cancel is logged and retried on a later tick; a cancel still unconfirmed
/// after `max(order_refresh_time, 10 s)` is sent again.
public final class PureMarketMaker {
    public let config: PureMarketMakingConfig
    private let trading: any StrategyTradingAPI
    private let log: StrategyLogger
    /// Our orders not yet final, by client order id.
    public private(set) var orders: [String: TrackedOrder] = [:]
    /// Earliest time to place new orders, ns.
    public private(set) var createAt: Int64 = 0
    /// Earliest time to cancel (or keep, within tolerance) the live orders, ns.
    public private(set) var cancelAt: Int64 = 0
    private var waitingForBook = false

    public init(config: PureMarketMakingConfig, trading: any StrategyTradingAPI, log: @escaping StrategyLogger) {
        self.config = config
        self.trading = trading
        self.log = log
    }

    /// Subscribes to the book of the configured symbol.
    public func start() throws(PluginError) {
        try trading.subscribe(connector: config.connector, channel: .book, symbol: config.symbol)
        log(.info, "pure market making on \(config.connector) \(config.symbol): bid \(config.bidSpread), ask \(config.askSpread), \(config.orderLevels) level(s) of \(config.orderAmount)")
    }

    /// The orders and timers a later instance needs to carry on (hot swap).
    public var handover: PureMarketMakingHandover {
        PureMarketMakingHandover(orders: orders.values.sorted { $0.createdAt < $1.createdAt }, createAt: createAt, cancelAt: cancelAt)
    }

    /// Takes over the orders and timers of a previous instance: its quotes are managed
    /// (refreshed, cancelled) as if this instance had placed them.
    public func adopt(_ handover: PureMarketMakingHandover) {
        orders = Dictionary(handover.orders.map { ($0.clientOrderID, $0) }, uniquingKeysWith: { $1 })
        createAt = handover.createAt
        cancelAt = handover.cancelAt
    }

    /// Cancels every order still open (best effort).
    public func stop() {
        for order in orders.values where order.state != .pendingCancel {
            try? trading.cancelOrder(connector: config.connector, symbol: config.symbol, clientOrderID: order.clientOrderID)
        }
    }

    /// Routes one event: TIMER runs a tick, our ORDER_UPDATE/FILL events update the orders.
    public func handle(_ event: Event, now: Int64) {
        switch event.payload {
        case .timer:
            tick(now: now)
        case .order(let update):
            apply(update, now: now)
        case .fill(let fill) where event.context.symbol == config.symbol:
            log(.info, "fill \(fill.side == .buy ? "buy" : "sell") \(fill.size) @ \(fill.price) (\(fill.clientOrderID))")
        case .bookResync(let reason) where event.context.symbol == config.symbol:
            log(.warning, "book of \(config.symbol) resyncing: \(reason)")
        case .error(let report) where event.context.source == config.connector:
            log(.warning, "\(config.connector) reported: \(report.message)")
        default:
            break
        }
    }

    /// One refresh cycle at `now` (ns).
    public func tick(now: Int64) {
        guard let mid = currentMid() else { return }
        retryStaleCancels(now: now)
        let proposal = createAt <= now ? makeProposal(mid: mid) : nil
        cancelActiveOrders(proposal: proposal, now: now)
        cancelBelowMinimumSpread(mid: mid, now: now)
        if createAt <= now, let proposal, orders.isEmpty {
            place(proposal, now: now)
            setTimers(now: now)
        }
    }

    // MARK: steps

    private func currentMid() -> ExactDecimal? {
        let top: (bid: BookLevel, ask: BookLevel)
        do throws(PluginError) {
            top = try trading.topOfBook(connector: config.connector, symbol: config.symbol)
        } catch {
            if !waitingForBook { log(.debug, "no book for \(config.symbol) yet: \(error.message)") }
            waitingForBook = true
            return nil
        }
        waitingForBook = false
        guard top.bid.price > .zero, top.ask.price > top.bid.price else {
            log(.warning, "top of book \(top.bid.price) / \(top.ask.price) is crossed or empty; not quoting")
            return nil
        }
        do throws(DecimalError) {
            let sum = try top.bid.price + top.ask.price
            return try sum.divided(by: ExactDecimal(2), maxScale: sum.scale + 1, .towardZero)
        } catch {
            log(.error, "mid of \(top.bid.price) / \(top.ask.price): \(error)")
            return nil
        }
    }

    private func makeProposal(mid: ExactDecimal) -> QuoteProposal? {
        do {
            var skew = InventorySkew.neutral
            if config.inventorySkewEnabled {
                guard let computed = try inventorySkew(mid: mid) else { return nil }
                skew = computed
            }
            return try QuoteProposal.make(mid: mid, config: config, skew: skew)
        } catch {
            log(.error, "cannot build quotes at mid \(mid): \(error)")
            return nil
        }
    }

    /// The skew from the host's total balances. An asset the connector never reported
    /// counts as zero; with neither known (or on another error) the quotes are not skewed
    /// (logged). Nil when the portfolio is worth nothing.
    private func inventorySkew(mid: ExactDecimal) throws -> InventorySkew? {
        var totals: [ExactDecimal] = []
        var unknown: [String] = []
        for asset in [config.baseAsset, config.quoteAsset] {
            do throws(PluginError) {
                totals.append(try trading.balance(connector: config.connector, asset: asset).total)
            } catch where error.status == SWL_ERR_NOT_FOUND {
                totals.append(.zero)
                unknown.append(asset)
            } catch {
                log(.warning, "balance of \(asset) unavailable (\(error.message)); quoting without skew")
                return .neutral
            }
        }
        guard unknown.count < 2 else {
            log(.warning, "no balance of \(config.baseAsset) or \(config.quoteAsset) reported yet; quoting without skew")
            return .neutral
        }
        let skew = try InventorySkew.compute(base: totals[0], quote: totals[1], price: mid,
                                             targetBaseShare: config.inventoryTargetBase,
                                             totalOrderSize: config.totalOrderSize,
                                             rangeMultiplier: config.inventoryRangeMultiplier)
        if skew == nil { log(.warning, "portfolio of \(config.baseAsset)/\(config.quoteAsset) is worth nothing; not quoting") }
        return skew
    }

    private func cancelActiveOrders(proposal: QuoteProposal?, now: Int64) {
        guard cancelAt <= now else { return }
        let live = orders.values.filter(\.isLive)
        guard !live.isEmpty else { return }
        if let proposal, !config.orderRefreshTolerance.isNegative,
           withinTolerance(live.filter { $0.side == .buy }.map(\.price), proposal.buys.map(\.price)),
           withinTolerance(live.filter { $0.side == .sell }.map(\.price), proposal.sells.map(\.price)) {
            log(.debug, "orders within \(config.orderRefreshTolerance) of the new quotes; keeping them")
            setTimers(now: now)
            return
        }
        for order in live { cancel(order.clientOrderID, now: now, why: "refresh") }
    }

    /// Hummingbot's rule: same count, and each sorted price within tolerance of its peer.
    private func withinTolerance(_ current: [ExactDecimal], _ proposed: [ExactDecimal]) -> Bool {
        guard current.count == proposed.count else { return false }
        for (old, new) in zip(current.sorted(), proposed.sorted()) {
            guard let moved = try? (new - old), let allowed = try? old.multiplied(by: config.orderRefreshTolerance, .up),
                  (moved.isNegative ? moved.negated : moved) <= allowed else { return false }
        }
        return true
    }

    private func cancelBelowMinimumSpread(mid: ExactDecimal, now: Int64) {
        guard let minimum = config.minimumSpread else { return }
        for order in orders.values where order.isLive {
            let below = (try? QuoteProposal.isBelowMinimumSpread(side: order.side, price: order.price, mid: mid, minimum: minimum)) ?? false
            if below { cancel(order.clientOrderID, now: now, why: "nearer than minimum_spread to mid \(mid)") }
        }
    }

    private func place(_ proposal: QuoteProposal, now: Int64) {
        for quote in proposal.buys + proposal.sells {
            let request = OrderRequest(side: quote.side, symbol: config.symbol, type: .limit,
                                       timeInForce: config.timeInForce, price: quote.price, size: quote.size)
            do throws(PluginError) {
                let id = try trading.placeOrder(connector: config.connector, request)
                orders[id] = TrackedOrder(clientOrderID: id, side: quote.side, price: quote.price, size: quote.size, createdAt: now)
                log(.info, "placed \(quote.side == .buy ? "buy" : "sell") L\(quote.level) \(quote.size) @ \(quote.price) (\(id))")
            } catch {
                log(.warning, "\(quote.side == .buy ? "buy" : "sell") L\(quote.level) \(quote.size) @ \(quote.price) refused: \(error.message)")
            }
        }
    }

    private func cancel(_ id: String, now: Int64, why: String) {
        orders[id]?.cancelRequestedAt = now
        do throws(PluginError) {
            try trading.cancelOrder(connector: config.connector, symbol: config.symbol, clientOrderID: id)
            log(.info, "cancelling \(id): \(why)")
        } catch where error.status == SWL_ERR_NOT_FOUND {
            settleUnknown(id, now: now)
        } catch {
            // Retried on the next tick.
            orders[id]?.cancelRequestedAt = nil
            log(.warning, "cancel of \(id) refused: \(error.message)")
        }
    }

    /// A cancel said NOT_FOUND: ask the host what became of the order.
    private func settleUnknown(_ id: String, now: Int64) {
        do throws(PluginError) {
            let snapshot = try trading.order(connector: config.connector, clientOrderID: id)
            guard snapshot.state.isFinal else { return }
            finish(id, state: snapshot.state, now: now)
        } catch where error.status == SWL_ERR_NOT_FOUND {
            orders[id] = nil
            log(.warning, "order \(id) is unknown to the host; forgetting it")
        } catch {
            log(.warning, "order \(id): \(error.message)")
        }
    }

    private func retryStaleCancels(now: Int64) {
        let patience = max(config.orderRefreshTime, 10_000_000_000)
        for order in orders.values {
            guard let requested = order.cancelRequestedAt, now - requested >= patience else { continue }
            cancel(order.clientOrderID, now: now, why: "cancel unconfirmed after \(patience / 1_000_000_000) s")
        }
    }

    private func apply(_ update: OrderUpdate, now: Int64) {
        guard orders[update.clientOrderID] != nil else { return }
        orders[update.clientOrderID]?.state = update.state
        if update.state.isFinal {
            if update.state == .failed { log(.warning, "order \(update.clientOrderID) failed: \(update.reason)") }
            finish(update.clientOrderID, state: update.state, now: now)
        }
    }

    private func finish(_ id: String, state: OrderState, now: Int64) {
        orders[id] = nil
        guard state == .filled else { return }
        createAt = now + config.filledOrderDelay
        cancelAt = min(cancelAt, createAt)
        log(.info, "order \(id) filled; quoting again in \(config.filledOrderDelay / 1_000_000) ms")
    }

    /// Hummingbot's `set_timers`: the next cycle is one refresh from now.
    private func setTimers(now: Int64) {
        let next = now + config.orderRefreshTime
        if createAt <= now { createAt = next }
        if cancelAt <= now { cancelAt = min(createAt, next) }
    }
}

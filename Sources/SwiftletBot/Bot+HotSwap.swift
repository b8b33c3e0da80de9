import CSwiftletSDK
import Dispatch
import SwiftletABI
import SwiftletCore
import Synchronization
public import SwiftletHost

/// What a strategy asked a connector to do; queued while the connector is hot-swapped.
enum VenueIntent: Sendable {
    case place(OrderRequest)
    case cancel(symbol: String, clientOrderID: String)
    case cancelAll(symbol: String)
    case subscribe(MarketChannel, symbol: String)

    func run(on venue: any TradingVenue) throws(ABIError) {
        switch self {
        case .place(let request): try venue.place(request)
        case .cancel(let symbol, let id): try venue.cancel(symbol: symbol, clientOrderID: id)
        case .cancelAll(let symbol): try venue.cancelAll(symbol: symbol)
        case .subscribe(let channel, let symbol): try venue.subscribe(channel, symbol: symbol)
        }
    }
}

/// The last `capacity` ids seen, for "have we had this one" questions in constant memory.
struct RecentIDs {
    private var order: [String] = []
    private var members: Set<String> = []
    private var next = 0
    private let capacity = 20_000

    /// Adds `id`; false if it was already there.
    mutating func insert(_ id: String) -> Bool {
        guard !members.contains(id) else { return false }
        if order.count < capacity {
            order.append(id)
        } else {
            members.remove(order[next])
            order[next] = id
            next = (next + 1) % capacity
        }
        members.insert(id)
        return true
    }
}

/// How a connector hot swap went (docs/hot-swap.md).
public struct ConnectorSwapReport: Sendable, Codable {
    public let connector: String
    public let from: String
    public let to: String
    /// Nanoseconds during which the connector took no intent and strategies got none of its
    /// events: from quiescing the old instance to the last queued intent replayed.
    public let pauseNanoseconds: Int64
    /// Part of the pause spent waiting for the new instance to be ready (rules, balances).
    public let readinessNanoseconds: Int64
    /// Intents strategies made during the pause, replayed on the instance that carried on.
    public let replayedIntents: Int
    /// Queued intents the instance refused on replay (each reported to its strategy as a failed order or logged).
    public let failedIntents: Int
}

extension Bot {
    /// Runs a strategy's intent on `connector` now, or queues it while the connector is
    /// being hot-swapped (nothing is dropped; it runs on whichever instance carries on).
    func submit(_ intent: VenueIntent, to connector: String) throws(ABIError) {
        let venue = try venue(connector)
        let queued = state.withLock { state -> Bool in
            guard state.swapping[connector] != nil else { return false }
            state.swapping[connector]!.append(intent)
            return true
        }
        if !queued { try intent.run(on: venue) }
    }

    /// True the first time a fill's trade id is seen from `source`.
    func firstReport(of fill: Fill, source: String) -> Bool {
        guard !fill.tradeID.isEmpty else { return true }
        return state.withLock { $0.bookedFills[source, default: RecentIDs()].insert(fill.tradeID) }
    }

    /// Replaces the live connector `id` by another version of its plugin while the bot
    /// trades: strategies' intents queue meanwhile and are replayed afterwards; on any
    /// failure the old instance resumes and the error says why (nothing is lost either way).
    /// - Parameters:
    ///   - healthTimeout: how long the new instance has to load its trading rules.
    public func swapConnector(_ id: String, to library: PluginLibrary,
                              healthTimeout: Duration = .seconds(10)) async throws(HotSwapFailure) -> ConnectorSwapReport {
        try await swapConnector(id, to: library, healthTimeout: healthTimeout, duringPause: nil)
    }

    /// `duringPause` runs once the new instance is ready, before the switch: tests use it
    /// to act while intents are being queued.
    func swapConnector(_ id: String, to library: PluginLibrary, healthTimeout: Duration,
                       duringPause: (@Sendable () async -> Void)?) async throws(HotSwapFailure) -> ConnectorSwapReport {
        let current: LiveVenue
        do {
            guard let live = try venue(id) as? LiveVenue else {
                throw HotSwapFailure(step: .compatibility, "\(id) is a paper venue: restart the bot to change its connector")
            }
            current = live
        } catch let error as HotSwapFailure {
            throw error
        } catch {
            throw HotSwapFailure(step: .compatibility, "no connector \"\(id)\" in this bot")
        }
        let old = current.connector
        // The new instance must answer whatever the old one could, before orders reach it
        // (the risk checks read balances and positions). Asked before the pause begins.
        let assets = (try? current.balances()).map { Set($0.map(\.asset)) }
        let perpetual = try? PerpetualClient(old)
        let readiness = Readiness(assets: assets, positions: (try? current.positions()) != nil,
                                  positionMode: (try? perpetual?.positionMode()) != nil)
        let began = state.withLock { state -> Bool in
            guard state.swapping[id] == nil else { return false }
            state.swapping[id] = []
            return true
        }
        guard began else { throw HotSwapFailure(step: .compatibility, "\(id) is already being swapped") }
        let start = Clocks.monotonicNanoseconds()
        let fresh: PluginInstance
        let readyWait = Mutex<Int64>(0)
        do {
            fresh = try await HotSwap.replace(old, with: library, runtime: runtime) { instance in
                let began = Clocks.monotonicNanoseconds()
                try await Self.waitUntilReady(instance, readiness, timeout: healthTimeout)
                readyWait.withLock { $0 = Clocks.monotonicNanoseconds() - began }
                await duringPause?()
            }
        } catch {
            let (replayed, failed) = drainQueue(id, onto: current)
            logger.error("hot swap of \(id) to \(library.info.key) failed (\(replayed) queued intents replayed on \(old.library.info.key), \(failed) refused): \(error)")
            throw error
        }
        let next: LiveVenue
        do {
            next = try LiveVenue(id: id, connector: fresh)
        } catch {
            // The new instance passed its checks, so this is a broken table: keep the old one.
            fresh.destroy()
            try? HotSwapClient(old).resume()
            _ = drainQueue(id, onto: current)
            throw HotSwapFailure(step: .health, "\(library.info.key): \(error.message)")
        }
        state.withLock { $0.venues[id] = next }
        // The new instance's listing (its imported state) is read again at the next order.
        balances.forget(venue: id)
        let (replayed, failed) = drainQueue(id, onto: next)
        let pause = Clocks.monotonicNanoseconds() - start
        // Calls that picked the old venue just before the switch (a risk check reading its
        // balances) finish against it: it is retired a little later, on the bot's queue.
        state.withLock { $0.retiring.append(old) }
        control.asyncAfter(deadline: .now() + .seconds(2)) { [weak self] in self?.retire(old) }
        let report = ConnectorSwapReport(connector: id, from: old.library.info.key, to: library.info.key,
                                         pauseNanoseconds: pause, readinessNanoseconds: readyWait.withLock { $0 },
                                         replayedIntents: replayed, failedIntents: failed)
        logger.notice("hot swap of \(id): \(report.from) -> \(report.to), pause \(pause / 1000) µs, \(replayed) intents replayed")
        return report
    }

    /// Retires a replaced connector instance, once.
    func retire(_ instance: PluginInstance) {
        let pending = state.withLock { state -> Bool in
            guard let index = state.retiring.firstIndex(where: { $0 === instance }) else { return false }
            state.retiring.remove(at: index)
            return true
        }
        if pending { HotSwap.retire(instance) }
    }

    /// Replays the intents queued for `id` on `venue`, in order, until none are left, then
    /// ends the queueing. A refused order is reported to its strategy as failed.
    private func drainQueue(_ id: String, onto venue: any TradingVenue) -> (replayed: Int, failed: Int) {
        var replayed = 0, failed = 0
        while true {
            let batch = state.withLock { state -> [VenueIntent] in
                let queued = state.swapping[id] ?? []
                if queued.isEmpty { state.swapping[id] = nil } else { state.swapping[id] = [] }
                return queued
            }
            if batch.isEmpty { return (replayed, failed) }
            for intent in batch {
                replayed += 1
                do throws(ABIError) { try intent.run(on: venue) } catch {
                    failed += 1
                    reportRefused(intent, on: id, error)
                }
            }
        }
    }

    private func reportRefused(_ intent: VenueIntent, on connector: String, _ error: ABIError) {
        guard case .place(let request) = intent else {
            logger.error("\(connector): queued \(intent) refused after the swap: \(error.description)")
            return
        }
        let update = OrderUpdate(clientOrderID: request.clientOrderID, exchangeOrderID: "", state: .failed, side: request.side,
                                 type: request.type, positionSide: request.positionSide, price: request.price,
                                 size: request.size, reason: "refused after hot swap: \(error.description)")
        let context = EventContext(localTime: Clocks.wallNanoseconds(), source: connector, symbol: request.symbol)
        dispatch(Event(context: context, payload: .order(update)))
    }

    /// What a replacement connector must answer before it takes over.
    struct Readiness {
        /// Assets the old instance reported (the new one must report them all: Bitget's
        /// account channel pushes only changed assets, the full list comes over REST).
        let assets: Set<String>?
        let positions: Bool
        /// A perpetual connector places nothing before it knows the account's position mode.
        let positionMode: Bool
    }

    /// Waits until a started connector has loaded its trading rules and answers the
    /// queries `readiness` names.
    private static func waitUntilReady(_ instance: PluginInstance, _ readiness: Readiness, timeout: Duration) async throws {
        let venue = try LiveVenue(id: instance.name, connector: instance)
        let trading = try TradingClient(instance)
        let deadline = ContinuousClock.now + timeout
        func ready() -> Bool {
            guard trading.hasRules else { return false }
            if let assets = readiness.assets {
                guard let reported = try? venue.balances(), assets.isSubset(of: Set(reported.map(\.asset))) else { return false }
            }
            if readiness.positions, (try? venue.positions()) == nil { return false }
            if readiness.positionMode, (try? PerpetualClient(instance).positionMode()) == nil { return false }
            return true
        }
        while !ready() {
            guard ContinuousClock.now < deadline else {
                throw HostError("not ready within \(timeout): trading rules\(readiness.assets != nil ? ", balances" : "")"
                                + "\(readiness.positions ? ", positions" : "")\(readiness.positionMode ? ", position mode" : "")"
                                + " not all available")
            }
            try await Task.sleep(for: .milliseconds(1))
        }
    }
}

/// How a strategy hot swap went.
public struct StrategySwapReport: Sendable, Codable {
    public let strategy: String
    public let from: String
    public let to: String
    /// Nanoseconds during which the strategy got no event (they were held and delivered after).
    public let pauseNanoseconds: Int64
    /// Events held during the pause and delivered to the instance that carried on.
    public let heldEvents: Int
}

extension Bot {
    /// Replaces strategy `id` by another version of its plugin (or a fresh instance of the
    /// same one), handing over its state: its events are held meanwhile and delivered, in
    /// order, to whichever instance carries on. On failure the old instance resumes.
    public func swapStrategy(_ id: String, to library: PluginLibrary) async throws(HotSwapFailure) -> StrategySwapReport {
        let strategy: RunningStrategy
        do { strategy = try self.strategy(named: id) } catch {
            throw HotSwapFailure(step: .compatibility, "no strategy \"\(id)\" in this bot")
        }
        guard strategy.hold() else { throw HotSwapFailure(step: .compatibility, "\(id) is already being swapped") }
        let start = Clocks.monotonicNanoseconds()
        let old = strategy.instance
        do {
            let fresh = try await HotSwap.replace(old, with: library, runtime: runtime) { _ in }
            let held = strategy.heldCount
            strategy.release(to: fresh)
            let pause = Clocks.monotonicNanoseconds() - start
            HotSwap.retire(old)
            logger.notice("hot swap of strategy \(id): \(old.library.info.key) -> \(library.info.key), pause \(pause / 1000) µs")
            return StrategySwapReport(strategy: id, from: old.library.info.key, to: library.info.key,
                                      pauseNanoseconds: pause, heldEvents: held)
        } catch {
            strategy.release(to: old)
            logger.error("hot swap of strategy \(id) to \(library.info.key) failed: \(error)")
            throw error
        }
    }
}

import SwiftletABI
import SwiftletCore
public import SwiftletHost
import SwiftletTransport
import Synchronization

/// A strategy instance the bot runs, and what it asked for: the market data it
/// subscribed to (which decides the events it receives) and its tick timer.
public final class RunningStrategy: Sendable {
    /// The id the bot config gives it; orders' owner.
    public let id: String
    /// The instance running it (a hot swap replaces it).
    public var instance: PluginInstance { delivery.withLock { $0.instance } }
    /// What the client order ids it is given start with: its place in the bot, and the
    /// bot's session (``BotClientOrderIDs``).
    let clientOrderIDPrefix: String

    private struct Delivery {
        var instance: PluginInstance
        /// Events kept back while the strategy is being hot-swapped, in order.
        var held: [Event]?
        /// Host tables of instances a hot swap retired: their calls are refused.
        var retired: Set<UInt> = []
    }
    private let delivery: Mutex<Delivery>

    struct MarketKey: Hashable {
        let source: String
        let channel: MarketChannel
        let symbol: String
    }

    struct CandleKey: Hashable {
        let source: String
        let feed: String
        let symbol: String
        let interval: String
    }

    private struct Interest {
        var markets: Set<MarketKey> = []
        var candles: Set<CandleKey> = []
        var tickTimer: UInt64?
        var ticks: UInt64 = 0
    }

    private let interest = Mutex(Interest())
    private let scratch = Mutex(ScratchBox())

    /// Holds what the last query handed the strategy (strings, candle arrays); valid
    /// until its next call to the host's trading API, as ext/strategy.h promises.
    private struct ScratchBox: @unchecked Sendable {
        var storage = CStorage()
    }

    /// Replaces the strategy's scratch storage and returns the new one.
    func freshScratch() -> CStorage {
        scratch.withLock { box in
            box.storage = CStorage()
            return box.storage
        }
    }

    init(id: String, instance: PluginInstance, clientOrderIDPrefix: String) {
        self.id = id
        self.delivery = Mutex(Delivery(instance: instance))
        self.clientOrderIDPrefix = clientOrderIDPrefix
    }

    /// Queues `event` for the strategy, or keeps it back while a hot swap runs.
    func post(_ event: Event) {
        delivery.withLock { state in
            if state.held != nil { state.held!.append(event) } else { state.instance.post(event) }
        }
    }

    /// Keeps events back from now on (a hot swap begins); false if already holding.
    func hold() -> Bool {
        delivery.withLock { state in
            guard state.held == nil else { return false }
            state.held = []
            return true
        }
    }

    /// Ends holding: `instance` (the new one, or the old one after a rollback) gets the
    /// held events first, in order; the replaced instance's calls are refused from now on.
    func release(to instance: PluginInstance) {
        delivery.withLock { state in
            if state.instance !== instance { state.retired.insert(UInt(bitPattern: state.instance.hostTable)) }
            state.instance = instance
            for event in state.held ?? [] { instance.post(event) }
            state.held = nil
        }
    }

    /// Events held so far.
    var heldCount: Int { delivery.withLock { $0.held?.count ?? 0 } }

    /// False for an instance a hot swap replaced.
    func accepts(caller tableAddress: UInt) -> Bool {
        delivery.withLock { !$0.retired.contains(tableAddress) }
    }

    func addMarket(source: String, channel: MarketChannel, symbol: String) {
        _ = interest.withLock { $0.markets.insert(MarketKey(source: source, channel: channel, symbol: symbol)) }
    }

    func addCandles(source: String, feed: String, symbol: String, interval: String) {
        _ = interest.withLock { $0.candles.insert(CandleKey(source: source, feed: feed, symbol: symbol, interval: interval)) }
    }

    /// True when the strategy asked for this market event.
    func wants(_ event: Event) -> Bool {
        let context = event.context
        let channel: MarketChannel
        switch event.payload {
        case .book, .bookResync: channel = .book
        case .trade: channel = .trades
        case .ticker: channel = .ticker
        case .candle(let candle):
            let key = CandleKey(source: context.source, feed: candle.feed, symbol: context.symbol, interval: candle.interval)
            return interest.withLock { $0.candles.contains(key) }
        default: return true
        }
        let key = MarketKey(source: context.source, channel: channel, symbol: context.symbol)
        return interest.withLock { $0.markets.contains(key) }
    }

    /// Symbols the strategy subscribed to, per connector (what to cancel on stop).
    var markets: [String: Set<String>] {
        interest.withLock { state in
            var result: [String: Set<String>] = [:]
            for key in state.markets { result[key.source, default: []].insert(key.symbol) }
            return result
        }
    }

    /// Posts a TIMER event every `interval`.
    func startTicking(every interval: Duration, timers: TimerService) {
        let id = timers.start(delay: interval, interval: interval) { [self] _ in
            let tick = interest.withLock { state -> UInt64 in
                state.ticks += 1
                return state.ticks
            }
            post(Event(context: EventContext(localTime: Clocks.wallNanoseconds()), payload: .timer(id: tick)))
        }
        interest.withLock { $0.tickTimer = id }
    }

    func stopTicking(timers: TimerService) {
        if let id = interest.withLock({ $0.tickTimer }) { _ = timers.cancel(id) }
    }
}

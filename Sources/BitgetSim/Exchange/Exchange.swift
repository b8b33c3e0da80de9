import Foundation
import SwiftletCore

/// A message for WebSocket subscribers produced by the exchange.
struct StreamEvent: Sendable {
    /// nil for public channels; the account index for private ones.
    var owner: Int32?
    var instType: String
    var channel: String
    var instId: String
    var data: [JSONValue]
}

/// The whole simulated exchange: instruments, books, accounts, orders.
///
/// Thread-safe through one lock; every public entry point takes it once. Events for
/// WebSocket subscribers are collected while locked and handed to `sink` after unlocking.
final class Exchange: @unchecked Sendable {
    let config: SimConfig
    let lock = NSLock()
    var instruments: [String: Instrument] = [:]
    var instrumentOrder: [String] = []
    var engines: [String: MatchingEngine] = [:]
    var accounts: [AccountState] = []
    var accountIndex: [String: Int] = [:]
    /// Every account's executions, oldest first, indexed like `accounts`.
    ///
    /// Kept outside `AccountState` on purpose: the exchange updates an account by copying it,
    /// changing the copy and writing it back, and a large array inside that copy would be
    /// duplicated (copy-on-write) on every append, making each fill O(all fills so far).
    /// Appending here is in place and amortised O(1).
    var fillLog: [[FillRecord]] = []
    var orders: [UInt64: OrderRecord] = [:]
    var trades: [String: [TradeRecord]] = [:]
    var lastPrice: [String: Int64] = [:]
    var nextOrderId: UInt64 = 1_200_000_000_000_000_001
    var nextTradeId: UInt64 = 1_300_000_000_000_000_001
    var nextBillId: UInt64 = 1_400_000_000_000_000_001
    var nextPositionId: UInt64 = 1_500_000_000_000_000_001
    var pending: [StreamEvent] = []
    var candles: CandleStore
    var nextFundingTime: Int64
    /// Called (unlocked) with events produced by each operation.
    var sink: (@Sendable ([StreamEvent]) -> Void)?
    /// Orders deliveries of `pending` events (see `locked`).
    private let deliveryLock = NSLock()

    init(config: SimConfig) {
        self.config = config
        let now = WallClock.milliseconds()
        candles = CandleStore(seed: config.seed, historyDays: config.historyDays, now: now)
        nextFundingTime = now + Int64(config.fundingIntervalSeconds) * 1000
        for symbol in config.symbols {
            add(Instrument.defaultSpot(symbol))
            add(Instrument.defaultPerp(symbol))
        }
        for (i, account) in config.accounts.enumerated() {
            var state = AccountState(key: account.key, secret: account.secret, passphrase: account.passphrase,
                                     userId: String(1_000_000_000 + i), spot: [:], futures: [:])
            for (coin, amount) in account.spot { state.spot[coin] = Balance(available: amount, uTime: now) }
            for (coin, amount) in account.futures { state.futures[coin] = Balance(available: amount, uTime: now) }
            accountIndex[account.key] = accounts.count
            accounts.append(state)
            fillLog.append([])
        }
    }

    private func add(_ instrument: Instrument) {
        instruments[instrument.key] = instrument
        instrumentOrder.append(instrument.key)
        engines[instrument.key] = MatchingEngine()
        lastPrice[instrument.key] = instrument.startPrice
        candles.seed(instrument: instrument)
    }

    /// Runs `body` under the lock and then delivers the events it produced.
    func locked<R>(_ body: () throws(BitgetError) -> R) throws(BitgetError) -> R {
        lock.lock()
        let result: Result<R, BitgetError>
        do { result = .success(try body()) } catch { result = .failure(error) }
        let events = pending
        pending.removeAll()
        // Events leave in the order they were made: the delivery lock is taken before the
        // exchange lock is released, so a later request cannot overtake this one's pushes.
        deliveryLock.lock()
        lock.unlock()
        if !events.isEmpty { sink?(events) }
        deliveryLock.unlock()
        return try result.get()
    }

    /// Spot instrument for `symbol`, or Bitget's error.
    func spot(_ symbol: String?) throws(BitgetError) -> Instrument {
        guard let symbol, !symbol.isEmpty else { throw .missing("symbol") }
        guard let instrument = instruments["SPOT:\(symbol.uppercased())"] else { throw .unknownSymbol(symbol) }
        return instrument
    }

    func newOrderId() -> UInt64 { defer { nextOrderId += 1 }; return nextOrderId }
    func newTradeId() -> UInt64 { defer { nextTradeId += 1 }; return nextTradeId }

    /// Best bid and ask in ticks with their sizes.
    func bestQuotes(_ key: String) -> (bid: (Int64, Int64)?, ask: (Int64, Int64)?) {
        guard let engine = engines[key] else { return (nil, nil) }
        return (engine.bids.top(1).first, engine.asks.top(1).first)
    }

    /// Records a public trade and queues its `trade` event and candle update.
    func recordTrade(_ instrument: Instrument, priceTicks: Int64, lots: Int64, takerSide: MatchingEngine.Side, time: Int64) -> UInt64 {
        let trade = TradeRecord(tradeId: newTradeId(), priceTicks: priceTicks, lots: lots, side: takerSide, time: time)
        trades[instrument.key, default: []].append(trade)
        if trades[instrument.key]!.count > 1000 { trades[instrument.key]!.removeFirst(500) }
        lastPrice[instrument.key] = priceTicks
        candles.apply(instrument: instrument, priceTicks: priceTicks, lots: lots, time: time)
        pending.append(StreamEvent(owner: nil, instType: instrument.instType, channel: "trade", instId: instrument.symbol,
                                   data: [Views.trade(trade, instrument)]))
        return trade.tradeId
    }
}

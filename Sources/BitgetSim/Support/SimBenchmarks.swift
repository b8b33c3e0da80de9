import SwiftletCore

/// Workloads for `bitget-sim-bench`: the engine and the exchange in-process, no network.
///
/// The workload is generated up front (seeded), so the timed part is only the engine or the
/// exchange. The mix, per operation: 45 % a resting limit order 1–50 ticks off the mid, 20 %
/// a crossing order (half marketable limits through the spread, half market IOC), 35 % a
/// cancel: half of them target one of the last 20 orders (which may already have filled:
/// then the cancel fails, as it would on the exchange), half the oldest quote still resting
/// (a stale quote). Makers cancelling most of what they quote keeps the book at a steady
/// depth, as on a real venue. The mid walks a tick at a time.
public enum SimBenchmarks {
    /// One pre-generated operation.
    public enum Operation: Sendable {
        case limit(buy: Bool, priceTicks: Int64, lots: Int64)
        case market(buy: Bool, lots: Int64)
        /// Cancels the order placed `back` orders ago, or (`back == 0`) the oldest still resting.
        case cancel(back: Int)
    }

    /// What one run did (so a benchmark cannot be optimised into doing nothing).
    public struct Counts: Sendable, CustomStringConvertible {
        public var submits = 0
        public var cancels = 0
        public var cancelled = 0
        public var fills = 0
        public var filledLots: Int64 = 0
        public var rejected = 0
        /// Refusals by Bitget error code (exchange runs).
        public var refusals: [String: Int] = [:]
        public init() {}
        public var description: String {
            "\(submits) orders, \(cancels) cancels (\(cancelled) found resting), \(fills) fills, \(filledLots) lots traded, \(rejected) refused"
                + (refusals.isEmpty ? "" : " \(refusals.sorted { $0.key < $1.key })")
        }
    }

    /// `count` operations around a BTCUSDT-like book (0.01 ticks, 10^-6 lots, start 60000).
    public static func workload(count: Int, seed: UInt64 = 7) -> [Operation] {
        var random = SeededRandom(seed: seed)
        var mid: Int64 = 6_000_000
        var ops: [Operation] = []
        ops.reserveCapacity(count)
        for _ in 0..<count {
            if random.int(in: 0...9) == 0 { mid += random.int(in: -1...1) }
            let roll = random.int(in: 0...99)
            let buy = random.int(in: 0...1) == 0
            let lots = random.int(in: 1...200) * 1_000  // 0.001 ... 0.2 BTC
            switch roll {
            case 0..<45:
                let offset = random.int(in: 1...50)
                ops.append(.limit(buy: buy, priceTicks: buy ? mid - offset : mid + offset, lots: lots))
            case 45..<55:
                let through = random.int(in: 0...5)
                ops.append(.limit(buy: buy, priceTicks: buy ? mid + through : mid - through, lots: lots))
            case 55..<65:
                ops.append(.market(buy: buy, lots: lots))
            default:
                ops.append(.cancel(back: random.int(in: 0...1) == 0 ? 0 : Int(random.int(in: 1...20))))
            }
        }
        return ops
    }

    /// Runs `ops` against a bare `MatchingEngine` (dirty-level tracking on, as in the server).
    public static func runEngine(_ ops: [Operation]) -> Counts {
        var engine = MatchingEngine()
        var counts = Counts()
        var ids: [UInt64] = []
        ids.reserveCapacity(ops.count)
        var nextId: UInt64 = 1
        var oldest = 0
        for (n, op) in ops.enumerated() {
            switch op {
            case .limit(let buy, let price, let lots):
                let outcome = engine.submit(.init(orderId: nextId, owner: Int32(n & 1), side: buy ? .buy : .sell, price: price,
                                                  lots: lots, quoteBudget: nil, force: .gtc))
                counts.record(outcome)
                ids.append(nextId)
                nextId += 1
            case .market(let buy, let lots):
                let outcome = engine.submit(.init(orderId: nextId, owner: Int32(n & 1), side: buy ? .buy : .sell, price: nil,
                                                  lots: lots, quoteBudget: nil, force: .ioc))
                counts.record(outcome)
                ids.append(nextId)
                nextId += 1
            case .cancel(let back):
                counts.cancels += 1
                var target: UInt64?
                if back == 0 {
                    while oldest < ids.count, !engine.isResting(ids[oldest]) { oldest += 1 }
                    if oldest < ids.count { target = ids[oldest] }
                } else if back <= ids.count {
                    target = ids[ids.count - back]
                }
                if let target, engine.cancel(orderId: target) != nil { counts.cancelled += 1 }
            }
            // The server drains dirty levels every publishing tick; do it every 64 operations.
            if n & 63 == 0 { _ = engine.drainDirty() }
        }
        return counts
    }

    /// An exchange with two well-funded accounts for `runExchange`.
    public final class ExchangeFixture: @unchecked Sendable {
        let exchange: Exchange
        let instrument: Instrument

        public init() {
            var config = SimConfig()
            config.agents = false
            config.historyDays = 1
            config.symbols = ["BTCUSDT"]
            // Quote balances carry fee digits (12 places), so they must stay below ~9.2 million.
            let funds: [String: ExactDecimal] = ["USDT": ExactDecimal(5_000_000), "BTC": ExactDecimal(10_000)]
            config.accounts = [
                .init(key: "bench-a", secret: "s", passphrase: "p", spot: funds, futures: funds),
                .init(key: "bench-b", secret: "s", passphrase: "p", spot: funds, futures: funds),
            ]
            exchange = Exchange(config: config)
            instrument = exchange.instruments["SPOT:BTCUSDT"]!
        }

        /// Events handed to the (absent) WebSocket layer so far.
        public internal(set) var events = 0
    }

    /// Runs `ops` through the full exchange path, as a REST order does after parsing: the lock,
    /// balance freezing, matching, settlement of both sides (fees, fills, order records) and
    /// the WebSocket events. Two accounts alternate so they trade with each other.
    public static func runExchange(_ ops: [Operation], on fixture: ExchangeFixture) -> Counts {
        let exchange = fixture.exchange
        let instrument = fixture.instrument
        var counts = Counts()
        var ids: [UInt64] = []
        ids.reserveCapacity(ops.count)
        var events = 0
        var oldest = 0
        exchange.sink = nil
        for (n, op) in ops.enumerated() {
            let owner = Int32(n & 1)
            do {
                switch op {
                case .limit, .market:
                    let (buy, price, lots): (Bool, Int64?, Int64) = switch op {
                    case .limit(let b, let p, let l): (b, p, l)
                    case .market(let b, let l): (b, nil, l)
                    case .cancel: (false, nil, 0)
                    }
                    // A market buy is sized in quote coin on Bitget: budget = lots × mid.
                    let budget: Int64? = (price == nil && buy) ? lots * 6_000_000 : nil
                    let request = Exchange.SpotRequest(
                        instrument: instrument, side: buy ? .buy : .sell, isMarket: price == nil, force: price == nil ? .ioc : .gtc,
                        forceText: "gtc", priceTicks: price, lots: budget == nil ? lots : 0, quoteBudget: budget,
                        sizeText: "0", clientOid: "")
                    let id = try exchange.locked { () throws(BitgetError) -> UInt64 in
                        defer { events += exchange.pending.count }
                        return try exchange.placeSpot(owner: owner, request)
                    }
                    counts.submits += 1
                    ids.append(id)
                case .cancel(let back):
                    counts.cancels += 1
                    var target: UInt64?
                    if back == 0 {
                        exchange.lock.lock()
                        while oldest < ids.count, !exchange.engines[instrument.key]!.isResting(ids[oldest]) { oldest += 1 }
                        exchange.lock.unlock()
                        if oldest < ids.count { target = ids[oldest] }
                    } else if back <= ids.count {
                        target = ids[ids.count - back]
                    }
                    guard let id = target else { continue }
                    _ = try exchange.locked { () throws(BitgetError) -> OrderRecord in
                        defer { events += exchange.pending.count }
                        return try exchange.cancelSpot(owner: exchange.orders[id]?.owner ?? owner, symbol: "BTCUSDT",
                                                       orderId: String(id), clientOid: nil)
                    }
                    counts.cancelled += 1
                }
            } catch {
                if case .cancel = op {} else {
                    counts.rejected += 1
                    counts.refusals[error.code, default: 0] += 1
                }
            }
        }
        exchange.lock.lock()
        counts.fills = exchange.fillLog.reduce(0) { $0 + $1.count }
        counts.filledLots = exchange.fillLog.reduce(0) { $0 + $1.reduce(0) { $0 + $1.lots } }
        exchange.lock.unlock()
        fixture.events += events
        return counts
    }
}

extension SimBenchmarks.Counts {
    mutating func record(_ outcome: MatchingEngine.Outcome) {
        submits += 1
        if outcome.rejected { rejected += 1 }
        fills += outcome.fills.count
        for fill in outcome.fills { filledLots += fill.lots }
    }
}

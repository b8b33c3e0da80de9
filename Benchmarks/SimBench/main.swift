import BitgetSim
import Foundation
import NIOCore
import NIOPosix
import Synchronization
import WebSocketKit

// `bitget-sim-bench`: matching-engine throughput (in-process, no network) and WebSocket
// `books` fan-out over loopback. Run with `swift run -c release bitget-sim-bench`.
// Timing uses the monotonic clock (Double only for the printed rates, never for money).

/// Unbuffered line output (progress shows even when piped).
func say(_ line: String) { FileHandle.standardOutput.write(Data((line + "\n").utf8)) }

func nanoseconds() -> UInt64 { DispatchTime.now().uptimeNanoseconds }

func rate(_ count: Int, _ nanos: UInt64) -> String {
    let perSecond = Double(count) / (Double(max(nanos, 1)) / 1e9)
    return String(Int(perSecond.rounded())).reversed().enumerated()
        .map { $0.offset > 0 && $0.offset % 3 == 0 ? "\($0.element)," : "\($0.element)" }.reversed().joined()
}

func median(_ values: [UInt64]) -> UInt64 { values.sorted()[values.count / 2] }

// MARK: matching engine

let operations = Int(ProcessInfo.processInfo.environment["SIM_BENCH_OPS"] ?? "") ?? 1_000_000
let ops = SimBenchmarks.workload(count: operations)
say("workload: \(operations) operations — 45% resting limits, 10% marketable limits, 10% market IOC, 35% cancels (half of a recent order, half of the oldest resting quote)")

var engineTimes: [UInt64] = []
var engineCounts = SimBenchmarks.Counts()
for _ in 0..<5 {
    let start = nanoseconds()
    engineCounts = SimBenchmarks.runEngine(ops)
    engineTimes.append(nanoseconds() - start)
}
say("MatchingEngine: \(rate(operations, median(engineTimes))) ops/s median of 5 (best \(rate(operations, engineTimes.min()!))); \(engineCounts)")

let exchangeOps = Array(ops.prefix(min(operations, 200_000)))
var exchangeTimes: [UInt64] = []
var exchangeCounts = SimBenchmarks.Counts()
for _ in 0..<3 {
    let fixture = SimBenchmarks.ExchangeFixture()
    let start = nanoseconds()
    exchangeCounts = SimBenchmarks.runExchange(exchangeOps, on: fixture)
    exchangeTimes.append(nanoseconds() - start)
}
say("Exchange (locks, balances, settlement, events): \(rate(exchangeOps.count, median(exchangeTimes))) ops/s median of 3 "
      + "(best \(rate(exchangeOps.count, exchangeTimes.min()!))); \(exchangeCounts)")

// MARK: WebSocket fan-out

/// Counts text frames received by one subscriber.
final class Counter: Sendable {
    let received = Atomic<Int>(0)
    let updates = Atomic<Int>(0)
}

func fanOut(subscribers: Int) async throws {
    var config = SimConfig()
    config.agents = false
    config.rateLimits = false
    config.historyDays = 1
    config.publishIntervalMs = 1_000  // the benchmark drives publishing itself
    let sim = try await BitgetSimulator.start(config)
    sim.addLiquidity(symbol: "BTCUSDT", side: "sell", price: "70000.00", size: "1")
    var sockets: [WebSocket] = []
    var counters: [Counter] = []
    for _ in 0..<subscribers {
        let counter = Counter()
        let box = Mutex<WebSocket?>(nil)
        try await WebSocket.connect(to: sim.publicWebSocketURL, configuration: .init(maxFrameSize: 1 << 24),
                                    on: MultiThreadedEventLoopGroup.singleton) { ws in
            box.withLock { $0 = ws }
            ws.onText { _, text in
                counter.received.add(1, ordering: .relaxed)
                if text.contains("\"update\"") { counter.updates.add(1, ordering: .relaxed) }
            }
        }.get()
        // The connect future may complete before `onUpgrade` has run.
        while box.withLock({ $0 == nil }) { try await Task.sleep(for: .milliseconds(1)) }
        let ws = box.withLock { $0 }!
        try await ws.send(#"{"op":"subscribe","args":[{"instType":"SPOT","channel":"books","instId":"BTCUSDT"}]}"#)
        sockets.append(ws)
        counters.append(counter)
    }
    // Wait for every ack and snapshot.
    while counters.contains(where: { $0.received.load(ordering: .relaxed) < 2 }) { try await Task.sleep(for: .milliseconds(5)) }
    let rounds = max(2_000, 200_000 / subscribers)
    let expected = rounds * subscribers
    let start = nanoseconds()
    for round in 0..<rounds {
        // One changed bid level per round → one `books` update per subscriber.
        sim.addLiquidity(symbol: "BTCUSDT", side: "buy", price: "\(61_000 + round % 500).00", size: "0.001")
        sim.publishNow()
    }
    let produced = nanoseconds() - start
    var last = 0
    var lastChange = nanoseconds()
    while true {
        let total = counters.reduce(0) { $0 + $1.updates.load(ordering: .relaxed) }
        if total >= expected { break }
        if total != last { last = total; lastChange = nanoseconds() }
        if nanoseconds() - lastChange > 5_000_000_000 { break }  // nothing new for 5 s: report what arrived
        try await Task.sleep(for: .milliseconds(1))
    }
    let elapsed = nanoseconds() - start
    let delivered = counters.reduce(0) { $0 + $1.updates.load(ordering: .relaxed) }
    say("fan-out N=\(subscribers): \(rate(delivered, elapsed)) msgs/s delivered (\(delivered)/\(expected) books updates "
          + "in \(elapsed / 1_000_000) ms; publishing alone \(rate(rounds, produced)) rounds/s)")
    for ws in sockets { try? await ws.close().get() }
    await sim.shutdown()
}

for n in [1, 10, 50] { try await fanOut(subscribers: n) }

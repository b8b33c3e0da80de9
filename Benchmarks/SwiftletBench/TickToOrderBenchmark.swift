import AsyncHTTPClient
import Foundation
import NIOCore
import NIOPosix
import SwiftletABI
import SwiftletBot
import SwiftletCore
import SwiftletHost
import SwiftletPersistence
import SwiftletRunner
import SwiftletSystem
import SwiftletTransport
import Synchronization

/// Tick-to-order latency: from a Bitget book update arriving at the host's WebSocket to
/// the order request it causes being written to the HTTP connection. The path measured
/// is the real one: host WebSocket → spot connector plugin (parse, checksum, book event)
/// → bot (books, routing) → strategy plugin (a C strategy reacting to every book delta:
/// place a far post-only bid, then cancel it) → host trading API (risk checks) →
/// connector (quantize, sign) → host HTTP service → written on its direct connection. The
/// bot keeps a trade database, as `swiftlet start` does.
///
/// bitget-sim runs in its own process, pinned to the last CPU, and the host's event loop to
/// the others: the exchange is not on the bot's machine in production, and on a shared core
/// the simulator, woken by the request, would run inside the bot's socket write and be
/// counted in it. The benchmark's other threads (its driver, the bot's background writers)
/// share the simulator's CPU. Only the benchmark moves and publishes the simulator's book:
/// each round forces one small trade (which changes the book), publishes it, and takes one
/// sample. Rounds are spaced 110 ms apart so Bitget's 10 requests/s order budget never
/// queues a request.
///
/// With `orders` above 1 the strategy answers each update with that many requests (places,
/// then cancels, as a market maker's refresh), and a sample runs to the last one written;
/// rounds are then `orders` × 110 ms apart.
///
/// The host keeps its loop's CPU awake (`keepsEventLoopCPUsAwake`, docs/operations.md#keeping-the-loops-cpus-awake),
/// as a bot configured for latency does: between rounds the loop waits 110 ms, long enough
/// for an idle CPU to halt and, on a virtual machine, to lose its caches to the hypervisor.
/// `--no-keep-awake` lets it idle, for comparison.
///
/// With `SWIFTLET_BENCH_WINDOWS=<file>` set, each sample's window (the frame's arrival and
/// the write, `CLOCK_MONOTONIC` nanoseconds, and `place` or `cancel`) is written to the file,
/// one per line, for profiling the measured path alone (docs/strategies.md#places-cancels-and-a-profile-of-the-path-alone).
///
/// `swift run -c release swiftlet-bench tick-to-order [samples] [orders] [--no-keep-awake]`
enum TickToOrderBenchmark {
    struct Failure: Error, CustomStringConvertible { let description: String }

    static func run(samples: Int, orders: Int = 1, keepAwake: Bool = true) async throws {
        let directory = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()
        let cpus = try CPUAffinity.availableCPUs()
        let (simCPUs, hostCPUs) = cpus.count > 1 ? ([cpus.last!], Array(cpus.dropLast())) : ([], [])
        // Everything but the host's event loop (which pins itself) shares the simulator's
        // CPU: the benchmark's driver, woken by the simulator's answers, must not preempt
        // the loop mid-path, and neither may the bot's other threads.
        if !simCPUs.isEmpty { try CPUAffinity.pinProcess(to: simCPUs) }
        // The simulator's own publishing and agent rounds are pushed out of the run, so
        // only the benchmark changes and publishes the book (the agents' warm-up built it).
        let quiet = ["--publish-interval", "3600000", "--agent-interval", "3600000"]
        let (simProcess, baseURL) = try SimulatorProcess.start(arguments: quiet + (simCPUs.isEmpty ? [] : ["--cpus", "\(simCPUs[0])"]))
        defer { simProcess.terminate() }
        let admin = SimulatorAdmin(baseURL: baseURL)
        let probe = LatencyProbe(requestsPerRound: orders)
        // Logs go to a file through the bot's background writer, as in `swiftlet start`.
        let log = FileLog(path: NSTemporaryDirectory() + "swiftlet-bench-tick-to-order.log")
        let runtime = try HostRuntime(configuration: HostConfiguration(eventLoopCPUs: hostCPUs, reservesEventLoopCPUs: true,
                                                                         keepsEventLoopCPUsAwake: keepAwake && !hostCPUs.isEmpty, probe: probe), logger: log.logger())
        runtime.credentials.add(Credential(name: "sim", apiKey: "sim-key", secret: "sim-secret", passphrase: "sim-passphrase"))
        let spot = try PluginLoader.load(path: directory.appendingPathComponent("libBitgetSpot.so").path)
        let webSocketBase = baseURL.replacingOccurrences(of: "http://", with: "ws://")
        let config = #"{"rest_url":"\#(baseURL)","ws_public_url":"\#(webSocketBase)/v2/ws/public","#
            + #""ws_private_url":"\#(webSocketBase)/v2/ws/private","credential":"sim"}"#
        let connector = try runtime.instantiate(spot, config: config, credentials: ["sim"])
        try connector.start()
        // A trade database, as `swiftlet start` keeps: order updates are written as they happen.
        let journalPath = NSTemporaryDirectory() + "swiftlet-bench-tick-to-order-\(getpid()).sqlite"
        let journal = try TradeJournal(path: journalPath)
        defer { for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: journalPath + suffix) } }
        let bot = Bot(runtime: runtime, journal: journal)
        bot.addVenue(StagedVenue(try LiveVenue(id: "bitget", connector: connector), probe: probe))
        _ = runtime.events.subscribe { event in
            if case .book = event.payload { probe.mark(.bus) }
        }
        let trading = try TradingClient(connector)
        guard await trading.waitForRules(timeout: .seconds(30)) else {
            throw Failure(description: "the spot connector loaded no trading rules within 30 s")
        }
        let strategyLibrary = try PluginLoader.load(path: directory.appendingPathComponent("libTickToOrderStrategy.so").path)
        try bot.startStrategy(id: "bench", library: strategyLibrary, params: #"{"orders":\#(orders)}"#, tick: .seconds(3600))
        // The connector's book and the strategy's subscription are live once the first
        // publish reaches them.
        try await admin.post("/admin/publish", "{}")
        try await Task.sleep(for: .milliseconds(500))

        let warmup = 20
        var missed = 0
        for round in 0..<(samples + warmup) {
            try await admin.post("/admin/trade", #"{"instId":"BTCUSDT","side":"\#(round % 2 == 0 ? "buy" : "sell")","lots":1}"#)
            probe.arm(keep: round >= warmup)
            try await admin.post("/admin/publish", "{}")
            try await Task.sleep(for: .milliseconds(110 * orders))
            if probe.disarm() { missed += 1 }
        }
        let latencies = probe.samples.sorted()
        if let path = ProcessInfo.processInfo.environment["SWIFTLET_BENCH_WINDOWS"] {
            let lines = probe.windows.map { "\($0.arrival) \($0.written) \($0.kind?.rawValue ?? "-")\n" }
            try lines.joined().write(toFile: path, atomically: true, encoding: .utf8)
        }
        let placement = hostCPUs.isEmpty
            ? "one CPU: simulator and host share it"
            : "simulator and other threads on CPU \(simCPUs[0]), host event loop on CPU \(hostCPUs.map(String.init).joined(separator: ","))"
                + (keepAwake ? ", kept awake" : ", allowed to idle")
        let what = orders == 1 ? "order request written" : "the last of \(orders) order requests written"
        print("tick-to-order (book update in → \(what)), \(latencies.count) samples, \(missed) rounds without \(orders == 1 ? "a request" : "all requests"); \(placement):")
        if !latencies.isEmpty {
            func percentile(_ p: Double) -> Double {
                Double(Measure.percentile(p, of: latencies)) / 1_000
            }
            print(String(format: "  p50 %.1f µs   p90 %.1f µs   p99 %.1f µs   max %.1f µs",
                         percentile(0.50), percentile(0.90), percentile(0.99), Double(latencies.last!) / 1_000))
            // The strategy places on one update and cancels on the next; a place does more
            // (risk checks, quantizing, the body), so the tail is mostly places.
            for (name, kind) in [("places", LatencyProbe.Kind.place), ("cancels", .cancel)] {
                let some = probe.samples(of: kind).sorted()
                guard !some.isEmpty else { continue }
                func of(_ p: Double) -> Double { Double(Measure.percentile(p, of: some)) / 1_000 }
                print(String(format: "    %@ (%d): p50 %.1f µs   p90 %.1f µs   p99 %.1f µs", name, some.count, of(0.5), of(0.9), of(0.99)))
            }
            print("  median time per stage:")
            for (name, micros) in probe.stageMedians() { print("    " + String(format: "%9.1f µs  ", micros) + name) }
        }
        bot.stop()
        try? connector.stop()
        connector.destroy()
        await runtime.shutdown()
        try await admin.shutdown()
    }
}

/// bitget-sim's admin hooks over HTTP (the simulator runs in its own process).
final class SimulatorAdmin: Sendable {
    private let baseURL: String
    private let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
    private let client: HTTPClient

    init(baseURL: String) {
        self.baseURL = baseURL
        client = HTTPClient(eventLoopGroup: group)
    }

    /// POSTs `body` to `path`; throws unless the simulator answers 200.
    func post(_ path: String, _ body: String) async throws {
        var request = HTTPClientRequest(url: baseURL + path)
        request.method = .POST
        request.body = .bytes(ByteBuffer(string: body))
        let response = try await client.execute(request, timeout: .seconds(10))
        _ = try await response.body.collect(upTo: 1 << 20)
        guard response.status == .ok else {
            throw TickToOrderBenchmark.Failure(description: "bitget-sim answered \(response.status) to \(path)")
        }
    }

    func shutdown() async throws {
        try await client.shutdown()
        try await group.shutdownGracefully()
    }
}

/// Pairs the first WebSocket message after `arm` with the `requestsPerRound`-th HTTP request
/// written after it.
final class LatencyProbe: TransportProbe {
    private let requestsPerRound: Int

    init(requestsPerRound: Int = 1) { self.requestsPerRound = requestsPerRound }

    /// Points on the path, in order, after the WebSocket frame's arrival.
    enum Stage: Int, CaseIterable {
        case bus, venueEntered, httpStarted, venueLeft
        var name: String {
            switch self {
            case .bus: "frame→event on bus (connector parse, checksum, emit)"
            case .venueEntered: "→order at venue (bot routing, strategy queue, strategy, risk)"
            case .httpStarted: "→request handed to a connection (connector quantize, sign; host HTTP service)"
            case .venueLeft: "→connector returned"
            }
        }
    }

    /// What the round's first request was: the strategy alternates placing and cancelling.
    enum Kind: String { case place, cancel }

    private struct State {
        var armed = false
        var keep = false
        var kind: Kind?
        var arrival: Int64 = 0
        var written = 0
        /// The time each stage was reached in the armed round (0: not yet), by `Stage.rawValue`:
        /// a fixed array reset in place, so a mark on the measured path never allocates (a
        /// dictionary filled afresh each round cost the path an allocation and a resize).
        var marks = [Int64](repeating: 0, count: Stage.allCases.count)
        /// Each sample's arrival and write times, and kind.
        var windows: [Window] = []
        var stages: [[Int64]] = []
    }
    private let state = Mutex(State())

    func arm(keep: Bool) {
        state.withLock {
            $0.armed = true
            $0.keep = keep
            $0.arrival = 0
            $0.written = 0
            $0.kind = nil
            for index in $0.marks.indices { $0.marks[index] = 0 }
        }
    }

    /// Records what the armed round's first request is.
    func note(_ kind: Kind) {
        state.withLock { state in
            if state.armed, state.arrival != 0, state.kind == nil { state.kind = kind }
        }
    }

    /// Records the first time the armed round reaches `stage`.
    func mark(_ stage: Stage) {
        let now = Clocks.monotonicNanoseconds()
        state.withLock { state in
            if state.armed, state.arrival != 0, state.marks[stage.rawValue] == 0 { state.marks[stage.rawValue] = now }
        }
    }

    /// Median duration of each stage, and from the last one reached to the request being
    /// written, over the rounds that reached the stages most rounds reached. (The direct
    /// connection writes the request before the connector's `place` returns, so
    /// `venueLeft` comes after the write.) The stages are the first order's.
    func stageMedians() -> [(String, Double)] {
        state.withLock { state in
            let lengths = Dictionary(grouping: state.stages, by: \.count)
            guard let (length, rounds) = lengths.max(by: { $0.value.count < $1.value.count }), length > 0 else { return [] }
            let reached = Stage.allCases.prefix(length - 1)
            let last = requestsPerRound == 1
                ? "→request written" + Self.remainder(after: reached.last)
                : "→the last of \(requestsPerRound) requests written (the first order's post-write work, then the other \(requestsPerRound - 1))"
            let names = reached.map(\.name) + [last]
            return names.enumerated().map { index, name in
                (name, Double(Measure.percentile(0.5, of: rounds.map { $0[index] }.sorted())) / 1_000)
            }
        }
    }

    /// What the last stage, from `stage` to the request written, covers.
    private static func remainder(after stage: Stage?) -> String {
        switch stage {
        case nil: " (the whole path)"
        case .bus: " (bot, strategy, risk, connector, HTTP)"
        case .venueEntered: " (connector quantize, sign; HTTP write inside its call)"
        case .httpStarted, .venueLeft: " (the socket write; the host serialized the request before handing it over)"
        }
    }

    /// Ends a round; true if it produced no sample.
    func disarm() -> Bool {
        state.withLock { state in
            defer { state.armed = false }
            return state.armed
        }
    }

    /// One sample: from the frame's arrival to the request written.
    struct Window {
        let arrival: Int64
        let written: Int64
        let kind: Kind?
        var latency: Int64 { written - arrival }
    }

    var windows: [Window] { state.withLock { $0.windows } }
    var samples: [Int64] { windows.map(\.latency) }
    func samples(of kind: Kind) -> [Int64] { windows.filter { $0.kind == kind }.map(\.latency) }

    func messageArrived(connection: UInt64) {
        let now = Clocks.monotonicNanoseconds()
        state.withLock { state in
            if state.armed, state.arrival == 0 { state.arrival = now }
        }
    }

    func requestStarted(request: UInt64) { mark(.httpStarted) }

    func requestWritten(request: UInt64) {
        let now = Clocks.monotonicNanoseconds()
        state.withLock { state in
            guard state.armed, state.arrival != 0 else { return }
            state.written += 1
            guard state.written == requestsPerRound else { return }
            if state.keep {
                state.windows.append(Window(arrival: state.arrival, written: now, kind: state.kind))
                var previous = state.arrival
                var stages: [Int64] = []
                for stage in Stage.allCases {
                    let at = state.marks[stage.rawValue]
                    guard at != 0 else { break }
                    stages.append(at - previous)
                    previous = at
                }
                stages.append(now - previous)
                state.stages.append(stages)
            }
            state.armed = false
        }
    }
}

/// The live venue, timing the strategy's intents as they reach it and as the connector
/// returns (for the per-stage figures).
final class StagedVenue: TradingVenue {
    let live: LiveVenue
    let probe: LatencyProbe
    init(_ live: LiveVenue, probe: LatencyProbe) {
        self.live = live
        self.probe = probe
    }
    var id: String { live.id }
    var pluginKey: String { live.pluginKey }
    var isPaper: Bool { false }
    func instrument(_ symbol: String) throws(ABIError) -> SwiftletCore.Instrument { try live.instrument(symbol) }
    func subscribe(_ channel: MarketChannel, symbol: String) throws(ABIError) { try live.subscribe(channel, symbol: symbol) }
    func place(_ request: OrderRequest) throws(ABIError) {
        probe.note(.place)
        probe.mark(.venueEntered)
        try live.place(request)
        probe.mark(.venueLeft)
    }
    func cancel(symbol: String, clientOrderID: String) throws(ABIError) {
        probe.note(.cancel)
        probe.mark(.venueEntered)
        try live.cancel(symbol: symbol, clientOrderID: clientOrderID)
        probe.mark(.venueLeft)
    }
    func cancelAll(symbol: String) throws(ABIError) { try live.cancelAll(symbol: symbol) }
    func order(_ clientOrderID: String) throws(ABIError) -> OrderSnapshot { try live.order(clientOrderID) }
    func openOrders(symbol: String) throws(ABIError) -> [OrderSnapshot] { try live.openOrders(symbol: symbol) }
    func balances() throws(ABIError) -> [Balance] { try live.balances() }
    func positions() throws(ABIError) -> [PositionSnapshot] { try live.positions() }
    func leverage(symbol: String) throws(ABIError) -> ExactDecimal { try live.leverage(symbol: symbol) }
}

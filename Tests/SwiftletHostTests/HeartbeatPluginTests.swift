import CSwiftletSDK
import Foundation
import SwiftletABI
@testable import SwiftletHost
import SwiftletCore
import Synchronization
import Testing

/// The Swift and the C example plugins go through the same tests: loaded by the host,
/// driven by its timer and HTTP services against a real loopback server, reporting
/// through events and the key-value store.
@Suite struct HeartbeatPluginTests {
    enum Flavor: String, CaseIterable, Sendable {
        case swift = "ExampleHeartbeat"
        case c = "ExampleCHeartbeat"

        var pluginID: String { self == .swift ? "example_heartbeat" : "example_heartbeat_c" }
    }

    /// Collects events from the bus.
    final class Recorder: Sendable {
        let events = Mutex<[Event]>([])
        func attach(to runtime: HostRuntime) { runtime.events.subscribe { event in self.events.withLock { $0.append(event) } } }
        var tickers: [(String, ExactDecimal)] {
            events.withLock { $0.compactMap { event in
                if case .ticker(let ticker) = event.payload { return (event.context.symbol, ticker.lastPrice) }
                return nil
            } }
        }
        var errors: [ErrorReport] {
            events.withLock { $0.compactMap { if case .error(let report) = $0.payload { return report } else { return nil } } }
        }
    }

    private func load(_ flavor: Flavor) throws -> PluginLibrary {
        try PluginLoader.load(path: try TestSupport.builtPlugin(flavor.rawValue))
    }

    @Test(arguments: Flavor.allCases)
    func pollsOverHTTPOnATimerAndEmitsTickers(flavor: Flavor) async throws {
        let server = try await LoopbackHTTPServer.start(prices: ["97000.01", "97000.50", "96999.99"])
        let runtime = try HostRuntime()
        let recorder = Recorder()
        recorder.attach(to: runtime)
        let library = try load(flavor)
        #expect(library.info.id == flavor.pluginID)
        let instance = try runtime.instantiate(library, config: """
            {"url":"\(server.baseURL)/price","interval_ms":20,"symbol":"ETHUSDT","count":3}
            """)
        try instance.start()
        let done = await TestSupport.eventually { recorder.tickers.count >= 3 }
        #expect(done, "got \(recorder.tickers.count) tickers, errors: \(recorder.errors)")
        let tickers = recorder.tickers
        #expect(tickers.map(\.0) == ["ETHUSDT", "ETHUSDT", "ETHUSDT"])
        // Requests go out every 20 ms on separate connections, so answers may arrive in any order.
        #expect(Set(tickers.map(\.1.description)) == ["97000.01", "97000.50", "96999.99"])
        // Exactly `count` requests: the plugin cancelled its timer.
        try await Task.sleep(for: .milliseconds(100))
        #expect(recorder.tickers.count == 3)
        let stored = try #require(try runtime.keyValue.get(namespace: flavor.pluginID, key: "last_price"))
        #expect(String(decoding: stored, as: UTF8.self) == tickers.last?.1.description)
        try instance.stop()
        instance.destroy()
        await server.stop()
        await runtime.shutdown()
    }

    @Test(arguments: Flavor.allCases)
    func reportsBadAnswersAndUnreachableServersAsErrorEvents(flavor: Flavor) async throws {
        let server = try await LoopbackHTTPServer.start(prices: ["not a price"])
        let runtime = try HostRuntime()
        let recorder = Recorder()
        recorder.attach(to: runtime)
        let library = try load(flavor)
        let bad = try runtime.instantiate(library, name: "bad-body", config: """
            {"url":"\(server.baseURL)/price","interval_ms":10,"count":1}
            """)
        // Port 9 (discard) on loopback: nothing listens, the connection is refused.
        let unreachable = try runtime.instantiate(library, name: "unreachable", config: """
            {"url":"http://127.0.0.1:9/price","interval_ms":10,"count":1}
            """)
        try bad.start()
        try unreachable.start()
        let both = await TestSupport.eventually { recorder.errors.count >= 2 }
        #expect(both, "errors: \(recorder.errors)")
        #expect(recorder.tickers.isEmpty)
        let statuses = Set(recorder.errors.map(\.status))
        #expect(statuses == [Int32(SWL_ERR_EXCHANGE), Int32(SWL_ERR_IO)])
        bad.destroy()
        unreachable.destroy()
        await server.stop()
        await runtime.shutdown()
    }

    @Test(arguments: Flavor.allCases)
    func badConfigIsRefusedWithTheKeyNamed(flavor: Flavor) throws {
        let runtime = try HostRuntime()
        let library = try load(flavor)
        do {
            _ = try runtime.instantiate(library, config: #"{"interval_ms":10}"#)
            Issue.record("a config without url was accepted")
        } catch {
            #expect(error.message.contains("url"))
        }
        do {
            _ = try runtime.instantiate(library, config: #"{"url":"http://127.0.0.1:1/","interval_ms":0}"#)
            Issue.record("a zero interval was accepted")
        } catch {
            #expect(error.message.contains("interval_ms"))
        }
    }

    @Test(arguments: Flavor.allCases)
    func strategyEchoesTradesAndRejectsMalformedEvents(flavor: Flavor) throws {
        let runtime = try HostRuntime()
        let recorder = Recorder()
        recorder.attach(to: runtime)
        let instance = try runtime.instantiate(try load(flavor), config: #"{"url":"http://127.0.0.1:9/"}"#)
        let trade = Event(context: EventContext(symbol: "BTCUSDT"),
                          payload: .trade(Trade(tradeID: "t1", takerSide: .sell,
                                                price: try ExactDecimal("97001.25"), size: try ExactDecimal("0.5"))))
        try instance.deliver(trade)
        #expect(recorder.tickers.count == 1)
        #expect(recorder.tickers.first?.0 == "BTCUSDT")
        #expect(recorder.tickers.first?.1 == (try ExactDecimal("97001.25")))
        #expect(recorder.events.withLock { $0.first?.context.source } == flavor.pluginID)

        // A trade event whose struct_size is too small must be refused, not read.
        var tiny = swl_trade_event_t()
        tiny.header.struct_size = UInt32(MemoryLayout<swl_event_header_t>.size)
        tiny.header.kind = swl_event_kind_t(SWL_EVENT_TRADE)
        var record = SwiftletABI.ABIError.emptyRecord()
        let strategy = try #require(try instance.library.extensionTable(SWL_EXT_STRATEGY, minimumSize: 16))
            .assumingMemoryBound(to: swl_strategy_t.self)
        let status = try instance.exclusive { plugin in
            withUnsafePointer(to: &tiny) { pointer in
                pointer.withMemoryRebound(to: swl_event_header_t.self, capacity: 1) {
                    strategy.pointee.on_event!(plugin, $0, &record)
                }
            }
        }
        #expect(status == SWL_ERR_ABI || status == SWL_ERR_INVALID_ARGUMENT)
        #expect(!SwiftletABI.ABIError.read(record, status: status).message.isEmpty)
        instance.destroy()
    }
}

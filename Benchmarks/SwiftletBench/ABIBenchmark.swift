import CSwiftletSDK
import Foundation
import SwiftletABI
import SwiftletCore
import SwiftletHost
import Synchronization

/// Cost of one call across the ABI (host → plugin) and of one event (plugin → host).
///
/// Uses the C example plugin so nothing Swift-side is inlined across the boundary:
/// - call: `swl_strategy_t.on_event` with a TIMER event (the plugin increments a counter),
///   raw through the function pointer, and through the host's serialized path;
/// - event: `swl_host_t.emit` of a TICKER event, decoded, validated and published to one
///   bus subscriber, exactly what a connector's emit costs.
enum ABIBenchmark {
    static func run() throws {
        let directory = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()
        let library = try PluginLoader.load(path: directory.appendingPathComponent("libExampleCHeartbeat.so").path)
        let runtime = try HostRuntime()
        let instance = try runtime.instantiate(library, config: #"{"url":"http://127.0.0.1:9/price"}"#)
        let strategy = try library.extensionTable(SWL_EXT_STRATEGY, minimumSize: MemoryLayout<swl_strategy_t>.size)!
            .assumingMemoryBound(to: swl_strategy_t.self)
        let onEvent = strategy.pointee.on_event!
        let iterations = 2_000_000

        var timer = swl_timer_event_t()
        timer.header.struct_size = UInt32(MemoryLayout<swl_timer_event_t>.size)
        timer.header.kind = swl_event_kind_t(SWL_EVENT_TIMER)
        let raw = try instance.exclusive { plugin in
            withUnsafePointer(to: &timer) { pointer in
                pointer.withMemoryRebound(to: swl_event_header_t.self, capacity: 1) { event in
                    Measure.perOperation(iterations: iterations) {
                        for _ in 0..<iterations { _ = onEvent(plugin, event, nil) }
                    }
                }
            }
        }
        let guarded = withUnsafePointer(to: &timer) { pointer in
            pointer.withMemoryRebound(to: swl_event_header_t.self, capacity: 1) { event in
                Measure.perOperation(iterations: iterations) {
                    for _ in 0..<iterations { _ = try? instance.exclusive { onEvent($0, event, nil) } }
                }
            }
        }

        let received = Atomic<Int>(0)
        runtime.events.subscribe { _ in received.add(1, ordering: .relaxed) }
        let host = instance.hostTable
        let emit = host.pointee.emit!
        let symbol = Array("BTCUSDT".utf8)
        let emitted = symbol.withUnsafeBufferPointer { symbolBytes in
            var ticker = swl_ticker_event_t()
            ticker.header.struct_size = UInt32(MemoryLayout<swl_ticker_event_t>.size)
            ticker.header.kind = swl_event_kind_t(SWL_EVENT_TICKER)
            ticker.header.symbol = swl_str_t(ptr: UnsafeRawPointer(symbolBytes.baseAddress)!.assumingMemoryBound(to: CChar.self),
                                             len: symbolBytes.count)
            ticker.last_price = swl_decimal_t(mantissa: 9_700_001, scale: 2, reserved: 0)
            ticker.best_bid = swl_decimal_t(mantissa: 9_700_000, scale: 2, reserved: 0)
            ticker.best_ask = swl_decimal_t(mantissa: 9_700_002, scale: 2, reserved: 0)
            return withUnsafePointer(to: &ticker) { pointer in
                pointer.withMemoryRebound(to: swl_event_header_t.self, capacity: 1) { event in
                    Measure.perOperation(iterations: iterations) {
                        for _ in 0..<iterations { _ = emit(host, event, nil) }
                    }
                }
            }
        }
        precondition(received.load(ordering: .relaxed) == iterations * 7, "every emitted event must reach the bus")
        instance.destroy()

        print("abi: call host->plugin, raw function pointer   best \(Measure.format(raw.best)) ns/call, median \(Measure.format(raw.median)) ns/call")
        print("abi: call host->plugin, serialized (lock+call) best \(Measure.format(guarded.best)) ns/call, median \(Measure.format(guarded.median)) ns/call   (target < 50)")
        print("abi: event plugin->host (emit, decode, publish) best \(Measure.format(emitted.best)) ns/event, median \(Measure.format(emitted.median)) ns/event   (target < 200)")
    }
}

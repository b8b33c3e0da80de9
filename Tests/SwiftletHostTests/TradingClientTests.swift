import Foundation
import SwiftletCore
@testable import SwiftletHost
import Testing

/// What the host reads back from a connector's order calls, when the connector misbehaves.
struct TradingClientTests {
    /// A connector (fixture `plugins/overlong_ids.c`) that fills each 64-byte id buffer and
    /// reports a length of 100: the host reads the buffer, never past it (for the last id
    /// of a batch, past it is outside the memory; for the others, the next id).
    @Test func anIdLengthPastItsBufferIsCutToTheBuffer() async throws {
        let directory = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("liboverlong_ids.so")
        try TestSupport.compileCPlugin(TestSupport.fixture("plugins/overlong_ids.c"), output: path)
        let runtime = try HostRuntime()
        let instance = try runtime.instantiate(try PluginLoader.load(path: path.path))
        let trading = try TradingClient(instance)
        let request = OrderRequest(side: .buy, symbol: "BTCUSDT", price: try ExactDecimal("100"), size: try ExactDecimal("1"))

        #expect(try trading.placeOrder(request) == String(repeating: "a", count: 64))
        let results = try trading.placeOrders([request, request, request])
        #expect(try results.map { try $0.get() } == ["a", "b", "c"].map { String(repeating: $0, count: 64) })
        instance.destroy()
        await runtime.shutdown()
    }
}

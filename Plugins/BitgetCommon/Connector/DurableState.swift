import Foundation
public import SwiftletPluginKit

/// What a Bitget connector keeps in the host's durable store, so a restart neither loses
/// orders nor counts a fill twice: its tracked orders and the trade ids it reported.
///
/// Format 2, written by hand with the order objects of the hot-swap state (docs/hot-swap.md):
/// `{"format":2,"orders":[…],"trades":["…"]}`. It is written from a timer on the event-loop
/// thread, where JSONEncoder took milliseconds for a long-lived bot's 500 orders and 5,000
/// trade ids. Format 1, which JSONEncoder wrote (`{"version":1,"orders":[{"snapshot":…}]}`),
/// is still read.
struct DurableState {
    var orders: [OrderTracker.Entry]
    var trades: [String]

    /// One order's JSON object, as the state holds it.
    static func object(_ order: OrderTracker.Entry) -> [UInt8] {
        var out = JSONWriter(capacity: 512)
        HotSwapState.write(order, to: &out)
        return out.bytes
    }

    /// The state of orders already encoded (`object`) and `trades`.
    static func encoded(orderObjects: [[UInt8]], trades: some Collection<String>) -> [UInt8] {
        var out = JSONWriter(capacity: orderObjects.reduce(0) { $0 + $1.count + 1 } + 24 * trades.count + 64)
        out.openObject()
        out.key("format")
        out.integer(2)
        out.key("orders")
        out.openArray()
        for object in orderObjects { out.encodedValue(object) }
        out.closeArray()
        out.key("trades")
        out.openArray()
        for trade in trades { out.string(trade) }
        out.closeArray()
        out.closeObject()
        return out.bytes
    }

    /// Reads format 2, or format 1; throws naming the problem.
    static func decode(_ bytes: [UInt8]) throws(PayloadError) -> DurableState {
        let what = "saved state"
        let tree: JSONTree
        do throws(JSONTreeError) {
            tree = try JSONTree.parse(String(decoding: bytes, as: UTF8.self))
        } catch {
            throw PayloadError("\(what): malformed JSON, \(error.message)")
        }
        let root = try JSONFields(tree, what: what)
        guard root.optional("format") != nil else { return try legacy(bytes) }
        let format = try root.integer("format", as: Int.self)
        guard format == 2 else { throw PayloadError("\(what): format \(format) is unknown to this build") }
        var orders: [OrderTracker.Entry] = []
        for order in try root.objects("orders") { orders.append(try HotSwapState.entry(order)) }
        var trades: [String] = []
        for (index, trade) in try root.array("trades").enumerated() {
            guard case .string(let id) = trade else { throw PayloadError("\(what): 'trades[\(index)]' should be a string") }
            trades.append(id)
        }
        return DurableState(orders: orders, trades: trades)
    }

    /// Format 1, as JSONEncoder wrote it.
    private static func legacy(_ bytes: [UInt8]) throws(PayloadError) -> DurableState {
        struct Version1: Decodable {
            var orders: [OrderTracker.Entry]
            var trades: [String]
        }
        let state = try decodePayload(Version1.self, from: Data(bytes), what: "saved state (format 1)")
        return DurableState(orders: state.orders, trades: state.trades)
    }
}

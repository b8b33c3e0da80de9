import CSwiftletSDK
public import SwiftletABI
public import SwiftletCore

/// The host's typed handle on a candle feed's `swiftlet.candles/1` table (ext/candles.h).
public final class CandleClient: @unchecked Sendable {
    public let instance: PluginInstance
    private let table: UnsafePointer<swl_candle_feeds_t>

    public init(_ instance: PluginInstance) throws(HostError) {
        self.instance = instance
        self.table = try instance.extensionTable(SWL_EXT_CANDLES, as: swl_candle_feeds_t.self)
    }

    /// Feed ids the instance serves.
    public func feeds() throws(ABIError) -> [String] {
        final class Box { var feeds: [String] = [] }
        let box = Box()
        try instance.callExtension { plugin, error in
            table.pointee.list_feeds(plugin, { user, feed in
                guard let user else { return 1 }
                Unmanaged<Box>.fromOpaque(user).takeUnretainedValue().feeds.append((try? ABIValue.string(feed, field: "feed")) ?? "")
                return 0
            }, Unmanaged.passUnretained(box).toOpaque(), error)
        }
        return box.feeds
    }

    public func subscribe(feed: String, symbol: String, interval: String, history: UInt32) throws(ABIError) {
        try instance.callExtension { plugin, error in
            withKey(feed, symbol, interval) { table.pointee.subscribe(plugin, $0, $1, $2, history, error) }
        }
    }

    public func unsubscribe(feed: String, symbol: String, interval: String) throws(ABIError) {
        try instance.callExtension { plugin, error in
            withKey(feed, symbol, interval) { table.pointee.unsubscribe(plugin, $0, $1, $2, error) }
        }
    }

    /// The closed candles of a subscription's window (copied out) and the forming one.
    public func window(feed: String, symbol: String, interval: String) throws(ABIError) -> (closed: [Candle], forming: Candle?) {
        var out = swl_candle_window_t()
        var closed: [Candle] = []
        var forming: Candle?
        var failure: ABIError?
        try instance.callExtension { plugin, error in
            let status = withKey(feed, symbol, interval) { table.pointee.window(plugin, $0, $1, $2, &out, error) }
            guard status == SWL_OK else { return status }
            // Read while still exclusive: the view is valid until the next call into the instance.
            do throws(ABIError) {
                for (pointer, count) in [(out.first, out.first_count), (out.second, out.second_count)] {
                    guard let pointer else { continue }
                    for index in 0..<count { closed.append(try EventDecoding.candle(pointer[index])) }
                }
                if let pointer = out.forming { forming = try EventDecoding.candle(pointer.pointee) }
            } catch {
                failure = error
            }
            return status
        }
        if let failure { throw failure }
        return (closed, forming)
    }

    /// Exactly the closed candles with `start <= openTime < end` (ns).
    public func fetchRange(feed: String, symbol: String, interval: String, start: Int64, end: Int64) async throws -> [Candle] {
        final class Box: @unchecked Sendable { var continuation: CheckedContinuation<[Candle], any Error>? }
        let box = Box()
        return try await withCheckedThrowingContinuation { continuation in
            box.continuation = continuation
            let user = Unmanaged.passRetained(box).toOpaque()
            do throws(ABIError) {
                try instance.callExtension { plugin, error in
                    withKey(feed, symbol, interval) {
                        table.pointee.fetch_range(plugin, $0, $1, $2, start, end, { user, status, candles, count, message in
                            guard let user else { return }
                            let box = Unmanaged<Box>.fromOpaque(user).takeRetainedValue()
                            guard status == SWL_OK else {
                                let text = (try? ABIValue.string(message, field: "message")) ?? ""
                                box.continuation?.resume(throwing: ABIError(status, text))
                                return
                            }
                            var result: [Candle] = []
                            for index in 0..<count {
                                guard let candles, let candle = try? EventDecoding.candle(candles[index]) else { continue }
                                result.append(candle)
                            }
                            box.continuation?.resume(returning: result)
                        }, user, error)
                    }
                }
            } catch {
                Unmanaged<Box>.fromOpaque(user).release()
                continuation.resume(throwing: error)
            }
        }
    }

    private func withKey<R>(_ feed: String, _ symbol: String, _ interval: String,
                            _ body: (swl_str_t, swl_str_t, swl_str_t) -> R) -> R {
        ABIValue.withCString(feed) { f in ABIValue.withCString(symbol) { s in ABIValue.withCString(interval) { body(f, s, $0) } } }
    }
}

/// A candle feed written in Swift (ext/candles.h). The kit exposes it as the
/// `swiftlet.candles/1` table.
public protocol CandleFeedPlugin: SwiftletPlugin {
    /// Feed ids served, e.g. `["bitget_spot_candles"]`.
    func feeds() -> [String]
    /// Backfills `history` closed candles, then follows live (CANDLE events).
    func subscribe(feed: String, symbol: String, interval: String, history: Int) throws(PluginError)
    func unsubscribe(feed: String, symbol: String, interval: String) throws(PluginError)
    /// Exactly the closed candles with `start <= openTime < end`; `completion` runs once, later.
    func fetchRange(feed: String, symbol: String, interval: String, start: Int64, end: Int64,
                    completion: @escaping (Result<[Candle], PluginError>) -> Void) throws(PluginError)
    /// The rolling window of a subscription, read in place.
    func window(feed: String, symbol: String, interval: String) throws(PluginError) -> CandleRing
}

/// A fixed-capacity ring of closed candles kept as C `swl_candle_t` values, plus the forming
/// candle, so the host can read a window through the ABI without copying it.
public final class CandleRing {
    public let capacity: Int
    private let storage: UnsafeMutablePointer<swl_candle_t>
    private let formingStorage: UnsafeMutablePointer<swl_candle_t>
    private var start = 0
    public private(set) var count = 0
    public private(set) var hasForming = false

    public init(capacity: Int) {
        self.capacity = max(1, capacity)
        storage = .allocate(capacity: self.capacity)
        storage.initialize(repeating: swl_candle_t(), count: self.capacity)
        formingStorage = .allocate(capacity: 1)
        formingStorage.initialize(to: swl_candle_t())
    }

    deinit {
        storage.deallocate()
        formingStorage.deallocate()
    }

    /// Appends a closed candle, dropping the oldest when full.
    public func append(_ candle: Candle) {
        let value = EventEncoding.cCandle(candle)
        if count < capacity {
            storage[(start + count) % capacity] = value
            count += 1
        } else {
            storage[start] = value
            start = (start + 1) % capacity
        }
    }

    /// Sets (or clears) the forming candle.
    public func setForming(_ candle: Candle?) {
        hasForming = candle != nil
        if let candle { formingStorage.pointee = EventEncoding.cCandle(candle) }
    }

    /// Open time of the newest closed candle.
    public var lastOpenTime: Int64? { count == 0 ? nil : storage[(start + count - 1) % capacity].open_time }

    /// The window as the ABI struct: two contiguous runs and the forming candle, borrowed.
    public var view: swl_candle_window_t {
        var out = swl_candle_window_t()
        out.struct_size = UInt32(MemoryLayout<swl_candle_window_t>.size)
        let firstCount = min(count, capacity - start)
        out.first = count == 0 ? nil : UnsafePointer(storage + start)
        out.first_count = firstCount
        out.second = count > firstCount ? UnsafePointer(storage) : nil
        out.second_count = count - firstCount
        out.forming = hasForming ? UnsafePointer(formingStorage) : nil
        return out
    }
}

/// The kit's `swl_candle_feeds_t`.
enum CandleTrampolines {
    static var table: UnsafeRawPointer { storage.value }

    private static func call(_ raw: UnsafePointer<swl_plugin_t>?, _ record: UnsafeMutablePointer<swl_error_t>?,
                             _ body: (any CandleFeedPlugin, CStorage) throws(PluginError) -> Void) -> swl_status_t {
        InstanceBox.call(raw, record, as: \.candleFeed, "a candle feed", body)
    }

    private static func key(_ feed: swl_str_t, _ symbol: swl_str_t, _ interval: swl_str_t) throws(PluginError) -> (String, String, String) {
        (try ABIValue.string(feed, field: "feed"), try ABIValue.string(symbol, field: "symbol"),
         try ABIValue.string(interval, field: "interval"))
    }

    private static let storage: Unchecked<UnsafeRawPointer> = {
        let table = UnsafeMutablePointer<swl_candle_feeds_t>.allocate(capacity: 1)
        table.initialize(to: swl_candle_feeds_t())
        table.pointee.struct_size = UInt32(MemoryLayout<swl_candle_feeds_t>.size)
        table.pointee.list_feeds = { raw, visit, user, record in
            call(raw, record) { plugin, scratch throws(PluginError) in
                guard let visit else { throw PluginError(SWL_ERR_INVALID_ARGUMENT, "visitor is NULL") }
                for feed in plugin.feeds() where visit(user, scratch.string(feed)) != 0 { break }
            }
        }
        table.pointee.subscribe = { raw, feed, symbol, interval, history, record in
            call(raw, record) { plugin, _ throws(PluginError) in
                let (f, s, i) = try key(feed, symbol, interval)
                try plugin.subscribe(feed: f, symbol: s, interval: i, history: Int(history))
            }
        }
        table.pointee.unsubscribe = { raw, feed, symbol, interval, record in
            call(raw, record) { plugin, _ throws(PluginError) in
                let (f, s, i) = try key(feed, symbol, interval)
                try plugin.unsubscribe(feed: f, symbol: s, interval: i)
            }
        }
        table.pointee.fetch_range = { raw, feed, symbol, interval, start, end, done, user, record in
            let context = Unchecked(user)
            return call(raw, record) { plugin, _ throws(PluginError) in
                guard let done else { throw PluginError(SWL_ERR_INVALID_ARGUMENT, "done callback is NULL") }
                guard start < end else { throw PluginError(SWL_ERR_INVALID_ARGUMENT, "start must be before end") }
                let (f, s, i) = try key(feed, symbol, interval)
                try plugin.fetchRange(feed: f, symbol: s, interval: i, start: start, end: end) { result in
                    switch result {
                    case .success(let candles):
                        let values = candles.map(EventEncoding.cCandle)
                        values.withUnsafeBufferPointer { buffer in
                            done(context.value, swl_status_t(SWL_OK), buffer.baseAddress, buffer.count, swl_str_t(ptr: nil, len: 0))
                        }
                    case .failure(let error):
                        ABIValue.withCString(error.message) { done(context.value, error.status, nil, 0, $0) }
                    }
                }
            }
        }
        table.pointee.window = { raw, feed, symbol, interval, out, record in
            call(raw, record) { plugin, _ throws(PluginError) in
                guard let out else { throw PluginError(SWL_ERR_INVALID_ARGUMENT, "out is NULL") }
                let (f, s, i) = try key(feed, symbol, interval)
                out.pointee = try plugin.window(feed: f, symbol: s, interval: i).view
            }
        }
        return Unchecked(UnsafeRawPointer(table))
    }()
}

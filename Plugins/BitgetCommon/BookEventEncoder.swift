public import CSwiftletSDK

/// Builds the ABI book event (`swl_book_event_t`, events.h) for a frame `OrderBook.apply`
/// reported `.applied`: the changed levels (all levels for a snapshot) in frame order, size
/// zero meaning "delete".
///
/// This runs for every book update, so it allocates nothing: the levels go into a buffer
/// kept from frame to frame, and the symbol points into the frame bytes. Going through
/// `Event` and `EventEncoding` instead would cost about ten allocations per frame.
public final class BookEventEncoder {
    /// Room for `capacity` levels per side: bids first, then asks. A bare allocation rather
    /// than arrays: filling it then needs no uniqueness or capacity check per frame.
    private var levels: UnsafeMutablePointer<swl_level_t>
    private var capacity: Int

    /// Creates an encoder; `levelCapacity` levels per side are reserved up front.
    public init(levelCapacity: Int = 512) {
        capacity = Swift.max(1, levelCapacity)
        levels = .allocate(capacity: 2 * capacity)
    }

    deinit { levels.deallocate() }

    /// Calls `body` with the event for `frame`, parsed from `bytes`, received at
    /// `localTime` (ns since the epoch). The event and everything it points to are valid
    /// only inside `body`.
    public func withEvent<R>(for frame: BookFrame, in bytes: UnsafeRawBufferPointer, localTime: Int64,
                             _ body: (UnsafePointer<swl_event_header_t>) -> R) -> R {
        precondition(bytes.count == frame.byteCount, "withEvent(for:in:) needs the bytes the frame was parsed from")
        let bidCount = frame.bids.count, askCount = frame.asks.count
        if Swift.max(bidCount, askCount) > capacity {
            levels.deallocate()
            capacity = Swift.max(bidCount, askCount, 2 * capacity)
            levels = .allocate(capacity: 2 * capacity)
        }
        let bids = levels, asks = levels + capacity
        Self.fill(bids, from: frame.bids.storage)
        Self.fill(asks, from: frame.asks.storage)
        let symbol = swl_str_t(ptr: (bytes.baseAddress.map { $0 + frame.instIdRange.lowerBound })?
                                   .assumingMemoryBound(to: CChar.self),
                               len: frame.instIdRange.count)
        let kind = frame.action == .snapshot ? SWL_EVENT_BOOK_SNAPSHOT : SWL_EVENT_BOOK_DELTA
        let header = swl_event_header_t(
            struct_size: UInt32(MemoryLayout<swl_book_event_t>.size), kind: swl_event_kind_t(kind),
            exchange_time: frame.exchangeTimeNanoseconds, local_time: localTime,
            source: swl_str_t(ptr: nil, len: 0), symbol: symbol)
        var event = swl_book_event_t(header: header, bids: bidCount > 0 ? UnsafePointer(bids) : nil, bid_count: bidCount,
                                     asks: askCount > 0 ? UnsafePointer(asks) : nil, ask_count: askCount,
                                     sequence: frame.sequence ?? 0)
        return withUnsafePointer(to: &event) { pointer in
            pointer.withMemoryRebound(to: swl_event_header_t.self, capacity: 1) { body($0) }
        }
    }

    /// Writes `levels` as C levels at `target`.
    @inline(__always)
    private static func fill(_ target: UnsafeMutablePointer<swl_level_t>, from source: UnsafeBufferPointer<ParsedLevel>) {
        for index in source.indices {
            let level = source[index]
            (target + index).initialize(to: swl_level_t(
                price: swl_decimal_t(mantissa: level.price.mantissa, scale: level.price.scale, reserved: 0),
                size: swl_decimal_t(mantissa: level.size.mantissa, scale: level.size.scale, reserved: 0)))
        }
    }
}

public import CSwiftletSDK
public import SwiftletCore

/// Conversions of the ABI's value types (types.h) to and from Swift.
public enum ABIValue {
    /// A borrowed `swl_str_t` as a Swift string; throws on NULL-with-length or invalid UTF-8.
    public static func string(_ value: swl_str_t, field: StaticString) throws(ABIError) -> String {
        if value.len == 0 { return "" }
        guard let pointer = value.ptr else {
            throw ABIError(SWL_ERR_INVALID_ARGUMENT, "\(field): NULL pointer with length \(value.len)")
        }
        let bytes = UnsafeRawBufferPointer(start: pointer, count: value.len).bindMemory(to: UInt8.self)
        // ASCII (every symbol, id and asset a connector sends) is valid as it is and is read
        // without `String(validating:)`, which is generic and looks up type metadata at each
        // call: on every event's source and symbol, a tenth of the host's book path (perf).
        if bytes.allSatisfy({ $0 < 0x80 }) { return String(decoding: bytes, as: UTF8.self) }
        guard let text = String(validating: bytes, as: UTF8.self) else {
            throw ABIError(SWL_ERR_INVALID_ARGUMENT, "\(field): not valid UTF-8")
        }
        return text
    }

    /// The first `length` bytes of an output buffer the other side filled, as a string
    /// (invalid UTF-8 repaired).
    public static func text(_ buffer: UnsafePointer<CChar>, length: Int) -> String {
        buffer.withMemoryRebound(to: UInt8.self, capacity: length) {
            String(decoding: UnsafeBufferPointer(start: $0, count: length), as: UTF8.self)
        }
    }

    /// The size of an order-id output buffer: ext/trading.h says 64 bytes are always enough.
    public static let orderIDCapacity = 64

    /// Calls `body` with an order-id output buffer of `orderIDCapacity` bytes on the stack
    /// (ids come back on every order) and returns the id the other side wrote into it.
    public static func readOrderID<E: Error>(_ body: (inout swl_order_id_buffer_t) throws(E) -> Void) throws(E) -> String {
        try withUnsafeTemporaryAllocation(of: CChar.self, capacity: orderIDCapacity) { buffer throws(E) in
            buffer.initialize(repeating: 0)  // nothing unwritten is ever read
            var out = swl_order_id_buffer_t(data: buffer.baseAddress, capacity: buffer.count, length: 0)
            try body(&out)
            return text(buffer.baseAddress!, length: min(out.length, buffer.count))
        }
    }

    /// A C decimal as an `ExactDecimal`; throws when the scale is outside 0...18.
    @inlinable
    public static func decimal(_ value: swl_decimal_t, field: StaticString) throws(ABIError) -> ExactDecimal {
        guard value.scale >= 0, value.scale <= ExactDecimal.maxScale else {
            throw ABIError(SWL_ERR_INVALID_ARGUMENT, "\(field): decimal scale \(value.scale) outside 0...18")
        }
        return ExactDecimal(uncheckedMantissa: value.mantissa, scale: value.scale)
    }

    /// An `ExactDecimal` as a C decimal.
    @inlinable
    public static func cDecimal(_ value: ExactDecimal) -> swl_decimal_t {
        swl_decimal_t(mantissa: value.mantissa, scale: value.scale, reserved: 0)
    }

    /// A `swl_str_t` view of UTF-8 bytes (borrowed: valid as long as they are).
    public static func cString(_ bytes: UnsafeBufferPointer<UInt8>) -> swl_str_t {
        swl_str_t(ptr: UnsafeRawPointer(bytes.baseAddress)?.assumingMemoryBound(to: CChar.self), len: bytes.count)
    }

    /// Calls `body` with a borrowed `swl_str_t` view of `text`.
    public static func withCString<R>(_ text: String, _ body: (swl_str_t) throws -> R) rethrows -> R {
        var copy = text
        return try copy.withUTF8 { try body(cString($0)) }
    }

    /// Calls `body` with borrowed `swl_str_t` views of two strings (valid only inside it):
    /// how an event's source and symbol, or an order's symbol and client id, cross without
    /// being copied.
    public static func withCStrings<R, E: Error>(_ first: String, _ second: String,
                                                  _ body: (swl_str_t, swl_str_t) throws(E) -> R) throws(E) -> R {
        var first = first, second = second
        // `withUTF8` rethrows untyped errors: the typed one crosses it as a `Result`.
        return try first.withUTF8 { firstBytes in
            second.withUTF8 { secondBytes in
                Result { () throws(E) -> R in try body(cString(firstBytes), cString(secondBytes)) }
            }
        }.get()
    }

    /// Refuses a struct whose `struct_size` is below the ABI 1.0 layout the reader needs.
    public static func requireStructSize(_ size: UInt32, _ needed: Int, _ name: StaticString) throws(ABIError) {
        guard Int(size) >= needed else {
            throw ABIError(SWL_ERR_ABI, "\(name).struct_size \(size) is smaller than the ABI 1.0 layout (\(needed))")
        }
    }

    /// Writes `text` into a caller-owned output buffer (host.h output rules).
    public static func writeOutput(_ text: String, to out: UnsafeMutablePointer<CChar>?, capacity: Int,
                                   length: UnsafeMutablePointer<Int>?) throws(ABIError) {
        // Copied from the string's own storage (every order id is written back this way).
        var text = text
        let count = text.utf8.count
        length?.pointee = count
        guard count <= capacity else {
            throw ABIError(SWL_ERR_BUFFER_TOO_SMALL, "needs \(count) bytes, buffer has \(capacity)")
        }
        guard let out else {
            if count == 0 { return }
            throw ABIError(SWL_ERR_INVALID_ARGUMENT, "output buffer is NULL")
        }
        text.withUTF8 { UnsafeMutableRawBufferPointer(start: out, count: count).copyMemory(from: UnsafeRawBufferPointer($0)) }
    }
}

/// Owns C copies of strings and arrays for as long as an encoded value is in use.
/// Not thread-safe; one per encoding.
///
/// The copies are carved out of 2 KiB blocks rather than allocated one by one: a signed HTTP
/// request crosses the ABI as some thirty strings, and a `malloc` and `free` for each showed
/// up as several percent of the order path (`perf`, tick-to-order).
public final class CStorage {
    private static let blockSize = 2048
    private var blocks: [UnsafeMutableRawPointer] = []
    private var next: UnsafeMutableRawPointer?
    private var end: UnsafeMutableRawPointer?

    public init() {}

    deinit {
        for block in blocks { block.deallocate() }
    }

    /// Frees everything handed out so far; what was handed out stops being valid.
    public func reset() {
        for block in blocks { block.deallocate() }
        blocks.removeAll(keepingCapacity: true)
        next = nil
        end = nil
    }

    /// A `swl_str_t` pointing at a copy of `text` that lives as long as this storage.
    public func string(_ text: String) -> swl_str_t {
        let count = text.utf8.count
        guard count > 0 else { return swl_str_t(ptr: nil, len: 0) }
        let memory = reserve(byteCount: count, alignment: 1)
        let copied: Void? = text.utf8.withContiguousStorageIfAvailable { memory.copyMemory(from: $0.baseAddress!, byteCount: count) }
        if copied == nil { UnsafeMutableRawBufferPointer(start: memory, count: count).copyBytes(from: text.utf8) }
        return swl_str_t(ptr: memory.assumingMemoryBound(to: CChar.self), len: count)
    }

    /// A C array copy of `values` (plain C values) that lives as long as this storage.
    public func array<T>(_ values: [T]) -> UnsafePointer<T>? {
        guard !values.isEmpty else { return nil }
        let memory = reserve(byteCount: MemoryLayout<T>.stride * values.count, alignment: MemoryLayout<T>.alignment)
            .bindMemory(to: T.self, capacity: values.count)
        _ = UnsafeMutableBufferPointer(start: memory, count: values.count).initialize(from: values)
        return UnsafePointer(memory)
    }

    /// `byteCount` bytes at `alignment`: from the current block, a new one, or, if larger than
    /// a quarter block, an allocation of their own.
    private func reserve(byteCount: Int, alignment: Int) -> UnsafeMutableRawPointer {
        if let next, let end {
            let aligned = next.alignedUp(toMultipleOf: alignment)
            if aligned + byteCount <= end {
                self.next = aligned + byteCount
                return aligned
            }
        }
        guard byteCount <= Self.blockSize / 4 else {
            let own = UnsafeMutableRawPointer.allocate(byteCount: byteCount, alignment: max(alignment, 16))
            blocks.append(own)
            return own
        }
        let block = UnsafeMutableRawPointer.allocate(byteCount: Self.blockSize, alignment: 16)
        blocks.append(block)
        next = block + byteCount
        end = block + Self.blockSize
        return block
    }
}

public import CSwiftletSDK

/// A failed ABI call or a malformed value crossing the ABI: a status code
/// (`SWL_ERR_*`) and one clear line.
public struct ABIError: Error, Sendable, CustomStringConvertible, Equatable {
    public let status: swl_status_t
    public let message: String

    public init<S: BinaryInteger>(_ status: S, _ message: String) {
        self.status = swl_status_t(status)
        self.message = message
    }

    public var description: String { "\(StatusName.of(status)): \(message)" }

    /// Writes this error into a caller-owned `swl_error_t` (status.h rules: truncated
    /// to fit, NUL-terminated). A NULL record is ignored.
    public func write(to record: UnsafeMutablePointer<swl_error_t>?) {
        guard let record else { return }
        record.pointee.status = status
        withUnsafeMutableBytes(of: &record.pointee.message) { raw in
            let capacity = raw.count - 1
            var utf8 = Array(message.utf8.prefix(capacity))
            // Never cut a multi-byte character in half.
            while let last = utf8.last, last & 0xC0 == 0x80 { utf8.removeLast() }
            if let last = utf8.last, last >= 0xC0 { utf8.removeLast() }
            raw.copyBytes(from: utf8)
            raw[utf8.count] = 0
        }
    }

    /// Reads the message a callee wrote into an error record.
    public static func read(_ record: swl_error_t, status: swl_status_t) -> ABIError {
        var copy = record
        let text = withUnsafeBytes(of: &copy.message) { raw -> String in
            let bytes = raw.prefix { $0 != 0 }
            return String(decoding: bytes, as: UTF8.self)
        }
        return ABIError(status, text.isEmpty ? "no message given" : text)
    }

    /// A fresh error record for a call.
    public static func emptyRecord() -> swl_error_t {
        var record = swl_error_t()
        record.struct_size = UInt32(MemoryLayout<swl_error_t>.size)
        record.status = swl_status_t(SWL_OK)
        return record
    }
}

/// Names of status codes, for messages.
public enum StatusName {
    public static func of(_ status: swl_status_t) -> String {
        switch Int(status) {
        case Int(SWL_OK): "ok"
        case Int(SWL_ERR_INVALID_ARGUMENT): "invalid argument"
        case Int(SWL_ERR_UNSUPPORTED): "unsupported"
        case Int(SWL_ERR_NOT_FOUND): "not found"
        case Int(SWL_ERR_STATE): "wrong state"
        case Int(SWL_ERR_IO): "I/O error"
        case Int(SWL_ERR_TIMEOUT): "timeout"
        case Int(SWL_ERR_EXCHANGE): "exchange error"
        case Int(SWL_ERR_RATE_LIMITED): "rate limited"
        case Int(SWL_ERR_AUTH): "authentication error"
        case Int(SWL_ERR_INSUFFICIENT_FUNDS): "insufficient funds"
        case Int(SWL_ERR_BUFFER_TOO_SMALL): "buffer too small"
        case Int(SWL_ERR_ABI): "ABI error"
        case Int(SWL_ERR_INTERNAL): "internal error"
        default: "status \(status)"
        }
    }
}

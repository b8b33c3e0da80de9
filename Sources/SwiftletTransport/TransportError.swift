/// An error from a transport service (HTTP, WebSocket, timers, signing).
public struct TransportError: Error, Sendable, CustomStringConvertible {
    /// What went wrong, coarsely; the host maps it to a status code.
    public enum Kind: Sendable {
        /// The request was rejected before anything was sent (bad URL, scheme, method, header, argument).
        case invalidRequest
        /// A network or protocol failure (connection refused, reset, TLS, service shut down, ...).
        case io
        /// A deadline passed before the operation completed.
        case timeout
        /// No such id or field.
        case notFound
        /// The connection exists but is not open (still connecting, or closing).
        case notOpen
        /// No credential with that name.
        case unknownCredential
        /// A caller-supplied buffer is too small (used by the C binding).
        case bufferTooSmall
    }

    /// The kind of failure.
    public let kind: Kind
    /// One clear line explaining the failure; never contains secrets.
    public let message: String

    /// Makes an error; newlines in `message` are flattened so it stays one line.
    public init(_ kind: Kind, _ message: String) {
        self.kind = kind
        self.message = TransportError.oneLine(message)
    }

    /// "<kind>: <message>".
    public var description: String { "\(kind): \(message)" }

    static func oneLine(_ text: String) -> String {
        guard text.contains(where: { $0.isNewline }) else { return text }
        return text.split(whereSeparator: { $0.isNewline }).joined(separator: " ")
    }
}

/// One HTTP header field (also used for WebSocket handshake headers).
public struct HTTPHeader: Sendable, Equatable {
    /// Field name, e.g. "Content-Type".
    public var name: String
    /// Field value.
    public var value: String

    /// Makes a header field.
    public init(name: String, value: String) {
        self.name = name
        self.value = value
    }
}

// MARK: - shared helpers

enum Validation {
    /// RFC 9110 token (method names, header field names).
    static func isToken(_ text: String) -> Bool {
        guard !text.isEmpty else { return false }
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                 UInt8(ascii: "0")...UInt8(ascii: "9"):
                continue
            default:
                if !"!#$%&'*+-.^_`|~".utf8.contains(byte) { return false }
            }
        }
        return true
    }

    /// Header values must not smuggle CR, LF or NUL.
    static func isHeaderValue(_ text: String) -> Bool {
        !text.utf8.contains(where: { $0 == 0x0D || $0 == 0x0A || $0 == 0x00 })
    }

    static func checkHeaders(_ headers: [HTTPHeader]) throws(TransportError) {
        for header in headers {
            guard isToken(header.name) else {
                throw TransportError(.invalidRequest, "invalid header name \(String(reflecting: header.name))")
            }
            guard isHeaderValue(header.value) else {
                throw TransportError(.invalidRequest, "header \(header.name) has a value with CR, LF or NUL")
            }
        }
    }
}

extension Duration {
    /// Nanoseconds, clamped to Int64 (negative stays negative).
    var clampedNanoseconds: Int64 {
        let (seconds, attoseconds) = components
        let (scaled, overflow) = seconds.multipliedReportingOverflow(by: 1_000_000_000)
        if overflow { return seconds < 0 ? .min : .max }
        let (total, overflow2) = scaled.addingReportingOverflow(attoseconds / 1_000_000_000)
        if overflow2 { return seconds < 0 ? .min : .max }
        return total
    }
}

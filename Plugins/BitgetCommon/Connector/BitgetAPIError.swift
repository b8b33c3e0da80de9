public import SwiftletPluginKit

/// A failed Bitget request, classified so callers can react to the kind of failure
/// rather than to code numbers.
public struct BitgetAPIError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What went wrong, independent of the exact code.
    public enum Kind: Sendable, Equatable {
        case insufficientBalance
        case orderNotFound
        case rateLimited
        case invalidSignature
        case expiredTimestamp
        case invalidKey
        case invalidPassphrase
        case duplicateClientOrderID
        case invalidParameter
        case unknownSymbol
        /// The exchange answered 5xx: the request may or may not have taken effect.
        case serverError
        /// No answer (connection lost, timeout): the request may or may not have taken effect.
        case transport
        /// The answer could not be decoded.
        case malformedResponse
        case other
    }

    public let kind: Kind
    /// Bitget's code (e.g. "43012"); empty for transport and decoding failures.
    public let code: String
    public let message: String
    /// HTTP status, 0 when no response arrived.
    public let httpStatus: Int

    public init(kind: Kind, code: String = "", message: String, httpStatus: Int = 0) {
        self.kind = kind
        self.code = code
        self.message = message
        self.httpStatus = httpStatus
    }

    /// Classifies an error answer from Bitget. Codes: Bitget's v2 "Error codes" page
    /// (common 400xx auth codes, 43012 insufficient balance, 43001/40768 order not found,
    /// 429 rate limit, 43118 duplicate clientOid, 40034 unknown symbol).
    public static func exchange(code: String, message: String, httpStatus: Int) -> BitgetAPIError {
        let kind: Kind
        switch code {
        case "43012", "40762", "43011", "40754": kind = .insufficientBalance
        case "43001", "40768", "43025", "40109": kind = .orderNotFound
        case "429", "40010": kind = .rateLimited
        case "40009", "40002": kind = .invalidSignature
        case "40008", "40005", "40003": kind = .expiredTimestamp
        case "40006", "40001", "40014": kind = .invalidKey
        case "40012", "40011": kind = .invalidPassphrase
        case "43118", "40757": kind = .duplicateClientOrderID
        case "40034": kind = .unknownSymbol
        case "40017", "40019", "40020", "45110", "45111", "43027", "40774": kind = .invalidParameter
        default:
            if httpStatus == 429 { kind = .rateLimited } else if httpStatus >= 500 { kind = .serverError } else { kind = .other }
        }
        return BitgetAPIError(kind: kind, code: code, message: message, httpStatus: httpStatus)
    }

    /// Runs a payload translation; a payload that does not have Bitget's shape becomes a
    /// `malformedResponse` error.
    public static func translating<T>(_ body: () throws(PayloadError) -> T) -> Result<T, BitgetAPIError> {
        do throws(PayloadError) { return .success(try body()) } catch {
            return .failure(BitgetAPIError(kind: .malformedResponse, message: error.message))
        }
    }

    /// True when the request's effect is unknown and must be checked before concluding.
    public var outcomeUnknown: Bool { kind == .transport || kind == .serverError }

    /// The ABI status a plugin reports for this failure.
    public var status: swl_status_t {
        switch kind {
        case .orderNotFound, .unknownSymbol: swl_status_t(SWL_ERR_NOT_FOUND)
        case .rateLimited: swl_status_t(SWL_ERR_RATE_LIMITED)
        case .invalidSignature, .expiredTimestamp, .invalidKey, .invalidPassphrase: swl_status_t(SWL_ERR_AUTH)
        case .invalidParameter, .duplicateClientOrderID: swl_status_t(SWL_ERR_INVALID_ARGUMENT)
        case .insufficientBalance: swl_status_t(SWL_ERR_INSUFFICIENT_FUNDS)
        case .transport: swl_status_t(SWL_ERR_IO)
        default: swl_status_t(SWL_ERR_EXCHANGE)
        }
    }

    /// As an ABI error.
    public var pluginError: PluginError { PluginError(status, description) }

    public var description: String {
        code.isEmpty ? message : "Bitget \(code): \(message)"
    }
}

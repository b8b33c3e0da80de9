import SwiftletCore

/// Why the paper exchange refused a call. Nothing was changed and no event was produced.
public struct PaperError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The class of refusal; `status` is the matching ABI status (`SWL_ERR_*`).
    public struct Kind: Sendable, Hashable, CustomStringConvertible {
        private enum Code: Sendable, Hashable { case invalidArgument, insufficientFunds, notFound, state }
        private let code: Code

        /// Malformed, unquantizable, below the trading rules, or an amount that overflows.
        public static let invalidArgument = Kind(code: .invalidArgument)
        /// The balance or margin the order needs is not available.
        public static let insufficientFunds = Kind(code: .insufficientFunds)
        /// Unknown symbol or order, or an order already final.
        public static let notFound = Kind(code: .notFound)
        /// Not allowed now: no live book, a position or order in the way, nothing to reduce.
        public static let state = Kind(code: .state)

        /// The ABI status code a venue reports for this kind (sdk-headers/swiftlet/status.h).
        public var status: Int32 {
            switch code {
            case .invalidArgument: 1
            case .notFound: 3
            case .state: 4
            case .insufficientFunds: 10
            }
        }

        public var description: String {
            switch code {
            case .invalidArgument: "invalid argument"
            case .insufficientFunds: "insufficient funds"
            case .notFound: "not found"
            case .state: "state"
            }
        }
    }

    public let kind: Kind
    /// What was refused and which rule or field it broke.
    public let message: String

    public init(_ kind: Kind, _ message: String) {
        self.kind = kind
        self.message = message
    }

    public var description: String { "\(kind): \(message)" }

    static func invalid(_ message: String) -> PaperError { PaperError(.invalidArgument, message) }
    static func state(_ message: String) -> PaperError { PaperError(.state, message) }
    static func notFound(_ message: String) -> PaperError { PaperError(.notFound, message) }
    static func funds(_ message: String) -> PaperError { PaperError(.insufficientFunds, message) }

    /// An arithmetic failure (overflow, scale) while computing `what`.
    static func arithmetic(_ what: String, _ error: DecimalError) -> PaperError {
        PaperError(.invalidArgument, "\(what): \(error)")
    }
}

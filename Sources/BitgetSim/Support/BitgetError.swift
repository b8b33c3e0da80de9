/// An error answered in Bitget's envelope: HTTP status, string `code`, `msg`.
///
/// Codes and messages follow Bitget's documentation where it states them; the source of
/// each is listed in `docs/bitget-sim.md`.
public struct BitgetError: Error, Sendable, Equatable {
    /// HTTP status of the answer.
    public let status: Int
    /// Bitget's error code, e.g. `"40009"`.
    public let code: String
    /// Bitget's message.
    public let msg: String

    public init(status: Int = 400, code: String, msg: String) {
        self.status = status
        self.code = code
        self.msg = msg
    }

    // MARK: authentication
    static let missingKey = BitgetError(code: "40001", msg: "ACCESS_KEY cannot be empty")
    static let missingSign = BitgetError(code: "40002", msg: "ACCESS_SIGN cannot be empty")
    static let missingTimestamp = BitgetError(code: "40003", msg: "ACCESS_TIMESTAMP cannot be empty")
    static let invalidTimestamp = BitgetError(code: "40005", msg: "Invalid ACCESS_TIMESTAMP")
    static let invalidKey = BitgetError(code: "40006", msg: "Invalid ACCESS_KEY")
    static let timestampExpired = BitgetError(code: "40008", msg: "Request timestamp expired")
    static let badSignature = BitgetError(code: "40009", msg: "sign signature error")
    static let missingPassphrase = BitgetError(code: "40011", msg: "ACCESS_PASSPHRASE cannot be empty")
    static let badPassphrase = BitgetError(code: "40012", msg: "apikey/password is incorrect")

    // MARK: request shape
    static let tooManyRequests = BitgetError(status: 429, code: "429", msg: "Too Many Requests")
    static let notFound = BitgetError(status: 404, code: "40404", msg: "Request URL NOT FOUND")
    static let malformedBody = BitgetError(code: "40017", msg: "Parameter verification failed")
    static func missing(_ name: String) -> BitgetError { BitgetError(code: "40019", msg: "Parameter \(name) cannot be empty") }
    static func invalid(_ name: String) -> BitgetError { BitgetError(code: "40020", msg: "Parameter \(name) error") }
    static func unknownSymbol(_ name: String) -> BitgetError { BitgetError(code: "40034", msg: "Parameter \(name) does not exist") }
    static func scale(_ field: String, _ value: String, _ scale: Int32) -> BitgetError {
        BitgetError(code: "40808", msg: "Parameter verification exception \(field) checkBDScale error value=\(value) checkScale=\(scale)")
    }
    static let belowMinimum = BitgetError(code: "45110", msg: "less than the minimum order quantity")

    // MARK: trading
    static let insufficientBalance = BitgetError(code: "43012", msg: "Insufficient balance")
    static let orderNotFound = BitgetError(code: "43001", msg: "The order does not exist")
    static let duplicateClientOid = BitgetError(code: "43118", msg: "clientOid duplicate")
    static let mixInsufficient = BitgetError(code: "40762", msg: "The order amount exceeds the balance")
    static let mixOrderNotFound = BitgetError(code: "40768", msg: "Order does not exist")
    static let positionModeMismatch = BitgetError(
        code: "40774", msg: "The order type for unilateral position must also be the unilateral position type.")
    static let noPositionToClose = BitgetError(code: "22002", msg: "No position to close")
    static let modeChangeRefused = BitgetError(
        code: "40920", msg: "Position or order exists, the position mode and margin mode cannot be adjusted")
    static let leverageOutOfRange = BitgetError(code: "40797", msg: "Exceeded the maximum settable leverage")
    static let unifiedOnly = BitgetError(
        code: "40084", msg: "You are in Classic Account mode, and the Unified Account API is not supported at this time")
    static let injected5xx = BitgetError(status: 503, code: "40015", msg: "System error")
}

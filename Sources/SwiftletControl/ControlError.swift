/// Why a control request or the control server failed; the message is one line.
public struct ControlError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The kind of failure.
    public enum Kind: Sendable, Equatable {
        /// No control socket: no bot is running.
        case notRunning
        /// A socket file is there but nothing listens on it.
        case staleSocket
        /// Another bot already listens on the socket (server side).
        case alreadyRunning
        /// The token file is missing or unreadable, or the bot refused the token (HTTP 401).
        case unauthorized
        /// The bot answered with an unexpected status or body.
        case badResponse
        /// A bad socket path or argument.
        case invalidArgument
        /// Connecting, sending or receiving failed.
        case io
    }

    /// The kind of failure.
    public let kind: Kind
    /// What went wrong, one line.
    public let message: String

    /// Makes an error.
    public init(_ kind: Kind, _ message: String) {
        self.kind = kind
        self.message = message
    }

    /// The message.
    public var description: String { message }
}

/// Why a credential vault could not be used; the message is one line and never holds a secret.
public struct VaultError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The kind of failure.
    public enum Kind: Sendable, Equatable {
        /// No vault file at the path.
        case notFound
        /// `create` found a file already there.
        case alreadyExists
        /// The password is wrong, or the file was altered: the two cannot be told apart.
        case wrongPasswordOrCorrupted
        /// The file is not a vault this version can read.
        case corrupted
        /// No credential with that name.
        case unknownCredential
        /// A name or password that cannot be used.
        case invalidArgument
        /// Reading or writing the file failed.
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

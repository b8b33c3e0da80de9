/// One exchange API credential as the vault keeps it. The host's signing store takes it as
/// `Credential(name:apiKey:secret:passphrase:)` (SwiftletTransport).
///
/// `description` leaves out the secret and the passphrase.
public struct VaultCredential: Sendable, Equatable, CustomStringConvertible {
    /// The API key.
    public var apiKey: String
    /// The API secret.
    public var secret: String
    /// The API passphrase; empty when the exchange has none.
    public var passphrase: String

    /// Makes a credential.
    public init(apiKey: String, secret: String, passphrase: String) {
        self.apiKey = apiKey
        self.secret = secret
        self.passphrase = passphrase
    }

    /// The API key only.
    public var description: String { "VaultCredential(apiKey: \(apiKey), secret: <redacted>, passphrase: <redacted>)" }
}

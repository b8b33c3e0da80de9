/// The JSON layout of a vault file (docs/configuration.md, "Credential vault").
///
/// Nothing here is secret: each credential is an AES-256-GCM sealed box (nonce, ciphertext,
/// tag; base64) under a key derived from the password with scrypt and the stored salt.
/// `check` seals a fixed text so a wrong password is caught even in an empty vault.
struct VaultFile: Codable, Sendable {
    static let formatName = "swiftlet-credential-vault"
    static let currentVersion = 1
    static let cipherName = "AES-256-GCM"

    struct KDF: Codable, Sendable {
        var algorithm: String
        var n: Int
        var r: Int
        var p: Int
        /// base64, at least 16 bytes.
        var salt: String
    }

    var format: String
    var version: Int
    var kdf: KDF
    var cipher: String
    /// base64 sealed box of ``VaultCipher/checkText``.
    var check: String
    /// Credential name → base64 sealed box of its JSON.
    var credentials: [String: String]
}

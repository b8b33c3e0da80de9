import Synchronization

/// How ``CredentialStore/sign(credential:algorithm:payload:)`` signs.
public enum SignatureAlgorithm: Sendable {
    /// base64(HMAC-SHA256(secret, payload)): Bitget's ACCESS-SIGN and WS login sign.
    case hmacSHA256Base64
    /// lowercase hex(HMAC-SHA256(secret, payload)).
    case hmacSHA256Hex
}

/// An exchange API credential. The secret is kept privately: it is not a public
/// property and is left out of `description`, `debugDescription` and mirrors.
public struct Credential: Sendable, CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    /// The name plugins use to refer to it, e.g. "bitget-main".
    public let name: String
    /// The API key (not secret).
    public let apiKey: String
    /// The passphrase, if the exchange has one (empty otherwise).
    public let passphrase: String
    /// HMAC-SHA256 keyed with the secret (internal to this module): keying costs two hash
    /// blocks, which every signed order request would otherwise pay.
    let signer: HMACSHA256Signer

    /// Makes a credential; `secret` is used as HMAC key bytes (UTF-8).
    public init(name: String, apiKey: String, secret: String, passphrase: String) {
        self.name = name
        self.apiKey = apiKey
        self.passphrase = passphrase
        self.signer = HMACSHA256Signer(key: Array(secret.utf8))
    }

    /// Name and API key only.
    public var description: String { "Credential(name: \(name), apiKey: \(apiKey), secret: <redacted>)" }
    /// Same as ``description``.
    public var debugDescription: String { description }
    /// A mirror without the secret.
    public var customMirror: Mirror {
        Mirror(self, children: ["name": name, "apiKey": apiKey, "passphrase": "<redacted>"])
    }
}

/// Named credentials; secrets never leave this type.
public final class CredentialStore: Sendable {
    private let credentials = Mutex<[String: Credential]>([:])

    /// An empty store.
    public init() {}

    /// Adds a credential, replacing one with the same name.
    public func add(_ credential: Credential) {
        credentials.withLock { $0[credential.name] = credential }
    }

    /// Removes the named credential (no-op if absent).
    public func remove(named name: String) {
        credentials.withLock { _ = $0.removeValue(forKey: name) }
    }

    /// Names of all credentials, sorted.
    public var names: [String] {
        credentials.withLock { $0.keys.sorted() }
    }

    /// Signs `payload` with the named credential's secret. Unknown name → `.unknownCredential`.
    public func sign(credential name: String, algorithm: SignatureAlgorithm, payload: [UInt8]) throws(TransportError) -> String {
        try payload.withUnsafeBytes { payload in
            Result { () throws(TransportError) in
                try withSignature(credential: name, algorithm: algorithm, payload: payload) { String(decoding: $0, as: UTF8.self) }
            }
        }.get()
    }

    /// Calls `body` with the signature of `payload` as ``sign(credential:algorithm:payload:)``
    /// writes it, in a buffer on the stack: the order path signs every request and allocates
    /// nothing for it.
    func withSignature<R>(credential name: String, algorithm: SignatureAlgorithm, payload: UnsafeRawBufferPointer,
                          _ body: (UnsafeRawBufferPointer) throws(TransportError) -> R) throws(TransportError) -> R {
        // The signer alone: copying the whole credential out retains and releases its strings.
        guard let signer = credentials.withLock({ $0[name]?.signer }) else { throw Self.unknown(name) }
        let room = HMACSHA256Signer.macSize + Base64.encodedCount(HMACSHA256Signer.macSize)
        return try withUnsafeTemporaryAllocation(byteCount: room, alignment: 1) {
            scratch throws(TransportError) in
            let mac = UnsafeMutableRawBufferPointer(rebasing: scratch[..<HMACSHA256Signer.macSize])
            signer.mac(payload, into: mac)
            // The text goes after the MAC when Base64 (44 bytes), over it when hex (64 bytes,
            // written from the last byte down, so each byte is read before its digits overwrite it).
            switch algorithm {
            case .hmacSHA256Base64:
                let text = UnsafeMutableRawBufferPointer(rebasing: scratch[HMACSHA256Signer.macSize...])
                let count = Base64.encode(UnsafeRawBufferPointer(mac), into: text)
                return try body(UnsafeRawBufferPointer(rebasing: text[..<count]))
            case .hmacSHA256Hex:
                let digits: InlineArray<16, UInt8> = [48, 49, 50, 51, 52, 53, 54, 55, 56, 57, 97, 98, 99, 100, 101, 102]
                for index in (0..<HMACSHA256Signer.macSize).reversed() {
                    let byte = scratch[index]
                    scratch[2 * index] = digits[Int(byte >> 4)]
                    scratch[2 * index + 1] = digits[Int(byte & 0x0F)]
                }
                return try body(UnsafeRawBufferPointer(rebasing: scratch[..<(2 * HMACSHA256Signer.macSize)]))
            }
        }
    }

    /// "api_key" or "passphrase"; anything else (incl. "secret") → .notFound. The host hands
    /// plugins only the key (and the passphrase to plugins built for ABI 1.1 or older).
    public func field(credential name: String, named field: String) throws(TransportError) -> String {
        let credential = try lookup(name)
        switch field {
        case "api_key": return credential.apiKey
        case "passphrase": return credential.passphrase
        default: throw TransportError(.notFound, "credential field \(String(reflecting: field)) is not readable")
        }
    }

    func lookup(_ name: String) throws(TransportError) -> Credential {
        guard let credential = credentials.withLock({ $0[name] }) else { throw Self.unknown(name) }
        return credential
    }

    private static func unknown(_ name: String) -> TransportError {
        TransportError(.unknownCredential, "no credential named \(String(reflecting: name))")
    }
}

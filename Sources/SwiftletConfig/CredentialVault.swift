import Foundation

/// Named exchange credentials in one file, each sealed with AES-256-GCM under a key derived
/// from a password with scrypt (salt and cost parameters stored in the file).
///
/// The file is written with mode 0600 and replaced atomically on every change. Opening
/// authenticates every entry, so a wrong password or any altered byte is refused up front
/// with ``VaultError/Kind/wrongPasswordOrCorrupted``.
public struct CredentialVault: Sendable {
    /// The vault file.
    public let path: String
    private let cipher: VaultCipher
    private var file: VaultFile

    private init(path: String, cipher: VaultCipher, file: VaultFile) {
        self.path = path
        self.cipher = cipher
        self.file = file
    }

    /// True when a file exists at `path`.
    public static func exists(at path: String) -> Bool {
        FileManager.default.fileExists(atPath: path)
    }

    /// Creates an empty vault at `path` protected by `password`; refuses to overwrite a file.
    public static func create(path: String, password: String,
                              parameters: ScryptParameters = .standard) throws(VaultError) -> CredentialVault {
        guard !password.isEmpty else { throw VaultError(.invalidArgument, "the vault password must not be empty") }
        guard !exists(at: path) else { throw VaultError(.alreadyExists, "a credential vault already exists at \(path)") }
        let salt = VaultCipher.randomSalt()
        let cipher = try VaultCipher(password: password, salt: salt, parameters: parameters)
        let kdf = VaultFile.KDF(algorithm: "scrypt", n: parameters.n, r: parameters.r, p: parameters.p,
                                salt: Data(salt).base64EncodedString())
        let file = VaultFile(format: VaultFile.formatName, version: VaultFile.currentVersion, kdf: kdf,
                             cipher: VaultFile.cipherName, check: try cipher.seal(VaultCipher.checkText, role: "check"),
                             credentials: [:])
        let vault = CredentialVault(path: path, cipher: cipher, file: file)
        try vault.save()
        return vault
    }

    /// Opens the vault at `path`, checking the password and every entry.
    public static func open(path: String, password: String) throws(VaultError) -> CredentialVault {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            if !exists(at: path) {
                throw VaultError(.notFound, "no credential vault at \(path) (`swiftlet connect` creates one)")
            }
            throw VaultError(.io, "cannot read \(path): \(error.localizedDescription)")
        }
        let file: VaultFile
        do {
            file = try JSONDecoder().decode(VaultFile.self, from: data)
        } catch {
            throw VaultError(.corrupted, "\(path) is not a Swiftlet credential vault (it is not valid vault JSON)")
        }
        guard file.format == VaultFile.formatName, file.version == VaultFile.currentVersion,
              file.kdf.algorithm == "scrypt", file.cipher == VaultFile.cipherName else {
            throw VaultError(.corrupted, "\(path) is not a version \(VaultFile.currentVersion) Swiftlet credential vault")
        }
        let parameters = try ScryptParameters(n: file.kdf.n, r: file.kdf.r, p: file.kdf.p)
        guard let salt = Data(base64Encoded: file.kdf.salt), salt.count >= 16 else {
            throw VaultError(.corrupted, "\(path) has a missing or short scrypt salt")
        }
        let cipher = try VaultCipher(password: password, salt: Array(salt), parameters: parameters)
        let refused = VaultError(.wrongPasswordOrCorrupted, "wrong password or corrupted vault (\(path))")
        guard cipher.open(file.check, role: "check") == VaultCipher.checkText else { throw refused }
        for (name, box) in file.credentials where cipher.open(box, role: "credential/\(name)") == nil {
            throw refused
        }
        return CredentialVault(path: path, cipher: cipher, file: file)
    }

    /// The stored credential names, sorted.
    public var names: [String] { file.credentials.keys.sorted() }

    /// The credential stored under `name`.
    public func credential(named name: String) throws(VaultError) -> VaultCredential {
        guard let box = file.credentials[name] else {
            throw VaultError(.unknownCredential, "no credential named \(String(reflecting: name)) in \(path)")
        }
        guard let plaintext = cipher.open(box, role: "credential/\(name)"),
              let sealed = try? JSONDecoder().decode(SealedCredential.self, from: Data(plaintext)) else {
            throw VaultError(.wrongPasswordOrCorrupted, "wrong password or corrupted vault (\(path))")
        }
        return VaultCredential(apiKey: sealed.apiKey, secret: sealed.secret, passphrase: sealed.passphrase)
    }

    /// Stores `credential` under `name` (replacing one of that name) and saves the file.
    /// Names are 1–64 letters, digits, `_`, `-` or `.`.
    public mutating func store(name: String, credential: VaultCredential) throws(VaultError) {
        guard !name.isEmpty, name.count <= 64,
              name.unicodeScalars.allSatisfy({ $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0)
                  || "_-.".unicodeScalars.contains($0)) }) else {
            throw VaultError(.invalidArgument, "credential name \(String(reflecting: name)) is not 1-64 letters, digits, _ - .")
        }
        let sealed = SealedCredential(apiKey: credential.apiKey, secret: credential.secret,
                                      passphrase: credential.passphrase)
        let plaintext: Data
        do {
            plaintext = try JSONEncoder().encode(sealed)
        } catch {
            throw VaultError(.io, "cannot encode credential \(name): \(error)")
        }
        var updated = file
        updated.credentials[name] = try cipher.seal(Array(plaintext), role: "credential/\(name)")
        try CredentialVault(path: path, cipher: cipher, file: updated).save()
        file = updated
    }

    /// Removes the credential named `name` and saves the file.
    public mutating func remove(named name: String) throws(VaultError) {
        guard file.credentials[name] != nil else {
            throw VaultError(.unknownCredential, "no credential named \(String(reflecting: name)) in \(path)")
        }
        var updated = file
        updated.credentials[name] = nil
        try CredentialVault(path: path, cipher: cipher, file: updated).save()
        file = updated
    }

    private func save() throws(VaultError) {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        let data: Data
        do {
            data = try encoder.encode(file)
        } catch {
            throw VaultError(.io, "cannot encode \(path): \(error)")
        }
        do {
            try PrivateFile.write(Array(data), to: path)
        } catch {
            throw VaultError(.io, error.description)
        }
    }
}

/// A credential's plaintext inside its sealed box.
private struct SealedCredential: Codable {
    var apiKey: String
    var secret: String
    var passphrase: String

    enum CodingKeys: String, CodingKey {
        case apiKey = "api_key", secret, passphrase
    }
}

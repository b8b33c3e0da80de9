import Crypto
import Foundation
import _CryptoExtras

/// The vault's key and sealing: scrypt → 256-bit key, AES-256-GCM with a random nonce per
/// seal, and associated data binding each box to its role and credential name (a box moved
/// to another name fails to open).
struct VaultCipher: Sendable {
    static let checkText = Array("swiftlet credential vault".utf8)
    static let saltByteCount = 32

    /// The derived key's bytes (`SymmetricKey` is not `Sendable` in swift-crypto 3).
    private let keyBytes: [UInt8]
    private var key: SymmetricKey { SymmetricKey(data: keyBytes) }

    /// Derives the key; scrypt failures (memory) throw `.corrupted`.
    init(password: String, salt: [UInt8], parameters: ScryptParameters) throws(VaultError) {
        do {
            let key = try KDF.Scrypt.deriveKey(from: Array(password.utf8), salt: salt, outputByteCount: 32,
                                               rounds: parameters.n, blockSize: parameters.r, parallelism: parameters.p)
            keyBytes = key.withUnsafeBytes { Array($0) }
        } catch {
            throw VaultError(.corrupted, "scrypt key derivation failed: \(error)")
        }
    }

    /// A fresh random salt.
    static func randomSalt() -> [UInt8] {
        var generator = SystemRandomNumberGenerator()
        return (0..<saltByteCount).map { _ in UInt8.random(in: 0 ... .max, using: &generator) }
    }

    /// base64 sealed box of `plaintext` under `role` (e.g. `check`, `credential/bitget`).
    func seal(_ plaintext: [UInt8], role: String) throws(VaultError) -> String {
        do {
            let box = try AES.GCM.seal(plaintext, using: key, authenticating: VaultCipher.associatedData(role))
            guard let combined = box.combined else { throw VaultError(.io, "AES-GCM produced no combined box") }
            return combined.base64EncodedString()
        } catch let error as VaultError {
            throw error
        } catch {
            throw VaultError(.io, "AES-GCM sealing failed: \(error)")
        }
    }

    /// The plaintext of a base64 sealed box, or nil when it does not authenticate (wrong
    /// key, altered bytes, other role) or is not a sealed box at all.
    func open(_ base64: String, role: String) -> [UInt8]? {
        guard let combined = Data(base64Encoded: base64),
              let box = try? AES.GCM.SealedBox(combined: combined),
              let plaintext = try? AES.GCM.open(box, using: key, authenticating: VaultCipher.associatedData(role)) else {
            return nil
        }
        return Array(plaintext)
    }

    private static func associatedData(_ role: String) -> [UInt8] {
        Array("swiftlet-vault/1/\(role)".utf8)
    }
}

import Foundation
import SwiftletConfig
import Testing

@Suite struct CredentialVaultTests {
    /// Cheap scrypt settings so the suite stays fast; the file records whatever was used.
    static let light = try! ScryptParameters(n: 1 << 10, r: 8, p: 1)
    static let bitget = VaultCredential(apiKey: "bg_key", secret: "bg secret ✓", passphrase: "pass phrase")

    static func temporaryPath() -> String {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("vault-\(UUID().uuidString)")
        return directory.appendingPathComponent("nested/credentials.vault").path
    }

    /// Removes the directory ``temporaryPath()`` made up for `path`.
    static func removeTree(of path: String) {
        let root = URL(fileURLWithPath: path).deletingLastPathComponent().deletingLastPathComponent()
        try? FileManager.default.removeItem(at: root)
    }

    static func refusedAsWrongPasswordOrCorrupted(_ body: () throws(VaultError) -> Void) {
        do {
            try body()
            Issue.record("the vault opened")
        } catch {
            #expect(error.kind == .wrongPasswordOrCorrupted)
            #expect(error.message.hasPrefix("wrong password or corrupted vault"))
        }
    }

    @Test func roundTripAcrossOpen() throws {
        let path = Self.temporaryPath()
        defer { Self.removeTree(of: path) }
        var vault = try CredentialVault.create(path: path, password: "correct horse", parameters: Self.light)
        #expect(vault.names.isEmpty)
        try vault.store(name: "bitget", credential: Self.bitget)
        try vault.store(name: "bitget-sub", credential: VaultCredential(apiKey: "k2", secret: "s2", passphrase: ""))
        let reopened = try CredentialVault.open(path: path, password: "correct horse")
        #expect(reopened.names == ["bitget", "bitget-sub"])
        #expect(try reopened.credential(named: "bitget") == Self.bitget)
        #expect(try reopened.credential(named: "bitget-sub").passphrase == "")
        // Nothing secret is stored in the clear.
        let text = try String(contentsOfFile: path, encoding: .utf8)
        for secret in ["bg_key", "bg secret", "pass phrase", "correct horse"] { #expect(!text.contains(secret)) }
        #expect(text.contains(#""n" : 1024"#) && text.contains(#""algorithm" : "scrypt""#))
    }

    @Test func standardParametersRoundTrip() throws {
        let path = Self.temporaryPath()
        defer { Self.removeTree(of: path) }
        var vault = try CredentialVault.create(path: path, password: "pw")
        try vault.store(name: "bitget", credential: Self.bitget)
        #expect(try CredentialVault.open(path: path, password: "pw").credential(named: "bitget") == Self.bitget)
        #expect(try String(contentsOfFile: path, encoding: .utf8).contains(#""n" : 131072"#))
    }

    @Test func storeReplacesAndRemoveDeletes() throws {
        let path = Self.temporaryPath()
        defer { Self.removeTree(of: path) }
        var vault = try CredentialVault.create(path: path, password: "pw", parameters: Self.light)
        try vault.store(name: "bitget", credential: Self.bitget)
        let replacement = VaultCredential(apiKey: "new", secret: "s", passphrase: "p")
        try vault.store(name: "bitget", credential: replacement)
        #expect(try CredentialVault.open(path: path, password: "pw").credential(named: "bitget") == replacement)
        try vault.remove(named: "bitget")
        #expect(try CredentialVault.open(path: path, password: "pw").names.isEmpty)
        #expect { try vault.remove(named: "bitget") } throws: { ($0 as? VaultError)?.kind == .unknownCredential }
        #expect { try vault.credential(named: "bitget") } throws: { ($0 as? VaultError)?.kind == .unknownCredential }
        #expect { try vault.store(name: "bad name", credential: replacement) } throws: {
            ($0 as? VaultError)?.kind == .invalidArgument
        }
    }

    @Test func wrongPasswordIsRefused() throws {
        let path = Self.temporaryPath()
        defer { Self.removeTree(of: path) }
        var vault = try CredentialVault.create(path: path, password: "right", parameters: Self.light)
        try vault.store(name: "bitget", credential: Self.bitget)
        Self.refusedAsWrongPasswordOrCorrupted { () throws(VaultError) in
            _ = try CredentialVault.open(path: path, password: "wrong")
        }
        // Also for an empty vault (the check box catches it).
        let emptyPath = Self.temporaryPath()
        defer { Self.removeTree(of: emptyPath) }
        _ = try CredentialVault.create(path: emptyPath, password: "right", parameters: Self.light)
        Self.refusedAsWrongPasswordOrCorrupted { () throws(VaultError) in
            _ = try CredentialVault.open(path: emptyPath, password: "Right")
        }
    }

    /// Flips one byte inside the named field's base64 payload (a ciphertext or the salt).
    static func tamper(_ path: String, _ edit: (inout [String: Any]) -> Void) throws {
        var json = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path))) as! [String: Any]
        edit(&json)
        try JSONSerialization.data(withJSONObject: json).write(to: URL(fileURLWithPath: path))
    }

    static func flipped(_ base64: String, at index: Int) -> String {
        var bytes = [UInt8](Data(base64Encoded: base64)!)
        bytes[index] ^= 0x01
        return Data(bytes).base64EncodedString()
    }

    @Test(arguments: [0, 12, 20, -1]) func tamperedCiphertextIsRefused(offset: Int) throws {
        // 0: nonce, 12: first ciphertext byte, 20: inside the ciphertext, -1: last tag byte.
        let path = Self.temporaryPath()
        defer { Self.removeTree(of: path) }
        var vault = try CredentialVault.create(path: path, password: "pw", parameters: Self.light)
        try vault.store(name: "bitget", credential: Self.bitget)
        try Self.tamper(path) { json in
            var credentials = json["credentials"] as! [String: String]
            let box = credentials["bitget"]!
            let count = Data(base64Encoded: box)!.count
            credentials["bitget"] = Self.flipped(box, at: offset >= 0 ? offset : count + offset)
            json["credentials"] = credentials
        }
        Self.refusedAsWrongPasswordOrCorrupted { () throws(VaultError) in
            _ = try CredentialVault.open(path: path, password: "pw")
        }
    }

    @Test func tamperedSaltOrMovedEntryIsRefused() throws {
        let path = Self.temporaryPath()
        defer { Self.removeTree(of: path) }
        var vault = try CredentialVault.create(path: path, password: "pw", parameters: Self.light)
        try vault.store(name: "bitget", credential: Self.bitget)
        let original = try Data(contentsOf: URL(fileURLWithPath: path))
        try Self.tamper(path) { json in
            var kdf = json["kdf"] as! [String: Any]
            kdf["salt"] = Self.flipped(kdf["salt"] as! String, at: 3)
            json["kdf"] = kdf
        }
        Self.refusedAsWrongPasswordOrCorrupted { () throws(VaultError) in
            _ = try CredentialVault.open(path: path, password: "pw")
        }
        // A sealed box moved to another name does not open: the name is authenticated.
        try original.write(to: URL(fileURLWithPath: path))
        try Self.tamper(path) { json in
            var credentials = json["credentials"] as! [String: String]
            credentials["other"] = credentials.removeValue(forKey: "bitget")
            json["credentials"] = credentials
        }
        Self.refusedAsWrongPasswordOrCorrupted { () throws(VaultError) in
            _ = try CredentialVault.open(path: path, password: "pw")
        }
    }

    @Test func malformedFilesAreRefusedWithoutCrashing() throws {
        let path = Self.temporaryPath()
        defer { Self.removeTree(of: path) }
        _ = try CredentialVault.create(path: path, password: "pw", parameters: Self.light)
        let original = try Data(contentsOf: URL(fileURLWithPath: path))
        let cases: [(Data, VaultError.Kind)] = [
            (Data("not json".utf8), .corrupted),
            (Data(original.prefix(original.count / 2)), .corrupted),
            (Data(String(decoding: original, as: UTF8.self).replacingOccurrences(of: "\"n\" : 1024", with: "\"n\" : 1000").utf8),
             .corrupted),
            (Data(String(decoding: original, as: UTF8.self).replacingOccurrences(of: "\"n\" : 1024", with: "\"n\" : 1073741824").utf8),
             .corrupted),
            (Data(String(decoding: original, as: UTF8.self).replacingOccurrences(of: "\"check\" : \"", with: "\"check\" : \"!!").utf8),
             .wrongPasswordOrCorrupted),
        ]
        for (bytes, kind) in cases {
            try bytes.write(to: URL(fileURLWithPath: path))
            #expect { try CredentialVault.open(path: path, password: "pw") } throws: { ($0 as? VaultError)?.kind == kind }
        }
    }

    @Test func fileIsMode0600AndCreateRefusesToOverwrite() throws {
        let path = Self.temporaryPath()
        defer { Self.removeTree(of: path) }
        var vault = try CredentialVault.create(path: path, password: "pw", parameters: Self.light)
        #expect(PrivateFile.mode(of: path) == 0o600)
        #expect(PrivateFile.mode(of: (path as NSString).deletingLastPathComponent) == 0o700)
        chmod(path, 0o644)
        try vault.store(name: "bitget", credential: Self.bitget)
        #expect(PrivateFile.mode(of: path) == 0o600)
        #expect { try CredentialVault.create(path: path, password: "pw", parameters: Self.light) } throws: {
            ($0 as? VaultError)?.kind == .alreadyExists
        }
        #expect { try CredentialVault.create(path: Self.temporaryPath(), password: "", parameters: Self.light) } throws: {
            ($0 as? VaultError)?.kind == .invalidArgument
        }
    }

    @Test func missingVaultSaysHowToCreateOne() {
        #expect { try CredentialVault.open(path: "/nonexistent/credentials.vault", password: "pw") } throws: { error in
            guard let error = error as? VaultError else { return false }
            return error.kind == .notFound && error.message.contains("/nonexistent/credentials.vault")
        }
    }

    @Test func credentialDescriptionHidesSecrets() {
        let text = "\(Self.bitget)"
        #expect(text.contains("bg_key") && !text.contains("bg secret") && !text.contains("pass phrase"))
    }
}

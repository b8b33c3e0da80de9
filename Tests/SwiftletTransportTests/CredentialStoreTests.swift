import Crypto
import Foundation
import SwiftletTransport
import Testing

@Suite struct CredentialStoreTests {
    static func store() -> CredentialStore {
        let store = CredentialStore()
        store.add(Credential(name: "rfc", apiKey: "key-rfc", secret: "Jefe", passphrase: ""))
        store.add(Credential(name: "bitget", apiKey: "bg_api_key", secret: "bg-secret-1234", passphrase: "pass phrase"))
        return store
    }

    @Test func rfc4231TestCase2() throws {
        let payload = Array("what do ya want for nothing?".utf8)
        let store = Self.store()
        #expect(try store.sign(credential: "rfc", algorithm: .hmacSHA256Base64, payload: payload)
                == "W9zBRr9gdU5qBCQmCJV1x1oAPwidJzmDnexYuWTsOEM=")
        #expect(try store.sign(credential: "rfc", algorithm: .hmacSHA256Hex, payload: payload)
                == "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843")
    }

    /// Every signature starts from one keyed HMAC state: signing from many threads at once,
    /// and signing the same payload again, gives what a freshly keyed HMAC gives.
    @Test func signaturesMadeConcurrentlyMatchFreshlyKeyedOnes() async throws {
        let store = Self.store()
        let payloads = (0..<400).map { Array("1700000000\($0)POST/api/v2/spot/trade/place-order{\"size\":\"\($0)\"}".utf8) }
        let signed = try await withThrowingTaskGroup(of: (Int, String).self) { group in
            for (index, payload) in payloads.enumerated() {
                group.addTask { (index, try store.sign(credential: "bitget", algorithm: .hmacSHA256Base64, payload: payload)) }
            }
            return try await group.reduce(into: [Int: String]()) { $0[$1.0] = $1.1 }
        }
        for (index, payload) in payloads.enumerated() {
            let fresh = HMAC<SHA256>.authenticationCode(for: payload, using: SymmetricKey(data: Data("bg-secret-1234".utf8)))
            #expect(signed[index] == Data(fresh).base64EncodedString())
        }
        #expect(try store.sign(credential: "bitget", algorithm: .hmacSHA256Base64, payload: payloads[7]) == signed[7])
    }

    @Test func bitgetStylePrehash() throws {
        let prehash = "1700000000000" + "GET" + "/api/v2/spot/account/assets"
        let mac = HMAC<SHA256>.authenticationCode(for: Data(prehash.utf8), using: SymmetricKey(data: Data("bg-secret-1234".utf8)))
        let expected = Data(mac).base64EncodedString()
        #expect(try Self.store().sign(credential: "bitget", algorithm: .hmacSHA256Base64, payload: Array(prehash.utf8)) == expected)
        // A different secret gives a different signature.
        #expect(try Self.store().sign(credential: "rfc", algorithm: .hmacSHA256Base64, payload: Array(prehash.utf8)) != expected)
    }

    @Test func unknownCredential() throws {
        let store = Self.store()
        #expect { try store.sign(credential: "nope", algorithm: .hmacSHA256Hex, payload: []) } throws: {
            ($0 as? TransportError)?.kind == .unknownCredential
        }
        #expect { try store.field(credential: "nope", named: "api_key") } throws: {
            ($0 as? TransportError)?.kind == .unknownCredential
        }
        store.remove(named: "bitget")
        #expect(store.names == ["rfc"])
        #expect { try store.sign(credential: "bitget", algorithm: .hmacSHA256Base64, payload: [1]) } throws: {
            ($0 as? TransportError)?.kind == .unknownCredential
        }
    }

    @Test func fieldsExposeOnlyNonSecretValues() throws {
        let store = Self.store()
        #expect(store.names == ["bitget", "rfc"])
        #expect(try store.field(credential: "bitget", named: "api_key") == "bg_api_key")
        #expect(try store.field(credential: "bitget", named: "passphrase") == "pass phrase")
        for name in ["secret", "Secret", "api_secret", "name", ""] {
            #expect { try store.field(credential: "bitget", named: name) } throws: { error in
                guard let error = error as? TransportError else { return false }
                return error.kind == .notFound && !error.message.contains("bg-secret-1234")
            }
        }
    }

    @Test func placeholdersAreFilledInAndEscapedForWhereTheyGo() throws {
        let store = Self.store()
        store.add(Credential(name: "quoted", apiKey: "k", secret: "s", passphrase: "a\"b\\c\n"))
        #expect(try store.fillingPlaceholders(in: "{{passphrase}}", credential: "bitget", for: .headerValue) == "pass phrase")
        #expect(try store.fillingPlaceholders(in: "<{{api_key}}|{{passphrase}}>", credential: "bitget", for: .headerValue)
                == "<bg_api_key|pass phrase>")
        // No placeholder: the text as given, and the credential is not even looked up.
        for text in ["", "application/json", "{{", "{{}}", "{{pass phrase}}", "{ {passphrase}}", "{{passphrase}"] {
            #expect(try store.fillingPlaceholders(in: text, credential: "absent", for: .headerValue) == text)
        }
        #expect(try store.fillingPlaceholders(in: #"{"passphrase":"{{passphrase}}"}"#, credential: "quoted", for: .jsonString)
                == #"{"passphrase":"a\"b\\c\u000a"}"#)
        #expect { try store.fillingPlaceholders(in: "{{passphrase}}", credential: "quoted", for: .headerValue) } throws: {
            ($0 as? TransportError)?.kind == .invalidRequest
        }
        for text in ["{{secret}}", "x{{api_secret}}", "{{Passphrase}}"] {
            #expect { try store.fillingPlaceholders(in: text, credential: "bitget", for: .jsonString) } throws: { error in
                guard let error = error as? TransportError else { return false }
                return error.kind == .invalidRequest && error.message.contains("unknown credential placeholder")
                    && !error.message.contains("bg-secret-1234")
            }
        }
        #expect { try store.fillingPlaceholders(in: "{{passphrase}}", credential: "absent", for: .headerValue) } throws: {
            ($0 as? TransportError)?.kind == .unknownCredential
        }
    }

    @Test func secretDoesNotLeakThroughDescriptions() {
        let credential = Credential(name: "bitget", apiKey: "bg_api_key", secret: "bg-secret-1234", passphrase: "pp")
        var dumped = ""
        dump(credential, to: &dumped)
        for text in [String(describing: credential), String(reflecting: credential), dumped] {
            #expect(!text.contains("bg-secret-1234"))
        }
        #expect(String(describing: credential).contains("bg_api_key"))
    }
}

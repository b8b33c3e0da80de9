import Crypto
import Foundation
@testable import SwiftletTransport
import Testing

/// The order path's own HMAC-SHA256 and Base64, held to RFC 4231, swift-crypto and Foundation.
@Suite struct HMACSHA256SignerTests {
    static func hex(_ bytes: [UInt8]) -> String { bytes.map { String(format: "%02x", $0) }.joined() }

    /// Every compression this CPU can run: the portable code always, the SHA extensions
    /// where the CPU has them.
    static let compressions: [HMACSHA256Signer.Compression] =
        HMACSHA256Signer.Compression.best == .shaExtensions ? [.portable, .shaExtensions] : [.portable]

    /// RFC 4231, section 4: test cases 1, 3, 6 and 7 (2 is in CredentialStoreTests).
    @Test(arguments: compressions, [
        ([UInt8](repeating: 0x0b, count: 20), Array("Hi There".utf8),
         "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7"),
        ([UInt8](repeating: 0xaa, count: 20), [UInt8](repeating: 0xdd, count: 50),
         "773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe"),
        ([UInt8](repeating: 0xaa, count: 131), Array("Test Using Larger Than Block-Size Key - Hash Key First".utf8),
         "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54"),
        ([UInt8](repeating: 0xaa, count: 131),
         Array("This is a test using a larger than block-size key and a larger than block-size data. The key needs to be hashed before being used by the HMAC algorithm.".utf8),
         "9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2"),
    ])
    func rfc4231(compression: HMACSHA256Signer.Compression, example: (key: [UInt8], message: [UInt8], expected: String)) {
        #expect(Self.hex(HMACSHA256Signer(key: example.key, compression: compression).mac(example.message)) == example.expected)
    }

    /// Every message length up to three blocks (each padding case: the length field in the
    /// same block or the next), with keys shorter than, equal to and longer than a block.
    @Test(arguments: compressions)
    func agreesWithSwiftCryptoOnEveryLengthAroundTheBlockEdges(compression: HMACSHA256Signer.Compression) {
        var generator = SystemRandomNumberGenerator()
        for keyLength in [0, 1, 27, 63, 64, 65, 131] {
            let key = (0..<keyLength).map { _ in UInt8.random(in: 0...255, using: &generator) }
            let signer = HMACSHA256Signer(key: key, compression: compression)
            for length in 0...200 {
                let message = (0..<length).map { _ in UInt8.random(in: 0...255, using: &generator) }
                let expected = Array(HMAC<SHA256>.authenticationCode(for: message, using: SymmetricKey(data: key)))
                #expect(signer.mac(message) == expected, "key \(keyLength) bytes, message \(length) bytes")
            }
        }
    }

    @Test func base64AgreesWithFoundationForEveryRemainder() {
        for length in 0...40 {
            let bytes = (0..<length).map { UInt8(truncatingIfNeeded: $0 &* 37 &+ 200) }
            #expect(Base64.encode(bytes) == Data(bytes).base64EncodedString(), "\(length) bytes")
        }
    }
}

/// The array forms the tests compare with swift-crypto and Foundation.
private extension HMACSHA256Signer {
    func mac(_ message: [UInt8]) -> [UInt8] {
        [UInt8](unsafeUninitializedCapacity: HMACSHA256Signer.macSize) { digest, count in
            message.withUnsafeBytes { mac($0, into: UnsafeMutableRawBufferPointer(digest)) }
            count = HMACSHA256Signer.macSize
        }
    }
}

private extension Base64 {
    static func encode(_ bytes: [UInt8]) -> String {
        String(unsafeUninitializedCapacity: encodedCount(bytes.count)) { out in
            bytes.withUnsafeBytes { encode($0, into: UnsafeMutableRawBufferPointer(out)) }
        }
    }
}

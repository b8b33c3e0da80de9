import Crypto
import Foundation
import NIOCore
import NIOPosix
@testable import SwiftletTransport
import Testing

/// Signed request templates: checked once, then each send signed over the timestamp, the
/// infix and the body, on the direct connection and through AsyncHTTPClient alike.
@Suite struct SignedRequestTemplateTests {
    static let secret = "template-test-secret"
    static let path = "/api/v2/spot/trade/place-order"

    static func credentials() -> CredentialStore {
        let store = CredentialStore()
        store.add(Credential(name: "main", apiKey: "key-1", secret: secret, passphrase: "pass-1"))
        return store
    }

    static func signing(_ algorithm: SignatureAlgorithm = .hmacSHA256Base64, method: String = "POST") -> SignedRequestTemplate.Signing {
        SignedRequestTemplate.Signing(credential: "main", algorithm: algorithm, timestampHeader: "ACCESS-TIMESTAMP",
                                      signatureHeader: "ACCESS-SIGN", infix: method + path)
    }

    /// What the exchange computes to check a request: swift-crypto's HMAC over the same text.
    static func expectedSignature(_ text: String, _ algorithm: SignatureAlgorithm) -> String {
        let mac = Array(HMAC<SHA256>.authenticationCode(for: Array(text.utf8), using: SymmetricKey(data: Array(secret.utf8))))
        switch algorithm {
        case .hmacSHA256Base64: return Data(mac).base64EncodedString()
        case .hmacSHA256Hex: return mac.map { String(format: "%02x", $0) }.joined()
        }
    }

    @Test(arguments: [SignatureAlgorithm.hmacSHA256Base64, .hmacSHA256Hex])
    func eachSendIsSignedOverItsTimestampAndBodyOnBothPaths(algorithm: SignatureAlgorithm) async throws {
        let server = try await ScriptedHTTPServer.start()
        let connections = DirectConnectionTests()
        let service = try connections.service()
        let credentials = Self.credentials()
        let template = try service.template(
            method: "POST", url: server.base + Self.path,
            headers: [HTTPHeader(name: "Content-Type", value: "application/json"), HTTPHeader(name: "ACCESS-KEY", value: "key-1"),
                      HTTPHeader(name: "X-Test", value: "templated")],
            signing: Self.signing(algorithm))
        var sends: [(timestamp: Int64, body: String, direct: Bool)] = []
        for round in 0..<4 {
            let timestamp = Int64(1_700_000_000_000 + round)
            let body = #"{"symbol":"BTCUSDT","side":"buy","price":"6000\#(round)","size":"0.0002"}"#
            let start: DirectConnectionTests.Start = { completion in
                try service.execute(template, timestamp: timestamp, body: Array(body.utf8), credentials: credentials,
                                    completion: completion)
            }
            let outcome = round == 0 ? try await connections.send(service, start) : try #require(try await connections.sendDirect(service, start))
            let response = try #require(outcome.response)
            #expect(response.status == 200)
            #expect(response.body == Array(body.utf8))
            #expect(HTTPServiceTests.header(response, "X-Echo") == "templated")
            #expect(HTTPServiceTests.header(response, "X-URI") == Self.path)
            sends.append((timestamp, body, outcome.wentDirect))
        }
        #expect(sends.first?.direct == false && sends.last?.direct == true, "both paths: \(sends.map(\.direct))")
        // Every request the server received, whichever path carried it, is signed as Bitget checks it.
        let received = server.received
        for (timestamp, body, _) in sends {
            let request = try #require(received.first { String(decoding: $0.body, as: UTF8.self) == body })
            #expect(request.method == "POST")
            #expect(request.headers["access-timestamp"] == String(timestamp))
            #expect(request.headers["access-sign"] == Self.expectedSignature("\(timestamp)POST\(Self.path)\(body)", algorithm))
            #expect(request.headers["access-key"] == "key-1")
            #expect(request.headers["content-type"] == "application/json")
            #expect(request.headers["content-length"] == String(body.utf8.count))
            #expect(request.headers["host"] == "127.0.0.1:\(server.port)")
        }
        try await service.shutdown()
        await server.stop()
    }

    @Test func aGetWithoutBodySignsTheTimestampAndInfixAndSaysNoLength() async throws {
        let server = try await ScriptedHTTPServer.start()
        let connections = DirectConnectionTests()
        let service = try connections.service()
        let credentials = Self.credentials()
        let template = try service.template(method: "GET", url: server.base + Self.path + "?symbol=BTCUSDT", headers: [],
                                            signing: Self.signing(method: "GET"))
        let outcome = try #require(try await connections.sendDirect(service) { completion in
            try service.execute(template, timestamp: 42, body: [], credentials: credentials, completion: completion)
        })
        #expect(outcome.response?.status == 200)
        let request = try #require(server.received.last)
        #expect(request.uri == Self.path + "?symbol=BTCUSDT")
        #expect(request.headers["access-sign"] == Self.expectedSignature("42GET\(Self.path)", .hmacSHA256Base64))
        #expect(request.headers["content-length"] == nil)
        try await service.shutdown()
        await server.stop()
    }

    /// A signed order whose connection drops before the answer fails with `.io` (its outcome
    /// is for the caller to find out), and the next send goes out on a new connection.
    @Test func aSendWhoseConnectionDropsBeforeTheAnswerIsIOAndTheNextOneWorks() async throws {
        let server = try await ScriptedHTTPServer.start()
        let connections = DirectConnectionTests()
        let service = try connections.service()
        let credentials = Self.credentials()
        let template = try service.template(method: "POST", url: server.base + Self.path, headers: [], signing: Self.signing())
        let start: DirectConnectionTests.Start = { completion in
            try service.execute(template, timestamp: 7, body: Array("{}".utf8), credentials: credentials, completion: completion)
        }
        _ = try #require(try await connections.sendDirect(service, start))
        server.answer(with: .drop)
        let dropped = try await connections.send(service, start)
        let droppedConnection = server.received.last?.connection
        #expect(dropped.wentDirect && dropped.writtenBeforeReturn)
        #expect(dropped.error?.kind == .io, "\(dropped.result)")
        server.answer(with: .echo)
        let next = try #require(try await connections.sendDirect(service, start))
        #expect(next.response?.body == Array("{}".utf8))
        #expect(server.received.last?.connection != droppedConnection)
        try await service.shutdown()
        await server.stop()
    }

    @Test func aSendWithAnUnknownCredentialThrowsAndSendsNothing() async throws {
        let server = try await ScriptedHTTPServer.start()
        let service = try DirectConnectionTests().service()
        let template = try service.template(method: "POST", url: server.base + Self.path, headers: [], signing: Self.signing())
        #expect(throws: TransportError.self) {
            try service.execute(template, timestamp: 1, body: Array("{}".utf8), credentials: CredentialStore()) { _ in
                Issue.record("a request that was refused completed")
            }
        }
        try await Task.sleep(for: .milliseconds(100))
        #expect(server.received.isEmpty)
        try await service.shutdown()
        await server.stop()
    }

    @Test func aTemplateTheServiceCannotSendIsRefusedWhenMade() throws {
        let service = HTTPService(eventLoopGroup: MultiThreadedEventLoopGroup.singleton)
        defer { Task { try? await service.shutdown() } }
        let url = "http://127.0.0.1:9" + Self.path
        let refused: [(String, String, [HTTPHeader], SignedRequestTemplate.Signing, String)] = [
            ("HEAD", url, [], Self.signing(), "HEAD"),
            ("POST", url, [HTTPHeader(name: "Host", value: "elsewhere")], Self.signing(), "Host"),
            ("POST", url, [HTTPHeader(name: "content-length", value: "5")], Self.signing(), "content-length"),
            ("POST", url, [HTTPHeader(name: "X-Bad", value: "a\r\nInjected: 1")], Self.signing(), "CR, LF or NUL"),
            ("POST", "ftp://127.0.0.1" + Self.path, [], Self.signing(), "scheme"),
            ("PO ST", url, [], Self.signing(), "method"),
            ("POST", url, [], SignedRequestTemplate.Signing(credential: "main", algorithm: .hmacSHA256Base64, timestampHeader: "ACCESS TIMESTAMP",
                                                             signatureHeader: "ACCESS-SIGN", infix: ""), "header name"),
            ("POST", url, [], SignedRequestTemplate.Signing(credential: "main", algorithm: .hmacSHA256Base64, timestampHeader: "ACCESS-TIMESTAMP",
                                                             signatureHeader: "Transfer-Encoding", infix: ""), "Transfer-Encoding"),
            ("POST", url, [HTTPHeader(name: "access-sign", value: "x")], Self.signing(), "ACCESS-SIGN twice"),
            ("POST", url, [], SignedRequestTemplate.Signing(credential: "main", algorithm: .hmacSHA256Base64, timestampHeader: "X-Both",
                                                             signatureHeader: "x-both", infix: ""), "x-both twice"),
        ]
        for (method, url, headers, signing, named) in refused {
            do throws(TransportError) {
                _ = try service.template(method: method, url: url, headers: headers, signing: signing)
                Issue.record("\(method) \(url) \(headers) was accepted")
            } catch {
                #expect(error.kind == .invalidRequest)
                #expect(error.message.contains(named), "\(error.message)")
            }
        }
    }
}

private extension HTTPService {
    /// A send with the body as an array (the service borrows a buffer).
    @discardableResult
    func execute(_ template: SignedRequestTemplate, timestamp: Int64, body: [UInt8], credentials: CredentialStore,
                 completion: @escaping @Sendable (Result<HTTPResponse, TransportError>) -> Void) throws(TransportError) -> UInt64 {
        try body.withUnsafeBytes { body in
            Result { () throws(TransportError) in
                try execute(template, timestamp: timestamp, body: body, credentials: credentials, completion: completion)
            }
        }.get()
    }
}

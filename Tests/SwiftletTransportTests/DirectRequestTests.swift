import NIOCore
@testable import SwiftletTransport
import Testing

/// The direct path's own HTTP/1.1 serialization (NIO's encoder is bypassed there).
@Suite struct DirectRequestTests {
    let target = HTTPService.Target(origin: .init(secure: false, host: "127.0.0.1", port: 8080),
                                    uri: "/api/v2/spot/trade/place-order?a=1")

    func text(_ request: SwiftletTransport.HTTPRequest) -> String? {
        DirectRequest(request, target: target, allocator: ByteBufferAllocator()).map { String(buffer: $0.bytes) }
    }

    @Test func aPostIsWrittenAsRequestLineFieldsInOrderHostLengthAndBody() throws {
        let request = SwiftletTransport.HTTPRequest(
            method: "POST", url: "http://127.0.0.1:8080/api/v2/spot/trade/place-order?a=1",
            headers: [HTTPHeader(name: "Content-Type", value: "application/json"), HTTPHeader(name: "ACCESS-SIGN", value: "c2ln+/=")],
            body: Array(#"{"size":"0.0002"}"#.utf8))
        #expect(text(request) == "POST /api/v2/spot/trade/place-order?a=1 HTTP/1.1\r\n"
            + "Content-Type: application/json\r\nACCESS-SIGN: c2ln+/=\r\n"
            + "Host: 127.0.0.1:8080\r\nContent-Length: 17\r\n\r\n"
            + #"{"size":"0.0002"}"#)
        let serialized = try #require(DirectRequest(request, target: target, allocator: ByteBufferAllocator()))
        #expect(serialized.head.method == .POST)
    }

    @Test func aGetWithoutBodyHasNoContentLengthAndAnEmptyPostHasZero() {
        #expect(text(.init(method: "GET", url: "http://x/")) == "GET /api/v2/spot/trade/place-order?a=1 HTTP/1.1\r\nHost: 127.0.0.1:8080\r\n\r\n")
        #expect(text(.init(method: "POST", url: "http://x/"))
            == "POST /api/v2/spot/trade/place-order?a=1 HTTP/1.1\r\nHost: 127.0.0.1:8080\r\nContent-Length: 0\r\n\r\n")
    }

    @Test func headAndRequestsFramingThemselvesAreLeftToAsyncHTTPClient() {
        #expect(text(.init(method: "HEAD", url: "http://x/")) == nil)
        for name in ["HoSt", "content-LENGTH", "Transfer-Encoding"] {
            #expect(text(.init(method: "GET", url: "http://x/", headers: [HTTPHeader(name: name, value: "1")])) == nil, "\(name)")
        }
        for name in ["Hostname", "Content-Lengths", "X-Host"] {
            #expect(text(.init(method: "GET", url: "http://x/", headers: [HTTPHeader(name: name, value: "1")])) != nil, "\(name)")
        }
    }
}

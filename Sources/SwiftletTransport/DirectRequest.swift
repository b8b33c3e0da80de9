import NIOCore
import NIOHTTP1

/// A request serialized for a ``DirectConnection``: request line, header fields and body as
/// HTTP/1.1 bytes in one buffer, handed to the socket in one write.
///
/// Serialized by hand because NIO's path is a large share of the order path's cost: building
/// an `HTTPRequestHead` with its `HTTPHeaders`, then passing head, body and end one by one
/// through the header validator, the response decoder (which watches requests go by) and
/// `HTTPRequestEncoder` took about a fifth of the time from a strategy's order to the
/// request written (`perf`, tick-to-order, 2026-12-05). The fields were checked by
/// ``HTTPService`` (method and names are tokens, values carry no CR, LF or NUL), so writing
/// them is all that is left.
struct DirectRequest {
    /// What the response decoder must know of the request (it reads the method only).
    let head: HTTPRequestHead
    /// The whole request as sent.
    let bytes: ByteBuffer

    /// A request serialized elsewhere (``SignedRequestTemplate``).
    init(head: HTTPRequestHead, bytes: ByteBuffer) {
        self.head = head
        self.bytes = bytes
    }

    /// Serializes `request` to `target`, adding Host and, for a body or a POST/PUT,
    /// Content-Length; nil for a request the direct path does not carry: a HEAD (whose
    /// response has no body) or one that sets Host or frames its own body.
    init?(_ request: HTTPRequest, target: HTTPService.Target, allocator: ByteBufferAllocator) {
        guard request.method != "HEAD",
              !request.headers.contains(where: { Self.isFramingHeader($0.name) }) else { return nil }
        var size = 64 + request.body.count
        for header in request.headers { size += header.name.utf8.count + header.value.utf8.count + 4 }
        var buffer = allocator.buffer(capacity: size + request.method.utf8.count + target.uri.utf8.count
                                                + target.origin.hostHeader.utf8.count)
        Self.writeHead(request, target: target, to: &buffer)
        if Self.saysLength(method: request.method, bodyCount: request.body.count) {
            Self.write("Content-Length", String(request.body.count), to: &buffer)
        }
        buffer.writeStaticString("\r\n")
        buffer.writeBytes(request.body)
        bytes = buffer
        head = Self.decoderHead(request, target: target)
    }

    /// The request line, the caller's fields in order, and Host, each line with its CRLF.
    static func writeHead(_ request: HTTPRequest, target: HTTPService.Target, to buffer: inout ByteBuffer) {
        buffer.writeString(request.method)
        buffer.writeStaticString(" ")
        buffer.writeString(target.uri)
        buffer.writeStaticString(" HTTP/1.1\r\n")
        for header in request.headers { write(header.name, header.value, to: &buffer) }
        write("Host", target.origin.hostHeader, to: &buffer)
    }

    /// Whether a request says its Content-Length: with a body, and a POST or PUT always.
    static func saysLength(method: String, bodyCount: Int) -> Bool {
        bodyCount > 0 || method == "POST" || method == "PUT"
    }

    /// What the response decoder is told of `request`.
    static func decoderHead(_ request: HTTPRequest, target: HTTPService.Target) -> HTTPRequestHead {
        HTTPRequestHead(version: .http1_1, method: HTTPMethod(rawValue: request.method), uri: target.uri)
    }

    private static func write(_ name: String, _ value: String, to buffer: inout ByteBuffer) {
        buffer.writeString(name)
        buffer.writeStaticString(": ")
        buffer.writeString(value)
        buffer.writeStaticString("\r\n")
    }

    /// Host, Content-Length or Transfer-Encoding, in any case: the fields this path writes itself.
    static func isFramingHeader(_ name: String) -> Bool {
        framingHeaders.contains { framing in
            framing.utf8.elementsEqual(name.utf8) { lower, byte in
                lower == (UInt8(ascii: "A")...UInt8(ascii: "Z") ~= byte ? byte | 0x20 : byte)
            }
        }
    }

    private static let framingHeaders = ["host", "content-length", "transfer-encoding"]
}

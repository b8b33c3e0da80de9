import NIOCore
import NIOHTTP1
import SwiftletCore

/// A signed request checked and serialized once, then sent many times with a timestamp,
/// a body and the signature ``HTTPService`` computes for them: the order path of exchanges
/// that sign `timestamp + fixed text + body` (Bitget: timestamp + METHOD + requestPath +
/// body, sent in ACCESS-TIMESTAMP and ACCESS-SIGN).
///
/// It exists for speed. A request made field by field is checked, its URL split and each
/// field serialized at every send, and its signature asked for in a call of its own; a
/// template pays for those once, so a send is the signature and one buffer
/// (docs/strategies.md#signed-request-templates).
///
/// Make one with ``HTTPService/template(method:url:headers:signing:timeout:)``; send it with
/// ``HTTPService/execute(_:timestamp:body:credentials:completion:)``. A class, so that
/// handing it to a send retains it once rather than copying each of its members.
public final class SignedRequestTemplate: Sendable {
    /// How each send is signed and where the timestamp and the signature go.
    public struct Signing: Sendable {
        /// The credential whose secret signs (by name, looked up in the store at each send).
        public var credential: String
        /// The signature and its text encoding.
        public var algorithm: SignatureAlgorithm
        /// The header field that carries the decimal timestamp.
        public var timestampHeader: String
        /// The header field that carries the signature.
        public var signatureHeader: String
        /// The signed text is the decimal timestamp, then this, then the body.
        public var infix: String

        /// Makes a signing description.
        public init(credential: String, algorithm: SignatureAlgorithm, timestampHeader: String,
                    signatureHeader: String, infix: String) {
            self.credential = credential
            self.algorithm = algorithm
            self.timestampHeader = timestampHeader
            self.signatureHeader = signatureHeader
            self.infix = infix
        }
    }

    /// The fixed request: method, URL, fields and timeout, without body or signature (what
    /// a send that finds no direct connection hands to the general path).
    let request: HTTPRequest
    let signing: Signing
    let origin: DirectConnection.Origin
    /// `signing.infix` as bytes.
    let infix: [UInt8]
    /// The request line, the fixed fields, Host, and the timestamp field's name and ": ".
    let head: ByteBuffer
    /// CRLF, the signature field's name and ": ".
    let signatureField: [UInt8]
    /// What the response decoder must know of each request (its method).
    let requestHead: HTTPRequestHead
    /// Whether a send with no body still says its Content-Length (a POST or PUT).
    let saysEmptyLength: Bool

    init(request: HTTPRequest, target: HTTPService.Target, signing: Signing) throws(TransportError) {
        guard request.method != "HEAD" else {
            throw TransportError(.invalidRequest, "a signed request template cannot be a HEAD request")
        }
        for name in [signing.timestampHeader, signing.signatureHeader] {
            guard Validation.isToken(name) else {
                throw TransportError(.invalidRequest, "invalid header name \(String(reflecting: name))")
            }
        }
        let named = request.headers.map(\.name) + [signing.timestampHeader, signing.signatureHeader]
        if let framing = named.first(where: DirectRequest.isFramingHeader) {
            throw TransportError(.invalidRequest, "a signed request template cannot set \(framing): the service writes it")
        }
        // Each send writes the timestamp and the signature fields: not twice, and not two in one.
        let lowercased = named.map { $0.lowercased() }
        if let twice = lowercased.indices.first(where: { lowercased[..<$0].contains(lowercased[$0]) }) {
            throw TransportError(.invalidRequest, "a signed request template names field \(named[twice]) twice")
        }
        self.request = request
        self.signing = signing
        origin = target.origin
        infix = Array(signing.infix.utf8)
        signatureField = Array("\r\n\(signing.signatureHeader): ".utf8)
        requestHead = DirectRequest.decoderHead(request, target: target)
        saysEmptyLength = DirectRequest.saysLength(method: request.method, bodyCount: 0)
        var head = ByteBuffer()
        DirectRequest.writeHead(request, target: target, to: &head)
        head.writeString("\(signing.timestampHeader): ")
        self.head = head
    }

    /// Calls `body` with the text a send signs: the timestamp's digits, the infix, the body
    /// (on the stack unless it is large).
    func withSignedText<R>(timestamp: UnsafeRawBufferPointer, body: UnsafeRawBufferPointer,
                           _ use: (UnsafeRawBufferPointer) throws(TransportError) -> R) throws(TransportError) -> R {
        let count = timestamp.count + infix.count + body.count
        return try withUnsafeTemporaryAllocation(byteCount: count, alignment: 1) { text throws(TransportError) in
            text.copyMemory(from: timestamp)
            infix.withUnsafeBytes { UnsafeMutableRawBufferPointer(rebasing: text[timestamp.count...]).copyMemory(from: $0) }
            UnsafeMutableRawBufferPointer(rebasing: text[(timestamp.count + infix.count)...]).copyMemory(from: body)
            return try use(UnsafeRawBufferPointer(text))
        }
    }

    /// The whole request for one send, as ``DirectConnection`` writes it.
    func serialized(timestamp: UnsafeRawBufferPointer, signature: UnsafeRawBufferPointer, body: UnsafeRawBufferPointer,
                    allocator: ByteBufferAllocator) -> DirectRequest {
        var buffer = allocator.buffer(capacity: head.readableBytes + signatureField.count + 96 + body.count)
        buffer.writeImmutableBuffer(head)
        buffer.writeBytes(timestamp)
        buffer.writeBytes(signatureField)
        buffer.writeBytes(signature)
        if !body.isEmpty || saysEmptyLength {
            buffer.writeStaticString("\r\nContent-Length: ")
            DecimalDigits.with(Int64(body.count)) { _ = buffer.writeBytes($0) }
        }
        buffer.writeStaticString("\r\n\r\n")
        buffer.writeBytes(body)
        return DirectRequest(head: requestHead, bytes: buffer)
    }

    /// The same send as a field-by-field request, for the general path.
    func request(timestamp: String, signature: String, body: [UInt8]) -> HTTPRequest {
        var request = self.request
        request.headers.append(HTTPHeader(name: signing.timestampHeader, value: timestamp))
        request.headers.append(HTTPHeader(name: signing.signatureHeader, value: signature))
        request.body = body
        return request
    }
}

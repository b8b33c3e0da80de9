import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import NIOSSL
import SwiftletCore
import Synchronization
import WebSocketKit  // re-exports NIOHTTP1.HTTPHeaders

/// An HTTP request to send with ``HTTPService``.
public struct HTTPRequest: Sendable {
    /// Method token, e.g. "GET", "POST", "DELETE"; sent as given.
    public var method: String
    /// Absolute http:// or https:// URL.
    public var url: String
    /// Request header fields, in order.
    public var headers: [HTTPHeader]
    /// Body, sent exactly as given; empty for none.
    public var body: [UInt8]
    /// Whole-request deadline (connect, send, receive); must be positive. Default 10 s.
    public var timeout: Duration

    /// Makes a request.
    public init(method: String = "GET", url: String, headers: [HTTPHeader] = [], body: [UInt8] = [],
                timeout: Duration = .seconds(10)) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
        self.timeout = timeout
    }
}

/// A complete HTTP response, whatever its status code.
public struct HTTPResponse: Sendable {
    /// Status code: 200, 404, 500, ...
    public let status: Int
    /// Response header fields, in order.
    public let headers: [HTTPHeader]
    /// The whole response body.
    public let body: [UInt8]

    /// Makes a response.
    public init(status: Int, headers: [HTTPHeader], body: [UInt8]) {
        self.status = status
        self.headers = headers
        self.body = body
    }
}

/// HTTP(S) client over AsyncHTTPClient (one shared HTTPClient owned by the service), with a
/// faster path for requests made on one of its event loops: such a request goes out on an
/// idle kept-alive ``DirectConnection`` to its origin on that loop, written before `execute`
/// returns, when there is one (the order path: a strategy reacting to a
/// market-data frame runs on the loop that read it).
///
/// Redirects are not followed (a 3xx comes back as a response) and a refused
/// connection fails at once with `.io` instead of being retried until the deadline.
/// Call ``shutdown()`` when done; a service released without it shuts its client down in the background.
public final class HTTPService: Sendable {
    private let client: HTTPClient
    private let maxResponseSize: Int
    private let nextID = Mutex<UInt64>(0)
    private let isShutDown = Mutex(false)
    private let probe: (any TransportProbe)?
    private let direct: DirectConnections
    /// Origins ("https://api.bitget.com") already checked with Foundation, by their text.
    private let knownOrigins = Mutex<[String: DirectConnection.Origin]>([:])
    /// Requests sent on a direct connection so far (tests tell the two paths apart by it).
    let directRequests = Atomic<Int>(0)

    /// Makes the service; its client runs on `eventLoopGroup`, which must outlive ``shutdown()``.
    /// A response body larger than `maxResponseSize` bytes fails the request with `.io`.
    /// `probe` is told when each request is handed to the client and when it has been written (benchmarks).
    /// `tlsConfiguration` decides which servers https requests trust (default: the system's roots).
    public convenience init(eventLoopGroup: any EventLoopGroup, maxResponseSize: Int = 64 << 20,
                            probe: (any TransportProbe)? = nil, tlsConfiguration: TLSConfiguration = .makeClientConfiguration()) {
        self.init(eventLoopGroup: eventLoopGroup, maxResponseSize: maxResponseSize, probe: probe,
                  tlsConfiguration: tlsConfiguration, directIdleTimeout: Self.directIdleTimeout)
    }

    /// How long a direct connection may stay idle before it is closed: under the 60 s idle
    /// timeout common to load balancers, and AsyncHTTPClient's own for its pool.
    static let directIdleTimeout = TimeAmount.seconds(30)

    /// The same, with the direct connections' idle timeout given (tests).
    init(eventLoopGroup: any EventLoopGroup, maxResponseSize: Int, probe: (any TransportProbe)?,
         tlsConfiguration: TLSConfiguration, directIdleTimeout: TimeAmount) {
        self.probe = probe
        self.maxResponseSize = min(max(0, maxResponseSize), Int(UInt32.max))
        direct = DirectConnections(eventLoopGroup: eventLoopGroup, maxResponseSize: self.maxResponseSize,
                                   idleTimeout: directIdleTimeout, tlsConfiguration: tlsConfiguration)
        var configuration = HTTPClient.Configuration(tlsConfiguration: tlsConfiguration)
        configuration.redirectConfiguration = .disallow
        configuration.connectionPool.retryConnectionEstablishment = false
        configuration.timeout = .init(connect: .seconds(10))
        client = HTTPClient(eventLoopGroup: eventLoopGroup, configuration: configuration)
    }

    /// Validates synchronously (bad URL/scheme/method → throws .invalidRequest, nothing sent); otherwise returns at once
    /// and calls `completion` exactly once, on any thread, with the response (any HTTP status) or a transport error (.io/.timeout).
    @discardableResult
    public func execute(
        _ request: HTTPRequest,
        completion: @escaping @Sendable (Result<HTTPResponse, TransportError>) -> Void
    ) throws(TransportError) -> UInt64 {
        let target = try target(of: request)
        let id = newRequestID()
        let deadline = NIODeadline.now() + .nanoseconds(request.timeout.clampedNanoseconds)
        if let connection = direct.idleConnection(to: target.origin),
           let serialized = DirectRequest(request, target: target, allocator: Self.allocator) {
            send(serialized, id: id, on: connection, deadline: deadline, completion: completion)
            return id
        }
        try sendThroughClient(request, id: id, deadline: deadline, completion: completion)
        return id
    }

    /// Sends a checked request through AsyncHTTPClient.
    private func sendThroughClient(_ request: HTTPRequest, id: UInt64, deadline: NIODeadline,
                                   completion: @escaping @Sendable (Result<HTTPResponse, TransportError>) -> Void) throws(TransportError) {
        let prepared = try Self.clientRequest(request)
        let accumulator = ResponseAccumulator(request: prepared, maxBodySize: maxResponseSize)
        let delegate = ProbedDelegate(accumulator, id: id, probe: probe)
        probe?.requestStarted(request: id)
        client.execute(request: prepared, delegate: delegate, deadline: deadline).futureResult.whenComplete { result in
            switch result {
            case .success(let response):
                let headers = response.headers.map { HTTPHeader(name: $0.name, value: $0.value) }
                let body = response.body.map { Array($0.readableBytesView) } ?? []
                completion(.success(HTTPResponse(status: Int(response.status.code), headers: headers, body: body)))
            case .failure(let error):
                completion(.failure(Self.transportError(error)))
            }
        }
    }

    /// Checks a signed request's fixed parts once (method, URL, fields, timeout, as
    /// ``execute(_:completion:)`` does, and the two fields a send adds) and serializes them.
    /// The fields may not set Host, Content-Length or Transfer-Encoding; a HEAD is refused.
    public func template(method: String, url: String, headers: [HTTPHeader], signing: SignedRequestTemplate.Signing,
                         timeout: Duration = .seconds(10)) throws(TransportError) -> SignedRequestTemplate {
        let request = HTTPRequest(method: method, url: url, headers: headers, timeout: timeout)
        return try SignedRequestTemplate(request: request, target: try target(of: request), signing: signing)
    }

    /// Sends `template` with `body`, signed with its credential from `credentials` over the
    /// decimal `timestamp`, the template's infix and `body`; the timestamp and the signature
    /// go in the template's two fields. Like ``execute(_:completion:)`` otherwise: on one of
    /// the service's event loops with an idle direct connection the request is written before
    /// this returns. An unknown credential throws `.unknownCredential` and sends nothing.
    ///
    /// `body` is borrowed for the call. On the direct path nothing is allocated but the
    /// request's buffer: the digits, the signed text and the signature are on the stack.
    @discardableResult
    public func execute(
        _ template: SignedRequestTemplate, timestamp: Int64, body: UnsafeRawBufferPointer, credentials: CredentialStore,
        completion: @escaping @Sendable (Result<HTTPResponse, TransportError>) -> Void
    ) throws(TransportError) -> UInt64 {
        try DecimalDigits.with(timestamp) { time throws(TransportError) in
            try template.withSignedText(timestamp: time, body: body) { text throws(TransportError) in
                try credentials.withSignature(credential: template.signing.credential, algorithm: template.signing.algorithm,
                                              payload: text) { signature throws(TransportError) in
                    let id = newRequestID()
                    let deadline = NIODeadline.now() + .nanoseconds(template.request.timeout.clampedNanoseconds)
                    if let connection = direct.idleConnection(to: template.origin) {
                        send(template.serialized(timestamp: time, signature: signature, body: body, allocator: Self.allocator),
                             id: id, on: connection, deadline: deadline, completion: completion)
                    } else {
                        // The two fields added are a token's name and digits or Base64/hex: still a checked request.
                        let request = template.request(timestamp: String(decoding: time, as: UTF8.self),
                                                       signature: String(decoding: signature, as: UTF8.self), body: Array(body))
                        try sendThroughClient(request, id: id, deadline: deadline, completion: completion)
                    }
                    return id
                }
            }
        }
    }

    deinit {
        // AsyncHTTPClient traps in debug builds if a client is released while running; its
        // shutdown keeps the client alive until done, so start one and let it finish on its own.
        if !isShutDown.withLock({ $0 }) {
            direct.close()
            client.shutdown(queue: .global()) { _ in }
        }
    }

    /// Shuts the client down; requests still in flight fail with `.io`. Later calls return at once.
    public func shutdown() async throws {
        let first = isShutDown.withLock { state -> Bool in
            defer { state = true }
            return !state
        }
        guard first else { return }
        for closing in direct.close() { try? await closing.get() }
        try await client.shutdown()
    }

    // MARK: - private

    private func newRequestID() -> UInt64 {
        nextID.withLock { value -> UInt64 in
            value += 1
            return value
        }
    }

    /// Writes a serialized request on an idle direct connection (before returning).
    private func send(_ serialized: DirectRequest, id: UInt64, on connection: DirectConnection, deadline: NIODeadline,
                      completion: @escaping @Sendable (Result<HTTPResponse, TransportError>) -> Void) {
        probe?.requestStarted(request: id)
        directRequests.add(1, ordering: .relaxed)
        let probe = self.probe
        connection.send(serialized, deadline: deadline, written: { probe?.requestWritten(request: id) },
                        completion: completion)
    }

    /// Where a checked request goes.
    struct Target {
        let origin: DirectConnection.Origin
        /// Path and query, as sent on the request line.
        let uri: String
    }

    /// At most this many origins are remembered as checked.
    private static let knownOriginLimit = 64

    /// Checks `request` (method, headers, timeout, URL). A URL whose origin was checked
    /// before is split without Foundation (``RequestURL``); others are parsed with `URL`.
    private func target(of request: HTTPRequest) throws(TransportError) -> Target {
        guard Validation.isToken(request.method) else {
            throw TransportError(.invalidRequest, "invalid HTTP method \(String(reflecting: request.method))")
        }
        guard request.timeout > .zero else {
            throw TransportError(.invalidRequest, "timeout must be positive")
        }
        try Validation.checkHeaders(request.headers)
        let split = RequestURL.split(request.url)
        if let split, let origin = knownOrigins.withLock({ $0[split.origin] }) {
            return Target(origin: origin, uri: split.target)
        }
        let target = try Self.parse(request.url)
        if let split {
            knownOrigins.withLock { known in
                if known.count < Self.knownOriginLimit { known[split.origin] = target.origin }
            }
        }
        return target
    }

    /// Parses and checks a URL with Foundation.
    static func parse(_ text: String) throws(TransportError) -> Target {
        guard let url = URL(string: text), let scheme = url.scheme?.lowercased() else {
            throw TransportError(.invalidRequest, "malformed URL \(String(reflecting: text))")
        }
        guard scheme == "http" || scheme == "https" else {
            throw TransportError(.invalidRequest, "unsupported URL scheme \(String(reflecting: scheme)) (http or https)")
        }
        guard let host = url.host(percentEncoded: false), !host.isEmpty else {
            throw TransportError(.invalidRequest, "URL has no host: \(String(reflecting: text))")
        }
        let secure = scheme == "https"
        let path = url.path(percentEncoded: true)
        let query = url.query(percentEncoded: true).map { "?" + $0 } ?? ""
        return Target(origin: DirectConnection.Origin(secure: secure, host: host, port: url.port ?? (secure ? 443 : 80)),
                      uri: (path.isEmpty ? "/" : path) + query)
    }

    private static let allocator = ByteBufferAllocator()

    private static func clientRequest(_ request: HTTPRequest) throws(TransportError) -> HTTPClient.Request {
        var headers = HTTPHeaders()
        for header in request.headers { headers.add(name: header.name, value: header.value) }
        do {
            return try HTTPClient.Request(
                url: request.url,
                method: .init(rawValue: request.method),
                headers: headers,
                body: request.body.isEmpty ? nil : .bytes(request.body)
            )
        } catch {
            throw TransportError(.invalidRequest, "invalid request: \(error)")
        }
    }

    static func transportError(_ error: any Error) -> TransportError {
        if let error = error as? ResponseAccumulator.ResponseTooBigError {
            return TransportError(.io, "HTTP response body exceeds \(error.maxBodySize) bytes")
        }
        if let error = error as? HTTPClientError {
            let timeouts: [HTTPClientError] = [
                .deadlineExceeded, .readTimeout, .writeTimeout, .connectTimeout, .tlsHandshakeTimeout,
                .socksHandshakeTimeout, .httpProxyHandshakeTimeout, .getConnectionFromPoolTimeout,
            ]
            if timeouts.contains(error) { return TransportError(.timeout, "HTTP request timed out (\(error))") }
            return TransportError(.io, "HTTP request failed: \(error)")
        }
        if let error = error as? ChannelError, case .connectTimeout = error {
            return TransportError(.timeout, "HTTP connect timed out")
        }
        return TransportError(.io, "HTTP request failed: \(error)")
    }
}

/// AsyncHTTPClient's `ResponseAccumulator`, plus a call to the probe when the request has
/// been written; everything else is forwarded unchanged.
private final class ProbedDelegate: HTTPClientResponseDelegate {
    typealias Response = HTTPClient.Response
    private let accumulator: ResponseAccumulator
    private let id: UInt64
    private let probe: (any TransportProbe)?

    init(_ accumulator: ResponseAccumulator, id: UInt64, probe: (any TransportProbe)?) {
        self.accumulator = accumulator
        self.id = id
        self.probe = probe
    }

    func didSendRequest(task: HTTPClient.Task<Response>) {
        probe?.requestWritten(request: id)
    }

    func didReceiveHead(task: HTTPClient.Task<Response>, _ head: HTTPResponseHead) -> EventLoopFuture<Void> {
        accumulator.didReceiveHead(task: task, head)
    }

    func didReceiveBodyPart(task: HTTPClient.Task<Response>, _ buffer: ByteBuffer) -> EventLoopFuture<Void> {
        accumulator.didReceiveBodyPart(task: task, buffer)
    }

    func didReceiveError(task: HTTPClient.Task<Response>, _ error: any Error) {
        accumulator.didReceiveError(task: task, error)
    }

    func didFinishRequest(task: HTTPClient.Task<Response>) throws -> Response {
        try accumulator.didFinishRequest(task: task)
    }
}

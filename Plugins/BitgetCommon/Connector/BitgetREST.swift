import Foundation
public import SwiftletPluginKit

/// Bitget v2 REST over the host's HTTP service: envelope decoding, HMAC signing through
/// the host (the secret never enters the plugin), server-time offset, per-endpoint rate
/// budgets. Use it from the instance's own context only (calls and callbacks).
public final class BitgetREST {
    private let host: PluginHost
    /// `https://api.bitget.com`, or a simulator's base URL.
    public let baseURL: String
    /// Name of the host credential used to sign private requests; nil for public use only.
    public let credential: String?
    /// Headers added to every request (e.g. `paptrading: 1` for demo trading).
    public let extraHeaders: [(String, String)]
    private var limiter: RateLimiter
    /// Retries of a request Bitget refused with its rate-limit answer.
    public static let rateLimitRetries = 4
    /// Server time minus local time, in ms, from the last `syncTime`.
    public private(set) var clockOffsetMs: Int64 = 0
    /// While holding: requests wait unsent and answers wait undelivered, in order.
    private var held: [() -> Void]?
    /// Requests accepted but not yet sent: waiting for their rate-limit slot (or a 429 backoff).
    public private(set) var waitingForSlot = 0
    /// The credential's API key, read from the host at the first signed request rather than
    /// at each. The secret and the passphrase stay in the host, which signs and writes the
    /// passphrase into the request (`{{passphrase}}`).
    private var apiKey: String?
    /// The host's signed request templates, by method and path (``template(_:_:)``).
    private var templates: [TemplateKey: UInt64] = [:]
    private struct TemplateKey: Hashable {
        let method: String
        let path: String
    }
    /// Requests sent whose answer has not come back yet.
    public private(set) var inFlight = 0
    /// Requests accepted whose outcome is not known yet: unsent, or sent and unanswered.
    public var outstanding: Int { waitingForSlot + inFlight }

    public init(host: PluginHost, baseURL: String, credential: String?, limits: RateLimiter,
                extraHeaders: [(String, String)] = []) {
        self.host = host
        self.baseURL = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
        self.credential = credential
        self.limiter = limits
        self.extraHeaders = extraHeaders
    }

    /// The requests this instance sent (or booked to send) within the last budget window or later,
    /// per path, as monotonic ns: what a replacing instance counts against the same budgets.
    public var bookedRequests: [String: [Int64]] { limiter.booked(now: host.monotonic) }

    /// Counts requests another instance of the same host sent (`bookedRequests`) against
    /// this one's budgets, so the two together stay within Bitget's limits.
    public func adoptBookedRequests(_ booked: [String: [Int64]]) {
        limiter.adopt(booked, now: host.monotonic)
    }

    /// The timestamp Bitget expects in ms: local time corrected by the server offset.
    public var exchangeNowMs: Int64 { host.now / 1_000_000 + clockOffsetMs }

    private struct ServerTime: Decodable { let serverTime: FlexibleString }

    /// From now on nothing is sent and no answer is delivered: requests and the answers of
    /// requests already in flight wait, in order, for `release` (or `discardHeld`).
    public func hold() {
        if held == nil { held = [] }
    }

    /// Sends the held requests and delivers the held answers, in the order they came.
    public func release() {
        let waiting = held ?? []
        held = nil
        for work in waiting { work() }
    }

    /// Forgets what was held (the instance is stopping); keeps holding.
    public func discardHeld() {
        if held != nil { held = [] }
    }

    /// Runs `work` now, or queues it while holding.
    private func whenReleased(_ work: @escaping () -> Void) {
        guard held != nil else { return work() }
        held?.append(work)
    }

    /// Measures the server clock (`GET /api/v2/public/time`) and keeps the offset.
    public func syncTime(_ completion: @escaping (Result<Void, BitgetAPIError>) -> Void) {
        let sentAt = host.now / 1_000_000
        send("GET", "/api/v2/public/time", signed: false, as: ServerTime.self) { [weak self] result in
            guard let self else { return }
            switch result {
            case .success(let time):
                guard let server = Int64(time.serverTime.text) else {
                    completion(.failure(BitgetAPIError(kind: .malformedResponse, message: "serverTime is not a number")))
                    return
                }
                let receivedAt = self.host.now / 1_000_000
                self.clockOffsetMs = server - (sentAt + receivedAt) / 2
                completion(.success(()))
            case .failure(let error):
                completion(.failure(error))
            }
        }
    }

    /// Sends one request and decodes `data` of the envelope as `T`.
    ///
    /// `query` is encoded in the order given, and that exact text is signed. `body` is sent
    /// and signed exactly as given. The request waits for its endpoint's rate budget.
    /// A 429 means the request was not processed, so it is retried after a backoff
    /// (`rateLimitRetries` times, doubling from 250 ms) before the caller hears of it.
    public func send<T: Decodable>(_ method: String, _ path: String, query: [(String, String)] = [], body: String = "",
                                   signed: Bool, as type: T.Type, attempt: Int = 0,
                                   completion: @escaping (Result<T, BitgetAPIError>) -> Void) {
        let now = host.monotonic
        let backoff = attempt == 0 ? 0 : Int64(250_000_000) << (attempt - 1)
        let delay = limiter.reserve(path, now: now, notBefore: now + backoff)
        let go = { [weak self] in
            guard let self else { return }
            self.perform(method, path, query: query, body: body, signed: signed, as: type) { [weak self] result in
                if case .failure(let error) = result, error.kind == .rateLimited, attempt < Self.rateLimitRetries, let self {
                    self.send(method, path, query: query, body: body, signed: signed, as: type, attempt: attempt + 1,
                              completion: completion)
                    return
                }
                completion(result)
            }
        }
        guard delay > 0 else { return go() }
        do {
            try host.startTimer(after: .nanoseconds(delay)) { [weak self] _ in
                self?.waitingForSlot -= 1
                go()
            }
            waitingForSlot += 1
        } catch {
            completion(.failure(BitgetAPIError(kind: .transport, message: "cannot schedule request: \(error.message)")))
        }
    }

    private func perform<T: Decodable>(_ method: String, _ path: String, query: [(String, String)], body: String,
                                       signed: Bool, as type: T.Type,
                                       completion: @escaping (Result<T, BitgetAPIError>) -> Void) {
        guard held == nil else {
            held?.append { [weak self] in self?.perform(method, path, query: query, body: body, signed: signed, as: type,
                                                        completion: completion) }
            return
        }
        let answered: (Result<PluginHost.HTTPResponse, PluginError>) -> Void = { [weak self] result in
            let decoded = Self.decode(result, as: type, what: "\(method) \(path)")
            guard let self else { return completion(decoded) }
            self.inFlight -= 1
            self.whenReleased { completion(decoded) }
        }
        do throws(BitgetAPIError) {
            if signed, query.isEmpty, host.hasRequestTemplates {
                let template = try template(method, path)
                inFlight += 1
                try transport(method, path) { () throws(PluginError) in
                    try host.send(template: template, timestamp: exchangeNowMs, body: body, completion: answered)
                }
                return
            }
            let queryText = query.map { "\(Self.encode($0.0))=\(Self.encode($0.1))" }.joined(separator: "&")
            let requestPath = queryText.isEmpty ? path : "\(path)?\(queryText)"
            var headers = fixedHeaders
            if signed { headers += try authHeaders(method: method, requestPath: requestPath, body: body) }
            inFlight += 1
            try transport(method, path) { () throws(PluginError) in
                try host.request(method: method, url: baseURL + requestPath, headers: headers, body: body,
                                 credential: signed ? credential : nil, completion: answered)
            }
        } catch {
            completion(.failure(error))
        }
    }

    /// The fields every request carries.
    private var fixedHeaders: [(String, String)] {
        [("Content-Type", "application/json"), ("locale", "en-US")] + extraHeaders
    }

    /// Hands a request to the host; a refusal leaves nothing in flight and is a transport error.
    private func transport(_ method: String, _ path: String, _ start: () throws(PluginError) -> Void) throws(BitgetAPIError) {
        do {
            try start()
        } catch {
            inFlight -= 1
            throw BitgetAPIError(kind: .transport, message: "\(method) \(path): \(error.message)")
        }
    }

    /// The host's template for signed `method` requests to `path` without a query, made at
    /// the first (ABI 1.3 hosts): the host keeps the fixed fields, the key and passphrase
    /// included, and signs each send, so an order crosses to the host as its body alone.
    private func template(_ method: String, _ path: String) throws(BitgetAPIError) -> UInt64 {
        let key = TemplateKey(method: method, path: path)
        if let known = templates[key] { return known }
        guard let credential else {
            throw BitgetAPIError(kind: .invalidKey, message: "no credential configured for private requests")
        }
        do {
            let signing = PluginHost.RequestSigning(credential: credential, timestampHeader: "ACCESS-TIMESTAMP",
                                                    signatureHeader: "ACCESS-SIGN", infix: method.uppercased() + path)
            let made = try host.makeRequestTemplate(
                method: method, url: baseURL + path,
                headers: fixedHeaders + [("ACCESS-KEY", "{{api_key}}"), ("ACCESS-PASSPHRASE", "{{passphrase}}")],
                signing: signing)
            templates[key] = made
            return made
        } catch {
            throw BitgetAPIError(kind: .invalidKey, message: "credential \(credential): \(error.message)")
        }
    }

    /// `ACCESS-*` headers: sign = base64(HMAC-SHA256(secret, timestamp + METHOD + requestPath + body)).
    private func authHeaders(method: String, requestPath: String, body: String) throws(BitgetAPIError) -> [(String, String)] {
        guard let credential else {
            throw BitgetAPIError(kind: .invalidKey, message: "no credential configured for private requests")
        }
        let timestamp = String(exchangeNowMs)
        do {
            let sign = try host.sign(timestamp + method.uppercased() + requestPath + body, credential: credential)
            let key: String
            if let known = apiKey {
                key = known
            } else {
                key = try host.credentialField("api_key", credential: credential)
                apiKey = key
            }
            return [("ACCESS-KEY", key),
                    ("ACCESS-SIGN", sign),
                    ("ACCESS-TIMESTAMP", timestamp),
                    ("ACCESS-PASSPHRASE", "{{passphrase}}")]
        } catch {
            throw BitgetAPIError(kind: .invalidKey, message: "credential \(credential): \(error.message)")
        }
    }

    private struct Envelope<Payload: Decodable>: Decodable {
        let code: FlexibleString?
        let msg: String?
        let message: String?
        let data: Payload?
    }

    private struct ErrorEnvelope: Decodable {
        let code: FlexibleString?
        let msg: String?
        let message: String?
    }

    /// Turns an HTTP outcome into the envelope's `data` or a classified error.
    static func decode<T: Decodable>(_ result: Result<PluginHost.HTTPResponse, PluginError>, as type: T.Type,
                                     what: String) -> Result<T, BitgetAPIError> {
        let response: PluginHost.HTTPResponse
        switch result {
        case .failure(let error):
            return .failure(BitgetAPIError(kind: .transport, message: "\(what): \(error.message)"))
        case .success(let value):
            response = value
        }
        let body = Data(response.body)
        func notAnEnvelope() -> Result<T, BitgetAPIError> {
            let kind: BitgetAPIError.Kind = response.status >= 500 ? .serverError
                : response.status == 429 ? .rateLimited : .malformedResponse
            return .failure(BitgetAPIError(kind: kind, message: "\(what): HTTP \(response.status), body is not a Bitget envelope",
                                           httpStatus: response.status))
        }
        // One parse for every answer whose `data`, if any, has the shape asked for; only the
        // others are parsed again, as an error envelope, to classify them.
        let envelope: Envelope<T>
        do {
            envelope = try JSONDecoder().decode(Envelope<T>.self, from: body)
        } catch {
            guard let head = try? JSONDecoder().decode(ErrorEnvelope.self, from: body), let code = head.code?.text else {
                return notAnEnvelope()
            }
            guard code == "00000" else {
                return .failure(.exchange(code: code, message: head.msg ?? head.message ?? "", httpStatus: response.status))
            }
            return .failure(BitgetAPIError(kind: .malformedResponse, message: PayloadError(decoding: error, what: what).message,
                                           httpStatus: response.status))
        }
        guard let code = envelope.code?.text else { return notAnEnvelope() }
        guard code == "00000" else {
            return .failure(.exchange(code: code, message: envelope.msg ?? envelope.message ?? "", httpStatus: response.status))
        }
        guard let data = envelope.data else {
            return .failure(BitgetAPIError(kind: .malformedResponse, message: "\(what): data is missing", httpStatus: response.status))
        }
        return .success(data)
    }

    /// Percent-encodes a query component (RFC 3986 unreserved characters pass).
    static func encode(_ text: String) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return text.addingPercentEncoding(withAllowedCharacters: allowed) ?? text
    }
}

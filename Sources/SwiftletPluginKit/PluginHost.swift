import Foundation

/// The host services, for Swift plugins: a thin, typed layer over `swl_host_t`
/// (host.h). Callbacks are closures; the kit keeps them alive until they can no longer
/// fire and releases them when the instance stops.
///
/// Use it from the instance's own calls and callbacks (the host serializes those).
public final class PluginHost: @unchecked Sendable {
    /// The raw table, for calls the kit does not wrap.
    public let raw: UnsafePointer<swl_host_t>
    private let lock = NSLock()
    private var timers: [UInt64: TimerBox] = [:]
    private var sockets: [UInt64: SocketBox] = [:]

    init(_ raw: UnsafePointer<swl_host_t>) {
        self.raw = raw
    }

    /// Severity of a log line.
    public enum LogLevel: Int32, Sendable { case trace = 0, debug, info, warning, error }

    /// Writes one line to the host's log.
    public func log(_ level: LogLevel, _ message: String) {
        ABIValue.withCString(message) { raw.pointee.log?(raw, level.rawValue, $0) }
    }

    /// Wall-clock time, ns since the epoch.
    public var now: Int64 { raw.pointee.now_ns?(raw) ?? 0 }
    /// Monotonic time in ns, for durations.
    public var monotonic: Int64 { raw.pointee.monotonic_ns?(raw) ?? 0 }

    // MARK: timers

    /// Starts a timer: first after `delay`, then every `interval` (nil: once).
    @discardableResult
    public func startTimer(after delay: Duration, every interval: Duration? = nil,
                           _ fire: @escaping (UInt64) -> Void) throws(PluginError) -> UInt64 {
        let box = TimerBox(fire: fire, repeats: interval != nil)
        let user = Unmanaged.passUnretained(box).toOpaque()
        var id: UInt64 = 0
        try check { error in
            raw.pointee.timer_start!(raw, delay.nanoseconds, interval?.nanoseconds ?? 0, { user, id in
                guard let user else { return }
                Unmanaged<TimerBox>.fromOpaque(user).takeUnretainedValue().fire(id)
            }, user, &id, error)
        }
        box.host = self
        lock.withLock { timers[id] = box }
        return id
    }

    /// Cancels a timer; its closure is not called again.
    public func cancelTimer(_ id: UInt64) throws(PluginError) {
        lock.withLock { _ = timers.removeValue(forKey: id) }
        try check { raw.pointee.timer_cancel!(raw, id, $0) }
    }

    fileprivate func timerFinished(_ id: UInt64) {
        lock.withLock { _ = timers.removeValue(forKey: id) }
    }

    // MARK: HTTP

    /// A completed HTTP exchange (any status code).
    public struct HTTPResponse: Sendable {
        public let status: Int
        public let headers: [(name: String, value: String)]
        public let body: [UInt8]
        /// The body as UTF-8 text.
        public var text: String { String(decoding: body, as: UTF8.self) }

        public init(status: Int, headers: [(name: String, value: String)], body: [UInt8]) {
            self.status = status
            self.headers = headers
            self.body = body
        }
    }

    /// Sends an HTTP request; `completion` runs once, later, on the instance's context.
    ///
    /// With `credential`, the host writes that credential's fields into the header values
    /// in place of `{{api_key}}` and `{{passphrase}}` (ABI 1.2): how a signed request
    /// carries a passphrase the plugin never reads. An older host is refused up front.
    @discardableResult
    public func request(method: String = "GET", url: String, headers: [(String, String)] = [],
                        body: String = "", timeout: Duration = .seconds(10), credential: String? = nil,
                        completion: @escaping (Result<HTTPResponse, PluginError>) -> Void) throws(PluginError) -> UInt64 {
        if credential != nil, raw.pointee.abi_minor < 2 {
            throw PluginError(SWL_ERR_UNSUPPORTED, "the host (ABI 1.\(raw.pointee.abi_minor)) cannot fill credential placeholders: it needs ABI 1.2")
        }
        let storage = CStorage()
        let cHeaders = Self.cHeaders(headers, in: storage)
        var request = swl_http_request_t()
        request.struct_size = UInt32(MemoryLayout<swl_http_request_t>.size)
        request.method = storage.string(method)
        request.url = storage.string(url)
        (request.headers, request.header_count) = cHeaders
        request.body = storage.string(body)
        request.timeout = timeout.nanoseconds
        if let credential { request.credential = storage.string(credential) }
        return try start(completion) { callback, user, id, error in
            withExtendedLifetime(storage) { raw.pointee.http_request!(raw, &request, callback, user, id, error) }
        }
    }

    /// `headers` as a C array of `swl_http_header_t` copied into `storage`, and its count.
    private static func cHeaders(_ headers: [(String, String)], in storage: CStorage) -> (UnsafePointer<swl_http_header_t>?, Int) {
        (storage.array(headers.map { swl_http_header_t(name: storage.string($0.0), value: storage.string($0.1)) }), headers.count)
    }

    /// Starts an HTTP request with `call` (`http_request` or `http_template_send`), handing it
    /// the callback and a retained box for `completion`, released if the host refuses.
    private func start(_ completion: @escaping (Result<HTTPResponse, PluginError>) -> Void,
                       _ call: (swl_http_callback_t, UnsafeMutableRawPointer, UnsafeMutablePointer<UInt64>,
                                UnsafeMutablePointer<swl_error_t>) -> swl_status_t) throws(PluginError) -> UInt64 {
        let box = Unmanaged.passRetained(CompletionBox(completion))
        var id: UInt64 = 0
        do throws(PluginError) {
            try check { error in
                call({ user, response in
                    guard let user else { return }
                    Unmanaged<CompletionBox>.fromOpaque(user).takeRetainedValue().complete(PluginHost.decode(response))
                }, box.toOpaque(), &id, error)
            }
        } catch {
            box.release()
            throw error
        }
        return id
    }

    /// What a signed request template (ABI 1.3) signs with and where the signature goes:
    /// each send signs the decimal timestamp, then `infix`, then the body.
    public struct RequestSigning: Sendable {
        /// The credential, granted to the instance, whose secret signs each send.
        public var credential: String
        /// `SWL_SIGN_HMAC_SHA256_BASE64` or `SWL_SIGN_HMAC_SHA256_HEX`.
        public var algorithm: Int32
        /// The field the host writes the decimal timestamp into (Bitget: `ACCESS-TIMESTAMP`).
        public var timestampHeader: String
        /// The field the host writes the signature into (Bitget: `ACCESS-SIGN`).
        public var signatureHeader: String
        /// What is signed between the timestamp and the body (Bitget: `POST/api/v2/...`).
        public var infix: String

        /// Makes a signing description; Base64 HMAC-SHA256 unless `algorithm` says otherwise.
        public init(credential: String, algorithm: Int32 = Int32(SWL_SIGN_HMAC_SHA256_BASE64),
                    timestampHeader: String, signatureHeader: String, infix: String) {
            self.credential = credential
            self.algorithm = algorithm
            self.timestampHeader = timestampHeader
            self.signatureHeader = signatureHeader
            self.infix = infix
        }
    }

    /// Whether the host keeps signed request templates (`http_template_*`, ABI 1.3).
    public var hasRequestTemplates: Bool { member(\.http_template_release) != nil }

    /// A service added to the host table after 1.0: the function if the host's table is large
    /// enough to hold it and sets it, else nil (`SWL_HAS_MEMBER`).
    private func member<Function>(_ service: KeyPath<swl_host_t, Function?>) -> Function? {
        guard let offset = MemoryLayout<swl_host_t>.offset(of: service),
              Int(raw.pointee.struct_size) >= offset + MemoryLayout<Function?>.size else { return nil }
        return UnsafeRawPointer(raw).load(fromByteOffset: offset, as: Function?.self)
    }

    /// Has the host check and keep a signed request whose method, URL and fields are fixed
    /// (`http_template_create`); `{{api_key}}`/`{{passphrase}}` in the field values are filled
    /// from the signing credential once. Returns the template's id for ``send(template:timestamp:body:completion:)``.
    /// An older host is refused with `SWL_ERR_UNSUPPORTED`.
    public func makeRequestTemplate(method: String, url: String, headers: [(String, String)], signing: RequestSigning,
                                    timeout: Duration = .seconds(10)) throws(PluginError) -> UInt64 {
        guard hasRequestTemplates, let create = member(\.http_template_create) else {
            throw PluginError(SWL_ERR_UNSUPPORTED, "the host (ABI 1.\(raw.pointee.abi_minor)) has no request templates: they need ABI 1.3")
        }
        let storage = CStorage()
        let cHeaders = Self.cHeaders(headers, in: storage)
        var template = swl_http_template_t()
        template.struct_size = UInt32(MemoryLayout<swl_http_template_t>.size)
        template.method = storage.string(method)
        template.url = storage.string(url)
        (template.headers, template.header_count) = cHeaders
        template.timeout = timeout.nanoseconds
        template.credential = storage.string(signing.credential)
        template.algorithm = swl_sign_algorithm_t(signing.algorithm)
        template.timestamp_header = storage.string(signing.timestampHeader)
        template.signature_header = storage.string(signing.signatureHeader)
        template.signed_infix = storage.string(signing.infix)
        var id: UInt64 = 0
        try check { error in withExtendedLifetime(storage) { create(raw, &template, &id, error) } }
        return id
    }

    /// Sends a template made by ``makeRequestTemplate(method:url:headers:signing:timeout:)``
    /// with `body`; the host signs it over `timestamp` and writes the timestamp and the
    /// signature into their fields. `completion` runs once, later, on the instance's context.
    @discardableResult
    public func send(template: UInt64, timestamp: Int64, body: String,
                     completion: @escaping (Result<HTTPResponse, PluginError>) -> Void) throws(PluginError) -> UInt64 {
        guard hasRequestTemplates, let send = member(\.http_template_send) else {
            throw PluginError(SWL_ERR_UNSUPPORTED, "the host has no request templates: they need ABI 1.3")
        }
        return try start(completion) { callback, user, id, error in
            ABIValue.withCString(body) { send(raw, template, timestamp, $0, callback, user, id, error) }
        }
    }

    /// Forgets a request template (`http_template_release`).
    public func releaseRequestTemplate(_ id: UInt64) throws(PluginError) {
        guard hasRequestTemplates, let release = raw.pointee.http_template_release else {
            throw PluginError(SWL_ERR_UNSUPPORTED, "the host has no request templates: they need ABI 1.3")
        }
        try check { release(raw, id, $0) }
    }

    private static func decode(_ response: UnsafePointer<swl_http_response_t>?) -> Result<HTTPResponse, PluginError> {
        guard let response else { return .failure(PluginError(SWL_ERR_INTERNAL, "no response")) }
        let r = response.pointee
        guard r.status == SWL_OK else {
            let message = (try? ABIValue.string(r.error, field: "error")) ?? "request failed"
            return .failure(PluginError(r.status, message))
        }
        var headers: [(String, String)] = []
        if let pointer = r.headers {
            for header in UnsafeBufferPointer(start: pointer, count: r.header_count) {
                headers.append(((try? ABIValue.string(header.name, field: "name")) ?? "",
                                (try? ABIValue.string(header.value, field: "value")) ?? ""))
            }
        }
        let body = r.body.len > 0 && r.body.ptr != nil
            ? Array(UnsafeRawBufferPointer(start: r.body.ptr, count: r.body.len)) : []
        return .success(HTTPResponse(status: Int(r.http_status), headers: headers, body: body))
    }

    // MARK: WebSocket

    /// State changes of a host-owned WebSocket.
    public enum SocketState: Sendable, Equatable { case open, closed(String), failed(String) }

    /// Opens a WebSocket owned by the host; frames and state changes arrive in order.
    @discardableResult
    public func openWebSocket(url: String, headers: [(String, String)] = [],
                              onMessage: @escaping (_ data: UnsafeRawBufferPointer, _ isBinary: Bool) -> Void,
                              onState: @escaping (SocketState) -> Void) throws(PluginError) -> UInt64 {
        let box = SocketBox(onMessage: onMessage, onState: onState)
        let storage = CStorage()
        let cHeaders = Self.cHeaders(headers, in: storage)
        var params = swl_ws_open_params_t()
        params.struct_size = UInt32(MemoryLayout<swl_ws_open_params_t>.size)
        params.url = storage.string(url)
        (params.headers, params.header_count) = cHeaders
        params.callbacks = Self.callbacks(box)
        var id: UInt64 = 0
        try check { error in withExtendedLifetime(storage) { raw.pointee.ws_open!(raw, &params, &id, error) } }
        box.host = self
        lock.withLock { sockets[id] = box }
        return id
    }

    /// Takes over a connection the previous version of this instance owned, during a hot
    /// swap (its id came in the exported state; ext/hotswap.h `adopt_websocket`). From now
    /// on its frames and state changes go to these closures, the frames the host held
    /// during the swap first. `SWL_ERR_UNSUPPORTED` from a host without the extension.
    public func adoptWebSocket(_ id: UInt64,
                               onMessage: @escaping (_ data: UnsafeRawBufferPointer, _ isBinary: Bool) -> Void,
                               onState: @escaping (SocketState) -> Void) throws(PluginError) {
        let hotswap = try Self.hostExtension(SWL_EXT_HOST_HOTSWAP, of: raw, as: swl_host_hotswap_t.self)
        guard let adopt = hotswap.pointee.adopt_websocket else {
            throw PluginError(SWL_ERR_ABI, "the host's \(SWL_EXT_HOST_HOTSWAP) table has NULL adopt_websocket")
        }
        guard lock.withLock({ sockets[id] }) == nil else {
            throw PluginError(SWL_ERR_STATE, "connection \(id) is already this instance's")
        }
        let box = SocketBox(onMessage: onMessage, onState: onState)
        var callbacks = Self.callbacks(box)
        // No callback can run before this call returns (the host serializes calls into the
        // instance), so the box is kept only once the host has accepted it.
        try withExtendedLifetime(box) { () throws(PluginError) in
            try check { error in adopt(raw, id, &callbacks, error) }
        }
        box.host = self
        lock.withLock { sockets[id] = box }
    }

    /// The C callbacks that forward a connection's frames and states to `box`.
    private static func callbacks(_ box: SocketBox) -> swl_ws_callbacks_t {
        var callbacks = swl_ws_callbacks_t()
        callbacks.struct_size = UInt32(MemoryLayout<swl_ws_callbacks_t>.size)
        callbacks.user = Unmanaged.passUnretained(box).toOpaque()
        callbacks.on_message = { user, _, data, isBinary in
            guard let user else { return }
            let box = Unmanaged<SocketBox>.fromOpaque(user).takeUnretainedValue()
            box.onMessage(UnsafeRawBufferPointer(start: data.ptr, count: data.len), isBinary != 0)
        }
        callbacks.on_state = { user, id, state, detail in
            guard let user else { return }
            let box = Unmanaged<SocketBox>.fromOpaque(user).takeUnretainedValue()
            let text = (try? ABIValue.string(detail, field: "detail")) ?? ""
            switch Int(state) {
            case Int(SWL_WS_OPEN): box.onState(.open)
            case Int(SWL_WS_CLOSED):
                box.onState(.closed(text))
                box.host?.socketFinished(id)
            default:
                box.onState(.failed(text))
                box.host?.socketFinished(id)
            }
        }
        return callbacks
    }

    /// Sends a text message.
    public func send(_ id: UInt64, text: String) throws(PluginError) {
        try check { error in ABIValue.withCString(text) { raw.pointee.ws_send!(raw, id, $0, 0, error) } }
    }

    /// Sends a text message in which the host first writes the named credential's fields,
    /// JSON-escaped, in place of `{{api_key}}` and `{{passphrase}}` (`ws_send_with_credential`,
    /// ABI 1.2): a login message carrying a passphrase the plugin never reads.
    public func send(_ id: UInt64, text: String, credential: String) throws(PluginError) {
        guard let sendFilled = member(\.ws_send_with_credential) else {
            throw PluginError(SWL_ERR_UNSUPPORTED, "the host cannot fill credential placeholders (ws_send_with_credential): it needs ABI 1.2")
        }
        try check { error in
            ABIValue.withCString(credential) { name in ABIValue.withCString(text) { sendFilled(raw, id, name, $0, error) } }
        }
    }

    /// Closes a WebSocket; the state callback reports `.closed`.
    public func closeWebSocket(_ id: UInt64) throws(PluginError) {
        try check { raw.pointee.ws_close!(raw, id, $0) }
    }

    fileprivate func socketFinished(_ id: UInt64) {
        lock.withLock { _ = sockets.removeValue(forKey: id) }
    }

    // MARK: signing and credentials

    /// Signs `payload` with the named credential's secret (which stays in the host).
    public func sign(_ payload: String, credential: String,
                     algorithm: Int32 = Int32(SWL_SIGN_HMAC_SHA256_BASE64)) throws(PluginError) -> String {
        try readText { out, capacity, length, error in
            ABIValue.withCString(credential) { name in
                ABIValue.withCString(payload) { raw.pointee.sign!(raw, name, swl_sign_algorithm_t(algorithm), $0, out, capacity, length, error) }
            }
        }
    }

    /// The non-secret field of a credential: "api_key". The passphrase is not readable;
    /// send it with `{{passphrase}}` (`request(credential:)`, `send(_:text:credential:)`).
    public func credentialField(_ field: String, credential: String) throws(PluginError) -> String {
        try readText { out, capacity, length, error in
            ABIValue.withCString(credential) { name in
                ABIValue.withCString(field) { raw.pointee.credential_field!(raw, name, $0, out, capacity, length, error) }
            }
        }
    }

    // MARK: key-value state

    /// Stores a value durably under `key` (namespaced by plugin id).
    public func store(_ value: [UInt8], forKey key: String) throws(PluginError) {
        try put(value, forKey: key, with: raw.pointee.kv_put!)
    }

    /// Stores `value` under `key` without waiting for the disk (`kv_put_deferred`): readable
    /// at once, written shortly by the host, lost in a crash before that. A host older than
    /// ABI 1.1 has no such service: then this is ``store(_:forKey:)``.
    public func storeLater(_ value: [UInt8], forKey key: String) throws(PluginError) {
        guard let putDeferred = member(\.kv_put_deferred) else {
            return try store(value, forKey: key)
        }
        try put(value, forKey: key, with: putDeferred)
    }

    /// Calls `kv_put` or `kv_put_deferred` (same signature) with `key` and `value`.
    private func put(_ value: [UInt8], forKey key: String,
                     with function: @convention(c) (UnsafePointer<swl_host_t>?, swl_str_t, swl_str_t,
                                                    UnsafeMutablePointer<swl_error_t>?) -> swl_status_t) throws(PluginError) {
        try check { error in
            ABIValue.withCString(key) { k in
                value.withUnsafeBufferPointer { buffer in
                    function(raw, k, swl_str_t(ptr: UnsafeRawPointer(buffer.baseAddress)?.assumingMemoryBound(to: CChar.self),
                                               len: buffer.count), error)
                }
            }
        }
    }

    /// The value stored under `key`, or nil.
    public func load(key: String) throws(PluginError) -> [UInt8]? {
        var capacity = 256
        while true {
            var buffer = [UInt8](repeating: 0, count: capacity)
            var length = 0
            var record = ABIError.emptyRecord()
            let status = ABIValue.withCString(key) { k in
                buffer.withUnsafeMutableBufferPointer { out in
                    out.baseAddress!.withMemoryRebound(to: CChar.self, capacity: capacity) {
                        raw.pointee.kv_get!(raw, k, $0, capacity, &length, &record)
                    }
                }
            }
            switch Int(status) {
            case Int(SWL_OK): return Array(buffer.prefix(length))
            case Int(SWL_ERR_NOT_FOUND): return nil
            case Int(SWL_ERR_BUFFER_TOO_SMALL) where length > capacity: capacity = length
            default: throw ABIError.read(record, status: status)
            }
        }
    }

    /// Removes `key`.
    public func removeValue(forKey key: String) throws(PluginError) {
        try check { error in ABIValue.withCString(key) { raw.pointee.kv_delete!(raw, $0, error) } }
    }

    // MARK: events

    /// Reports an event to the host.
    public func emit(_ event: Event) throws(PluginError) {
        try check { error in EventEncoding.withCEvent(event) { raw.pointee.emit!(raw, $0, error) } }
    }

    /// The host-side extension table `id` (`swl_host_t.get_extension`) as a `Table`, whose
    /// first member is its `struct_size`: `SWL_ERR_UNSUPPORTED` when the host offers none,
    /// `SWL_ERR_ABI` when it is smaller than this SDK's `Table`.
    static func hostExtension<Table>(_ id: String, of host: UnsafePointer<swl_host_t>,
                                     as: Table.Type) throws(PluginError) -> UnsafePointer<Table> {
        guard let lookup = host.pointee.get_extension else {
            throw PluginError(SWL_ERR_UNSUPPORTED, "the host table has no get_extension")
        }
        guard let raw = ABIValue.withCString(id, { lookup(host, $0) }) else {
            throw PluginError(SWL_ERR_UNSUPPORTED, "the host does not offer extension \(id)")
        }
        let size = raw.load(as: UInt32.self)
        let needed = MemoryLayout<Table>.size
        guard Int(size) >= needed else {
            throw PluginError(SWL_ERR_ABI, "the host's \(id) table is \(size) bytes, need \(needed)")
        }
        return raw.assumingMemoryBound(to: Table.self)
    }

    /// Emits an event already in its C form (events.h), for hot paths that build it
    /// without allocating (see `BookEventEncoder`).
    public func emit(encoded event: UnsafePointer<swl_event_header_t>) throws(PluginError) {
        try check { raw.pointee.emit!(raw, event, $0) }
    }

    // MARK: internals

    /// Drops every closure the host can no longer call (after stop).
    func releaseAll() {
        lock.withLock {
            timers.removeAll()
            sockets.removeAll()
        }
    }

    private func check(_ body: (UnsafeMutablePointer<swl_error_t>) -> swl_status_t) throws(PluginError) {
        var record = ABIError.emptyRecord()
        let status = body(&record)
        guard status == SWL_OK else { throw ABIError.read(record, status: status) }
    }

    private func readText(_ body: (UnsafeMutablePointer<CChar>, Int, UnsafeMutablePointer<Int>,
                                   UnsafeMutablePointer<swl_error_t>) -> swl_status_t) throws(PluginError) -> String {
        var capacity = 128
        while true {
            var length = 0
            var record = ABIError.emptyRecord()
            // On the stack: signatures and credential fields are read on every order.
            let (status, text) = withUnsafeTemporaryAllocation(of: CChar.self, capacity: capacity) { buffer in
                buffer.initialize(repeating: 0)  // nothing unwritten is ever read
                let status = body(buffer.baseAddress!, capacity, &length, &record)
                return (status, status == SWL_OK ? ABIValue.text(buffer.baseAddress!, length: min(length, capacity)) : nil)
            }
            if let text { return text }
            if status == SWL_ERR_BUFFER_TOO_SMALL, length > capacity {
                capacity = length
                continue
            }
            throw ABIError.read(record, status: status)
        }
    }
}

private final class TimerBox {
    let fireClosure: (UInt64) -> Void
    let repeats: Bool
    weak var host: PluginHost?
    init(fire: @escaping (UInt64) -> Void, repeats: Bool) {
        self.fireClosure = fire
        self.repeats = repeats
    }
    func fire(_ id: UInt64) {
        fireClosure(id)
        if !repeats { host?.timerFinished(id) }
    }
}

private final class SocketBox {
    let onMessage: (UnsafeRawBufferPointer, Bool) -> Void
    let onState: (PluginHost.SocketState) -> Void
    weak var host: PluginHost?
    init(onMessage: @escaping (UnsafeRawBufferPointer, Bool) -> Void, onState: @escaping (PluginHost.SocketState) -> Void) {
        self.onMessage = onMessage
        self.onState = onState
    }
}

private final class CompletionBox {
    let complete: (Result<PluginHost.HTTPResponse, PluginError>) -> Void
    init(_ complete: @escaping (Result<PluginHost.HTTPResponse, PluginError>) -> Void) { self.complete = complete }
}

extension Duration {
    /// The duration in whole nanoseconds.
    public var nanoseconds: Int64 {
        let (seconds, attoseconds) = components
        return seconds * 1_000_000_000 + attoseconds / 1_000_000_000
    }
}

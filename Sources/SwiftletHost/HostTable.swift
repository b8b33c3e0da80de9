import CSwiftletSDK
import Foundation
import Logging
import SwiftletABI
import SwiftletCore
import SwiftletPersistence
import SwiftletTransport

/// The C functions behind `swl_host_t` (host.h). Each finds its `InstanceContext`
/// through `host_data`, checks its arguments, and maps every failure to a status plus
/// a message in the caller's error record.
enum HostTable {
    static func make() -> swl_host_t {
        var table = swl_host_t()
        table.struct_size = UInt32(MemoryLayout<swl_host_t>.size)
        table.abi_major = UInt16(SWL_ABI_MAJOR)
        table.abi_minor = UInt16(SWL_ABI_MINOR)
        table.log = { host, level, message in
            guard let context = InstanceContext.from(host) else { return }
            let text = (try? ABIValue.string(message, field: "message")) ?? "<log message was not valid UTF-8>"
            context.logger.log(level: HostTable.logLevel(level), "\(text)")
        }
        table.now_ns = { _ in Clocks.wallNanoseconds() }
        table.monotonic_ns = { _ in Clocks.monotonicNanoseconds() }
        table.timer_start = { host, delay, interval, callback, user, outID, error in
            HostTable.call(host, error) { context throws(ABIError) in
                guard let callback else { throw ABIError(SWL_ERR_INVALID_ARGUMENT, "timer callback is NULL") }
                guard delay >= 0, interval >= 0 else {
                    throw ABIError(SWL_ERR_INVALID_ARGUMENT, "timer delay and interval must be >= 0")
                }
                let target = Unchecked((callback, user))
                let repeats = interval > 0
                let id = context.runtime.timers.start(
                    delay: .nanoseconds(delay), interval: repeats ? .nanoseconds(interval) : nil
                ) { [weak context] id in
                    guard let context else { return }
                    context.deliver {
                        // A one-shot timer is finished once it fired.
                        if !repeats { guard context.releaseTimer(id) else { return } }
                        else { guard context.ownsTimer(id) else { return } }
                        target.value.0(target.value.1, id)
                    }
                }
                context.adoptTimer(id)
                outID?.pointee = id
            }
        }
        table.timer_cancel = { host, id, error in
            HostTable.call(host, error) { context throws(ABIError) in
                guard context.releaseTimer(id) else {
                    throw ABIError(SWL_ERR_NOT_FOUND, "no active timer \(id)")
                }
                context.runtime.timers.cancel(id)
            }
        }
        table.http_request = { host, request, callback, user, outID, error in
            HostTable.call(host, error) { context throws(ABIError) in
                guard let request else { throw ABIError(SWL_ERR_INVALID_ARGUMENT, "request is NULL") }
                guard let callback else { throw ABIError(SWL_ERR_INVALID_ARGUMENT, "HTTP callback is NULL") }
                let httpRequest = try HTTPBridge.request(request, context: context)
                let target = Unchecked((callback, user))
                let id = try HostTable.mapTransport { () throws(TransportError) in
                    try context.runtime.http.execute(httpRequest) { [weak context] result in
                        context?.deliver { HTTPBridge.complete(result, target: target) }
                    }
                }
                outID?.pointee = id
            }
        }
        table.ws_open = { host, params, outID, error in
            HostTable.call(host, error) { context throws(ABIError) in
                guard let params else { throw ABIError(SWL_ERR_INVALID_ARGUMENT, "params is NULL") }
                let open = try WebSocketBridge.openParameters(params)
                let routes = context.runtime.socketRoutes
                let route = SocketRoutes.Route(SocketRoutes.Target(context: context, callbacks: open.callbacks))
                let id = try HostTable.mapTransport { () throws(TransportError) in
                    try context.runtime.webSockets.open(url: open.url, headers: open.headers) { id, event in
                        route.receive(id, event, routes: routes)
                    }
                }
                context.adoptSocket(id)
                routes.register(id, route)
                outID?.pointee = id
            }
        }
        table.ws_send = { host, id, data, isBinary, error in
            HostTable.call(host, error) { context throws(ABIError) in
                guard context.ownsSocket(id) else { throw ABIError(SWL_ERR_NOT_FOUND, "no connection \(id)") }
                let bytes = try HostTable.bytes(of: data, field: "data")
                try HostTable.mapTransport { () throws(TransportError) in try context.runtime.webSockets.send(id, bytes, isBinary: isBinary != 0) }
            }
        }
        table.ws_send_with_credential = { host, id, credential, data, error in
            HostTable.call(host, error) { context throws(ABIError) in
                guard context.ownsSocket(id) else { throw ABIError(SWL_ERR_NOT_FOUND, "no connection \(id)") }
                let name = try HostTable.allowedCredential(credential, context)
                let text = try HostTable.filled(try ABIValue.string(data, field: "data"), credential: name,
                                                for: .jsonString, context)
                try HostTable.mapTransport { () throws(TransportError) in
                    try context.runtime.webSockets.send(id, Array(text.utf8), isBinary: false)
                }
            }
        }
        table.ws_close = { host, id, error in
            HostTable.call(host, error) { context throws(ABIError) in
                guard context.ownsSocket(id) else { throw ABIError(SWL_ERR_NOT_FOUND, "no connection \(id)") }
                try HostTable.mapTransport { () throws(TransportError) in try context.runtime.webSockets.close(id) }
            }
        }
        table.sign = { host, credential, algorithm, payload, out, capacity, outLength, error in
            HostTable.call(host, error) { context throws(ABIError) in
                let name = try HostTable.allowedCredential(credential, context)
                let method = try HostTable.signatureAlgorithm(algorithm)
                let data = try HostTable.bytes(of: payload, field: "payload")
                let signature = try HostTable.mapTransport { () throws(TransportError) in
                    try context.runtime.credentials.sign(credential: name, algorithm: method, payload: data)
                }
                try ABIValue.writeOutput(signature, to: out, capacity: capacity, length: outLength)
            }
        }
        table.credential_field = { host, credential, field, out, capacity, outLength, error in
            HostTable.call(host, error) { context throws(ABIError) in
                let name = try HostTable.allowedCredential(credential, context)
                let fieldName = try ABIValue.string(field, field: "field")
                if fieldName == "passphrase" { try HostTable.passphraseRead(by: context) }
                let value = try HostTable.mapTransport { () throws(TransportError) in try context.runtime.credentials.field(credential: name, named: fieldName) }
                try ABIValue.writeOutput(value, to: out, capacity: capacity, length: outLength)
            }
        }
        table.http_template_create = { host, spec, outID, error in
            HostTable.call(host, error) { context throws(ABIError) in
                guard let spec else { throw ABIError(SWL_ERR_INVALID_ARGUMENT, "template is NULL") }
                let template = try HTTPBridge.template(spec, context: context)
                let id = context.adoptTemplate(template)
                outID?.pointee = id
            }
        }
        table.http_template_send = { host, templateID, timestamp, body, callback, user, outID, error in
            HostTable.call(host, error) { context throws(ABIError) in
                guard let callback else { throw ABIError(SWL_ERR_INVALID_ARGUMENT, "HTTP callback is NULL") }
                guard let template = context.template(templateID) else {
                    throw ABIError(SWL_ERR_NOT_FOUND, "no request template \(templateID)")
                }
                // Borrowed for the call, which copies it into the request (no copy of its own).
                let bytes = try HostTable.borrowedBytes(of: body, field: "body")
                let target = Unchecked((callback, user))
                let id = try HostTable.mapTransport { () throws(TransportError) in
                    try context.runtime.http.execute(template, timestamp: timestamp, body: bytes,
                                                     credentials: context.runtime.credentials) { [weak context] result in
                        context?.deliver { HTTPBridge.complete(result, target: target) }
                    }
                }
                outID?.pointee = id
            }
        }
        table.http_template_release = { host, templateID, error in
            HostTable.call(host, error) { context throws(ABIError) in
                guard context.releaseTemplate(templateID) else {
                    throw ABIError(SWL_ERR_NOT_FOUND, "no request template \(templateID)")
                }
            }
        }
        table.kv_put = { host, key, value, error in
            HostTable.put(host, key, value, error) { store, namespace, key, value throws(PersistenceError) in
                try store.put(namespace: namespace, key: key, value: value)
            }
        }
        table.kv_put_deferred = { host, key, value, error in
            HostTable.put(host, key, value, error) { store, namespace, key, value throws(PersistenceError) in
                try store.putLater(namespace: namespace, key: key, value: value)
            }
        }
        table.kv_get = { host, key, out, capacity, outLength, error in
            HostTable.call(host, error) { context throws(ABIError) in
                let keyText = try HostTable.nonEmptyKey(key)
                let stored = try HostTable.mapPersistence { () throws(PersistenceError) in try context.runtime.keyValue.get(namespace: context.pluginID, key: keyText) }
                guard let stored else { throw ABIError(SWL_ERR_NOT_FOUND, "no key \"\(keyText)\"") }
                outLength?.pointee = stored.count
                guard stored.count <= capacity else {
                    throw ABIError(SWL_ERR_BUFFER_TOO_SMALL, "value needs \(stored.count) bytes, buffer has \(capacity)")
                }
                if let out, !stored.isEmpty {
                    stored.withUnsafeBytes { UnsafeMutableRawPointer(out).copyMemory(from: $0.baseAddress!, byteCount: $0.count) }
                }
            }
        }
        table.kv_delete = { host, key, error in
            HostTable.call(host, error) { context throws(ABIError) in
                let keyText = try HostTable.nonEmptyKey(key)
                try HostTable.mapPersistence { () throws(PersistenceError) in try context.runtime.keyValue.delete(namespace: context.pluginID, key: keyText) }
            }
        }
        table.emit = { host, event, error in
            HostTable.call(host, error) { context throws(ABIError) in
                var decoded = try EventDecoding.decode(event)
                if decoded.context.source.isEmpty { decoded.context.source = context.instanceName }
                context.runtime.events.publish(decoded)
            }
        }
        table.get_extension = { host, id in
            guard let context = InstanceContext.from(host),
                  let name = try? ABIValue.string(id, field: "extension_id") else { return nil }
            if name == SWL_EXT_HOST_HOTSWAP { return UnsafeRawPointer(HostTable.hostHotSwap) }
            return context.extensions?.hostExtension(name)
        }
        return table
    }

    /// The host side of hot swap (ext/hotswap.h), offered to every instance.
    nonisolated(unsafe) static let hostHotSwap: UnsafeMutablePointer<swl_host_hotswap_t> = {
        let table = UnsafeMutablePointer<swl_host_hotswap_t>.allocate(capacity: 1)
        table.initialize(to: swl_host_hotswap_t())
        table.pointee.struct_size = UInt32(MemoryLayout<swl_host_hotswap_t>.size)
        table.pointee.adopt_websocket = { host, id, callbacks, error in
            HostTable.call(host, error) { context throws(ABIError) in
                guard let callbacks else { throw ABIError(SWL_ERR_INVALID_ARGUMENT, "callbacks is NULL") }
                let table = try WebSocketBridge.callbacks(callbacks.pointee)
                try context.runtime.socketRoutes.adopt(id, by: context, callbacks: table)
            }
        }
        return table
    }()

    /// Runs one host service call: resolves the instance, maps errors to status codes.
    private static func call(_ host: UnsafePointer<swl_host_t>?, _ error: UnsafeMutablePointer<swl_error_t>?,
                             _ body: (InstanceContext) throws(ABIError) -> Void) -> swl_status_t {
        guard let context = InstanceContext.from(host) else {
            ABIError(SWL_ERR_INVALID_ARGUMENT, "host table pointer is NULL or foreign").write(to: error)
            return swl_status_t(SWL_ERR_INVALID_ARGUMENT)
        }
        do {
            try body(context)
            return swl_status_t(SWL_OK)
        } catch let failure {
            failure.write(to: error)
            return failure.status
        }
    }

    private static func logLevel(_ level: swl_log_level_t) -> Logger.Level {
        switch Int(level) {
        case Int(SWL_LOG_TRACE): .trace
        case Int(SWL_LOG_DEBUG): .debug
        case Int(SWL_LOG_INFO): .info
        case Int(SWL_LOG_WARNING): .warning
        default: .error
        }
    }

    static func bytes(of value: swl_str_t, field: StaticString) throws(ABIError) -> [UInt8] {
        Array(try borrowedBytes(of: value, field: field))
    }

    /// The bytes of `value`, borrowed: valid only while the call that passed them runs.
    static func borrowedBytes(of value: swl_str_t, field: StaticString) throws(ABIError) -> UnsafeRawBufferPointer {
        if value.len == 0 { return UnsafeRawBufferPointer(start: nil, count: 0) }
        guard let pointer = value.ptr else {
            throw ABIError(SWL_ERR_INVALID_ARGUMENT, "\(field): NULL pointer with length \(value.len)")
        }
        return UnsafeRawBufferPointer(start: pointer, count: value.len)
    }

    /// `kv_put` and `kv_put_deferred`: checks the key and value, then `write`s them in the
    /// instance's namespace.
    private static func put(_ host: UnsafePointer<swl_host_t>?, _ key: swl_str_t, _ value: swl_str_t,
                            _ error: UnsafeMutablePointer<swl_error_t>?,
                            _ write: (KeyValueStore, String, String, [UInt8]) throws(PersistenceError) -> Void) -> swl_status_t {
        call(host, error) { context throws(ABIError) in
            let keyText = try nonEmptyKey(key)
            let bytes = try HostTable.bytes(of: value, field: "value")
            try mapPersistence { () throws(PersistenceError) in try write(context.runtime.keyValue, context.pluginID, keyText, bytes) }
        }
    }

    private static func nonEmptyKey(_ key: swl_str_t) throws(ABIError) -> String {
        let text = try ABIValue.string(key, field: "key")
        guard !text.isEmpty, text.utf8.count <= 256 else {
            throw ABIError(SWL_ERR_INVALID_ARGUMENT, "key must be 1...256 bytes")
        }
        return text
    }

    static func signatureAlgorithm(_ algorithm: swl_sign_algorithm_t) throws(ABIError) -> SignatureAlgorithm {
        switch Int(algorithm) {
        case Int(SWL_SIGN_HMAC_SHA256_BASE64): .hmacSHA256Base64
        case Int(SWL_SIGN_HMAC_SHA256_HEX): .hmacSHA256Hex
        default: throw ABIError(SWL_ERR_INVALID_ARGUMENT, "unknown signature algorithm \(algorithm)")
        }
    }

    static func allowedCredential(_ credential: swl_str_t, _ context: InstanceContext) throws(ABIError) -> String {
        let name = try ABIValue.string(credential, field: "credential")
        guard context.allowedCredentials.contains(name) else {
            throw ABIError(SWL_ERR_NOT_FOUND, "credential \"\(name)\" is not granted to \(context.instanceName)")
        }
        return name
    }

    /// `text` with the `{{api_key}}` / `{{passphrase}}` placeholders filled in from a
    /// credential granted to the instance.
    static func filled(_ text: String, credential name: String, for setting: PlaceholderSetting,
                       _ context: InstanceContext) throws(ABIError) -> String {
        try mapTransport { () throws(TransportError) in
            try context.runtime.credentials.fillingPlaceholders(in: text, credential: name, for: setting)
        }
    }

    /// Plugins built for ABI 1.2 or later never read the passphrase (they send it through
    /// placeholders); older ones still may, with a warning logged once per instance.
    private static func passphraseRead(by context: InstanceContext) throws(ABIError) {
        guard context.abiMinor < 2 else {
            throw ABIError(SWL_ERR_NOT_FOUND, "the passphrase is not readable: put {{passphrase}} where it goes "
                           + "(swl_http_request_t.credential, ws_send_with_credential)")
        }
        if !context.warnedOfPassphraseRead.exchange(true, ordering: .relaxed) {
            context.logger.warning("plugin built for ABI 1.\(context.abiMinor) reads a credential's passphrase; deprecated since ABI 1.2, which sends it through {{passphrase}} placeholders")
        }
    }

    static func mapTransport<R>(_ body: () throws(TransportError) -> R) throws(ABIError) -> R {
        do {
            return try body()
        } catch {
            let status: Int32 = switch error.kind {
            case .invalidRequest: Int32(SWL_ERR_INVALID_ARGUMENT)
            case .io: Int32(SWL_ERR_IO)
            case .timeout: Int32(SWL_ERR_TIMEOUT)
            case .notFound, .unknownCredential: Int32(SWL_ERR_NOT_FOUND)
            case .notOpen: Int32(SWL_ERR_STATE)
            case .bufferTooSmall: Int32(SWL_ERR_BUFFER_TOO_SMALL)
            }
            throw ABIError(status, error.message)
        }
    }

    private static func mapPersistence<R>(_ body: () throws(PersistenceError) -> R) throws(ABIError) -> R {
        do {
            return try body()
        } catch {
            throw ABIError(SWL_ERR_IO, error.message)
        }
    }
}

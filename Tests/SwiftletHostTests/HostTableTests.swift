import CSwiftletSDK
import Foundation
import GRDB
import InMemoryLogging
import Logging
import SwiftletABI
@testable import SwiftletHost
import SwiftletCore
@testable import SwiftletPersistence
@testable import SwiftletTransport
import Synchronization
import Testing

/// Host services called through `swl_host_t` exactly as a plugin calls them.
@Suite struct HostTableTests {
    /// An instance of the C example plugin, used as the caller identity.
    private func vessel(_ runtime: HostRuntime, credentials: Set<String> = []) throws -> PluginInstance {
        let library = try PluginLoader.load(path: try TestSupport.builtPlugin("ExampleCHeartbeat"))
        return try runtime.instantiate(library, config: #"{"url":"http://127.0.0.1:9/"}"#, credentials: credentials)
    }

    private func str<R>(_ text: String, _ body: (swl_str_t) -> R) -> R { ABIValue.withCString(text, body) }

    private func sign(_ host: UnsafePointer<swl_host_t>, credential: String, payload: String,
                      algorithm: Int32 = Int32(SWL_SIGN_HMAC_SHA256_BASE64), capacity: Int = 128)
        -> (status: swl_status_t, text: String, length: Int, message: String) {
        var buffer = [CChar](repeating: 0, count: capacity)
        var length = 0
        var record = ABIError.emptyRecord()
        let status = str(credential) { name in
            str(payload) { data in
                buffer.withUnsafeMutableBufferPointer {
                    host.pointee.sign!(host, name, swl_sign_algorithm_t(algorithm), data, $0.baseAddress, capacity, &length, &record)
                }
            }
        }
        let text = status == SWL_OK ? String(decoding: buffer.prefix(length).map { UInt8(bitPattern: $0) }, as: UTF8.self) : ""
        return (status, text, length, status == SWL_OK ? "" : ABIError.read(record, status: status).message)
    }

    @Test func signsWithANamedCredentialMatchingTheRFC4231Vector() throws {
        let runtime = try HostRuntime()
        runtime.credentials.add(Credential(name: "rfc", apiKey: "key-1", secret: "Jefe", passphrase: "pass-1"))
        let instance = try vessel(runtime, credentials: ["rfc"])
        let host = instance.hostTable
        let base64 = sign(host, credential: "rfc", payload: "what do ya want for nothing?")
        #expect(base64.status == SWL_OK)
        #expect(base64.text == "W9zBRr9gdU5qBCQmCJV1x1oAPwidJzmDnexYuWTsOEM=")
        let hex = sign(host, credential: "rfc", payload: "what do ya want for nothing?",
                       algorithm: Int32(SWL_SIGN_HMAC_SHA256_HEX))
        #expect(hex.text == "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843")

        let small = sign(host, credential: "rfc", payload: "x", capacity: 8)
        #expect(small.status == SWL_ERR_BUFFER_TOO_SMALL)
        #expect(small.length == 44)
        instance.destroy()
    }

    @Test func credentialsNotGrantedOrUnknownAreRefusedAndSecretsAreUnreadable() throws {
        let runtime = try HostRuntime()
        runtime.credentials.add(Credential(name: "main", apiKey: "bg_key", secret: "s3cret", passphrase: "phrase"))
        let granted = try vessel(runtime, credentials: ["main"])
        let stranger = try vessel(runtime)
        let refused = sign(stranger.hostTable, credential: "main", payload: "x")
        #expect(refused.status == SWL_ERR_NOT_FOUND)
        #expect(refused.message.contains("not granted"))

        func field(_ name: String) -> (swl_status_t, String) {
            var buffer = [CChar](repeating: 0, count: 64)
            var length = 0
            var record = ABIError.emptyRecord()
            let host = granted.hostTable
            let status = str("main") { credential in
                str(name) { fieldName in
                    buffer.withUnsafeMutableBufferPointer {
                        host.pointee.credential_field!(host, credential, fieldName, $0.baseAddress, 64, &length, &record)
                    }
                }
            }
            return (status, String(decoding: buffer.prefix(length).map { UInt8(bitPattern: $0) }, as: UTF8.self))
        }
        #expect(field("api_key") == (swl_status_t(SWL_OK), "bg_key"))
        #expect(field("passphrase").0 == SWL_ERR_NOT_FOUND)
        #expect(field("secret").0 == SWL_ERR_NOT_FOUND)
        granted.destroy()
        stranger.destroy()
    }

    @Test func aPluginBuiltForABI1Point1MayStillReadThePassphrase() throws {
        let log = InMemoryLogHandler()
        let runtime = try HostRuntime(logger: Logger(label: "test") { _ in log })
        runtime.credentials.add(Credential(name: "main", apiKey: "bg_key", secret: "s3cret", passphrase: "phrase"))
        let directory = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let output = directory.appendingPathComponent("older.so")
        try TestSupport.compileCPlugin(TestSupport.fixture("plugins/misbehaving.c"), defines: ["ABI_MINOR=1"], output: output)
        let library = try PluginLoader.load(path: output.path)
        #expect(library.info.abiMinor == 1)
        let older = try runtime.instantiate(library, credentials: ["main"])
        var buffer = [CChar](repeating: 0, count: 64)
        var length = 0
        var record = ABIError.emptyRecord()
        let host = older.hostTable
        let status = str("main") { credential in
            str("passphrase") { name in
                buffer.withUnsafeMutableBufferPointer { host.pointee.credential_field!(host, credential, name, $0.baseAddress, 64, &length, &record) }
            }
        }
        #expect(status == SWL_OK)
        #expect(String(decoding: buffer.prefix(length).map { UInt8(bitPattern: $0) }, as: UTF8.self) == "phrase")
        // Deprecated: said once per instance, however often it reads.
        _ = str("main") { credential in
            str("passphrase") { name in
                buffer.withUnsafeMutableBufferPointer { host.pointee.credential_field!(host, credential, name, $0.baseAddress, 64, &length, &record) }
            }
        }
        let warnings = log.entries.filter { $0.level == .warning }.map { "\($0.message)" }
        #expect(warnings.filter { $0.contains("deprecated since ABI 1.2") }.count == 1, "\(warnings)")
        older.destroy()
    }

    /// What the host would send for a request with one header, `value`, naming `credential`
    /// in a struct of `size` bytes; or the status and message it refuses it with.
    private func bridged(_ instance: PluginInstance, header value: String, credential: String,
                         size: Int = MemoryLayout<swl_http_request_t>.size) -> Result<String, ABIError> {
        str("ACCESS-PASSPHRASE") { name in
            str(value) { value in
                str(credential) { credential in
                    str("POST") { method in
                        str("http://127.0.0.1:9/api/v2/spot/trade/place-order") { url in
                            var header = swl_http_header_t(name: name, value: value)
                            var request = swl_http_request_t()
                            request.struct_size = UInt32(size)
                            request.method = method
                            request.url = url
                            request.credential = credential
                            return withUnsafePointer(to: &header) { headers in
                                request.headers = headers
                                request.header_count = 1
                                return Result { () throws(ABIError) in
                                    try HTTPBridge.request(&request, context: instance.context).headers[0].value
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    @Test func aRequestNamingACredentialHasItsPlaceholdersFilledInByTheHost() throws {
        let runtime = try HostRuntime()
        runtime.credentials.add(Credential(name: "main", apiKey: "bg_key", secret: "s3cret", passphrase: "phrase"))
        runtime.credentials.add(Credential(name: "other", apiKey: "k", secret: "s", passphrase: "p"))
        let instance = try vessel(runtime, credentials: ["main"])
        #expect(try bridged(instance, header: "{{passphrase}}", credential: "main").get() == "phrase")
        #expect(try bridged(instance, header: "{{api_key}}:{{passphrase}}", credential: "main").get() == "bg_key:phrase")
        // No credential named: the header goes as given.
        #expect(try bridged(instance, header: "{{passphrase}}", credential: "").get() == "{{passphrase}}")
        // A plugin built for ABI 1.1 has no `credential` member: whatever lies after its struct is not read.
        #expect(try bridged(instance, header: "{{passphrase}}", credential: "main", size: HTTPBridge.minimumRequestSize).get()
                == "{{passphrase}}")
        let refusals: [(String, String, swl_status_t, String)] = [
            ("{{passphrase}}", "other", swl_status_t(SWL_ERR_NOT_FOUND), "not granted"),
            ("{{passphrase}}", "absent", swl_status_t(SWL_ERR_NOT_FOUND), "not granted"),
            ("{{secret}}", "main", swl_status_t(SWL_ERR_INVALID_ARGUMENT), "unknown credential placeholder {{secret}}"),
        ]
        for (header, credential, status, message) in refusals {
            guard case .failure(let error) = bridged(instance, header: header, credential: credential) else {
                Issue.record("\(header) with \(credential) was not refused")
                continue
            }
            #expect(error.status == status)
            #expect(error.message.contains(message))
            #expect(!error.message.contains("s3cret") && !error.message.contains("phrase\""))
        }
        let small = bridged(instance, header: "x", credential: "", size: HTTPBridge.minimumRequestSize - 8)
        guard case .failure(let error) = small else { Issue.record("a struct smaller than ABI 1.0's was accepted"); return }
        #expect(error.status == SWL_ERR_ABI)
        instance.destroy()
    }

    /// Calls `http_template_create` as a plugin does; the template's id, or the refusal.
    private func makeTemplate(_ instance: PluginInstance, method: String = "POST", header: String = "{{api_key}}/{{passphrase}}",
                              credential: String = "main", algorithm: Int32 = Int32(SWL_SIGN_HMAC_SHA256_BASE64),
                              size: Int = MemoryLayout<swl_http_template_t>.size) -> Result<UInt64, ABIError> {
        let host = UnsafePointer(instance.context.hostTable)
        let storage = CStorage()
        var field = swl_http_header_t(name: storage.string("X-Auth"), value: storage.string(header))
        var template = swl_http_template_t()
        template.struct_size = UInt32(size)
        template.method = storage.string(method)
        template.url = storage.string("http://127.0.0.1:9/api/v2/spot/trade/place-order")
        template.header_count = 1
        template.credential = storage.string(credential)
        template.algorithm = swl_sign_algorithm_t(algorithm)
        template.timestamp_header = storage.string("ACCESS-TIMESTAMP")
        template.signature_header = storage.string("ACCESS-SIGN")
        template.signed_infix = storage.string("POST/api/v2/spot/trade/place-order")
        var id: UInt64 = 0
        var record = ABIError.emptyRecord()
        let status = withExtendedLifetime(storage) {
            withUnsafePointer(to: &field) { fields in
                template.headers = fields
                return host.pointee.http_template_create!(host, &template, &id, &record)
            }
        }
        return status == SWL_OK ? .success(id) : .failure(ABIError.read(record, status: status))
    }

    /// Calls `http_template_send` for `id` as a plugin does (the callback is never expected:
    /// the sends here are refused); the status and message.
    private func sendTemplate(_ instance: PluginInstance, _ id: UInt64) -> (swl_status_t, String) {
        let host = UnsafePointer(instance.context.hostTable)
        var record = ABIError.emptyRecord()
        let status = str("{}") { body in
            host.pointee.http_template_send!(host, id, 1_700_000_000_000, body, { _, _ in }, nil, nil, &record)
        }
        return (status, status == SWL_OK ? "" : ABIError.read(record, status: status).message)
    }

    @Test func aRequestTemplateIsCheckedWhenMadeAndSentOnlyByItsInstanceUntilReleased() throws {
        let runtime = try HostRuntime()
        runtime.credentials.add(Credential(name: "main", apiKey: "bg_key", secret: "s3cret", passphrase: "pp-value-77"))
        runtime.credentials.add(Credential(name: "other", apiKey: "k", secret: "s", passphrase: "p"))
        let instance = try vessel(runtime, credentials: ["main"])
        let stranger = try vessel(runtime, credentials: ["main"])
        let id = try makeTemplate(instance).get()
        // The placeholders were filled once, from the signing credential.
        let kept = try #require(instance.context.template(id))
        #expect(kept.request.headers == [HTTPHeader(name: "X-Auth", value: "bg_key/pp-value-77")])
        #expect(kept.signing.credential == "main" && kept.signing.infix == "POST/api/v2/spot/trade/place-order")
        #expect(try makeTemplate(instance).get() != id)
        let refusals: [(Result<UInt64, ABIError>, swl_status_t, String)] = [
            (makeTemplate(instance, credential: "other"), swl_status_t(SWL_ERR_NOT_FOUND), "not granted"),
            (makeTemplate(instance, header: "{{secret}}"), swl_status_t(SWL_ERR_INVALID_ARGUMENT), "{{secret}}"),
            (makeTemplate(instance, algorithm: 9), swl_status_t(SWL_ERR_INVALID_ARGUMENT), "signature algorithm 9"),
            (makeTemplate(instance, method: "HEAD"), swl_status_t(SWL_ERR_INVALID_ARGUMENT), "HEAD"),
            (makeTemplate(instance, size: MemoryLayout<swl_http_template_t>.size - 8), swl_status_t(SWL_ERR_ABI), "too small"),
        ]
        for (result, status, message) in refusals {
            guard case .failure(let error) = result else { Issue.record("accepted, expected \(message)"); continue }
            #expect(error.status == status)
            #expect(error.message.contains(message), "\(error.message)")
            #expect(!error.message.contains("s3cret") && !error.message.contains("pp-value-77"))
        }
        // Another instance cannot send it; after release, neither can its own.
        #expect(sendTemplate(stranger, id) == (swl_status_t(SWL_ERR_NOT_FOUND), "no request template \(id)"))
        let host = UnsafePointer(instance.context.hostTable)
        var record = ABIError.emptyRecord()
        #expect(host.pointee.http_template_release!(host, id, &record) == SWL_OK)
        #expect(host.pointee.http_template_release!(host, id, &record) == SWL_ERR_NOT_FOUND)
        #expect(sendTemplate(instance, id) == (swl_status_t(SWL_ERR_NOT_FOUND), "no request template \(id)"))
        // A credential removed since the template was made: refused, nothing sent.
        let second = try makeTemplate(instance).get()
        runtime.credentials.remove(named: "main")
        let (status, message) = sendTemplate(instance, second)
        #expect(status == SWL_ERR_NOT_FOUND && message.contains("no credential named"), "\(message)")
        instance.destroy()
        stranger.destroy()
        #expect(instance.context.template(second) == nil)
    }

    /// NULL where a template or a callback belongs, or a body pointer missing for its length,
    /// is refused with a message, as for `http_request`; nothing is kept or sent.
    @Test func requestTemplateServicesRefuseNullArguments() throws {
        let runtime = try HostRuntime()
        runtime.credentials.add(Credential(name: "main", apiKey: "k", secret: "s", passphrase: "p"))
        let instance = try vessel(runtime, credentials: ["main"])
        let host = UnsafePointer(instance.context.hostTable)
        var record = ABIError.emptyRecord()
        var id: UInt64 = 0
        #expect(host.pointee.http_template_create!(host, nil, &id, &record) == SWL_ERR_INVALID_ARGUMENT)
        #expect(ABIError.read(record, status: swl_status_t(SWL_ERR_INVALID_ARGUMENT)).message == "template is NULL")
        #expect(instance.context.template(1) == nil)
        let made = try makeTemplate(instance).get()
        record = ABIError.emptyRecord()
        let noCallback = str("{}") { host.pointee.http_template_send!(host, made, 1, $0, nil, nil, nil, &record) }
        #expect(noCallback == SWL_ERR_INVALID_ARGUMENT)
        #expect(ABIError.read(record, status: noCallback).message == "HTTP callback is NULL")
        record = ABIError.emptyRecord()
        let noBody = host.pointee.http_template_send!(host, made, 1, swl_str_t(ptr: nil, len: 2), { _, _ in }, nil, nil, &record)
        #expect(noBody == SWL_ERR_INVALID_ARGUMENT)
        #expect(ABIError.read(record, status: noBody).message.contains("body: NULL pointer with length 2"))
        instance.destroy()
    }

    @Test func keyValueStateIsNamespacedByPluginAndSurvivesANewRuntime() throws {
        let directory = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let database = directory.appendingPathComponent("state.sqlite").path
        do {
            let runtime = try HostRuntime(configuration: HostConfiguration(stateDatabasePath: database))
            let instance = try vessel(runtime)
            let host = instance.hostTable
            var record = ABIError.emptyRecord()
            let put = str("cursor") { key in str("seq=42") { host.pointee.kv_put!(host, key, $0, &record) } }
            #expect(put == SWL_OK)
            let empty = str("") { key in str("v") { host.pointee.kv_put!(host, key, $0, &record) } }
            #expect(empty == SWL_ERR_INVALID_ARGUMENT)
            instance.destroy()
        }
        let runtime = try HostRuntime(configuration: HostConfiguration(stateDatabasePath: database))
        let instance = try vessel(runtime)
        let host = instance.hostTable
        var length = 0
        var record = ABIError.emptyRecord()
        var buffer = [CChar](repeating: 0, count: 3)
        let tooSmall = str("cursor") { key in
            buffer.withUnsafeMutableBufferPointer { host.pointee.kv_get!(host, key, $0.baseAddress, 3, &length, &record) }
        }
        #expect(tooSmall == SWL_ERR_BUFFER_TOO_SMALL)
        #expect(length == 6)
        buffer = [CChar](repeating: 0, count: 16)
        let found = str("cursor") { key in
            buffer.withUnsafeMutableBufferPointer { host.pointee.kv_get!(host, key, $0.baseAddress, 16, &length, &record) }
        }
        #expect(found == SWL_OK)
        #expect(String(decoding: buffer.prefix(length).map { UInt8(bitPattern: $0) }, as: UTF8.self) == "seq=42")
        #expect(try runtime.keyValue.get(namespace: "other_plugin", key: "cursor") == nil)
        let deleted = str("cursor") { host.pointee.kv_delete!(host, $0, &record) }
        #expect(deleted == SWL_OK)
        let missing = str("cursor") { key in
            buffer.withUnsafeMutableBufferPointer { host.pointee.kv_get!(host, key, $0.baseAddress, 16, &length, &record) }
        }
        #expect(missing == SWL_ERR_NOT_FOUND)
        instance.destroy()
    }

    @Test func aDeferredPutIsReadAtOnceAndWrittenBeforeTheRuntimeShutsDown() async throws {
        let directory = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let database = directory.appendingPathComponent("state.sqlite").path
        let runtime = try HostRuntime(configuration: HostConfiguration(stateDatabasePath: database))
        let instance = try vessel(runtime)
        let host = instance.hostTable
        // The store's table is away, so the write the put queues fails and waits a second for
        // its retry: only the shutdown's flush can write the value in time.
        try await runtime.keyValue.writer.write { db in try db.execute(sql: "ALTER TABLE kv RENAME TO kv_away") }
        var record = ABIError.emptyRecord()
        let put = str("orders") { key in str("open=3") { host.pointee.kv_put_deferred!(host, key, $0, &record) } }
        #expect(put == SWL_OK)
        let empty = str("") { key in str("v") { host.pointee.kv_put_deferred!(host, key, $0, &record) } }
        #expect(empty == SWL_ERR_INVALID_ARGUMENT)
        #expect(throws: SwiftletPersistence.PersistenceError.self) { try runtime.keyValue.flush() }
        var length = 0
        var buffer = [CChar](repeating: 0, count: 16)
        let found = str("orders") { key in
            buffer.withUnsafeMutableBufferPointer { host.pointee.kv_get!(host, key, $0.baseAddress, 16, &length, &record) }
        }
        #expect(found == SWL_OK)
        #expect(String(decoding: buffer.prefix(length).map { UInt8(bitPattern: $0) }, as: UTF8.self) == "open=3")
        try await runtime.keyValue.writer.write { db in try db.execute(sql: "ALTER TABLE kv_away RENAME TO kv") }
        instance.destroy()
        await runtime.shutdown()
        // Another process's view: the file itself.
        let reopened = try KeyValueStore(path: database)
        #expect(try reopened.get(namespace: "example_heartbeat_c", key: "orders") == Array("open=3".utf8))
    }

    @Test func emitRefusesMalformedEventsWithAMessage() throws {
        let runtime = try HostRuntime()
        let instance = try vessel(runtime)
        let host = instance.hostTable
        let published = Mutex<Int>(0)
        runtime.events.subscribe { _ in published.withLock { $0 += 1 } }

        func emit<T>(_ event: inout T) -> (swl_status_t, String) {
            var record = ABIError.emptyRecord()
            let status = withUnsafePointer(to: &event) { pointer in
                pointer.withMemoryRebound(to: swl_event_header_t.self, capacity: 1) { host.pointee.emit!(host, $0, &record) }
            }
            return (status, status == SWL_OK ? "" : ABIError.read(record, status: status).message)
        }
        var unknown = swl_event_header_t()
        unknown.struct_size = UInt32(MemoryLayout<swl_event_header_t>.size)
        unknown.kind = 999
        #expect(emit(&unknown) == (swl_status_t(SWL_ERR_INVALID_ARGUMENT), "unknown event kind 999"))

        var small = swl_ticker_event_t()
        small.header.struct_size = 16
        small.header.kind = swl_event_kind_t(SWL_EVENT_TICKER)
        #expect(emit(&small).0 == SWL_ERR_ABI)

        var badScale = swl_ticker_event_t()
        badScale.header.struct_size = UInt32(MemoryLayout<swl_ticker_event_t>.size)
        badScale.header.kind = swl_event_kind_t(SWL_EVENT_TICKER)
        badScale.last_price = swl_decimal_t(mantissa: 1, scale: 40, reserved: 0)
        #expect(emit(&badScale).0 == SWL_ERR_INVALID_ARGUMENT)

        var badUTF8Bytes: [UInt8] = [0xFF, 0xFE]
        let badUTF8 = badUTF8Bytes.withUnsafeMutableBufferPointer { bytes -> (swl_status_t, String) in
            var trade = swl_trade_event_t()
            trade.header.struct_size = UInt32(MemoryLayout<swl_trade_event_t>.size)
            trade.header.kind = swl_event_kind_t(SWL_EVENT_TRADE)
            trade.header.symbol = swl_str_t(ptr: UnsafeRawPointer(bytes.baseAddress)!.assumingMemoryBound(to: CChar.self), len: 2)
            trade.taker_side = swl_side_t(SWL_SIDE_BUY)
            return emit(&trade)
        }
        #expect(badUTF8 == (swl_status_t(SWL_ERR_INVALID_ARGUMENT), "header.symbol: not valid UTF-8"))
        #expect(published.withLock { $0 } == 0)

        var good = swl_ticker_event_t()
        good.header.struct_size = UInt32(MemoryLayout<swl_ticker_event_t>.size)
        good.header.kind = swl_event_kind_t(SWL_EVENT_TICKER)
        good.last_price = swl_decimal_t(mantissa: 12345, scale: 2, reserved: 0)
        #expect(emit(&good).0 == SWL_OK)
        #expect(published.withLock { $0 } == 1)
        instance.destroy()
    }

    @Test func timersFireAndStopOnCancelAndOnStop() async throws {
        let runtime = try HostRuntime()
        let instance = try vessel(runtime)
        let host = instance.hostTable
        final class Counter: @unchecked Sendable { let value = Mutex<Int>(0) }
        let counter = Counter()
        var id: UInt64 = 0
        var record = ABIError.emptyRecord()
        let status = host.pointee.timer_start!(host, 1_000_000, 1_000_000, { user, _ in
            Unmanaged<Counter>.fromOpaque(user!).takeUnretainedValue().value.withLock { $0 += 1 }
        }, Unmanaged.passUnretained(counter).toOpaque(), &id, &record)
        #expect(status == SWL_OK)
        #expect(await TestSupport.eventually { counter.value.withLock { $0 } >= 3 })
        #expect(host.pointee.timer_cancel!(host, id, &record) == SWL_OK)
        let afterCancel = counter.value.withLock { $0 }
        try await Task.sleep(for: .milliseconds(30))
        #expect(counter.value.withLock { $0 } <= afterCancel + 1, "at most one already-queued tick may still run")
        #expect(host.pointee.timer_cancel!(host, id, &record) == SWL_ERR_NOT_FOUND)

        // A timer the plugin forgot is stopped by the host when the instance stops.
        let second = host.pointee.timer_start!(host, 1_000_000, 1_000_000, { user, _ in
            Unmanaged<Counter>.fromOpaque(user!).takeUnretainedValue().value.withLock { $0 += 1000 }
        }, Unmanaged.passUnretained(counter).toOpaque(), &id, &record)
        #expect(second == SWL_OK)
        #expect(await TestSupport.eventually { counter.value.withLock { $0 } >= 1000 })
        try instance.stop()
        let afterStop = counter.value.withLock { $0 }
        try await Task.sleep(for: .milliseconds(30))
        #expect(counter.value.withLock { $0 } == afterStop)
        instance.destroy()
        await runtime.shutdown()
    }
}


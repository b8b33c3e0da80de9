import CSwiftletSDK
import SwiftletABI
import SwiftletTransport

/// Converts HTTP requests and responses between host.h structs and the transport.
enum HTTPBridge {
    /// The size of the ABI 1.0 layout, which ends with `timeout`.
    static let minimumRequestSize = MemoryLayout<swl_http_request_t>.offset(of: \.credential)!
    private static let credentialEnd = minimumRequestSize + MemoryLayout<swl_str_t>.size

    /// The transport request for a plugin's `swl_http_request_t`, with the credential
    /// placeholders in its header values filled in when it names a credential (ABI 1.2).
    static func request(_ request: UnsafePointer<swl_http_request_t>, context: InstanceContext) throws(ABIError) -> HTTPRequest {
        let size = Int(UnsafeRawPointer(request).load(as: UInt32.self))
        guard size >= minimumRequestSize else {
            throw ABIError(SWL_ERR_ABI, "swl_http_request_t struct_size \(size) is too small")
        }
        // Copy only the members the plugin's struct has: a 1.0/1.1 one ends before `credential`.
        var r = swl_http_request_t()
        withUnsafeMutableBytes(of: &r) { $0.copyMemory(from: UnsafeRawBufferPointer(start: request, count: min(size, $0.count))) }
        var headers = try headers(r.headers, r.header_count)
        if size >= credentialEnd, r.credential.len > 0 {
            try fillPlaceholders(in: &headers, credential: try HostTable.allowedCredential(r.credential, context), context)
        }
        return HTTPRequest(method: try ABIValue.string(r.method, field: "method"),
                           url: try ABIValue.string(r.url, field: "url"),
                           headers: headers,
                           body: try HostTable.bytes(of: r.body, field: "body"),
                           timeout: timeout(r.timeout))
    }

    /// A request's deadline: `nanoseconds`, or the host's 10 s for 0 (or less).
    private static func timeout(_ nanoseconds: swl_time_ns_t) -> Duration {
        nanoseconds > 0 ? .nanoseconds(nanoseconds) : .seconds(10)
    }

    /// Fills the `{{api_key}}`/`{{passphrase}}` placeholders of the header values (only those
    /// with a '{' are looked at) from a credential granted to the instance.
    private static func fillPlaceholders(in headers: inout [HTTPHeader], credential: String,
                                         _ context: InstanceContext) throws(ABIError) {
        for index in headers.indices where headers[index].value.utf8.contains(UInt8(ascii: "{")) {
            headers[index].value = try HostTable.filled(headers[index].value, credential: credential, for: .headerValue, context)
        }
    }

    /// The transport template for a plugin's `swl_http_template_t` (ABI 1.3), with the
    /// credential placeholders in its header values filled in.
    static func template(_ spec: UnsafePointer<swl_http_template_t>, context: InstanceContext) throws(ABIError) -> SignedRequestTemplate {
        let size = Int(spec.pointee.struct_size)
        guard size >= MemoryLayout<swl_http_template_t>.size else {
            throw ABIError(SWL_ERR_ABI, "swl_http_template_t struct_size \(size) is too small")
        }
        let t = spec.pointee
        let credential = try HostTable.allowedCredential(t.credential, context)
        var headers = try headers(t.headers, t.header_count)
        try fillPlaceholders(in: &headers, credential: credential, context)
        let signing = SignedRequestTemplate.Signing(
            credential: credential, algorithm: try HostTable.signatureAlgorithm(t.algorithm),
            timestampHeader: try ABIValue.string(t.timestamp_header, field: "timestamp_header"),
            signatureHeader: try ABIValue.string(t.signature_header, field: "signature_header"),
            infix: try ABIValue.string(t.signed_infix, field: "signed_infix"))
        let method = try ABIValue.string(t.method, field: "method")
        let url = try ABIValue.string(t.url, field: "url")
        return try HostTable.mapTransport { () throws(TransportError) in
            try context.runtime.http.template(method: method, url: url, headers: headers, signing: signing,
                                              timeout: timeout(t.timeout))
        }
    }

    static func headers(_ pointer: UnsafePointer<swl_http_header_t>?, _ count: Int) throws(ABIError) -> [HTTPHeader] {
        guard count > 0 else { return [] }
        guard let pointer else { throw ABIError(SWL_ERR_INVALID_ARGUMENT, "headers is NULL with count \(count)") }
        var result: [HTTPHeader] = []
        for header in UnsafeBufferPointer(start: pointer, count: count) {
            result.append(HTTPHeader(name: try ABIValue.string(header.name, field: "header name"),
                                     value: try ABIValue.string(header.value, field: "header value")))
        }
        return result
    }

    /// Calls the plugin's completion with a borrowed `swl_http_response_t`.
    static func complete(_ result: Result<HTTPResponse, TransportError>,
                         target: Unchecked<(swl_http_callback_t, UnsafeMutableRawPointer?)>) {
        let storage = CStorage()
        var response = swl_http_response_t()
        response.struct_size = UInt32(MemoryLayout<swl_http_response_t>.size)
        switch result {
        case .success(let reply):
            response.status = swl_status_t(SWL_OK)
            response.http_status = Int32(reply.status)
            let headers = reply.headers.map { swl_http_header_t(name: storage.string($0.name), value: storage.string($0.value)) }
            response.headers = storage.array(headers)
            response.header_count = headers.count
            reply.body.withUnsafeBufferPointer { body in
                response.body = swl_str_t(ptr: UnsafeRawPointer(body.baseAddress)?.assumingMemoryBound(to: CChar.self),
                                          len: body.count)
                withExtendedLifetime(storage) { target.value.0(target.value.1, &response) }
            }
            return
        case .failure(let error):
            response.status = statusOf(error)
            response.error = storage.string(error.message)
        }
        withExtendedLifetime(storage) { target.value.0(target.value.1, &response) }
    }

    private static func statusOf(_ error: TransportError) -> swl_status_t {
        do {
            try HostTable.mapTransport { () throws(TransportError) in throw error }
            return swl_status_t(SWL_ERR_INTERNAL)
        } catch {
            return error.status
        }
    }
}

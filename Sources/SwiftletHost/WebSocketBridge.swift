import CSwiftletSDK
import SwiftletABI
import SwiftletTransport

/// Converts WebSocket parameters and events between host.h structs and the transport.
enum WebSocketBridge {
    struct Open: Sendable {
        let url: String
        let headers: [HTTPHeader]
        let callbacks: Unchecked<swl_ws_callbacks_t>
    }

    static func openParameters(_ params: UnsafePointer<swl_ws_open_params_t>) throws(ABIError) -> Open {
        let size = UnsafeRawPointer(params).load(as: UInt32.self)
        guard Int(size) >= MemoryLayout<swl_ws_open_params_t>.size else {
            throw ABIError(SWL_ERR_ABI, "swl_ws_open_params_t struct_size \(size) is too small")
        }
        let p = params.pointee
        return Open(url: try ABIValue.string(p.url, field: "url"),
                    headers: try HTTPBridge.headers(p.headers, p.header_count),
                    callbacks: try callbacks(p.callbacks))
    }

    /// Checks and copies a callbacks table (`ws_open`, `adopt_websocket`).
    static func callbacks(_ callbacks: swl_ws_callbacks_t) throws(ABIError) -> Unchecked<swl_ws_callbacks_t> {
        guard Int(callbacks.struct_size) >= MemoryLayout<swl_ws_callbacks_t>.size else {
            throw ABIError(SWL_ERR_ABI, "swl_ws_callbacks_t struct_size \(callbacks.struct_size) is too small")
        }
        guard callbacks.on_message != nil, callbacks.on_state != nil else {
            throw ABIError(SWL_ERR_INVALID_ARGUMENT, "on_message and on_state callbacks are required")
        }
        return Unchecked(callbacks)
    }

    /// Delivers one transport event to the plugin's callbacks (on its serial context).
    static func dispatch(_ event: WebSocketEvent, id: UInt64, to callbacks: Unchecked<swl_ws_callbacks_t>,
                         context: InstanceContext?) {
        let table = callbacks.value
        switch event {
        case .open:
            table.on_state?(table.user, id, swl_ws_state_t(SWL_WS_OPEN), swl_str_t(ptr: nil, len: 0))
        case .message(let bytes, let isBinary):
            bytes.withUnsafeBufferPointer { buffer in
                table.on_message?(table.user, id,
                                  swl_str_t(ptr: UnsafeRawPointer(buffer.baseAddress)?.assumingMemoryBound(to: CChar.self),
                                            len: buffer.count),
                                  isBinary ? 1 : 0)
            }
        case .closed(let reason), .failed(let reason):
            context?.releaseSocket(id)
            let state = if case .closed = event { SWL_WS_CLOSED } else { SWL_WS_FAILED }
            ABIValue.withCString(reason) { table.on_state?(table.user, id, swl_ws_state_t(state), $0) }
        }
    }
}

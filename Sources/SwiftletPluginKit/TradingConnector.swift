/// A trading connector written in Swift (ext/trading.h). The kit exposes it as the
/// `swiftlet.trading/1` table; calls arrive one at a time (plugin.h).
///
/// Methods that talk to the exchange return once the request is queued; their outcome
/// arrives later as events. Read methods answer from the connector's local view.
public protocol TradingConnectorPlugin: SwiftletPlugin {
    /// Trading rules of `symbol`; `SWL_ERR_NOT_FOUND` if unknown.
    func instrument(symbol: String) throws(PluginError) -> Instrument
    /// Every instrument, in symbol order.
    func instruments() throws(PluginError) -> [Instrument]
    /// Starts streaming `channel` for `symbol`.
    func subscribe(_ channel: MarketChannel, symbol: String) throws(PluginError)
    /// Stops streaming `channel` for `symbol`.
    func unsubscribe(_ channel: MarketChannel, symbol: String) throws(PluginError)
    /// Places an order; returns its client order id (generated when the request has none).
    func placeOrder(_ request: OrderRequest) throws(PluginError) -> String
    /// Places several orders; one result per request, in order.
    func placeOrders(_ requests: [OrderRequest]) -> [Result<String, PluginError>]
    /// Cancels one order by client id.
    func cancelOrder(symbol: String, clientOrderID: String) throws(PluginError)
    /// Cancels several orders of one symbol; one result per id, in order.
    func cancelOrders(symbol: String, clientOrderIDs: [String]) -> [Result<Void, PluginError>]
    /// Cancels every open order of `symbol` (empty: of every symbol).
    func cancelAll(symbol: String) throws(PluginError)
    /// The cached state of one order; `SWL_ERR_NOT_FOUND` if unknown.
    func order(clientOrderID: String) throws(PluginError) -> OrderSnapshot
    /// Orders not yet final, of `symbol` (empty: every symbol).
    func openOrders(symbol: String) throws(PluginError) -> [OrderSnapshot]
    /// Every balance the connector knows.
    func balances() throws(PluginError) -> [Balance]
}

/// The kit's `swl_trading_t`: decodes arguments, calls the `TradingConnectorPlugin`,
/// encodes results into the caller's structs.
enum TradingTrampolines {
    static var table: UnsafeRawPointer { storage.value }

    private static func call(_ raw: UnsafePointer<swl_plugin_t>?, _ record: UnsafeMutablePointer<swl_error_t>?,
                             _ body: (any TradingConnectorPlugin, CStorage) throws(PluginError) -> Void) -> swl_status_t {
        InstanceBox.call(raw, record, as: \.trading, "a trading connector", body)
    }

    private static func channel(_ value: swl_channel_t) throws(PluginError) -> MarketChannel {
        guard let channel = MarketChannel(rawValue: value) else {
            throw PluginError(SWL_ERR_INVALID_ARGUMENT, "channel: unknown value \(value)")
        }
        return channel
    }

    private static func writeID(_ id: String, to buffer: UnsafeMutablePointer<swl_order_id_buffer_t>?) throws(PluginError) {
        guard let buffer else { return }
        var length = 0
        try ABIValue.writeOutput(id, to: buffer.pointee.data, capacity: buffer.pointee.capacity, length: &length)
        buffer.pointee.length = length
    }

    private static let storage: Unchecked<UnsafeRawPointer> = {
        let table = UnsafeMutablePointer<swl_trading_t>.allocate(capacity: 1)
        table.initialize(to: swl_trading_t())
        table.pointee.struct_size = UInt32(MemoryLayout<swl_trading_t>.size)
        table.pointee.get_instrument = { raw, symbol, out, record in
            call(raw, record) { connector, scratch throws(PluginError) in
                guard let out else { throw PluginError(SWL_ERR_INVALID_ARGUMENT, "out is NULL") }
                let instrument = try connector.instrument(symbol: try ABIValue.string(symbol, field: "symbol"))
                out.pointee = TradingValues.cInstrument(instrument, storage: scratch)
            }
        }
        table.pointee.list_instruments = { raw, visit, user, record in
            call(raw, record) { connector, scratch throws(PluginError) in
                guard let visit else { throw PluginError(SWL_ERR_INVALID_ARGUMENT, "visitor is NULL") }
                for instrument in try connector.instruments() {
                    var c = TradingValues.cInstrument(instrument, storage: scratch)
                    if visit(user, &c) != 0 { break }
                }
            }
        }
        table.pointee.subscribe = { raw, channelValue, symbol, record in
            call(raw, record) { connector, _ throws(PluginError) in
                try connector.subscribe(try channel(channelValue), symbol: try ABIValue.string(symbol, field: "symbol"))
            }
        }
        table.pointee.unsubscribe = { raw, channelValue, symbol, record in
            call(raw, record) { connector, _ throws(PluginError) in
                try connector.unsubscribe(try channel(channelValue), symbol: try ABIValue.string(symbol, field: "symbol"))
            }
        }
        table.pointee.place_order = { raw, request, outID, record in
            call(raw, record) { connector, _ throws(PluginError) in
                guard let request else { throw PluginError(SWL_ERR_INVALID_ARGUMENT, "request is NULL") }
                if let outID, outID.pointee.capacity < ABIValue.orderIDCapacity {
                    throw PluginError(SWL_ERR_BUFFER_TOO_SMALL,
                                      "out_id capacity \(outID.pointee.capacity) is below \(ABIValue.orderIDCapacity)")
                }
                let id = try connector.placeOrder(try TradingValues.orderRequest(request))
                try writeID(id, to: outID)
            }
        }
        table.pointee.place_orders = { raw, requests, count, outIDs, outStatuses, record in
            call(raw, record) { connector, _ throws(PluginError) in
                guard count > 0 else { return }
                guard let requests, let outIDs else {
                    throw PluginError(SWL_ERR_INVALID_ARGUMENT, "requests or out_ids is NULL")
                }
                var decoded: [OrderRequest] = []
                for index in 0..<count {
                    do throws(PluginError) {
                        decoded.append(try TradingValues.orderRequest(requests + index))
                    } catch {
                        throw PluginError(error.status, "request \(index): \(error.message)")
                    }
                }
                let results = connector.placeOrders(decoded)
                var firstFailure: PluginError?
                for (index, result) in results.enumerated() {
                    switch result {
                    case .success(let id):
                        try writeID(id, to: outIDs + index)
                        outStatuses?[index] = swl_status_t(SWL_OK)
                    case .failure(let error):
                        (outIDs + index).pointee.length = 0
                        outStatuses?[index] = error.status
                        if firstFailure == nil { firstFailure = PluginError(error.status, "request \(index): \(error.message)") }
                    }
                }
                if let firstFailure { throw firstFailure }
            }
        }
        table.pointee.cancel_order = { raw, symbol, clientID, record in
            call(raw, record) { connector, _ throws(PluginError) in
                try connector.cancelOrder(symbol: try ABIValue.string(symbol, field: "symbol"),
                                          clientOrderID: try ABIValue.string(clientID, field: "client_order_id"))
            }
        }
        table.pointee.cancel_orders = { raw, symbol, ids, count, outStatuses, record in
            call(raw, record) { connector, _ throws(PluginError) in
                guard count > 0 else { return }
                guard let ids else { throw PluginError(SWL_ERR_INVALID_ARGUMENT, "client_order_ids is NULL") }
                var decoded: [String] = []
                for index in 0..<count { decoded.append(try ABIValue.string(ids[index], field: "client_order_id")) }
                let results = connector.cancelOrders(symbol: try ABIValue.string(symbol, field: "symbol"),
                                                     clientOrderIDs: decoded)
                var firstFailure: PluginError?
                for (index, result) in results.enumerated() {
                    switch result {
                    case .success: outStatuses?[index] = swl_status_t(SWL_OK)
                    case .failure(let error):
                        outStatuses?[index] = error.status
                        if firstFailure == nil { firstFailure = PluginError(error.status, "\(decoded[index]): \(error.message)") }
                    }
                }
                if let firstFailure { throw firstFailure }
            }
        }
        table.pointee.cancel_all = { raw, symbol, record in
            call(raw, record) { connector, _ throws(PluginError) in
                try connector.cancelAll(symbol: try ABIValue.string(symbol, field: "symbol"))
            }
        }
        table.pointee.get_order = { raw, clientID, out, record in
            call(raw, record) { connector, scratch throws(PluginError) in
                guard let out else { throw PluginError(SWL_ERR_INVALID_ARGUMENT, "out is NULL") }
                let order = try connector.order(clientOrderID: try ABIValue.string(clientID, field: "client_order_id"))
                out.pointee = TradingValues.cOrder(order, storage: scratch)
            }
        }
        table.pointee.list_open_orders = { raw, symbol, visit, user, record in
            call(raw, record) { connector, scratch throws(PluginError) in
                guard let visit else { throw PluginError(SWL_ERR_INVALID_ARGUMENT, "visitor is NULL") }
                for order in try connector.openOrders(symbol: try ABIValue.string(symbol, field: "symbol")) {
                    var c = TradingValues.cOrder(order, storage: scratch)
                    if visit(user, &c) != 0 { break }
                }
            }
        }
        table.pointee.list_balances = { raw, visit, user, record in
            call(raw, record) { connector, scratch throws(PluginError) in
                guard let visit else { throw PluginError(SWL_ERR_INVALID_ARGUMENT, "visitor is NULL") }
                for balance in try connector.balances() {
                    var c = TradingValues.cBalance(balance, storage: scratch)
                    if visit(user, &c) != 0 { break }
                }
            }
        }
        return Unchecked(UnsafeRawPointer(table))
    }()
}

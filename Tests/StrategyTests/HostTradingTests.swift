@testable import SwiftletPluginKit
import Testing

/// A C host offering `swiftlet.host.trading/1`, with C function pointers as the real host
/// gives them. State is global (C callbacks capture nothing), so the suite runs serialized.
enum FakeCHost {
    nonisolated(unsafe) static var offersTrading = true
    nonisolated(unsafe) static var lastConnector = ""
    nonisolated(unsafe) static var lastRequest: OrderRequest?
    nonisolated(unsafe) static var refusal: ABIError?

    nonisolated(unsafe) static let table: UnsafeMutablePointer<swl_host_trading_t> = {
        let table = UnsafeMutablePointer<swl_host_trading_t>.allocate(capacity: 1)
        table.initialize(to: swl_host_trading_t())
        table.pointee.struct_size = UInt32(MemoryLayout<swl_host_trading_t>.size)
        table.pointee.subscribe = { _, _, _, _, _ in swl_status_t(SWL_OK) }
        table.pointee.subscribe_candles = { _, _, _, _, _, _, _ in swl_status_t(SWL_OK) }
        table.pointee.place_order = { _, connector, request, out, error in
            if let refusal = FakeCHost.refusal {
                refusal.write(to: error)
                return refusal.status
            }
            FakeCHost.lastConnector = (try? ABIValue.string(connector, field: "connector")) ?? "?"
            FakeCHost.lastRequest = request.flatMap { try? TradingValues.orderRequest($0) }
            guard let out else { return swl_status_t(SWL_ERR_INVALID_ARGUMENT) }
            var length = 0
            try? ABIValue.writeOutput("swl-42", to: out.pointee.data, capacity: out.pointee.capacity, length: &length)
            out.pointee.length = length
            return swl_status_t(SWL_OK)
        }
        table.pointee.cancel_order = { _, _, _, _, _ in swl_status_t(SWL_OK) }
        table.pointee.cancel_all = { _, _, _, _ in swl_status_t(SWL_OK) }
        table.pointee.get_order = { _, _, id, out, _ in
            let snapshot = OrderSnapshot(state: .partiallyFilled, symbol: "BTCUSDT",
                                         clientOrderID: (try? ABIValue.string(id, field: "id")) ?? "",
                                         exchangeOrderID: "1234", side: .sell, type: .limit, price: dec("101.5"),
                                         size: dec("2"), filledSize: dec("0.5"))
            out?.pointee = TradingValues.cOrder(snapshot, storage: strings)
            return swl_status_t(SWL_OK)
        }
        table.pointee.get_balance = { _, _, _, _, error in
            ABIError(SWL_ERR_NOT_FOUND, "no balance reported yet").write(to: error)
            return swl_status_t(SWL_ERR_NOT_FOUND)
        }
        table.pointee.get_position = { _, _, _, _, _, _ in swl_status_t(SWL_ERR_UNSUPPORTED) }
        table.pointee.get_top_of_book = { _, _, _, bid, ask, _ in
            bid?.pointee = swl_level_t(price: ABIValue.cDecimal(dec("99.5")), size: ABIValue.cDecimal(dec("2")))
            ask?.pointee = swl_level_t(price: ABIValue.cDecimal(dec("100.5")), size: ABIValue.cDecimal(dec("3")))
            return swl_status_t(SWL_OK)
        }
        table.pointee.get_candles = { _, _, _, _, _, out, _ in
            // A ring buffer's two halves: [2, 3] then [1]... as the ABI says, oldest first.
            out?.pointee.first = UnsafePointer(candles)
            out?.pointee.first_count = 2
            out?.pointee.second = UnsafePointer(candles + 2)
            out?.pointee.second_count = 1
            return swl_status_t(SWL_OK)
        }
        return table
    }()

    nonisolated(unsafe) static let strings = CStorage()

    nonisolated(unsafe) static let candles: UnsafeMutablePointer<swl_candle_t> = {
        let candles = UnsafeMutablePointer<swl_candle_t>.allocate(capacity: 3)
        for index in 0..<3 {
            let close = ABIValue.cDecimal(ExactDecimal(Int64(100 + index)))
            candles[index] = swl_candle_t(open_time: Int64(index) * 60_000_000_000, open: close, high: close, low: close,
                                          close: close, base_volume: close, quote_volume: close)
        }
        return candles
    }()

    nonisolated(unsafe) static let host: UnsafeMutablePointer<swl_host_t> = {
        let host = UnsafeMutablePointer<swl_host_t>.allocate(capacity: 1)
        host.initialize(to: swl_host_t())
        host.pointee.struct_size = UInt32(MemoryLayout<swl_host_t>.size)
        host.pointee.get_extension = { _, id in
            guard FakeCHost.offersTrading, (try? ABIValue.string(id, field: "id")) == SWL_EXT_HOST_TRADING else { return nil }
            return UnsafeRawPointer(FakeCHost.table)
        }
        // Credential "long" has a 300-byte api_key (more than a first 128-byte read holds);
        // any other name is unknown.
        host.pointee.credential_field = { _, credential, _, out, capacity, length, record in
            FakeCHost.credentialFieldCalls += 1
            guard (try? ABIValue.string(credential, field: "credential")) == "long" else {
                ABIError(SWL_ERR_NOT_FOUND, "no credential named that").write(to: record)
                return swl_status_t(SWL_ERR_NOT_FOUND)
            }
            do throws(ABIError) {
                try ABIValue.writeOutput(FakeCHost.longAPIKey, to: out, capacity: capacity, length: length)
                return swl_status_t(SWL_OK)
            } catch {
                error.write(to: record)
                return error.status
            }
        }
        host.pointee.kv_put = { _, key, value, _ in
            FakeCHost.puts.append("direct \((try? ABIValue.string(key, field: "key")) ?? "?") \(value.len)")
            return swl_status_t(SWL_OK)
        }
        host.pointee.kv_put_deferred = { _, key, value, _ in
            FakeCHost.puts.append("deferred \((try? ABIValue.string(key, field: "key")) ?? "?") \(value.len)")
            return swl_status_t(SWL_OK)
        }
        host.pointee.http_request = { _, request, _, _, _, _ in
            FakeCHost.credentialedSends.append("http \(request?.pointee.header_count ?? 0)")
            return swl_status_t(SWL_OK)
        }
        host.pointee.ws_send_with_credential = { _, id, credential, data, _ in
            FakeCHost.credentialedSends.append("\(id) \((try? ABIValue.string(credential, field: "c")) ?? "?") \(data.len)")
            return swl_status_t(SWL_OK)
        }
        return host
    }()

    /// The key-value puts made, in order: which function, the key, the value's length.
    nonisolated(unsafe) static var puts: [String] = []
    nonisolated(unsafe) static var credentialFieldCalls = 0
    nonisolated(unsafe) static var credentialedSends: [String] = []
    static let longAPIKey = String(repeating: "k", count: 299) + "é"

    static func reset() {
        offersTrading = true
        refusal = nil
        lastRequest = nil
        table.pointee.struct_size = UInt32(MemoryLayout<swl_host_trading_t>.size)
        host.pointee.struct_size = UInt32(MemoryLayout<swl_host_t>.size)
        puts = []
        credentialedSends = []
    }
}

@Suite(.serialized) struct HostTradingTests {
    let host = PluginHost(FakeCHost.host)

    init() { FakeCHost.reset() }

    @Test func aHostWithoutTheExtensionIsReportedClearly() {
        FakeCHost.offersTrading = false
        let error = #expect(throws: PluginError.self) { _ = try host.trading() }
        #expect(error?.status == swl_status_t(SWL_ERR_UNSUPPORTED))
        #expect(error?.message == "the host does not offer extension swiftlet.host.trading/1")
    }

    @Test func storeLaterUsesTheDeferredPutAndAnOlderHostsPut() throws {
        try host.storeLater([1, 2], forKey: "state")
        #expect(FakeCHost.puts == ["deferred state 2"])
        // An ABI 1.0 host's table ends before kv_put_deferred.
        FakeCHost.host.pointee.struct_size = UInt32(MemoryLayout<swl_host_t>.offset(of: \.kv_put_deferred)!)
        try host.storeLater([3], forKey: "state")
        try host.store([4, 5, 6], forKey: "other")
        #expect(FakeCHost.puts == ["deferred state 2", "direct state 1", "direct other 3"])
    }

    /// Placeholders a host older than ABI 1.2 would send as they are are refused before
    /// anything is sent.
    @Test func credentialPlaceholdersNeedAnABI1Point2Host() throws {
        // The fake host says ABI 1.0 (abi_minor 0): it would ignore swl_http_request_t.credential.
        let request = #expect(throws: PluginError.self) {
            _ = try host.request(method: "POST", url: "http://127.0.0.1:9/", credential: "bitget") { _ in }
        }
        #expect(request?.status == swl_status_t(SWL_ERR_UNSUPPORTED))
        #expect(FakeCHost.credentialedSends.isEmpty)
        try host.send(7, text: #"{"passphrase":"{{passphrase}}"}"#, credential: "bitget")
        #expect(FakeCHost.credentialedSends == ["7 bitget 31"])
        // A table that ends before ws_send_with_credential.
        FakeCHost.host.pointee.struct_size = UInt32(MemoryLayout<swl_host_t>.offset(of: \.ws_send_with_credential)!)
        let send = #expect(throws: PluginError.self) { try host.send(8, text: "{}", credential: "bitget") }
        #expect(send?.status == swl_status_t(SWL_ERR_UNSUPPORTED))
        #expect(FakeCHost.credentialedSends == ["7 bitget 31"])
    }

    /// A host without request templates (older than ABI 1.3) is told apart before any call,
    /// so a connector can sign field by field instead.
    @Test func requestTemplatesNeedAnABI1Point3Host() {
        #expect(!host.hasRequestTemplates)  // the fake host leaves the template services NULL
        let signing = PluginHost.RequestSigning(credential: "bitget", timestampHeader: "ACCESS-TIMESTAMP",
                                                signatureHeader: "ACCESS-SIGN", infix: "POST/x")
        let made = #expect(throws: PluginError.self) {
            _ = try host.makeRequestTemplate(method: "POST", url: "http://127.0.0.1:9/x", headers: [], signing: signing)
        }
        #expect(made?.status == swl_status_t(SWL_ERR_UNSUPPORTED))
        #expect(made?.message.contains("ABI 1.3") == true)
        let sent = #expect(throws: PluginError.self) {
            _ = try host.send(template: 1, timestamp: 0, body: "{}") { _ in Issue.record("a refused send completed") }
        }
        #expect(sent?.status == swl_status_t(SWL_ERR_UNSUPPORTED))
    }

    @Test func aTableSmallerThanTheABIIsRefused() {
        FakeCHost.table.pointee.struct_size = 16
        let error = #expect(throws: PluginError.self) { _ = try host.trading() }
        #expect(error?.status == swl_status_t(SWL_ERR_ABI))
        #expect(error?.message.contains("table is 16 bytes") == true)
    }

    @Test func placeOrderSendsTheRequestAndReturnsTheClientID() throws {
        let request = OrderRequest(side: .sell, symbol: "BTCUSDT", type: .market, timeInForce: .ioc, size: dec("0.01"),
                                   positionSide: .long, reduceOnly: true)
        let id = try host.trading().placeOrder(connector: "bitget_perpetual", request)
        #expect(id == "swl-42")
        #expect(FakeCHost.lastConnector == "bitget_perpetual")
        #expect(FakeCHost.lastRequest == request)
    }

    @Test func aRefusalCarriesTheHostsStatusAndMessage() throws {
        FakeCHost.refusal = ABIError(SWL_ERR_INSUFFICIENT_FUNDS, "needs 50 USDT, 20 available")
        let trading = try host.trading()
        let error = #expect(throws: PluginError.self) {
            _ = try trading.placeOrder(connector: "bitget", OrderRequest(side: .buy, symbol: "BTCUSDT", price: dec("1"), size: dec("1")))
        }
        #expect(error == ABIError(SWL_ERR_INSUFFICIENT_FUNDS, "needs 50 USDT, 20 available"))
        let balance = #expect(throws: PluginError.self) { _ = try trading.balance(connector: "bitget", asset: "BTC") }
        #expect(balance?.status == swl_status_t(SWL_ERR_NOT_FOUND))
    }

    /// `PluginHost` reads host text into a 128-byte buffer first; a longer value is read
    /// again into a buffer of the length the host reported.
    @Test func aCredentialFieldLongerThanTheFirstBufferIsReadWhole() throws {
        FakeCHost.credentialFieldCalls = 0
        #expect(try host.credentialField("api_key", credential: "long") == FakeCHost.longAPIKey)
        #expect(FakeCHost.credentialFieldCalls == 2)
        let error = #expect(throws: PluginError.self) { _ = try host.credentialField("api_key", credential: "other") }
        #expect(error == ABIError(SWL_ERR_NOT_FOUND, "no credential named that"))
    }

    @Test func queriesAreDecodedAndCopied() throws {
        let trading = try host.trading()
        let top = try trading.topOfBook(connector: "bitget", symbol: "BTCUSDT")
        #expect(top.bid == BookLevel(price: dec("99.5"), size: dec("2")))
        #expect(top.ask == BookLevel(price: dec("100.5"), size: dec("3")))
        let candles = try trading.candles(feedPlugin: "bitget_candles", feed: "f", symbol: "BTCUSDT", interval: "1m")
        #expect(candles.map(\.close) == [dec("100"), dec("101"), dec("102")])
        let order = try trading.order(connector: "bitget", clientOrderID: "abc")
        #expect(order.clientOrderID == "abc" && order.state == .partiallyFilled && order.filledSize == dec("0.5"))
    }
}

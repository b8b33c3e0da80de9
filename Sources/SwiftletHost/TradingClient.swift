public import CSwiftletSDK
public import SwiftletABI
public import SwiftletCore

/// The host's typed handle on a connector instance's `swiftlet.trading/1` table
/// (ext/trading.h). Every call is exclusive of other calls into the instance; errors
/// keep the connector's status (`SWL_ERR_NOT_FOUND`, `SWL_ERR_INVALID_ARGUMENT`, ...).
public final class TradingClient: @unchecked Sendable {
    /// The connector instance.
    public let instance: PluginInstance
    private let table: UnsafePointer<swl_trading_t>

    /// Binds to `instance`'s trading table; fails if the plugin has none.
    public init(_ instance: PluginInstance) throws(HostError) {
        self.instance = instance
        self.table = try instance.extensionTable(SWL_EXT_TRADING, as: swl_trading_t.self)
    }

    /// Trading rules of one symbol.
    public func instrument(_ symbol: String) throws(ABIError) -> Instrument {
        var out = swl_instrument_t()
        return try instance.callExtension({ plugin, error in
            ABIValue.withCString(symbol) { table.pointee.get_instrument(plugin, $0, &out, error) }
        }, reading: { () throws(ABIError) in try TradingValues.instrument(&out) })
    }

    /// True once the connector has loaded its trading rules (it answers "not loaded yet"
    /// while starting).
    public var hasRules: Bool { (try? instruments().isEmpty) == false }

    /// Waits until the connector has loaded its trading rules; false if it has not after `timeout`.
    public func waitForRules(timeout: Duration) async -> Bool {
        let deadline = ContinuousClock.now + timeout
        while !hasRules {
            guard ContinuousClock.now < deadline else { return false }
            try? await Task.sleep(for: .milliseconds(2))
        }
        return true
    }

    /// Every instrument, in symbol order.
    public func instruments() throws(ABIError) -> [Instrument] {
        let collector = Collector<Instrument>()
        try instance.callExtension { plugin, error in
            table.pointee.list_instruments(plugin, { user, item in
                Collector<Instrument>.add(user, item) { item throws(ABIError) in try TradingValues.instrument(item) }
            }, Unmanaged.passUnretained(collector).toOpaque(), error)
        }
        return try collector.result()
    }

    /// Starts streaming a channel.
    public func subscribe(_ channel: MarketChannel, symbol: String) throws(ABIError) {
        try instance.callExtension { plugin, error in
            ABIValue.withCString(symbol) { table.pointee.subscribe(plugin, channel.rawValue, $0, error) }
        }
    }

    /// Stops streaming a channel.
    public func unsubscribe(_ channel: MarketChannel, symbol: String) throws(ABIError) {
        try instance.callExtension { plugin, error in
            ABIValue.withCString(symbol) { table.pointee.unsubscribe(plugin, channel.rawValue, $0, error) }
        }
    }

    /// Places an order; returns its client order id.
    public func placeOrder(_ request: OrderRequest) throws(ABIError) -> String {
        try TradingValues.withCOrderRequest(request) { cRequest throws(ABIError) in
            try ABIValue.readOrderID { out throws(ABIError) in
                try instance.callExtension { plugin, error in table.pointee.place_order(plugin, cRequest, &out, error) }
            }
        }
    }

    /// Places several orders; one result per request.
    public func placeOrders(_ requests: [OrderRequest]) throws(ABIError) -> [Result<String, ABIError>] {
        guard !requests.isEmpty else { return [] }
        let storage = CStorage()
        let cRequests = requests.map { TradingValues.cOrderRequest($0, storage: storage) }
        let capacity = ABIValue.orderIDCapacity
        var memory = [CChar](repeating: 0, count: capacity * requests.count)
        var statuses = [swl_status_t](repeating: swl_status_t(SWL_OK), count: requests.count)
        var ids: [swl_order_id_buffer_t] = []
        var record = ABIError.emptyRecord()
        var overall = swl_status_t(SWL_OK)
        try memory.withUnsafeMutableBufferPointer { buffer throws(ABIError) in
            ids = (0..<requests.count).map {
                swl_order_id_buffer_t(data: buffer.baseAddress! + capacity * $0, capacity: capacity, length: 0)
            }
            overall = try exclusive { plugin in
                withExtendedLifetime(storage) {
                    table.pointee.place_orders(plugin, cRequests, requests.count, &ids, &statuses, &record)
                }
            }
        }
        if overall != SWL_OK, statuses.allSatisfy({ $0 == SWL_OK }) {
            throw ABIError.read(record, status: overall) // refused as a whole (e.g. a malformed request)
        }
        return (0..<requests.count).map { index in
            guard statuses[index] == SWL_OK else {
                return .failure(ABIError(statuses[index], overall == SWL_OK ? "refused" : ABIError.read(record, status: overall).message))
            }
            // A length past the buffer (a misbehaving plugin) is cut to it, not read beyond.
            let id = memory.withUnsafeBufferPointer {
                ABIValue.text($0.baseAddress! + capacity * index, length: min(ids[index].length, capacity))
            }
            return .success(id)
        }
    }

    /// Cancels one order by client id.
    public func cancelOrder(symbol: String, clientOrderID: String) throws(ABIError) {
        try instance.callExtension { plugin, error in
            ABIValue.withCString(symbol) { s in
                ABIValue.withCString(clientOrderID) { table.pointee.cancel_order(plugin, s, $0, error) }
            }
        }
    }

    /// Cancels several orders of one symbol; one status per id.
    public func cancelOrders(symbol: String, clientOrderIDs: [String]) throws(ABIError) -> [swl_status_t] {
        guard !clientOrderIDs.isEmpty else { return [] }
        let storage = CStorage()
        let ids = clientOrderIDs.map { storage.string($0) }
        var statuses = [swl_status_t](repeating: swl_status_t(SWL_OK), count: ids.count)
        var record = ABIError.emptyRecord()
        let overall = try exclusive { plugin in
            ABIValue.withCString(symbol) { s in
                withExtendedLifetime(storage) { table.pointee.cancel_orders(plugin, s, ids, ids.count, &statuses, &record) }
            }
        }
        if overall != SWL_OK, statuses.allSatisfy({ $0 == SWL_OK }) { throw ABIError.read(record, status: overall) }
        return statuses
    }

    /// Cancels every open order of `symbol` (empty: all symbols).
    public func cancelAll(symbol: String = "") throws(ABIError) {
        try instance.callExtension { plugin, error in
            ABIValue.withCString(symbol) { table.pointee.cancel_all(plugin, $0, error) }
        }
    }

    /// The connector's cached state of one order.
    public func order(_ clientOrderID: String) throws(ABIError) -> OrderSnapshot {
        var out = swl_order_t()
        return try instance.callExtension({ plugin, error in
            ABIValue.withCString(clientOrderID) { table.pointee.get_order(plugin, $0, &out, error) }
        }, reading: { () throws(ABIError) in try TradingValues.order(&out) })
    }

    /// Orders not yet final (of `symbol`, or all).
    public func openOrders(symbol: String = "") throws(ABIError) -> [OrderSnapshot] {
        let collector = Collector<OrderSnapshot>()
        try instance.callExtension { plugin, error in
            ABIValue.withCString(symbol) { s in
                table.pointee.list_open_orders(plugin, s, { user, item in
                    Collector<OrderSnapshot>.add(user, item) { item throws(ABIError) in try TradingValues.order(item) }
                }, Unmanaged.passUnretained(collector).toOpaque(), error)
            }
        }
        return try collector.result()
    }

    /// Every balance the connector knows.
    public func balances() throws(ABIError) -> [Balance] {
        let collector = Collector<Balance>()
        try instance.callExtension { plugin, error in
            table.pointee.list_balances(plugin, { user, item in
                Collector<Balance>.add(user, item) { item throws(ABIError) in try TradingValues.balance(item) }
            }, Unmanaged.passUnretained(collector).toOpaque(), error)
        }
        return try collector.result()
    }

    // MARK: plumbing

    private func exclusive<R>(_ body: (UnsafePointer<swl_plugin_t>) -> R) throws(ABIError) -> R {
        do {
            return try instance.exclusive(body)
        } catch {
            throw ABIError(SWL_ERR_STATE, error.message)
        }
    }
}

/// Gathers the items a visitor callback receives; the first malformed item is kept as
/// the error and stops the listing.
private final class Collector<Item> {
    var items: [Item] = []
    var failure: ABIError?

    static func add<C>(_ user: UnsafeMutableRawPointer?, _ item: UnsafePointer<C>?,
                       _ decode: (UnsafePointer<C>) throws(ABIError) -> Item) -> Int32 {
        guard let user, let item else { return 1 }
        let collector = Unmanaged<Collector<Item>>.fromOpaque(user).takeUnretainedValue()
        do throws(ABIError) {
            collector.items.append(try decode(item))
            return 0
        } catch {
            collector.failure = error
            return 1
        }
    }

    func result() throws(ABIError) -> [Item] {
        if let failure { throw failure }
        return items
    }
}

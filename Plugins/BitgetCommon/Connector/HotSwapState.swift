public import SwiftletPluginKit

/// The hot-swap state of the Bitget connectors (`swiftlet.hotswap/1`), format 1: a JSON
/// object with every money value as exact decimal text (docs/hot-swap.md):
///
/// ```json
/// {"format":1,"plugin":"bitget","version":"1.0.0","inst_type":"SPOT",
///  "orders":[{"client_order_id":"swl…x1","exchange_order_id":"1001","symbol":"BTCUSDT",
///             "side":"buy","type":"limit","position_side":"none","price":"50000","size":"0.02",
///             "filled_size":"0.005","average_fill_price":"50000","filled_by_fills":"0.005",
///             "state":"partially_filled","cancel_requested":false,"reason":"",
///             "created_time":1700000000000000000,"updated_time":1700000000000000000}],
///  "trade_ids":["5001"],"subscriptions":[{"channel":"books","symbol":"BTCUSDT"}],
///  "books":{"BTCUSDT":1234},"client_ids":{"session":"kx3f9a","counter":7},
///  "connections":[{"stream":"public1","id":3,"subscriptions":[{"channel":"books","symbol":"BTCUSDT"}]},
///                 {"stream":"private","id":4,"subscriptions":[]}],
///  "book_snapshots":{"BTCUSDT":"{\"action\":\"snapshot\",…}"}}
/// ```
/// (`instruments`, `balances` and `rate_budget` also appear; see the properties.)
public struct HotSwapState: Sendable, Equatable {
    /// The one format this build writes and reads.
    public static let format = 1

    /// Plugin id of the exporting build.
    public var plugin: String
    /// Version of the exporting build.
    public var version: String
    /// `SPOT` or the futures productType the instance traded.
    public var instType: String
    /// Every tracked order, open and recently final.
    public var orders: [OrderTracker.Entry]
    /// Trade (and bill) ids already reported, oldest first: never reported again.
    public var tradeIDs: [String]
    /// Market-data subscriptions (channel and symbol).
    public var subscriptions: [StreamSubscription]
    /// Last applied `seq` per subscribed book (informational: books resync from a snapshot).
    public var bookSequences: [String: Int64]
    /// The client-order-id sequence to continue.
    public var idSession: String
    public var idCounter: UInt64
    /// Trading rules and balances as the old instance knew them, so the new one can take
    /// orders at once; it refreshes both over REST at start. Optional in the format: a
    /// state without them is read as empty.
    public var instruments: [Instrument] = []
    public var balances: [Balance] = []
    /// The open WebSocket connections the next version may adopt (`adopt_websocket`)
    /// instead of connecting and subscribing again. Optional in the format.
    public var connections: [Connection] = []
    /// Each live book as a `books` snapshot frame (`BookTracker.snapshotFrame`), keyed by
    /// symbol, so the next version carries on from the held frames without a resync.
    /// Optional in the format.
    public var bookSnapshots: [String: String] = [:]
    /// The REST requests sent within the last budget window or booked to go later, per path, as
    /// the host's monotonic ns (`BitgetREST.bookedRequests`): the new instance counts them
    /// against Bitget's per-endpoint limits, which are the account's, not the instance's.
    /// Optional in the format.
    public var rateBudget: [String: [Int64]] = [:]

    /// One open connection: the stream it served and, for a public one, its subscriptions.
    public struct Connection: Sendable, Equatable {
        /// `private`, or the public stream's name (`public1`, ...).
        public var stream: String
        /// The host's connection id.
        public var id: UInt64
        /// Market-data subscriptions carried by a public connection.
        public var subscriptions: [StreamSubscription]

        public init(stream: String, id: UInt64, subscriptions: [StreamSubscription]) {
            self.stream = stream
            self.id = id
            self.subscriptions = subscriptions
        }
    }

    public init(plugin: String, version: String, instType: String, orders: [OrderTracker.Entry], tradeIDs: [String],
                subscriptions: [StreamSubscription], bookSequences: [String: Int64], idSession: String, idCounter: UInt64) {
        self.plugin = plugin
        self.version = version
        self.instType = instType
        self.orders = orders
        self.tradeIDs = tradeIDs
        self.subscriptions = subscriptions
        self.bookSequences = bookSequences
        self.idSession = idSession
        self.idCounter = idCounter
    }

    /// The JSON text (keys sorted, orders by client id).
    public func encoded() -> String {
        var out = JSONWriter()
        out.openObject()
        out.key("balances")
        out.openArray()
        for balance in balances.sorted(by: { $0.asset < $1.asset }) {
            out.openObject()
            out.member("asset", balance.asset)
            out.member("available", balance.available.description)
            out.member("locked", balance.locked.description)
            out.member("total", balance.total.description)
            out.closeObject()
        }
        out.closeArray()
        out.key("book_snapshots")
        out.openObject()
        for (symbol, frame) in bookSnapshots.sorted(by: { $0.key < $1.key }) { out.member(symbol, frame) }
        out.closeObject()
        out.key("books")
        out.openObject()
        for (symbol, sequence) in bookSequences.sorted(by: { $0.key < $1.key }) {
            out.key(symbol)
            out.integer(sequence)
        }
        out.closeObject()
        out.key("client_ids")
        out.openObject()
        out.key("counter")
        out.integer(idCounter)
        out.member("session", idSession)
        out.closeObject()
        out.key("connections")
        out.openArray()
        for connection in connections {
            out.openObject()
            out.key("id")
            out.integer(connection.id)
            out.member("stream", connection.stream)
            out.key("subscriptions")
            Self.write(connection.subscriptions, to: &out)
            out.closeObject()
        }
        out.closeArray()
        out.key("format")
        out.integer(Self.format)
        out.member("inst_type", instType)
        out.key("instruments")
        out.openArray()
        for instrument in instruments.sorted(by: { $0.symbol < $1.symbol }) { Self.write(instrument, to: &out) }
        out.closeArray()
        out.key("orders")
        out.openArray()
        for order in orders.sorted(by: { $0.snapshot.clientOrderID < $1.snapshot.clientOrderID }) { Self.write(order, to: &out) }
        out.closeArray()
        out.member("plugin", plugin)
        out.key("rate_budget")
        out.openObject()
        for (path, times) in rateBudget.sorted(by: { $0.key < $1.key }) {
            out.key(path)
            out.openArray()
            for time in times { out.integer(time) }
            out.closeArray()
        }
        out.closeObject()
        out.key("subscriptions")
        Self.write(subscriptions, to: &out)
        out.key("trade_ids")
        out.openArray()
        for id in tradeIDs { out.string(id) }
        out.closeArray()
        out.member("version", version)
        out.closeObject()
        return out.text
    }

    /// Reads a state for an instance of plugin `plugin` trading `instType`. Refuses, with
    /// `SWL_ERR_INVALID_ARGUMENT` naming the problem, text that is not a format-1 state of
    /// that plugin and product.
    public static func decode(_ text: String, plugin: String, instType: String) throws(PluginError) -> HotSwapState {
        do throws(PayloadError) {
            return try read(text, plugin: plugin, instType: instType)
        } catch {
            throw invalid(error.message)
        }
    }

    private static func read(_ text: String, plugin: String, instType: String) throws(PayloadError) -> HotSwapState {
        let what = "hot-swap state"
        let tree: JSONTree
        do throws(JSONTreeError) {
            tree = try JSONTree.parse(text)
        } catch {
            throw PayloadError("\(what): malformed JSON, \(error.message) (expected the JSON object a Bitget connector exports)")
        }
        let root = try JSONFields(tree, what: what)
        let format = try root.integer("format", as: Int.self)
        guard format == Self.format else {
            throw PayloadError("hot-swap state format \(format) is unknown to this build (it reads format \(Self.format))")
        }
        let from = try root.string("plugin")
        guard from == plugin else { throw PayloadError("hot-swap state is from plugin '\(from)', not '\(plugin)'") }
        let stateInstType = try root.string("inst_type")
        guard stateInstType == instType else {
            throw PayloadError("hot-swap state is for \(stateInstType), this instance trades \(instType)")
        }
        let ids = try root.object("client_ids")
        let session = try ids.string("session")
        guard !session.isEmpty, session.count <= 13, session.allSatisfy({ $0.isASCII && ($0.isNumber || $0.isLowercase) }) else {
            throw PayloadError("hot-swap state: client_ids.session must be 1 to 13 base-36 digits")
        }
        var orders: [OrderTracker.Entry] = []
        for order in try root.objects("orders") { orders.append(try entry(order)) }
        var tradeIDs: [String] = []
        for (index, id) in try root.array("trade_ids").enumerated() {
            guard case .string(let text) = id else { throw PayloadError("\(what): 'trade_ids[\(index)]' should be a string") }
            tradeIDs.append(text)
        }
        let books = try root.dictionary("books") { value, path throws(PayloadError) -> Int64 in
            guard case .number(let text) = value, let sequence = Int64(text) else {
                throw PayloadError("\(what): '\(path)' should be an integer in range")
            }
            return sequence
        }
        var state = HotSwapState(plugin: from, version: try root.string("version"), instType: stateInstType, orders: orders,
                                 tradeIDs: tradeIDs, subscriptions: try subscriptions(root, instType: stateInstType),
                                 bookSequences: books, idSession: session,
                                 idCounter: try ids.integer("counter"))
        for fields in try root.objects("instruments", optional: true) { state.instruments.append(try instrument(fields)) }
        for fields in try root.objects("balances", optional: true) {
            state.balances.append(Balance(asset: try fields.string("asset"), total: try fields.decimal("total"),
                                          available: try fields.decimal("available"), locked: try fields.decimal("locked")))
        }
        for fields in try root.objects("connections", optional: true) {
            state.connections.append(Connection(stream: try fields.string("stream"), id: try fields.integer("id"),
                                                subscriptions: try subscriptions(fields, instType: stateInstType)))
        }
        state.bookSnapshots = try root.dictionary("book_snapshots", optional: true) { value, path throws(PayloadError) -> String in
            guard case .string(let frame) = value else { throw PayloadError("\(what): '\(path)' should be a string") }
            return frame
        }
        state.rateBudget = try root.dictionary("rate_budget", optional: true) { value, path throws(PayloadError) -> [Int64] in
            guard case .array(let items) = value else { throw PayloadError("\(what): '\(path)' should be an array") }
            return try items.enumerated().map { index, item throws(PayloadError) -> Int64 in
                guard case .number(let text) = item, let time = Int64(text) else {
                    throw PayloadError("\(what): '\(path)[\(index)]' should be an integer")
                }
                return time
            }
        }
        return state
    }

    static func invalid(_ message: String) -> PluginError { PluginError(SWL_ERR_INVALID_ARGUMENT, message) }
}

// MARK: wire format

extension HotSwapState {
    private static func write(_ subscriptions: [StreamSubscription], to out: inout JSONWriter) {
        out.openArray()
        for subscription in subscriptions {
            out.openObject()
            out.member("channel", subscription.channel)
            out.member("symbol", subscription.instId)
            out.closeObject()
        }
        out.closeArray()
    }

    private static func subscriptions(_ fields: JSONFields, instType: String) throws(PayloadError) -> [StreamSubscription] {
        var result: [StreamSubscription] = []
        for subscription in try fields.objects("subscriptions") {
            result.append(StreamSubscription(instType: instType, channel: try subscription.string("channel"),
                                             instId: try subscription.string("symbol")))
        }
        return result
    }

    /// One order object (also the durable store's, `DurableState`).
    static func write(_ entry: OrderTracker.Entry, to out: inout JSONWriter) {
        let s = entry.snapshot
        out.openObject()
        out.member("average_fill_price", s.averageFillPrice.description)
        out.key("cancel_requested")
        out.bool(entry.cancelRequested)
        out.member("client_order_id", s.clientOrderID)
        out.key("created_time")
        out.integer(s.createdTime)
        out.member("exchange_order_id", s.exchangeOrderID)
        out.member("filled_by_fills", entry.filledByFills.description)
        out.member("filled_size", s.filledSize.description)
        out.member("position_side", WireNames.name(s.positionSide, WireNames.positionSides))
        out.member("price", s.price.description)
        out.member("reason", entry.reason)
        out.member("side", WireNames.name(s.side, WireNames.sides))
        out.member("size", s.size.description)
        out.member("state", WireNames.name(s.state, WireNames.states))
        out.member("symbol", s.symbol)
        out.member("type", WireNames.name(s.type, WireNames.types))
        out.key("updated_time")
        out.integer(s.updatedTime)
        out.closeObject()
    }

    static func entry(_ order: JSONFields) throws(PayloadError) -> OrderTracker.Entry {
        let clientOrderID = try order.string("client_order_id")
        guard !clientOrderID.isEmpty else { throw PayloadError("hot-swap state: '\(order.path).client_order_id' is empty") }
        let field = "hot-swap state: \(order.path)"
        let snapshot = OrderSnapshot(state: try WireNames.value(try order.string("state"), WireNames.states, "\(field).state"),
                                     symbol: try order.string("symbol"), clientOrderID: clientOrderID,
                                     exchangeOrderID: try order.string("exchange_order_id"),
                                     side: try WireNames.value(try order.string("side"), WireNames.sides, "\(field).side"),
                                     type: try WireNames.value(try order.string("type"), WireNames.types, "\(field).type"),
                                     price: try order.decimal("price"), size: try order.decimal("size"),
                                     filledSize: try order.decimal("filled_size"),
                                     averageFillPrice: try order.decimal("average_fill_price"),
                                     positionSide: try WireNames.value(try order.string("position_side"), WireNames.positionSides,
                                                                       "\(field).position_side"),
                                     createdTime: try order.integer("created_time"), updatedTime: try order.integer("updated_time"))
        return OrderTracker.Entry(snapshot: snapshot, cancelRequested: try order.bool("cancel_requested"),
                                  reason: try order.string("reason"), filledByFills: try order.decimal("filled_by_fills"))
    }

    /// Trading rules of one symbol; decimals as text.
    private static func write(_ instrument: Instrument, to out: inout JSONWriter) {
        out.openObject()
        out.member("base_asset", instrument.baseAsset)
        out.member("contract_size", instrument.contractSize.description)
        out.key("is_perpetual")
        out.bool(instrument.isPerpetual)
        out.member("maker_fee_rate", instrument.makerFeeRate.description)
        out.member("min_notional", instrument.minNotional.description)
        out.member("min_size", instrument.minSize.description)
        out.member("price_increment", instrument.priceIncrement.description)
        out.member("quote_asset", instrument.quoteAsset)
        out.member("size_increment", instrument.sizeIncrement.description)
        out.member("symbol", instrument.symbol)
        out.member("taker_fee_rate", instrument.takerFeeRate.description)
        out.closeObject()
    }

    private static func instrument(_ fields: JSONFields) throws(PayloadError) -> Instrument {
        Instrument(symbol: try fields.string("symbol"), baseAsset: try fields.string("base_asset"),
                   quoteAsset: try fields.string("quote_asset"), isPerpetual: try fields.bool("is_perpetual"),
                   priceIncrement: try fields.decimal("price_increment"), sizeIncrement: try fields.decimal("size_increment"),
                   minSize: try fields.decimal("min_size"), minNotional: try fields.decimal("min_notional"),
                   makerFeeRate: try fields.decimal("maker_fee_rate"), takerFeeRate: try fields.decimal("taker_fee_rate"),
                   contractSize: try fields.decimal("contract_size"))
    }
}
/// The names enums have in the state.
private enum WireNames {
    static let sides: [(Side, String)] = [(.buy, "buy"), (.sell, "sell")]
    static let types: [(OrderType, String)] = [(.limit, "limit"), (.market, "market")]
    static let positionSides: [(PositionSide, String)] = [(.none, "none"), (.long, "long"), (.short, "short")]
    static let states: [(OrderState, String)] = [
        (.pendingCreate, "pending_create"), (.open, "open"), (.partiallyFilled, "partially_filled"), (.filled, "filled"),
        (.pendingCancel, "pending_cancel"), (.cancelled, "cancelled"), (.failed, "failed"),
    ]

    static func name<Value: Equatable>(_ value: Value, _ table: [(Value, String)]) -> String {
        table.first { $0.0 == value }?.1 ?? ""
    }

    static func value<Value>(_ name: String, _ table: [(Value, String)], _ field: String) throws(PayloadError) -> Value {
        guard let match = table.first(where: { $0.1 == name }) else {
            throw PayloadError("\(field): unknown value '\(name)' (one of \(table.map(\.1).joined(separator: ", ")))")
        }
        return match.0
    }
}

import Foundation
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
/// (`instruments` and `balances` also appear; see the properties.)
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
    public func encoded() throws(PluginError) -> String {
        let wire = Wire(format: Self.format, plugin: plugin, version: version, instType: instType,
                        orders: orders.sorted { $0.snapshot.clientOrderID < $1.snapshot.clientOrderID }.map(WireOrder.init),
                        tradeIDs: tradeIDs,
                        subscriptions: subscriptions.map { WireSubscription(channel: $0.channel, symbol: $0.instId) },
                        books: bookSequences, clientIDs: WireIDs(session: idSession, counter: idCounter),
                        instruments: instruments.sorted { $0.symbol < $1.symbol }.map(WireInstrument.init),
                        balances: balances.sorted { $0.asset < $1.asset }.map(WireBalance.init),
                        connections: connections.map {
                            WireConnection(stream: $0.stream, id: $0.id,
                                           subscriptions: $0.subscriptions.map { WireSubscription(channel: $0.channel, symbol: $0.instId) })
                        },
                        bookSnapshots: bookSnapshots)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        do {
            return String(decoding: try encoder.encode(wire), as: UTF8.self)
        } catch {
            throw PluginError(SWL_ERR_INTERNAL, "hot-swap state cannot be encoded: \(error)")
        }
    }

    /// Reads a state for an instance of plugin `plugin` trading `instType`. Refuses, with
    /// `SWL_ERR_INVALID_ARGUMENT` naming the problem, text that is not a format-1 state of
    /// that plugin and product.
    public static func decode(_ text: String, plugin: String, instType: String) throws(PluginError) -> HotSwapState {
        let data = Data(text.utf8)
        struct Header: Decodable {
            var format: Int?
            var plugin: String?
        }
        let header: Header
        do throws(PayloadError) {
            header = try decodePayload(Header.self, from: data, what: "hot-swap state")
        } catch {
            throw invalid("\(error.message) (expected the JSON object a Bitget connector exports)")
        }
        guard let format = header.format else { throw invalid("hot-swap state: missing field 'format'") }
        guard format == Self.format else {
            throw invalid("hot-swap state format \(format) is unknown to this build (it reads format \(Self.format))")
        }
        guard let from = header.plugin else { throw invalid("hot-swap state: missing field 'plugin'") }
        guard from == plugin else { throw invalid("hot-swap state is from plugin '\(from)', not '\(plugin)'") }
        let wire: Wire
        do throws(PayloadError) {
            wire = try decodePayload(Wire.self, from: data, what: "hot-swap state")
        } catch {
            throw invalid(error.message)
        }
        guard wire.instType == instType else {
            throw invalid("hot-swap state is for \(wire.instType), this instance trades \(instType)")
        }
        guard !wire.clientIDs.session.isEmpty, wire.clientIDs.session.count <= 13,
              wire.clientIDs.session.allSatisfy({ $0.isASCII && ($0.isNumber || $0.isLowercase) }) else {
            throw invalid("hot-swap state: client_ids.session must be 1 to 13 base-36 digits")
        }
        var orders: [OrderTracker.Entry] = []
        for (index, order) in wire.orders.enumerated() {
            orders.append(try order.entry(at: index))
        }
        var state = HotSwapState(plugin: from, version: wire.version, instType: wire.instType, orders: orders,
                                 tradeIDs: wire.tradeIDs,
                                 subscriptions: wire.subscriptions.map {
                                     StreamSubscription(instType: wire.instType, channel: $0.channel, instId: $0.symbol)
                                 },
                                 bookSequences: wire.books, idSession: wire.clientIDs.session, idCounter: wire.clientIDs.counter)
        state.instruments = (wire.instruments ?? []).map(\.instrument)
        state.balances = (wire.balances ?? []).map(\.balance)
        state.connections = (wire.connections ?? []).map { connection in
            Connection(stream: connection.stream, id: connection.id, subscriptions: connection.subscriptions.map {
                StreamSubscription(instType: wire.instType, channel: $0.channel, instId: $0.symbol)
            })
        }
        state.bookSnapshots = wire.bookSnapshots ?? [:]
        return state
    }

    static func invalid(_ message: String) -> PluginError { PluginError(SWL_ERR_INVALID_ARGUMENT, message) }
}

// MARK: wire format

private struct Wire: Codable {
    var format: Int
    var plugin: String
    var version: String
    var instType: String
    var orders: [WireOrder]
    var tradeIDs: [String]
    var subscriptions: [WireSubscription]
    var books: [String: Int64]
    var clientIDs: WireIDs
    var instruments: [WireInstrument]?
    var balances: [WireBalance]?
    var connections: [WireConnection]?
    var bookSnapshots: [String: String]?

    enum CodingKeys: String, CodingKey {
        case format, plugin, version, orders, subscriptions, books, instruments, balances, connections
        case instType = "inst_type", tradeIDs = "trade_ids", clientIDs = "client_ids", bookSnapshots = "book_snapshots"
    }
}

private struct WireConnection: Codable {
    var stream: String
    var id: UInt64
    var subscriptions: [WireSubscription]
}

private struct WireSubscription: Codable {
    var channel: String
    var symbol: String
}

private struct WireIDs: Codable {
    var session: String
    var counter: UInt64
}

private struct WireOrder: Codable {
    var clientOrderID: String
    var exchangeOrderID: String
    var symbol: String
    var side: String
    var type: String
    var positionSide: String
    var price: ExactDecimal
    var size: ExactDecimal
    var filledSize: ExactDecimal
    var averageFillPrice: ExactDecimal
    var filledByFills: ExactDecimal
    var state: String
    var cancelRequested: Bool
    var reason: String
    var createdTime: Int64
    var updatedTime: Int64

    enum CodingKeys: String, CodingKey {
        case symbol, side, type, price, size, state, reason
        case clientOrderID = "client_order_id", exchangeOrderID = "exchange_order_id", positionSide = "position_side"
        case filledSize = "filled_size", averageFillPrice = "average_fill_price", filledByFills = "filled_by_fills"
        case cancelRequested = "cancel_requested", createdTime = "created_time", updatedTime = "updated_time"
    }

    init(_ entry: OrderTracker.Entry) {
        let s = entry.snapshot
        clientOrderID = s.clientOrderID
        exchangeOrderID = s.exchangeOrderID
        symbol = s.symbol
        side = WireNames.name(s.side, WireNames.sides)
        type = WireNames.name(s.type, WireNames.types)
        positionSide = WireNames.name(s.positionSide, WireNames.positionSides)
        price = s.price
        size = s.size
        filledSize = s.filledSize
        averageFillPrice = s.averageFillPrice
        filledByFills = entry.filledByFills
        state = WireNames.name(s.state, WireNames.states)
        cancelRequested = entry.cancelRequested
        reason = entry.reason
        createdTime = s.createdTime
        updatedTime = s.updatedTime
    }

    func entry(at index: Int) throws(PluginError) -> OrderTracker.Entry {
        let field = "hot-swap state: orders[\(index)]"
        guard !clientOrderID.isEmpty else { throw HotSwapState.invalid("\(field).client_order_id is empty") }
        let snapshot = OrderSnapshot(state: try WireNames.value(state, WireNames.states, "\(field).state"), symbol: symbol,
                                     clientOrderID: clientOrderID, exchangeOrderID: exchangeOrderID,
                                     side: try WireNames.value(side, WireNames.sides, "\(field).side"),
                                     type: try WireNames.value(type, WireNames.types, "\(field).type"),
                                     price: price, size: size, filledSize: filledSize, averageFillPrice: averageFillPrice,
                                     positionSide: try WireNames.value(positionSide, WireNames.positionSides, "\(field).position_side"),
                                     createdTime: createdTime, updatedTime: updatedTime)
        return OrderTracker.Entry(snapshot: snapshot, cancelRequested: cancelRequested, reason: reason, filledByFills: filledByFills)
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

    static func value<Value>(_ name: String, _ table: [(Value, String)], _ field: String) throws(PluginError) -> Value {
        guard let match = table.first(where: { $0.1 == name }) else {
            throw HotSwapState.invalid("\(field): unknown value '\(name)' (one of \(table.map(\.1).joined(separator: ", ")))")
        }
        return match.0
    }
}

/// Trading rules of one symbol; decimals as text.
private struct WireInstrument: Codable {
    var symbol: String
    var baseAsset: String
    var quoteAsset: String
    var isPerpetual: Bool
    var priceIncrement: ExactDecimal
    var sizeIncrement: ExactDecimal
    var minSize: ExactDecimal
    var minNotional: ExactDecimal
    var makerFeeRate: ExactDecimal
    var takerFeeRate: ExactDecimal
    var contractSize: ExactDecimal

    enum CodingKeys: String, CodingKey {
        case symbol
        case baseAsset = "base_asset", quoteAsset = "quote_asset", isPerpetual = "is_perpetual"
        case priceIncrement = "price_increment", sizeIncrement = "size_increment", minSize = "min_size"
        case minNotional = "min_notional", makerFeeRate = "maker_fee_rate", takerFeeRate = "taker_fee_rate"
        case contractSize = "contract_size"
    }

    init(_ instrument: Instrument) {
        symbol = instrument.symbol
        baseAsset = instrument.baseAsset
        quoteAsset = instrument.quoteAsset
        isPerpetual = instrument.isPerpetual
        priceIncrement = instrument.priceIncrement
        sizeIncrement = instrument.sizeIncrement
        minSize = instrument.minSize
        minNotional = instrument.minNotional
        makerFeeRate = instrument.makerFeeRate
        takerFeeRate = instrument.takerFeeRate
        contractSize = instrument.contractSize
    }

    var instrument: Instrument {
        Instrument(symbol: symbol, baseAsset: baseAsset, quoteAsset: quoteAsset, isPerpetual: isPerpetual,
                   priceIncrement: priceIncrement, sizeIncrement: sizeIncrement, minSize: minSize, minNotional: minNotional,
                   makerFeeRate: makerFeeRate, takerFeeRate: takerFeeRate, contractSize: contractSize)
    }
}

/// One asset's balance; decimals as text.
private struct WireBalance: Codable {
    var asset: String
    var total: ExactDecimal
    var available: ExactDecimal
    var locked: ExactDecimal

    init(_ balance: Balance) {
        asset = balance.asset
        total = balance.total
        available = balance.available
        locked = balance.locked
    }

    var balance: Balance { Balance(asset: asset, total: total, available: available, locked: locked) }
}

import Foundation
public import SwiftletPluginKit

/// An order checked, quantized and ready to send.
public struct PreparedOrder {
    public var clientID: String
    public var symbol: String
    public var snapshot: OrderSnapshot
    /// Bitget's request members, in the order sent.
    public var members: [(String, String)]

    public init(clientID: String, symbol: String, snapshot: OrderSnapshot, members: [(String, String)]) {
        self.clientID = clientID
        self.symbol = symbol
        self.snapshot = snapshot
        self.members = members
    }
}

/// What the Bitget spot and perpetual connectors share: events, market-data streams with
/// checksummed books, the order lifecycle (place, batch, cancel, unknown outcomes),
/// fill dedupe, REST reconciliation, durable state and hot swap (`ConnectorCore+HotSwap`).
/// Each connector adds its product's payloads and endpoints (`OrderGateway`, request bodies).
///
/// Used from the instance's own context only (the host serializes calls and callbacks).
public final class ConnectorCore {
    public let host: PluginHost
    public let config: ConnectorConfig
    /// The library this instance belongs to (its hot-swap identity).
    public let build: ConnectorBuild
    public let rest: BitgetREST
    /// `SPOT`, or a futures productType such as `USDT-FUTURES`.
    public let instType: String
    /// Room for the final orders kept (``finalOrdersKept``, and the tenth more pruning allows)
    /// and for open ones, so tracking an order on the order path does not grow its tables.
    public var orders = OrderTracker(orderCapacity: 1_024)
    /// Final orders kept in memory and in the saved state, the newest ones.
    static let finalOrdersKept = 500
    /// `seq` must advance by exactly one per update, as in the recorded Bitget feed (bench corpus).
    public var books = BookTracker(sequencePolicy: .consecutive)
    /// Reused for every book event, so emitting one allocates nothing.
    private let bookEvents = BookEventEncoder()
    public var ids: ClientOrderIDs
    public var instrumentsBySymbol: [String: Instrument] = [:]
    /// The account's balances as last reported.
    public internal(set) var balancesByAsset: [String: Balance] = [:]
    public internal(set) var loaded = false
    public var started = false
    /// Quiesced for a hot swap (`ConnectorCore+HotSwap`): nothing is sent, applied or emitted.
    public internal(set) var quiesced = false
    public weak var gateway: (any OrderGateway)?
    /// Called for each ticker push (perpetuals read mark/index/funding from it).
    public var onTicker: ((String, MarketPayloads.TickerPush) -> Void)?

    var publicStreams: [BitgetStream] = []
    public private(set) var privateStream: BitgetStream?
    /// Market-data subscriptions; imported ones are opened at `start`.
    var marketSubscriptions: Set<StreamSubscription> = []
    /// Connections of the previous version (hot-swap state), adopted at `start`.
    var adoptableConnections: [HotSwapState.Connection] = []
    /// A market-data frame arrived while quiesced and was dropped (a host that does not
    /// hold frames during a swap): the books are stale.
    var droppedFramesWhileQuiesced = false
    /// `importState` ran: `start` keeps that state rather than the durable store's.
    var importedState = false
    /// A delayed save was pending when the instance quiesced (`resume` schedules it again).
    var unsavedAtQuiesce = false
    /// Set when `start` adopted the private connection (see `start`).
    private var reconcileOnceTimeSynced = false
    private var unmatchedFills: [String: [(Fill, String, Int64)]] = [:]
    private var reconciling = false
    /// A reconciliation was asked for while one ran.
    private var reconcileAgain = false
    var reconcileTimer: UInt64?
    /// The pending delayed save (`scheduleSave`).
    private var saveTimer: UInt64?
    /// Order updates emitted while `sendFirst` hands a request over; nil otherwise.
    private var heldOrderUpdates: [(OrderUpdate, String)]?
    /// The durable state's keys, and what of it is archived.
    private var savedState: SavedState

    /// Channels per public connection: Bitget recommends fewer than 50.
    public static let channelsPerConnection = 50
    /// Pending-create orders younger than this are left alone by reconciliation: their
    /// answer may still be in flight.
    static let pendingGraceNs: Int64 = 10_000_000_000

    public init(host: PluginHost, config: ConnectorConfig, build: ConnectorBuild, instType: String, stateKey: String,
                restLimits: RateLimiter) {
        self.host = host
        self.config = config
        self.build = build
        self.instType = instType
        self.savedState = SavedState(key: stateKey)
        self.rest = BitgetREST(host: host, baseURL: config.restURL, credential: config.credential, limits: restLimits,
                               extraHeaders: config.demoTrading ? [("paptrading", "1")] : [])
        self.ids = ClientOrderIDs(prefix: config.orderIDPrefix, sessionSeed: host.now)
    }

    // MARK: lifecycle

    /// Restores durable state, opens the market-data subscriptions already known (imported
    /// in a hot swap), syncs the clock, then calls `loadRules`; starts the private stream with
    /// `privateChannels` and the reconciliation timer when a credential is set.
    public func start(privateChannels: [StreamSubscription], onPrivateMessage: @escaping (UnsafeRawBufferPointer) -> Void,
                      loadRules: @escaping () -> Void) throws(PluginError) {
        guard !started else { return }
        started = true
        // An imported hot-swap state is newer than the durable store (the old instance
        // stopped writing when it quiesced): write it there instead of reading it.
        if importedState { scheduleSave() } else { restoreState() }
        let previous = adoptableConnections
        adoptableConnections = []
        let adopted = adoptPublicConnections(previous)
        for subscription in marketSubscriptions.sorted(by: { ($0.channel, $0.instId) < ($1.channel, $1.instId) })
        where !adopted.contains(subscription) {
            streamWithRoom().subscribe([subscription])
        }
        connection("rest", .connecting, "loading trading rules")
        rest.syncTime { [weak self] result in
            if case .failure(let error) = result { self?.report(error.pluginError, "server time") }
            loadRules()
            // An adopted private connection never announces itself ready, which is when a
            // reconciliation normally runs: run it once the clock is synchronized.
            if self?.reconcileOnceTimeSynced == true {
                self?.reconcileOnceTimeSynced = false
                self?.reconcile()
            }
        }
        guard config.credential != nil else { return }
        let stream = BitgetStream(host: host, name: "private", url: config.privateWebSocketURL,
                                  loginCredential: config.credential, clockOffsetMs: { [weak self] in self?.rest.clockOffsetMs ?? 0 },
                                  settings: config.stream,
                                  onMessage: { [weak self] bytes in if self?.quiesced == false { onPrivateMessage(bytes) } },
                                  onNotice: { [weak self] in self?.streamNotice("private", $0) })
        stream.subscribe(privateChannels)
        privateStream = stream
        if let carried = previous.first(where: { $0.stream == "private" }), adopt(carried, into: stream) {
            connection("private", .connected, "carried over from the previous version")
            reconcileOnceTimeSynced = true
        } else {
            stream.start()
        }
        try startReconcileTimer()
    }

    /// Adopts the previous version's public connections with their subscriptions; returns
    /// the subscriptions they carry. A book without imported state is resubscribed on its
    /// adopted connection for a fresh snapshot.
    private func adoptPublicConnections(_ connections: [HotSwapState.Connection]) -> Set<StreamSubscription> {
        var carried: Set<StreamSubscription> = []
        for previous in connections where previous.stream != "private" {
            let wanted = previous.subscriptions.filter { marketSubscriptions.contains($0) && !carried.contains($0) }
            let stream = makePublicStream(named: previous.stream)
            stream.subscribe(wanted)
            guard adopt(previous, into: stream) else { continue }
            publicStreams.append(stream)
            carried.formUnion(wanted)
            connection(stream.name, .connected, "carried over from the previous version")
            for subscription in wanted where subscription.channel == "books"
                && books.book(instType: instType, instId: subscription.instId)?.status != .live {
                emit(.bookResync(reason: "hot swap: no book state carried over"), symbol: subscription.instId)
                stream.resubscribe(subscription)
            }
        }
        return carried
    }

    /// `stream.adopt`, logging a refusal (the caller then connects anew).
    private func adopt(_ previous: HotSwapState.Connection, into stream: BitgetStream) -> Bool {
        do {
            try stream.adopt(connection: previous.id)
            return true
        } catch {
            host.log(.warning, "cannot adopt the \(previous.stream) connection \(previous.id): \(error.message); connecting anew")
            return false
        }
    }

    /// Stops streams and timers. A quiesced instance has handed its state over: it drops
    /// what it held and does not write its (older) state over the new instance's.
    public func stop() {
        guard started else { return }
        started = false
        if let reconcileTimer { try? host.cancelTimer(reconcileTimer) }
        reconcileTimer = nil
        privateStream?.stop()
        for stream in publicStreams { stream.stop() }
        if quiesced {
            rest.discardHeld()
        } else {
            saveState()
        }
    }

    /// Runs `reconcile` every `config.reconcileInterval` (with a credential).
    func startReconcileTimer() throws(PluginError) {
        guard config.credential != nil, reconcileTimer == nil else { return }
        reconcileTimer = try host.startTimer(after: config.reconcileInterval, every: config.reconcileInterval) { [weak self] _ in
            self?.reconcile()
        }
    }

    /// Installs loaded trading rules; the first time, reconciles (adopting open orders).
    public func rulesLoaded(_ rules: [String: Instrument]) {
        instrumentsBySymbol = rules
        let first = !loaded
        loaded = true
        connection("rest", .connected, "\(rules.count) symbols")
        if first, config.credential != nil { reconcile() }
    }

    /// Retries `load` with backoff after a failure.
    public func retryLater(attempt: Int, _ load: @escaping (Int) -> Void) {
        let delay = min(30_000, 500 << min(attempt, 6))
        _ = try? host.startTimer(after: .milliseconds(delay)) { _ in load(attempt + 1) }
    }

    // MARK: reads

    public func requireLoaded() throws(PluginError) {
        guard loaded else { throw PluginError(SWL_ERR_STATE, "trading rules are not loaded yet (connector starting)") }
    }

    public func instrument(_ symbol: String) throws(PluginError) -> Instrument {
        try requireLoaded()
        guard let instrument = instrumentsBySymbol[symbol] else { throw PluginError(SWL_ERR_NOT_FOUND, "unknown symbol \(symbol)") }
        return instrument
    }

    public func instruments() throws(PluginError) -> [Instrument] {
        try requireLoaded()
        return instrumentsBySymbol.values.sorted { $0.symbol < $1.symbol }
    }

    public func order(_ clientOrderID: String) throws(PluginError) -> OrderSnapshot {
        guard let snapshot = orders.reported(clientOrderID) else {
            throw PluginError(SWL_ERR_NOT_FOUND, "unknown client order id \(clientOrderID)")
        }
        return snapshot
    }

    public func openOrders(_ symbol: String) -> [OrderSnapshot] {
        orders.openOrders(symbol: symbol).compactMap { orders.reported($0.clientOrderID) }
    }

    /// Records a balance and emits BALANCE when it changed.
    public func updateBalance(_ balance: Balance) {
        guard balancesByAsset[balance.asset] != balance else { return }
        balancesByAsset[balance.asset] = balance
        emit(.balance(balance))
    }

    // MARK: events

    /// Emits one event; a quiesced instance emits nothing.
    public func emit(_ payload: EventPayload, symbol: String = "", exchangeTime: Int64 = 0) {
        guard !quiesced else { return }
        let event = Event(context: EventContext(exchangeTime: exchangeTime, localTime: host.now, symbol: symbol), payload: payload)
        do { try host.emit(event) } catch { host.log(.error, "emit failed: \(error.message)") }
    }

    /// Reports an asynchronous failure as an ERROR event and a log line.
    public func report(_ error: PluginError, _ context: String, code: String = "", symbol: String = "") {
        host.log(.warning, "\(context): \(error.message)")
        emit(.error(ErrorReport(status: error.status, code: code, message: "\(context): \(error.message)")), symbol: symbol)
    }

    public func connection(_ stream: String, _ state: ConnectionState, _ detail: String) {
        emit(.connection(ConnectionChange(stream: stream, state: state, detail: detail)))
    }

    /// Emits an order update (if any) and persists the change. While `sendFirst` hands a
    /// request over, the update waits until the request is on its way.
    public func emitOrder(_ update: OrderUpdate?, symbol: String) {
        guard let update else { return }
        if heldOrderUpdates != nil {
            heldOrderUpdates?.append((update, symbol))
            return
        }
        emit(.order(update), symbol: symbol)
        scheduleSave()
    }

    /// Hands requests over first, then reports: runs `send`, then emits `updates` (already
    /// applied to the tracker), then any update `send` itself caused (a request refused at
    /// once). Emitting first put the subscribers' work between the strategy's decision and
    /// the request: the bot writes each update to its trade database, about 250 µs on the
    /// tick-to-order path (docs/strategies.md#tick-to-order-latency).
    private func sendFirst(reporting updates: [(OrderUpdate?, String)], _ send: () -> Void) {
        assert(heldOrderUpdates == nil, "sendFirst does not nest")
        heldOrderUpdates = []
        send()
        let caused = heldOrderUpdates ?? []
        heldOrderUpdates = nil
        for (update, symbol) in updates { emitOrder(update, symbol: symbol) }
        for (update, symbol) in caused { emitOrder(update, symbol: symbol) }
    }

    // MARK: market data

    public func subscribe(channel: String, symbol: String) throws(PluginError) {
        try requireRunning()
        guard !symbol.isEmpty else { throw PluginError(SWL_ERR_INVALID_ARGUMENT, "symbol is empty") }
        if loaded, instrumentsBySymbol[symbol] == nil { throw PluginError(SWL_ERR_NOT_FOUND, "unknown symbol \(symbol)") }
        let subscription = StreamSubscription(instType: instType, channel: channel, instId: symbol)
        guard !marketSubscriptions.contains(subscription) else { return }
        marketSubscriptions.insert(subscription)
        streamWithRoom().subscribe([subscription])
    }

    public func unsubscribe(channel: String, symbol: String) throws(PluginError) {
        try requireRunning()
        let subscription = StreamSubscription(instType: instType, channel: channel, instId: symbol)
        guard marketSubscriptions.remove(subscription) != nil else {
            throw PluginError(SWL_ERR_NOT_FOUND, "not subscribed to \(channel) \(symbol)")
        }
        for stream in publicStreams where stream.subscriptions.contains(subscription) { stream.unsubscribe([subscription]) }
    }

    /// The channel name of a market channel.
    public static func channelName(_ channel: MarketChannel) -> String {
        switch channel {
        case .book: "books"
        case .trades: "trade"
        case .ticker: "ticker"
        }
    }

    func streamWithRoom() -> BitgetStream {
        if let stream = publicStreams.first(where: { $0.subscriptions.count < Self.channelsPerConnection }) { return stream }
        let names = Set(publicStreams.map(\.name))
        let name = (1...).lazy.map { "public\($0)" }.first { !names.contains($0) }!
        let stream = makePublicStream(named: name)
        publicStreams.append(stream)
        stream.start()
        return stream
    }

    private func makePublicStream(named name: String) -> BitgetStream {
        BitgetStream(host: host, name: name, url: config.publicWebSocketURL, settings: config.stream,
                     onMessage: { [weak self] in self?.publicMessage($0) },
                     onNotice: { [weak self] in self?.streamNotice(name, $0) })
    }

    private func streamNotice(_ name: String, _ notice: BitgetStream.Notice) {
        // Quiesced: `resume` reconciles (and resyncs the books if frames were dropped).
        guard !quiesced else { return }
        switch notice {
        case .ready:
            connection(name, .connected, "")
            if name == "private" { reconcile() }
        case .lost(let reason):
            connection(name, .disconnected, reason)
            if let stream = publicStreams.first(where: { $0.name == name }) {
                // Books on that connection go stale until the fresh snapshot: say so.
                for subscription in stream.subscriptions where subscription.channel == "books" {
                    emit(.bookResync(reason: "stream \(name) lost: \(reason)"), symbol: subscription.instId)
                }
            }
        case .reconnecting:
            connection(name, .reconnecting, "")
        case .error(let code, let message):
            report(PluginError(SWL_ERR_EXCHANGE, message), "\(name) stream", code: code)
        }
    }

    func publicMessage(_ bytes: UnsafeRawBufferPointer) {
        guard !quiesced else {
            droppedFramesWhileQuiesced = true
            return
        }
        // `arg` (and so the channel) comes first in Bitget's pushes: a byte scan of the head
        // routes book frames without building a JSON tree for them.
        if FrameSniffer.contains(bytes, "\"channel\":\"books", within: 200) {
            handleBooks(bytes)
            return
        }
        do throws(PayloadError) {
            let head = try PushHead.read(bytes, what: "push")
            let symbol = head.instId ?? ""
            let data = Data(bytes)
            switch head.channel {
            case "trade":
                // The first push replays recent history; only live trades are events.
                guard head.action != "snapshot" else { return }
                let push = try decodePayload(MarketPayloads.Push<MarketPayloads.TradePush>.self, from: data, what: "trade push")
                for item in push.data {
                    emit(.trade(try MarketPayloads.trade(item)), symbol: symbol, exchangeTime: try Field.milliseconds(item.ts?.text, "ts"))
                }
            case "ticker":
                let push = try decodePayload(MarketPayloads.Push<MarketPayloads.TickerPush>.self, from: data, what: "ticker push")
                for item in push.data {
                    emit(.ticker(try MarketPayloads.ticker(item)), symbol: symbol, exchangeTime: try Field.milliseconds(item.ts?.text, "ts"))
                    onTicker?(symbol, item)
                }
            default:
                break
            }
        } catch {
            report(PluginError(SWL_ERR_EXCHANGE, error.message), "public stream")
        }
    }

    private func handleBooks(_ bytes: UnsafeRawBufferPointer) {
        let outcome: BookOutcome
        do {
            outcome = try books.process(bytes)
        } catch {
            report(PluginError(SWL_ERR_EXCHANGE, "books frame: \(error)"), "public stream")
            return
        }
        guard let frame = books.lastFrame else { return }
        switch outcome {
        case .applied:
            let emitted = bookEvents.withEvent(for: frame, in: bytes, localTime: host.now) { event in
                Result { () throws(PluginError) in try host.emit(encoded: event) }
            }
            if case .failure(let error) = emitted { host.log(.error, "emit failed: \(error.message)") }
        case .resyncNeeded(let reason):
            let symbol = frame.instId(in: bytes)
            emit(.bookResync(reason: reason.description), symbol: symbol)
            let subscription = StreamSubscription(instType: frame.instType(in: bytes), channel: "books", instId: symbol)
            for stream in publicStreams where stream.subscriptions.contains(subscription) { stream.resubscribe(subscription) }
        case .ignored:
            break
        }
    }

    /// Best ask of a tracked book, if any (market buys sized in base).
    public func bestAsk(_ symbol: String) -> ExactDecimal? {
        books.book(instType: instType, instId: symbol)?.bestAsk?.price
    }

    // MARK: fills

    /// Applies an order report (push or REST) and emits what changed; returns the order's
    /// client id when known.
    @discardableResult
    public func applyReport(_ report: ExchangeOrderReport) -> String? {
        emitOrder(orders.apply(report), symbol: report.symbol)
        let clientID = orders.clientID(forExchangeID: report.exchangeOrderID)
        flushUnmatchedFills(exchangeOrderID: report.exchangeOrderID)
        return clientID
    }

    /// Reads a private push's channel and hands it with the frame to `route`; a frame that is
    /// not a Bitget push, or that `route` cannot read, becomes an ERROR event (nothing applied).
    public func routePrivate(_ bytes: UnsafeRawBufferPointer, _ route: (String, Data) throws(PayloadError) -> Void) {
        do throws(PayloadError) {
            let head = try PushHead.read(bytes, what: "private push")
            try route(head.channel, Data(bytes))
        } catch {
            report(PluginError(SWL_ERR_EXCHANGE, error.message), "private stream")
        }
    }

    /// The `data` elements of a push on `channel`.
    public static func items<Element: Decodable>(_ type: Element.Type, in data: Data, channel: String) throws(PayloadError) -> [Element] {
        try decodePayload(MarketPayloads.Push<Element>.self, from: data, what: "\(channel) push").data
    }

    /// Applies an `orders` push: the order's new state and, when the push was caused by a
    /// trade, that fill (`fill` builds it from the order's client id).
    public func applyOrderPush(_ report: ExchangeOrderReport, fillTime: String?,
                               fill makeFill: (String) throws(PayloadError) -> Fill?) throws(PayloadError) {
        let clientID = applyReport(report) ?? ""
        if let trade = try makeFill(clientID) {
            fill(trade, symbol: report.symbol, time: try Field.milliseconds(fillTime, "fillTime"))
        }
    }

    /// Counts a fill once (by trade id). A fill whose order id is not known yet (its place
    /// answer still in flight) waits until it is.
    public func fill(_ fill: Fill, symbol: String, time: Int64 = 0) {
        var fill = fill
        if fill.clientOrderID.isEmpty {
            guard let clientID = orders.clientID(forExchangeID: fill.exchangeOrderID) else {
                if !orders.hasSeen(tradeID: fill.tradeID) { unmatchedFills[fill.exchangeOrderID, default: []].append((fill, symbol, time)) }
                return
            }
            fill.clientOrderID = clientID
        }
        guard orders.recordFill(tradeID: fill.tradeID, clientOrderID: fill.clientOrderID, size: fill.size) else { return }
        emit(.fill(fill), symbol: symbol, exchangeTime: time)
        scheduleSave()
    }

    private func flushUnmatchedFills(exchangeOrderID: String) {
        guard orders.clientID(forExchangeID: exchangeOrderID) != nil,
              let waiting = unmatchedFills.removeValue(forKey: exchangeOrderID) else { return }
        for (item, symbol, time) in waiting { fill(item, symbol: symbol, time: time) }
    }

    // MARK: placing and cancelling

    /// A client id for a request: its own (validated, not in use) or a generated one.
    public func clientID(for request: OrderRequest, reserved: [String]) throws(PluginError) -> String {
        let clientID: String
        if request.clientOrderID.isEmpty {
            clientID = ids.next()
        } else {
            try ClientOrderIDs.validate(request.clientOrderID)
            clientID = request.clientOrderID
        }
        if reserved.contains(clientID) {
            throw PluginError(SWL_ERR_INVALID_ARGUMENT, "client order id \(clientID) appears twice in the batch")
        }
        if let existing = orders.entry(clientID), !existing.snapshot.state.isFinal {
            throw PluginError(SWL_ERR_INVALID_ARGUMENT, "client order id \(clientID) is already in use")
        }
        return clientID
    }

    /// Checks the connector may change anything at the exchange: started, not quiesced.
    public func requireRunning() throws(PluginError) {
        guard started else { throw PluginError(SWL_ERR_STATE, "connector is not started") }
        guard !quiesced else {
            throw PluginError(SWL_ERR_STATE, "connector is quiesced for a hot swap: no orders or subscriptions until it resumes")
        }
    }

    /// Checks the connector can trade at all.
    public func requireTrading() throws(PluginError) {
        try requireRunning()
        guard config.credential != nil else {
            throw PluginError(SWL_ERR_AUTH, "no credential configured: this connector runs market data only")
        }
    }

    /// Records the order (PENDING_CREATE) and sends it to `path` as one JSON object.
    public func place(_ prepared: PreparedOrder, path: String) {
        sendFirst(reporting: [track(prepared)]) {
            rest.send("POST", path, body: JSONText.object(prepared.members), signed: true,
                      as: MarketPayloads.OrderAck.self) { [weak self] result in
                guard let self else { return }
                switch result {
                case .success(let ack): self.accepted(prepared.clientID, exchangeID: ack.orderId ?? "")
                case .failure(let error): self.placeFailed(prepared.clientID, symbol: prepared.symbol, error)
                }
            }
        }
    }

    /// Prepares every request (`prepare` gets the client ids already taken by the batch),
    /// then sends the accepted ones per symbol in batches of 50 to `path`. The members named
    /// in `sharedKeys` go once at the top of each request (as Bitget's batch endpoints want),
    /// the rest in `orderList`. One result per request, in order.
    public func placeOrders(_ requests: [OrderRequest], sharedKeys: Set<String>, path: String,
                            prepare: (OrderRequest, [String]) throws(PluginError) -> PreparedOrder) -> [Result<String, PluginError>] {
        var results: [Result<String, PluginError>] = []
        var bySymbol: [String: [PreparedOrder]] = [:]
        var symbolsInOrder: [String] = []
        var taken: [String] = []
        for request in requests {
            do throws(PluginError) {
                let prepared = try prepare(request, taken)
                taken.append(prepared.clientID)
                if bySymbol[prepared.symbol] == nil { symbolsInOrder.append(prepared.symbol) }
                bySymbol[prepared.symbol, default: []].append(prepared)
                results.append(.success(prepared.clientID))
            } catch {
                results.append(.failure(error))
            }
        }
        for symbol in symbolsInOrder {
            let batch = bySymbol[symbol]!
            let shared = batch[0].members.filter { sharedKeys.contains($0.0) }.map { ($0.0, JSONText.string($0.1)) }
            let trimmed = batch.map { prepared in
                var order = prepared
                order.members.removeAll { sharedKeys.contains($0.0) }
                return order
            }
            placeBatch(trimmed, symbol: symbol, path: path) { orders in
                JSONText.rawObject(shared + [("orderList", JSONText.array(orders))])
            }
        }
        return results
    }

    /// Records orders of one symbol and sends them in batches of 50 to `path`; `body` builds
    /// the request from the orders' JSON objects.
    private func placeBatch(_ batch: [PreparedOrder], symbol: String, path: String, body: @escaping ([String]) -> String) {
        sendFirst(reporting: batch.map(track)) {
            var start = 0
            while start < batch.count {
                let chunk = Array(batch[start..<min(batch.count, start + 50)])
                start += 50
                let text = body(chunk.map { JSONText.object($0.members) })
                rest.send("POST", path, body: text, signed: true, as: MarketPayloads.BatchAck.self) { [weak self] result in
                    guard let self else { return }
                    switch result {
                    case .success(let ack):
                        for success in ack.successList {
                            if let clientID = success.clientOid { self.accepted(clientID, exchangeID: success.orderId ?? "") }
                        }
                        for failure in ack.failureList {
                            guard let clientID = failure.clientOid else { continue }
                            self.placeFailed(clientID, symbol: symbol, .exchange(code: failure.errorCode?.text ?? "",
                                                                                 message: failure.errorMsg ?? "refused", httpStatus: 200))
                        }
                        // An order in neither list: the answer is incomplete, so ask the exchange.
                        let answered = Set(ack.successList.compactMap(\.clientOid) + ack.failureList.compactMap(\.clientOid))
                        for prepared in chunk where !answered.contains(prepared.clientID) { self.verify(prepared.clientID) }
                    case .failure(let error):
                        for prepared in chunk { self.placeFailed(prepared.clientID, symbol: symbol, error) }
                    }
                }
            }
        }
    }

    /// Adds the order to the tracker (PENDING_CREATE); returns the update to emit.
    private func track(_ prepared: PreparedOrder) -> (OrderUpdate?, String) {
        (orders.addPending(prepared.snapshot), prepared.symbol)
    }

    private func accepted(_ clientID: String, exchangeID: String) {
        guard let symbol = orders.entry(clientID)?.snapshot.symbol else { return }
        emitOrder(orders.accepted(clientID, exchangeID: exchangeID, time: host.now), symbol: symbol)
        flushUnmatchedFills(exchangeOrderID: exchangeID)
    }

    private func placeFailed(_ clientID: String, symbol: String, _ error: BitgetAPIError) {
        if error.outcomeUnknown {
            // The request may have reached the exchange: find out before calling it failed.
            report(error.pluginError, "place \(clientID) (outcome unknown, checking)", code: error.code, symbol: symbol)
            verify(clientID)
            return
        }
        emitOrder(orders.failed(clientID, reason: error.description, time: host.now), symbol: symbol)
        report(error.pluginError, "place \(clientID)", code: error.code, symbol: symbol)
    }

    /// The order a cancel may target: known, not final, on `symbol` (if given).
    public func cancellable(_ clientOrderID: String, symbol: String) throws(PluginError) -> OrderTracker.Entry {
        try requireRunning()
        guard let entry = orders.entry(clientOrderID), !entry.snapshot.state.isFinal else {
            throw PluginError(SWL_ERR_NOT_FOUND, "no open order with client id \(clientOrderID)")
        }
        guard symbol.isEmpty || symbol == entry.snapshot.symbol else {
            throw PluginError(SWL_ERR_NOT_FOUND, "order \(clientOrderID) is on \(entry.snapshot.symbol), not \(symbol)")
        }
        return entry
    }

    /// Marks the order PENDING_CANCEL and sends `body` to `path`.
    public func cancel(_ clientOrderID: String, symbol: String, path: String, body: String) {
        sendFirst(reporting: [(orders.cancelRequested(clientOrderID), symbol)]) {
            rest.send("POST", path, body: body, signed: true, as: MarketPayloads.OrderAck.self) { [weak self] result in
                self?.cancelAnswered(clientOrderID, result.map { _ in () })
            }
        }
    }

    /// Cancels orders of one symbol: each id must name an open order on `symbol`, once; the
    /// valid ones go in batches of 50 to `path` (`body` builds a request from the ids). One
    /// result per id, in order.
    public func cancelOrders(_ clientOrderIDs: [String], symbol: String, path: String,
                             body: @escaping ([String]) -> String) -> [Result<Void, PluginError>] {
        var results: [Result<Void, PluginError>] = []
        var accepted: [String] = []
        for id in clientOrderIDs {
            do throws(PluginError) {
                let entry = try cancellable(id, symbol: symbol)
                guard entry.snapshot.symbol == symbol else {
                    throw PluginError(SWL_ERR_INVALID_ARGUMENT, "a batch cancel names one symbol; \(id) is on \(entry.snapshot.symbol)")
                }
                guard !accepted.contains(id) else { throw PluginError(SWL_ERR_INVALID_ARGUMENT, "\(id) appears twice") }
                accepted.append(id)
                results.append(.success(()))
            } catch {
                results.append(.failure(error))
            }
        }
        cancelBatch(accepted, symbol: symbol, path: path, body: body)
        return results
    }

    private func cancelBatch(_ ids: [String], symbol: String, path: String, body: @escaping ([String]) -> String) {
        sendFirst(reporting: ids.map { (orders.cancelRequested($0), symbol) }) {
            var start = 0
            while start < ids.count {
                let chunk = Array(ids[start..<min(ids.count, start + 50)])
                start += 50
                rest.send("POST", path, body: body(chunk), signed: true, as: MarketPayloads.BatchAck.self) { [weak self] result in
                    guard let self else { return }
                    switch result {
                    case .success(let ack):
                        for failure in ack.failureList {
                            guard let id = failure.clientOid else { continue }
                            self.cancelAnswered(id, .failure(.exchange(code: failure.errorCode?.text ?? "",
                                                                       message: failure.errorMsg ?? "refused", httpStatus: 200)))
                        }
                        for success in ack.successList { if let id = success.clientOid { self.cancelAnswered(id, .success(())) } }
                    case .failure(let error):
                        for id in chunk { self.cancelAnswered(id, .failure(error)) }
                    }
                }
            }
        }
    }

    /// Marks every open order of `symbol` (or all) PENDING_CANCEL, sends one request per
    /// symbol (`request(symbol)` gives path and body) and verifies the orders afterwards.
    public func cancelAll(symbol: String, request: @escaping (String) -> (path: String, body: String)) throws(PluginError) {
        try requireRunning()
        let open = orders.openOrders(symbol: symbol)
        struct Ack: Decodable {}
        sendFirst(reporting: open.map { (orders.cancelRequested($0.clientOrderID), $0.symbol) }) {
            for target in Set(open.map(\.symbol)).sorted() {
                let (path, body) = request(target)
                rest.send("POST", path, body: body, signed: true, as: Ack.self) { [weak self] result in
                    guard let self else { return }
                    if case .failure(let error) = result {
                        self.report(error.pluginError, "cancel all \(target)", code: error.code, symbol: target)
                    }
                    // Bitget cancels asynchronously: pushes finish the orders; check the rest.
                    for order in open where order.symbol == target { self.scheduleVerify(order.clientOrderID) }
                }
            }
        }
    }

    private func cancelAnswered(_ clientOrderID: String, _ result: Result<Void, BitgetAPIError>) {
        guard let symbol = orders.entry(clientOrderID)?.snapshot.symbol else { return }
        switch result {
        case .success:
            // The push normally finishes it; if the push is lost, the order detail will.
            scheduleVerify(clientOrderID)
        case .failure(let error) where error.kind == .orderNotFound || error.outcomeUnknown:
            // Already final at the exchange (filled or cancelled), or unknown: ask.
            verify(clientOrderID)
        case .failure(let error):
            emitOrder(orders.cancelRefused(clientOrderID), symbol: symbol)
            report(error.pluginError, "cancel \(clientOrderID)", code: error.code, symbol: symbol)
        }
    }

    // MARK: reconciliation

    /// Open orders and recent fills from REST: adopts orders the streams never mentioned
    /// (including those left open by a previous run), finishes orders whose final push was
    /// lost, and counts fills the streams missed, once.
    public func reconcile() {
        guard started, !quiesced, loaded, config.credential != nil, let gateway else { return }
        // One at a time; a request during one runs after it (its answers may predate what
        // the caller knows was missed, e.g. frames dropped while quiesced).
        guard !reconciling else {
            reconcileAgain = true
            return
        }
        reconciling = true
        gateway.refreshAccount()
        gateway.fetchOpenOrders { [weak self] result in
            guard let self else { return }
            self.reconciling = false
            defer {
                if self.reconcileAgain {
                    self.reconcileAgain = false
                    self.reconcile()
                }
            }
            switch result {
            case .failure(let error):
                self.report(error.pluginError, "reconcile open orders", code: error.code)
            case .success(let reports):
                var open = Set<String>()
                for report in reports { if let id = self.applyReport(report) { open.insert(id) } }
                self.finishReconcile(openAtExchange: open)
            }
        }
    }

    private func finishReconcile(openAtExchange: Set<String>) {
        let now = host.now
        var symbols = Set<String>()
        for order in orders.openOrders() {
            symbols.insert(order.symbol)
            guard !openAtExchange.contains(order.clientOrderID) else { continue }
            if order.state == .pendingCreate, now - order.createdTime < Self.pendingGraceNs { continue }
            verify(order.clientOrderID)
        }
        for entry in orders.entries.values where now - entry.snapshot.updatedTime < 600_000_000_000 {
            symbols.insert(entry.snapshot.symbol)
        }
        for symbol in symbols.sorted() { fetchFills(symbol: symbol, orderID: nil) }
    }

    private func fetchFills(symbol: String, orderID: String?) {
        gateway?.fetchFills(symbol: symbol, orderID: orderID) { [weak self] result in
            guard let self else { return }
            switch result {
            case .failure(let error):
                self.report(error.pluginError, "reconcile fills \(symbol)", code: error.code, symbol: symbol)
            case .success(let fills):
                // Oldest first, so fills are emitted in the order they happened; fills of
                // orders this connector never knew (manual trades) are not ours to report.
                for (item, time) in fills.reversed() where self.orders.clientID(forExchangeID: item.exchangeOrderID) != nil {
                    self.fill(item, symbol: symbol, time: time)
                }
            }
        }
    }

    /// Asks the exchange for one order's state and applies it. An order the exchange has
    /// never heard of, still pending create, has failed; one it accepted before but no longer
    /// knows (a restart against a reset exchange or account, or history past the exchange's
    /// retention) has ended there, and is CANCELLED rather than left open for ever.
    public func verify(_ clientID: String, attempt: Int = 0) {
        guard started, let entry = orders.entry(clientID), !entry.snapshot.state.isFinal, let gateway else { return }
        gateway.fetchOrder(clientID: clientID, symbol: entry.snapshot.symbol) { [weak self] result in
            guard let self, let entry = self.orders.entry(clientID) else { return }
            let symbol = entry.snapshot.symbol
            switch result {
            case .success(let report?):
                self.applyReport(report)
                if report.filledSize > entry.filledByFills { self.fetchFills(symbol: symbol, orderID: report.exchangeOrderID) }
                if !report.state.isFinal, entry.cancelRequested { self.scheduleVerify(clientID) }
            case .success(nil):
                self.notFoundAtExchange(clientID, entry)
            case .failure(let error) where error.kind == .orderNotFound:
                self.notFoundAtExchange(clientID, entry)
            case .failure(let error):
                guard attempt < 6 else {
                    self.report(error.pluginError, "order \(clientID) still unknown after \(attempt + 1) checks", code: error.code)
                    return
                }
                _ = try? self.host.startTimer(after: .milliseconds(250 << attempt)) { [weak self] _ in
                    self?.verify(clientID, attempt: attempt + 1)
                }
            }
        }
    }

    private func notFoundAtExchange(_ clientID: String, _ entry: OrderTracker.Entry) {
        let update = entry.snapshot.state == .pendingCreate
            ? orders.failed(clientID, reason: "not accepted by the exchange (order detail: not found)", time: host.now)
            : orders.vanished(clientID, reason: "no longer known to the exchange (order detail: not found), so not open there",
                              time: host.now)
        emitOrder(update, symbol: entry.snapshot.symbol)
    }

    /// Verifies an order a little later if nothing has finished it by then.
    public func scheduleVerify(_ clientID: String) {
        _ = try? host.startTimer(after: .seconds(3)) { [weak self] _ in self?.verify(clientID) }
    }

    // MARK: persistence

    /// Saves the state within `saveDelay`, once for any number of changes meanwhile.
    ///
    /// Not at once: a save (`SavedState`: encoding the recent orders and queueing them for
    /// the host's store with `kv_put_deferred`) holds the event loop for a few hundred
    /// microseconds, which would sit on the path of every order placed. What a crash inside the
    /// delay, or before the host's write, loses is repaired at restart by the reconciliation
    /// over REST (open orders, recent fills), and the bot's trade journal counts a fill once
    /// per trade id.
    func scheduleSave() {
        guard saveTimer == nil, !quiesced else { return }
        saveTimer = try? host.startTimer(after: Self.saveDelay) { [weak self] _ in
            self?.saveTimer = nil
            self?.saveState()
        }
        if saveTimer == nil { saveState() }
    }

    static let saveDelay = Duration.milliseconds(250)

    /// Cancels a pending delayed save; true if there was one (changes not yet written).
    func cancelPendingSave() -> Bool {
        guard let saveTimer else { return false }
        try? host.cancelTimer(saveTimer)
        self.saveTimer = nil
        return true
    }

    /// Writes open orders, recent final ones and the counted trade ids to the host's durable
    /// store (what the archive lacks; `SavedState`), so a restart neither loses orders nor
    /// counts a fill twice.
    public func saveState() {
        _ = cancelPendingSave()
        guard !quiesced else { return }
        orders.pruneFinal(keep: Self.finalOrdersKept)
        do {
            try savedState.save(orders: orders.entries.values, trades: orders.rememberedTrades.suffix(5000)) { key, value throws(PluginError) in
                try host.storeLater(value, forKey: key)
            }
        } catch {
            host.log(.error, "cannot save state: \(error.message)")
        }
    }

    private func restoreState() {
        do {
            let recent = try host.load(key: savedState.key)
            let archive = try host.load(key: savedState.archiveKey)
            guard let state = try savedState.restore(recent: recent, archive: archive) else { return }
            orders.restore(trades: state.trades, entries: state.orders)
            host.log(.info, "restored \(state.orders.count) orders and \(state.trades.count) trade ids")
        } catch {
            report(PluginError(SWL_ERR_INTERNAL, "saved state unreadable, starting from the exchange's view: \(error)"), "restore")
        }
    }
}

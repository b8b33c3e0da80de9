public import SwiftletPluginKit

/// Hot swap (ext/hotswap.h) for every Bitget connector.
///
/// Quiesced, an instance freezes: no REST request is outstanding (`quiesce` refuses
/// until each has its outcome), any later one is held (`BitgetREST.hold`), the
/// reconciliation timer and keepalive pings stop, nothing is emitted or persisted, and
/// placing, cancelling and subscribing fail with `SWL_ERR_STATE`. The host holds the
/// stream frames meanwhile (a frame that still arrives is dropped, and then the books are
/// not handed over). So the exported state is exactly what the host was told. The new
/// instance adopts the open connections and carries on from the held frames with the
/// exported books, and reconciles over REST as it starts; a resumed one sends its held
/// requests, gets its held frames and reconciles. Trade ids in the state are never
/// reported again, so no fill is lost or doubled.
extension ConnectorCore {
    /// Freezes the instance for a swap; `SWL_ERR_STATE` if it is not running. Idempotent.
    public func quiesce() throws(PluginError) {
        guard started else { throw PluginError(SWL_ERR_STATE, "connector is not started: nothing to quiesce") }
        guard !quiesced else { return }
        // A request still waiting for its rate-limit slot has not reached the exchange, and
        // one sent but unanswered may yet be refused (a 429 is retried here) or fail: the
        // new instance could not tell what became of either. Let them settle first.
        guard rest.outstanding == 0 else {
            throw PluginError(SWL_ERR_RATE_LIMITED, "\(rest.inFlight) request(s) in flight and \(rest.waitingForSlot) "
                              + "waiting for their rate-limit slot; quiesce again shortly")
        }
        // Not written now: that takes about a millisecond, inside the pause. The new
        // instance writes the exported state within `saveDelay` of its start; a resumed one
        // schedules the pending save again.
        unsavedAtQuiesce = cancelPendingSave()
        quiesced = true
        if let reconcileTimer { try? host.cancelTimer(reconcileTimer) }
        reconcileTimer = nil
        rest.hold()
        droppedFramesWhileQuiesced = false
        for stream in allStreams { stream.pauseKeepalive() }
        host.log(.info, "quiesced for a hot swap: \(orders.openOrders().count) open orders, requests held")
    }

    /// Undoes `quiesce`: sends the requests held meanwhile, reconciles orders and
    /// fills now, and, if market-data frames were dropped meanwhile (a host that does not
    /// hold them), resyncs every book from a fresh snapshot.
    public func resume() throws(PluginError) {
        guard quiesced else { return }
        quiesced = false
        if unsavedAtQuiesce { scheduleSave() }
        try startReconcileTimer()
        rest.release()
        for stream in allStreams { stream.resumeKeepalive() }
        if droppedFramesWhileQuiesced { resyncBooks() }
        host.log(.info, "resumed after an abandoned hot swap")
        reconcile()
    }

    private var allStreams: [BitgetStream] { publicStreams + (privateStream.map { [$0] } ?? []) }

    private func resyncBooks() {
        for stream in publicStreams {
            for subscription in stream.subscriptions where subscription.channel == "books" {
                emit(.bookResync(reason: "resumed after an abandoned hot swap"), symbol: subscription.instId)
                stream.resubscribe(subscription)
            }
        }
    }

    /// The state to hand to the next version (`HotSwapState`); only while quiesced.
    public func exportState() throws(PluginError) -> String {
        guard quiesced else {
            throw PluginError(SWL_ERR_STATE, "export_state needs a quiesced instance: call quiesce first")
        }
        let subscriptions = marketSubscriptions.sorted { ($0.channel, $0.instId) < ($1.channel, $1.instId) }
        var sequences: [String: Int64] = [:]
        for subscription in subscriptions where subscription.channel == "books" {
            sequences[subscription.instId] = books.book(instType: instType, instId: subscription.instId)?.sequence
        }
        var state = HotSwapState(plugin: build.pluginID, version: build.version, instType: instType,
                                 orders: handedOverOrders(), tradeIDs: Array(orders.rememberedTrades.suffix(Self.handedOverTradeIDs)),
                                 subscriptions: subscriptions, bookSequences: sequences,
                                 idSession: ids.session, idCounter: ids.counter)
        if loaded { state.instruments = Array(instrumentsBySymbol.values) }
        state.balances = Array(balancesByAsset.values)
        state.rateBudget = rest.bookedRequests
        state.connections = publicStreams.compactMap { stream in
            stream.connectionID.map { HotSwapState.Connection(stream: stream.name, id: $0, subscriptions: stream.subscriptions) }
        }
        if let id = privateStream?.connectionID {
            state.connections.append(HotSwapState.Connection(stream: "private", id: id, subscriptions: []))
        }
        // Books are current only if no frame was dropped while quiesced.
        if !droppedFramesWhileQuiesced {
            for subscription in subscriptions where subscription.channel == "books" {
                state.bookSnapshots[subscription.instId] = books.snapshotFrame(instType: instType, instId: subscription.instId)
            }
        }
        return state.encoded()
    }

    /// How much of its memory of finished work an instance hands over: the newest final
    /// orders and trade ids. Enough for what reconciliation reads again (the 100 latest
    /// fills of a symbol, recent order states), and bounded, so the state, and the pause
    /// that carries it, does not grow with the bot's age. The bot itself also drops a fill
    /// it has already counted (by trade id).
    static let handedOverFinalOrders = 100
    static let handedOverTradeIDs = 2_000

    /// Every order not final, and the newest `handedOverFinalOrders` final ones.
    private func handedOverOrders() -> [OrderTracker.Entry] {
        var open: [OrderTracker.Entry] = [], final: [OrderTracker.Entry] = []
        for entry in orders.entries.values {
            if entry.snapshot.state.isFinal { final.append(entry) } else { open.append(entry) }
        }
        guard final.count > Self.handedOverFinalOrders else { return open + final }
        final.sort { $0.snapshot.updatedTime > $1.snapshot.updatedTime }
        return open + final.prefix(Self.handedOverFinalOrders)
    }

    /// Adopts an exported state before `start`: its orders, its reported trade ids (never
    /// reported again), its subscriptions, its client-id sequence and its books; its open
    /// connections are adopted at `start` (subscriptions on any other are opened anew).
    /// `start` then reconciles over REST at once, reporting what changed meanwhile.
    /// Refuses a state it cannot read (`HotSwapState.decode`) and leaves the instance as it was.
    public func importState(_ text: String) throws(PluginError) {
        guard !started else {
            throw PluginError(SWL_ERR_STATE, "import_state is for a created instance that has not started")
        }
        let state = try HotSwapState.decode(text, plugin: build.pluginID, instType: instType)
        orders.restore(trades: state.tradeIDs, entries: state.orders)
        marketSubscriptions.formUnion(state.subscriptions)
        ids.continueSequence(session: state.idSession, counter: state.idCounter)
        // Rules and balances as the old instance knew them: orders can be taken at once;
        // `start` refreshes both over REST.
        if !state.instruments.isEmpty {
            instrumentsBySymbol = Dictionary(state.instruments.map { ($0.symbol, $0) }, uniquingKeysWith: { $1 })
            loaded = true
        }
        balancesByAsset = Dictionary(state.balances.map { ($0.asset, $0) }, uniquingKeysWith: { $1 })
        adoptableConnections = state.connections
        rest.adoptBookedRequests(state.rateBudget)
        importedState = true
        for (symbol, frame) in state.bookSnapshots.sorted(by: { $0.key < $1.key }) {
            let outcome = try? books.process(frame)
            if outcome != .applied { host.log(.warning, "book \(symbol) from the hot-swap state not applied (\(String(describing: outcome))); it resyncs") }
        }
        host.log(.info, "imported hot-swap state of \(state.plugin) \(state.version): \(state.orders.count) orders, "
                 + "\(state.tradeIDs.count) trade ids, \(state.subscriptions.count) subscriptions")
    }
}

import BitgetCommon
import SwiftletPluginKit

/// Placing and cancelling orders.
extension BitgetSpotConnector {
    /// An order checked, quantized and ready to send.
    struct PreparedOrder {
        var clientID: String
        var symbol: String
        var snapshot: OrderSnapshot
        /// Bitget's request members, in the order sent.
        var members: [(String, String)]
    }

    public func placeOrder(_ request: OrderRequest) throws(PluginError) -> String {
        let prepared = try prepare(request)
        track(prepared)
        let body = JSONText.object(prepared.members)
        rest.send("POST", "/api/v2/spot/trade/place-order", body: body, signed: true, as: SpotPayloads.OrderAck.self) { [weak self] result in
            guard let self else { return }
            switch result {
            case .success(let ack): self.accepted(prepared.clientID, exchangeID: ack.orderId ?? "")
            case .failure(let error): self.placeFailed(prepared.clientID, symbol: prepared.symbol, error)
            }
        }
        return prepared.clientID
    }

    public func placeOrders(_ requests: [OrderRequest]) -> [Result<String, PluginError>] {
        var results: [Result<String, PluginError>] = []
        var bySymbol: [String: [PreparedOrder]] = [:]
        var symbolsInOrder: [String] = []
        for request in requests {
            do throws(PluginError) {
                let prepared = try prepare(request, alsoReserved: bySymbol.values.flatMap { $0.map(\.clientID) })
                if bySymbol[prepared.symbol] == nil { symbolsInOrder.append(prepared.symbol) }
                bySymbol[prepared.symbol, default: []].append(prepared)
                results.append(.success(prepared.clientID))
            } catch {
                results.append(.failure(error))
            }
        }
        for symbol in symbolsInOrder {
            let batch = bySymbol[symbol]!
            for prepared in batch { track(prepared) }
            // Bitget takes at most 50 orders of one symbol per batch request.
            var start = 0
            while start < batch.count {
                sendBatch(Array(batch[start..<min(batch.count, start + 50)]), symbol: symbol)
                start += 50
            }
        }
        return results
    }

    private func sendBatch(_ batch: [PreparedOrder], symbol: String) {
        let list = batch.map { JSONText.object($0.members.filter { $0.0 != "symbol" }) }
        let body = JSONText.rawObject([("symbol", JSONText.string(symbol)), ("orderList", JSONText.array(list))])
        rest.send("POST", "/api/v2/spot/trade/batch-orders", body: body, signed: true, as: SpotPayloads.BatchAck.self) { [weak self] result in
            guard let self else { return }
            switch result {
            case .success(let ack):
                for success in ack.successList {
                    if let clientID = success.clientOid { self.accepted(clientID, exchangeID: success.orderId ?? "") }
                }
                for failure in ack.failureList {
                    guard let clientID = failure.clientOid else { continue }
                    let error = BitgetAPIError.exchange(code: failure.errorCode?.text ?? "", message: failure.errorMsg ?? "refused",
                                                        httpStatus: 200)
                    self.placeFailed(clientID, symbol: symbol, error)
                }
                // An order in neither list: the answer is incomplete, so ask the exchange.
                let answered = Set(ack.successList.compactMap(\.clientOid) + ack.failureList.compactMap(\.clientOid))
                for prepared in batch where !answered.contains(prepared.clientID) { self.verify(prepared.clientID) }
            case .failure(let error):
                for prepared in batch { self.placeFailed(prepared.clientID, symbol: symbol, error) }
            }
        }
    }

    /// Validates and quantizes a request; nothing is recorded or sent.
    private func prepare(_ request: OrderRequest, alsoReserved: [String] = []) throws(PluginError) -> PreparedOrder {
        guard started else { throw PluginError(SWL_ERR_STATE, "connector is not started") }
        guard config.credential != nil else {
            throw PluginError(SWL_ERR_AUTH, "no credential configured: this connector runs market data only")
        }
        let instrument = try self.instrument(symbol: request.symbol)
        let clientID: String
        if request.clientOrderID.isEmpty {
            clientID = ids.next()
        } else {
            try ClientOrderIDs.validate(request.clientOrderID)
            clientID = request.clientOrderID
        }
        if let existing = orders.entry(clientID), !existing.snapshot.state.isFinal || alsoReserved.contains(clientID) {
            throw PluginError(SWL_ERR_INVALID_ARGUMENT, "client order id \(clientID) is already in use")
        }
        if alsoReserved.contains(clientID) {
            throw PluginError(SWL_ERR_INVALID_ARGUMENT, "client order id \(clientID) appears twice in the batch")
        }
        guard request.positionSide == .none, !request.reduceOnly else {
            throw PluginError(SWL_ERR_INVALID_ARGUMENT, "position_side and reduce_only do not apply to spot orders")
        }
        let side = request.side == .buy ? "buy" : "sell"
        var members: [(String, String)] = [("symbol", instrument.symbol), ("side", side)]
        var price = ExactDecimal.zero
        var size = ExactDecimal.zero
        switch request.type {
        case .limit:
            (price, size) = try OrderQuantizer.limit(request, instrument)
            members += [("orderType", "limit"), ("force", Self.force(request.timeInForce)),
                        ("price", price.description), ("size", size.description)]
        case .market where request.side == .sell:
            size = try OrderQuantizer.baseSize(request.size, instrument)
            members += [("orderType", "market"), ("force", "gtc"), ("size", size.description)]
        case .market:
            // A spot market BUY is sized in the quote coin on Bitget.
            let quote = try marketBuyQuote(request, instrument)
            size = request.size
            members += [("orderType", "market"), ("force", "gtc"), ("size", quote.description)]
        }
        members.append(("clientOid", clientID))
        let now = host.now
        let snapshot = OrderSnapshot(state: .pendingCreate, symbol: instrument.symbol, clientOrderID: clientID,
                                     exchangeOrderID: "", side: request.side, type: request.type, price: price,
                                     size: size, createdTime: now, updatedTime: now)
        return PreparedOrder(clientID: clientID, symbol: instrument.symbol, snapshot: snapshot, members: members)
    }

    /// The quote amount of a market buy: `quote_size` if given, else `size` at the best ask of
    /// the tracked book, rounded up to the quote precision.
    private func marketBuyQuote(_ request: OrderRequest, _ instrument: Instrument) throws(PluginError) -> ExactDecimal {
        let scale = quoteScales[instrument.symbol] ?? 8
        var quote = request.quoteSize
        if quote.isZero {
            guard request.size > .zero else {
                throw PluginError(SWL_ERR_INVALID_ARGUMENT, "a market buy needs quote_size or size")
            }
            guard let ask = books.book(instType: "SPOT", instId: instrument.symbol)?.bestAsk else {
                throw PluginError(SWL_ERR_STATE,
                                  "a market buy by base size needs a live book of \(instrument.symbol): subscribe to it or give quote_size")
            }
            do { quote = try request.size * ask.price } catch {
                throw PluginError(SWL_ERR_INVALID_ARGUMENT, "market buy amount overflows")
            }
        }
        let rounded: ExactDecimal
        do { rounded = try quote.rounded(toScale: scale, .up) } catch {
            throw PluginError(SWL_ERR_INVALID_ARGUMENT, "quote amount \(quote) cannot be rounded to \(scale) places")
        }
        guard rounded > .zero else { throw PluginError(SWL_ERR_INVALID_ARGUMENT, "quote_size must be positive") }
        if rounded < instrument.minNotional {
            throw PluginError(SWL_ERR_INVALID_ARGUMENT,
                              "market buy of \(rounded) \(instrument.quoteAsset) is below the minimum \(instrument.minNotional)")
        }
        return rounded
    }

    static func force(_ timeInForce: TimeInForce) -> String {
        switch timeInForce {
        case .gtc: "gtc"
        case .ioc: "ioc"
        case .fok: "fok"
        case .postOnly: "post_only"
        }
    }

    private func track(_ prepared: PreparedOrder) {
        emitOrder(orders.addPending(prepared.snapshot), symbol: prepared.symbol)
    }

    func accepted(_ clientID: String, exchangeID: String) {
        guard let symbol = orders.entry(clientID)?.snapshot.symbol else { return }
        emitOrder(orders.accepted(clientID, exchangeID: exchangeID, time: host.now), symbol: symbol)
        flushUnmatchedFills(exchangeOrderID: exchangeID)
    }

    func placeFailed(_ clientID: String, symbol: String, _ error: BitgetAPIError) {
        if error.outcomeUnknown {
            // The request may have reached the exchange: find out before calling it failed.
            report(error.pluginError, "place \(clientID) (outcome unknown, checking)", code: error.code, symbol: symbol)
            verify(clientID)
            return
        }
        emitOrder(orders.failed(clientID, reason: error.description, time: host.now), symbol: symbol)
        report(error.pluginError, "place \(clientID)", code: error.code, symbol: symbol)
    }

    // MARK: cancel

    public func cancelOrder(symbol: String, clientOrderID: String) throws(PluginError) {
        let entry = try cancellable(clientOrderID, symbol: symbol)
        emitOrder(orders.cancelRequested(clientOrderID), symbol: entry.snapshot.symbol)
        let body = JSONText.object([("symbol", entry.snapshot.symbol), ("clientOid", clientOrderID)])
        rest.send("POST", "/api/v2/spot/trade/cancel-order", body: body, signed: true, as: SpotPayloads.OrderAck.self) { [weak self] result in
            self?.cancelAnswered(clientOrderID, result.map { _ in () })
        }
    }

    public func cancelOrders(symbol: String, clientOrderIDs: [String]) -> [Result<Void, PluginError>] {
        var results: [Result<Void, PluginError>] = []
        var accepted: [String] = []
        for id in clientOrderIDs {
            do throws(PluginError) {
                _ = try cancellable(id, symbol: symbol)
                guard !accepted.contains(id) else { throw PluginError(SWL_ERR_INVALID_ARGUMENT, "\(id) appears twice") }
                accepted.append(id)
                results.append(.success(()))
            } catch {
                results.append(.failure(error))
            }
        }
        for id in accepted { emitOrder(orders.cancelRequested(id), symbol: symbol) }
        var start = 0
        while start < accepted.count {
            let chunk = Array(accepted[start..<min(accepted.count, start + 50)])
            start += 50
            let list = chunk.map { JSONText.object([("clientOid", $0)]) }
            let body = JSONText.rawObject([("symbol", JSONText.string(symbol)), ("orderList", JSONText.array(list))])
            rest.send("POST", "/api/v2/spot/trade/batch-cancel-order", body: body, signed: true,
                      as: SpotPayloads.BatchAck.self) { [weak self] result in
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
        return results
    }

    public func cancelAll(symbol: String) throws(PluginError) {
        guard started else { throw PluginError(SWL_ERR_STATE, "connector is not started") }
        let open = orders.openOrders(symbol: symbol)
        let symbols = Set(open.map(\.symbol)).sorted()
        for order in open { emitOrder(orders.cancelRequested(order.clientOrderID), symbol: order.symbol) }
        for target in symbols {
            let body = JSONText.object([("symbol", target)])
            rest.send("POST", "/api/v2/spot/trade/cancel-symbol-order", body: body, signed: true,
                      as: CancelSymbolAck.self) { [weak self] result in
                guard let self else { return }
                if case .failure(let error) = result {
                    self.report(error.pluginError, "cancel all \(target)", code: error.code, symbol: target)
                }
                // Bitget cancels asynchronously: pushes finish the orders; check the rest.
                for order in open where order.symbol == target { self.scheduleVerify(order.clientOrderID) }
            }
        }
    }

    struct CancelSymbolAck: Decodable { let symbol: String? }

    private func cancellable(_ clientOrderID: String, symbol: String) throws(PluginError) -> OrderTracker.Entry {
        guard started else { throw PluginError(SWL_ERR_STATE, "connector is not started") }
        guard let entry = orders.entry(clientOrderID), !entry.snapshot.state.isFinal else {
            throw PluginError(SWL_ERR_NOT_FOUND, "no open order with client id \(clientOrderID)")
        }
        guard symbol.isEmpty || symbol == entry.snapshot.symbol else {
            throw PluginError(SWL_ERR_NOT_FOUND, "order \(clientOrderID) is on \(entry.snapshot.symbol), not \(symbol)")
        }
        return entry
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
}

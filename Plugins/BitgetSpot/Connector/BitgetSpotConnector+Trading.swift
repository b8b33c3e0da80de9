import BitgetCommon
import SwiftletPluginKit

/// Spot order requests: quantization, Bitget's spot request bodies and endpoints.
extension BitgetSpotConnector {
    public func placeOrder(_ request: OrderRequest) throws(PluginError) -> String {
        let prepared = try prepare(request, reserved: [])
        core.place(prepared, path: "/api/v2/spot/trade/place-order")
        return prepared.clientID
    }

    public func placeOrders(_ requests: [OrderRequest]) -> [Result<String, PluginError>] {
        // One symbol per batch request; `symbol` sits at the top, not in each order.
        core.placeOrders(requests, sharedKeys: ["symbol"], path: "/api/v2/spot/trade/batch-orders") { request, taken throws(PluginError) in
            try prepare(request, reserved: taken)
        }
    }

    public func cancelOrder(symbol: String, clientOrderID: String) throws(PluginError) {
        let entry = try core.cancellable(clientOrderID, symbol: symbol)
        core.cancel(clientOrderID, symbol: entry.snapshot.symbol, path: "/api/v2/spot/trade/cancel-order",
                    body: JSONText.object([("symbol", entry.snapshot.symbol), ("clientOid", clientOrderID)]))
    }

    public func cancelOrders(symbol: String, clientOrderIDs: [String]) -> [Result<Void, PluginError>] {
        core.cancelOrders(clientOrderIDs, symbol: symbol, path: "/api/v2/spot/trade/batch-cancel-order") { ids in
            JSONText.rawObject([("symbol", JSONText.string(symbol)),
                                ("orderList", JSONText.array(ids.map { JSONText.object([("clientOid", $0)]) }))])
        }
    }

    public func cancelAll(symbol: String) throws(PluginError) {
        try core.cancelAll(symbol: symbol) { target in
            ("/api/v2/spot/trade/cancel-symbol-order", JSONText.object([("symbol", target)]))
        }
    }

    /// Validates and quantizes a request; nothing is recorded or sent.
    private func prepare(_ request: OrderRequest, reserved: [String]) throws(PluginError) -> PreparedOrder {
        try core.requireTrading()
        let instrument = try core.instrument(request.symbol)
        guard request.positionSide == .none, !request.reduceOnly else {
            throw PluginError(SWL_ERR_INVALID_ARGUMENT, "position_side and reduce_only do not apply to spot orders")
        }
        let clientID = try core.clientID(for: request, reserved: reserved)
        // One array, its room reserved: literals joined with `+=` allocated four times per order.
        var members: [(String, String)] = []
        members.reserveCapacity(7)
        members.append(("symbol", instrument.symbol))
        members.append(("side", request.side == .buy ? "buy" : "sell"))
        var price = ExactDecimal.zero
        var size = ExactDecimal.zero
        switch request.type {
        case .limit:
            (price, size) = try OrderQuantizer.limit(request, instrument)
            members.append(("orderType", "limit"))
            members.append(("force", MarketPayloads.force(request.timeInForce)))
            members.append(("price", price.description))
            members.append(("size", size.description))
        case .market where request.side == .sell:
            size = try OrderQuantizer.baseSize(request.size, instrument)
            members.append(("orderType", "market"))
            members.append(("force", "gtc"))
            members.append(("size", size.description))
        case .market:
            // A spot market BUY is sized in the quote coin on Bitget.
            let quote = try marketBuyQuote(request, instrument)
            size = request.size
            members.append(("orderType", "market"))
            members.append(("force", "gtc"))
            members.append(("size", quote.description))
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
            guard let ask = core.bestAsk(instrument.symbol) else {
                throw PluginError(SWL_ERR_STATE,
                                  "a market buy by base size needs a live book of \(instrument.symbol): subscribe to it or give quote_size")
            }
            do { quote = try request.size * ask } catch {
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
}

import BitgetCommon
import SwiftletPluginKit

/// Futures orders (open/close long/short in both position modes), and the mode, margin and
/// leverage settings.
extension BitgetPerpetualConnector {
    public func placeOrder(_ request: OrderRequest) throws(PluginError) -> String {
        let prepared = try prepare(request, reserved: [])
        core.place(prepared, path: "/api/v2/mix/order/place-order")
        return prepared.clientID
    }

    public func placeOrders(_ requests: [OrderRequest]) -> [Result<String, PluginError>] {
        core.placeOrders(requests, sharedKeys: ["symbol", "productType", "marginMode", "marginCoin"],
                         path: "/api/v2/mix/order/batch-place-order") { request, taken throws(PluginError) in
            try prepare(request, reserved: taken)
        }
    }

    public func cancelOrder(symbol: String, clientOrderID: String) throws(PluginError) {
        let entry = try core.cancellable(clientOrderID, symbol: symbol)
        core.cancel(clientOrderID, symbol: entry.snapshot.symbol, path: "/api/v2/mix/order/cancel-order",
                    body: JSONText.object([("symbol", entry.snapshot.symbol), ("productType", productType),
                                           ("clientOid", clientOrderID)]))
    }

    public func cancelOrders(symbol: String, clientOrderIDs: [String]) -> [Result<Void, PluginError>] {
        core.cancelOrders(clientOrderIDs, symbol: symbol, path: "/api/v2/mix/order/batch-cancel-orders") { [productType] ids in
            JSONText.rawObject([("symbol", JSONText.string(symbol)), ("productType", JSONText.string(productType)),
                                ("orderIdList", JSONText.array(ids.map { JSONText.object([("clientOid", $0)]) }))])
        }
    }

    public func cancelAll(symbol: String) throws(PluginError) {
        // Per order: Bitget's cancel-all-orders takes a whole productType/margin coin, which
        // would also cancel orders this connector does not own on other symbols.
        for order in core.openOrders(symbol) where order.state != .pendingCancel {
            try cancelOrder(symbol: order.symbol, clientOrderID: order.clientOrderID)
        }
    }

    /// Validates, quantizes and maps a request to Bitget's futures fields; nothing is sent.
    private func prepare(_ request: OrderRequest, reserved: [String]) throws(PluginError) -> PreparedOrder {
        try core.requireTrading()
        let instrument = try core.instrument(request.symbol)
        guard let mode else { throw PluginError(SWL_ERR_STATE, "position mode not read from the exchange yet") }
        let clientID = try core.clientID(for: request, reserved: reserved)
        var price = ExactDecimal.zero
        let size: ExactDecimal
        switch request.type {
        case .limit: (price, size) = try OrderQuantizer.limit(request, instrument)
        case .market:
            guard request.quoteSize.isZero else {
                throw PluginError(SWL_ERR_INVALID_ARGUMENT, "quote_size applies to spot market buys only; give size")
            }
            size = try OrderQuantizer.baseSize(request.size, instrument)
        }
        let contract = contracts[instrument.symbol]
        let marginCoin = contract?.supportMarginCoins?.first ?? instrument.quoteAsset
        var members: [(String, String)] = [
            ("symbol", instrument.symbol), ("productType", productType),
            ("marginMode", (marginModes[instrument.symbol] ?? defaultMarginMode) == .isolated ? "isolated" : "crossed"),
            ("marginCoin", marginCoin), ("size", size.description),
        ]
        if request.type == .limit { members.append(("price", price.description)) }
        let (directionFields, positionSide) = try PerpOrderMapping.fields(side: request.side, positionSide: request.positionSide,
                                                                          reduceOnly: request.reduceOnly, mode: mode)
        members += directionFields
        members += [("orderType", request.type == .limit ? "limit" : "market"),
                    ("force", request.type == .limit ? MarketPayloads.force(request.timeInForce) : "gtc"),
                    ("clientOid", clientID)]
        let now = host.now
        let snapshot = OrderSnapshot(state: .pendingCreate, symbol: instrument.symbol, clientOrderID: clientID,
                                     exchangeOrderID: "", side: request.side, type: request.type, price: price, size: size,
                                     positionSide: positionSide, createdTime: now, updatedTime: now)
        return PreparedOrder(clientID: clientID, symbol: instrument.symbol, snapshot: snapshot, members: members)
    }

    // MARK: settings

    struct SettingAck: Decodable {}

    public func setPositionMode(_ newMode: PositionMode) throws(PluginError) {
        try core.requireTrading()
        let current = try positionMode()
        guard newMode != current else { return }
        let exposed = positionsByKey.values.contains { !$0.position.size.isZero } || !core.openOrders("").isEmpty
        guard !exposed else {
            throw PluginError(SWL_ERR_STATE, "position mode cannot change while \(productType) positions or orders are open")
        }
        let text = newMode == .hedge ? "hedge_mode" : "one_way_mode"
        rest.send("POST", "/api/v2/mix/account/set-position-mode",
                  body: JSONText.object([("productType", productType), ("posMode", text)]), signed: true,
                  as: SettingAck.self) { [weak self] result in
            switch result {
            case .success: self?.mode = newMode
            case .failure(let error): self?.core.report(error.pluginError, "set position mode \(text)", code: error.code)
            }
        }
    }

    public func setMarginMode(_ newMode: MarginMode, symbol: String) throws(PluginError) {
        try core.requireTrading()
        let instrument = try core.instrument(symbol)
        // Only this symbol's exposure matters (Bitget refuses per symbol, not per account).
        let exposed = positionsByKey.values.contains { $0.symbol == symbol && !$0.position.size.isZero }
            || !core.openOrders(symbol).isEmpty
        guard !exposed else {
            throw PluginError(SWL_ERR_STATE, "margin mode of \(symbol) cannot change while it has a position or open orders")
        }
        let text = newMode == .isolated ? "isolated" : "crossed"
        let marginCoin = contracts[symbol]?.supportMarginCoins?.first ?? instrument.quoteAsset
        rest.send("POST", "/api/v2/mix/account/set-margin-mode",
                  body: JSONText.object([("symbol", symbol), ("productType", productType), ("marginCoin", marginCoin),
                                         ("marginMode", text)]),
                  signed: true, as: SettingAck.self) { [weak self] result in
            switch result {
            case .success: self?.marginModes[symbol] = newMode
            case .failure(let error): self?.core.report(error.pluginError, "set margin mode \(symbol)", code: error.code, symbol: symbol)
            }
        }
    }

    public func setLeverage(_ leverage: ExactDecimal, symbol: String, side: PositionSide) throws(PluginError) {
        try core.requireTrading()
        let instrument = try core.instrument(symbol)
        let range = contracts[symbol].map(PerpPayloads.leverageRange) ?? 1...125
        let whole = leverage.isMultiple(of: ExactDecimal(1)) ? (try? leverage.rounded(toScale: 0, .towardZero))?.mantissa : nil
        guard let whole, range.contains(whole) else {
            throw PluginError(SWL_ERR_INVALID_ARGUMENT,
                              "leverage \(leverage) for \(symbol) must be a whole number in \(range.lowerBound)...\(range.upperBound)")
        }
        let marginCoin = contracts[symbol]?.supportMarginCoins?.first ?? instrument.quoteAsset
        var members = [("symbol", symbol), ("productType", productType), ("marginCoin", marginCoin), ("leverage", String(whole))]
        if side != .none { members.append(("holdSide", side == .long ? "long" : "short")) }
        rest.send("POST", "/api/v2/mix/account/set-leverage", body: JSONText.object(members), signed: true,
                  as: SettingAck.self) { [weak self] result in
            switch result {
            case .success: self?.leverages[symbol] = leverage
            case .failure(let error): self?.core.report(error.pluginError, "set leverage \(symbol)", code: error.code, symbol: symbol)
            }
        }
    }
}

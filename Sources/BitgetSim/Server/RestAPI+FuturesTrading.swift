import SwiftletCore

/// Signed futures endpoints.
extension RestAPI {
    func registerFuturesTrading() {
        let ex = exchange
        privateRoutes["POST /api/v2/mix/order/place-order"] = { request, owner in
            let body = try RestAPI.body(request)
            return try ex.locked { () throws(BitgetError) -> JSONValue in
                let id = try ex.placeMix(owner: owner, body)
                return ["orderId": .string(String(id)), "clientOid": .string(ex.orders[id]!.clientOid)]
            }
        }
        privateRoutes["POST /api/v2/mix/order/batch-place-order"] = { request, owner in
            let body = try RestAPI.body(request)
            guard let list = body["orderList"]?.array else { throw BitgetError.missing("orderList") }
            return try ex.locked { () throws(BitgetError) -> JSONValue in
                var success: [JSONValue] = []
                var failure: [JSONValue] = []
                for item in list.prefix(50) {
                    guard case .object(var members) = item, case .object(let shared) = body else { continue }
                    for (name, value) in shared where name != "orderList" && !members.contains(where: { $0.0 == name }) {
                        members.append((name, value))
                    }
                    do {
                        let id = try ex.placeMix(owner: owner, .object(members))
                        success.append(["orderId": .string(String(id)), "clientOid": .string(ex.orders[id]!.clientOid)])
                    } catch {
                        failure.append(["orderId": "", "clientOid": .string(item["clientOid"]?.text ?? ""),
                                        "errorMsg": .string(RestAPI.bitget(error).msg), "errorCode": .string(RestAPI.bitget(error).code)])
                    }
                }
                return ["successList": .array(success), "failureList": .array(failure)]
            }
        }
        // Flash close: market-closes every matching position (Bitget: `holdSide` is ignored in
        // one-way mode; in hedge mode it picks one side, or both when absent).
        privateRoutes["POST /api/v2/mix/order/close-positions"] = { [unowned self] request, owner in
            let body = try RestAPI.body(request)
            return try ex.locked { () throws(BitgetError) -> JSONValue in
                let symbol = body["symbol"]?.text?.uppercased()
                let instruments = try self.perps(body["productType"]?.text).filter { symbol == nil || symbol!.isEmpty || $0.symbol == symbol }
                if let symbol, !symbol.isEmpty, instruments.isEmpty { throw .unknownSymbol(symbol) }
                let holdSide = body["holdSide"]?.text?.lowercased()
                var success: [JSONValue] = []
                var failure: [JSONValue] = []
                for instrument in instruments {
                    guard case .perpetual(let pt, let coin) = instrument.kind else { continue }
                    let hedge = ex.posMode(owner, pt) == "hedge_mode"
                    for side in ["long", "short"] {
                        if hedge, let holdSide, !holdSide.isEmpty, holdSide != side { continue }
                        guard let position = ex.accounts[Int(owner)].positions["\(instrument.key)|\(side)"], position.lots > 0 else { continue }
                        var members: [(String, JSONValue)] = [
                            ("symbol", .string(instrument.symbol)), ("productType", .string(pt)), ("marginCoin", .string(coin)),
                            ("marginMode", .string(position.marginMode)), ("size", .string(instrument.sizeText(position.lots))),
                            ("orderType", "market"),
                        ]
                        if hedge {
                            // Hedge mode: `side` names the position, `tradeSide=close`.
                            members += [("side", side == "long" ? "buy" : "sell"), ("tradeSide", "close")]
                        } else {
                            members += [("side", side == "long" ? "sell" : "buy"), ("reduceOnly", "YES")]
                        }
                        do {
                            let id = try ex.placeMix(owner: owner, .object(members))
                            success.append(["orderId": .string(String(id)), "clientOid": .string(ex.orders[id]!.clientOid),
                                            "symbol": .string(instrument.symbol)])
                        } catch {
                            failure.append(["orderId": "", "clientOid": "", "symbol": .string(instrument.symbol),
                                            "errorMsg": .string(RestAPI.bitget(error).msg), "errorCode": .string(RestAPI.bitget(error).code)])
                        }
                    }
                }
                return ["successList": .array(success), "failureList": .array(failure)]
            }
        }
        privateRoutes["POST /api/v2/mix/order/cancel-order"] = { request, owner in
            let body = try RestAPI.body(request)
            return try ex.locked { () throws(BitgetError) -> JSONValue in
                let record = try ex.cancelMix(owner: owner, body)
                return ["orderId": .string(String(record.id)), "clientOid": .string(record.clientOid)]
            }
        }
        privateRoutes["POST /api/v2/mix/order/batch-cancel-orders"] = { request, owner in
            let body = try RestAPI.body(request)
            return try ex.locked { () throws(BitgetError) -> JSONValue in
                var success: [JSONValue] = []
                var failure: [JSONValue] = []
                for item in body["orderIdList"]?.array ?? [] {
                    let merged: JSONValue = .object([("symbol", body["symbol"] ?? .null), ("productType", body["productType"] ?? .null),
                                                     ("orderId", item["orderId"] ?? .null), ("clientOid", item["clientOid"] ?? .null)])
                    do {
                        let record = try ex.cancelMix(owner: owner, merged)
                        success.append(["orderId": .string(String(record.id)), "clientOid": .string(record.clientOid)])
                    } catch {
                        failure.append(["orderId": .string(item["orderId"]?.text ?? ""), "clientOid": .string(item["clientOid"]?.text ?? ""),
                                        "errorMsg": .string(RestAPI.bitget(error).msg), "errorCode": .string(RestAPI.bitget(error).code)])
                    }
                }
                return ["successList": .array(success), "failureList": .array(failure)]
            }
        }
        privateRoutes["GET /api/v2/mix/order/detail"] = { request, owner in
            try ex.locked { () throws(BitgetError) -> JSONValue in
                let q = request.query
                let i = try ex.perp(q["symbol"], q["productType"])
                guard case .perpetual(let pt, let coin) = i.kind,
                      let id = ex.resolveOrderId(owner: owner, orderId: q["orderId"], clientOid: q["clientOid"]),
                      let record = ex.orders[id], record.owner == owner, record.instrumentKey == i.key else { throw .mixOrderNotFound }
                return Views.mixOrder(record, i, marginCoin: coin, productType: pt)
            }
        }
        let list: (Bool) -> Handler = { [unowned self] open in
            { request, owner throws(BitgetError) -> JSONValue in
                try ex.locked { () throws(BitgetError) -> JSONValue in
                    let q = request.query
                    let keys = Set(try self.perps(q["productType"]).filter { q["symbol"] == nil || $0.symbol == q["symbol"]!.uppercased() }
                        .map(\.key))
                    let records = ex.orders.values.filter { r in
                        r.owner == owner && keys.contains(r.instrumentKey)
                            && (open ? (r.status == .live || r.status == .partiallyFilled) : (r.status == .filled || r.status == .cancelled))
                    }.sorted { $0.id > $1.id }.prefix(RestAPI.limit(request, default: 100, max: 100))
                    let rows = records.compactMap { r -> JSONValue? in
                        guard let i = ex.instruments[r.instrumentKey], case .perpetual(let pt, let coin) = i.kind else { return nil }
                        return Views.mixOrder(r, i, marginCoin: coin, productType: pt)
                    }
                    return ["entrustedList": rows.isEmpty ? .null : .array(rows), "endId": .string(records.last.map { String($0.id) } ?? "")]
                }
            }
        }
        privateRoutes["GET /api/v2/mix/order/orders-pending"] = list(true)
        privateRoutes["GET /api/v2/mix/order/orders-history"] = list(false)
        let fills: Handler = { [unowned self] request, owner throws(BitgetError) -> JSONValue in
            try ex.locked { () throws(BitgetError) -> JSONValue in
                let q = request.query
                let keys = Set(try self.perps(q["productType"]).map(\.key))
                let rows = Array(ex.fillLog[Int(owner)].reversed().lazy.filter {
                    keys.contains($0.instrumentKey) && (q["symbol"] == nil || $0.symbol == q["symbol"]!.uppercased())
                        && (q["orderId"] == nil || String($0.orderId) == q["orderId"])
                }.prefix(RestAPI.limit(request, default: 100, max: 100)))
                return ["fillList": .array(rows.map { Views.mixFill($0, ex.instruments[$0.instrumentKey]!) }),
                        "endId": .string(rows.last.map { String($0.tradeId) } ?? "")]
            }
        }
        privateRoutes["GET /api/v2/mix/order/fills"] = fills
        privateRoutes["GET /api/v2/mix/order/fill-history"] = fills
        privateRoutes["GET /api/v2/mix/account/accounts"] = { [unowned self] request, owner in
            try ex.locked { () throws(BitgetError) -> JSONValue in
                let instruments = try self.perps(request.query["productType"])
                guard let pt = request.query["productType"]?.uppercased(), !pt.hasPrefix("S") else { return [] }
                var coins: [String] = []
                for i in instruments { if case .perpetual(_, let c) = i.kind, !coins.contains(c) { coins.append(c) } }
                return .array(coins.map { ex.mixAccountView(owner: owner, productType: pt, marginCoin: $0) })
            }
        }
        privateRoutes["GET /api/v2/mix/account/account"] = { request, owner in
            try ex.locked { () throws(BitgetError) -> JSONValue in
                let i = try ex.perp(request.query["symbol"], request.query["productType"])
                guard case .perpetual(let pt, let coin) = i.kind else { throw .invalid("productType") }
                return ex.mixAccountView(owner: owner, productType: pt, marginCoin: request.query["marginCoin"]?.uppercased() ?? coin,
                                         instrumentKey: i.key)
            }
        }
        privateRoutes["GET /api/v2/mix/position/all-position"] = { [unowned self] request, owner in
            try ex.locked { () throws(BitgetError) -> JSONValue in
                _ = try self.perps(request.query["productType"])
                return .array(ex.positionViews(owner: owner, productType: request.query["productType"]!.uppercased(), symbol: nil))
            }
        }
        privateRoutes["GET /api/v2/mix/position/single-position"] = { request, owner in
            try ex.locked { () throws(BitgetError) -> JSONValue in
                let i = try ex.perp(request.query["symbol"], request.query["productType"])
                return .array(ex.positionViews(owner: owner, productType: i.instType, symbol: i.symbol))
            }
        }
        privateRoutes["POST /api/v2/mix/account/set-leverage"] = { request, owner in
            let body = try RestAPI.body(request)
            return try ex.locked { () throws(BitgetError) -> JSONValue in
                let i = try ex.perp(body["symbol"]?.text, body["productType"]?.text)
                guard case .perpetual(_, let coin) = i.kind else { throw .invalid("productType") }
                guard let text = body["leverage"]?.text ?? body["longLeverage"]?.text else { throw .missing("leverage") }
                guard let lever = Int64(text) else { throw .invalid("leverage") }
                guard lever >= 1, lever <= i.maxLever else { throw .leverageOutOfRange }
                ex.accounts[Int(owner)].leverage[i.key] = lever
                return ["symbol": .string(i.symbol), "marginCoin": .string(coin), "longLeverage": .string(String(lever)),
                        "shortLeverage": .string(String(lever)), "crossMarginLeverage": .string(String(lever)),
                        "marginMode": .string(ex.marginMode(owner, i.key))]
            }
        }
        privateRoutes["POST /api/v2/mix/account/set-margin-mode"] = { request, owner in
            let body = try RestAPI.body(request)
            return try ex.locked { () throws(BitgetError) -> JSONValue in
                let i = try ex.perp(body["symbol"]?.text, body["productType"]?.text)
                guard case .perpetual(_, let coin) = i.kind else { throw .invalid("productType") }
                guard let mode = body["marginMode"]?.text?.lowercased() else { throw .missing("marginMode") }
                guard mode == "isolated" || mode == "crossed" else { throw .invalid("marginMode") }
                guard !ex.hasExposure(owner: owner, keys: [i.key]) else { throw .modeChangeRefused }
                ex.accounts[Int(owner)].marginMode[i.key] = mode
                let lever = String(ex.leverage(owner, i.key))
                return ["symbol": .string(i.symbol), "marginCoin": .string(coin), "longLeverage": .string(lever),
                        "shortLeverage": .string(lever), "marginMode": .string(mode)]
            }
        }
        privateRoutes["POST /api/v2/mix/account/set-position-mode"] = { [unowned self] request, owner in
            let body = try RestAPI.body(request)
            return try ex.locked { () throws(BitgetError) -> JSONValue in
                let keys = try self.perps(body["productType"]?.text).map(\.key)
                guard let mode = body["posMode"]?.text?.lowercased() else { throw .missing("posMode") }
                guard mode == "one_way_mode" || mode == "hedge_mode" else { throw .invalid("posMode") }
                guard !ex.hasExposure(owner: owner, keys: Set(keys)) else { throw .modeChangeRefused }
                ex.accounts[Int(owner)].posMode[body["productType"]!.text!.uppercased()] = mode
                return ["posMode": .string(mode)]
            }
        }
        privateRoutes["GET /api/v2/mix/account/bill"] = { [unowned self] request, owner in
            try ex.locked { () throws(BitgetError) -> JSONValue in
                let q = request.query
                _ = try self.perps(q["productType"])
                let pt = q["productType"]!.uppercased()
                let bills = ex.accounts[Int(owner)].bills.reversed().filter {
                    $0.productType == pt && (q["businessType"] == nil || $0.businessType == q["businessType"])
                        && (q["symbol"] == nil || $0.symbol == q["symbol"]!.uppercased())
                }.prefix(RestAPI.limit(request, default: 20, max: 100))
                return ["bills": .array(bills.map(Views.bill)), "endId": .string(bills.last.map { String($0.billId) } ?? "")]
            }
        }
    }
}

extension Exchange {
    /// True when the account has a position or a resting order in any of `keys`.
    func hasExposure(owner: Int32, keys: Set<String>) -> Bool {
        if accounts[Int(owner)].positions.contains(where: { keys.contains(String($0.key.split(separator: "|")[0])) && $0.value.lots > 0 }) {
            return true
        }
        return orders.values.contains { $0.owner == owner && keys.contains($0.instrumentKey) && engines[$0.instrumentKey]!.isResting($0.id) }
    }
}

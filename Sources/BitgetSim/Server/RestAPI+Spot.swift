import SwiftletCore

/// Signed spot endpoints.
extension RestAPI {
    func registerSpotTrading() {
        let ex = exchange
        privateRoutes["POST /api/v2/spot/trade/place-order"] = { request, owner in
            let body = try RestAPI.body(request)
            return try ex.locked { () throws(BitgetError) -> JSONValue in
                let parsed = try ex.parseSpot(body)
                let id = try ex.placeSpot(owner: owner, parsed)
                return ["orderId": .string(String(id)), "clientOid": .string(ex.orders[id]!.clientOid)]
            }
        }
        privateRoutes["POST /api/v2/spot/trade/batch-orders"] = { request, owner in
            let body = try RestAPI.body(request)
            guard let list = body["orderList"]?.array else { throw BitgetError.missing("orderList") }
            let symbol = body["symbol"]
            return try ex.locked { () throws(BitgetError) -> JSONValue in
                var success: [JSONValue] = []
                var failure: [JSONValue] = []
                for item in list.prefix(50) {
                    var order = item
                    if order["symbol"] == nil, let symbol, case .object(var members) = order {
                        members.append(("symbol", symbol))
                        order = .object(members)
                    }
                    do {
                        let id = try ex.placeSpot(owner: owner, try ex.parseSpot(order))
                        success.append(["orderId": .string(String(id)), "clientOid": .string(ex.orders[id]!.clientOid)])
                    } catch {
                        failure.append(["orderId": "", "clientOid": .string(order["clientOid"]?.text ?? ""),
                                        "errorMsg": .string(RestAPI.bitget(error).msg), "errorCode": .string(RestAPI.bitget(error).code)])
                    }
                }
                return ["successList": .array(success), "failureList": .array(failure)]
            }
        }
        privateRoutes["POST /api/v2/spot/trade/cancel-order"] = { request, owner in
            let body = try RestAPI.body(request)
            return try ex.locked { () throws(BitgetError) -> JSONValue in
                let record = try ex.cancelSpot(owner: owner, symbol: body["symbol"]?.text, orderId: body["orderId"]?.text,
                                               clientOid: body["clientOid"]?.text)
                return ["orderId": .string(String(record.id)), "clientOid": .string(record.clientOid)]
            }
        }
        privateRoutes["POST /api/v2/spot/trade/batch-cancel-order"] = { request, owner in
            let body = try RestAPI.body(request)
            guard let list = body["orderList"]?.array else { throw BitgetError.missing("orderList") }
            return try ex.locked { () throws(BitgetError) -> JSONValue in
                var success: [JSONValue] = []
                var failure: [JSONValue] = []
                for item in list {
                    do {
                        let record = try ex.cancelSpot(owner: owner, symbol: item["symbol"]?.text ?? body["symbol"]?.text,
                                                       orderId: item["orderId"]?.text, clientOid: item["clientOid"]?.text)
                        success.append(["orderId": .string(String(record.id)), "clientOid": .string(record.clientOid)])
                    } catch {
                        failure.append(["orderId": .string(item["orderId"]?.text ?? ""),
                                        "clientOid": .string(item["clientOid"]?.text ?? ""),
                                        "errorMsg": .string(RestAPI.bitget(error).msg), "errorCode": .string(RestAPI.bitget(error).code)])
                    }
                }
                return ["successList": .array(success), "failureList": .array(failure)]
            }
        }
        privateRoutes["POST /api/v2/spot/trade/cancel-symbol-order"] = { request, owner in
            let body = try RestAPI.body(request)
            return try ex.locked { () throws(BitgetError) -> JSONValue in
                let instrument = try ex.spot(body["symbol"]?.text)
                let open = ex.orders.values.filter {
                    $0.owner == owner && $0.instrumentKey == instrument.key && ex.engines[instrument.key]!.isResting($0.id)
                }
                for record in open {
                    _ = try? ex.cancelSpot(owner: owner, symbol: instrument.symbol, orderId: String(record.id), clientOid: nil)
                }
                return ["symbol": .string(instrument.symbol)]
            }
        }
        privateRoutes["GET /api/v2/spot/trade/orderInfo"] = { request, owner in
            try ex.locked { () throws(BitgetError) -> JSONValue in
                let q = request.query
                guard q["orderId"] != nil || q["clientOid"] != nil else { throw .missing("orderId") }
                guard let id = ex.resolveOrderId(owner: owner, orderId: q["orderId"], clientOid: q["clientOid"]),
                      let record = ex.orders[id], record.owner == owner, let i = ex.instruments[record.instrumentKey],
                      i.kind == .spot else { throw .orderNotFound }
                return [Views.spotOrder(record, i, userId: ex.accounts[Int(owner)].userId)]
            }
        }
        let listOrders: (Bool) -> Handler = { open in
            { request, owner throws(BitgetError) -> JSONValue in
                try ex.locked { () throws(BitgetError) -> JSONValue in
                    let q = request.query
                    var symbolKey: String?
                    if let symbol = q["symbol"], !symbol.isEmpty { symbolKey = try ex.spot(symbol).key }
                    let before = q["idLessThan"].flatMap { UInt64($0) } ?? UInt64.max
                    let limit = RestAPI.limit(request, default: 100, max: 100)
                    let records = ex.orders.values.filter { r in
                        r.owner == owner && r.id < before && ex.instruments[r.instrumentKey]?.kind == .spot
                            && (symbolKey == nil || r.instrumentKey == symbolKey)
                            && (open ? (r.status == .live || r.status == .partiallyFilled)
                                     : (r.status == .filled || r.status == .cancelled))
                    }.sorted { $0.id > $1.id }.prefix(limit)
                    let userId = ex.accounts[Int(owner)].userId
                    return .array(records.map { Views.spotOrder($0, ex.instruments[$0.instrumentKey]!, userId: userId) })
                }
            }
        }
        privateRoutes["GET /api/v2/spot/trade/unfilled-orders"] = listOrders(true)
        privateRoutes["GET /api/v2/spot/trade/history-orders"] = listOrders(false)
        privateRoutes["GET /api/v2/spot/trade/fills"] = { request, owner in
            try ex.locked { () throws(BitgetError) -> JSONValue in
                let q = request.query
                var symbolKey: String?
                if let symbol = q["symbol"], !symbol.isEmpty { symbolKey = try ex.spot(symbol).key }
                let orderId = q["orderId"].flatMap { UInt64($0) }
                let before = q["idLessThan"].flatMap { UInt64($0) } ?? UInt64.max
                let limit = RestAPI.limit(request, default: 100, max: 100)
                let account = ex.accounts[Int(owner)]
                let fills = Array(ex.fillLog[Int(owner)].reversed().lazy.filter { f in
                    ex.instruments[f.instrumentKey]?.kind == .spot && f.tradeId < before
                        && (symbolKey == nil || f.instrumentKey == symbolKey) && (orderId == nil || f.orderId == orderId)
                }.prefix(limit))
                return .array(fills.map { Views.spotFill($0, ex.instruments[$0.instrumentKey]!, userId: account.userId) })
            }
        }
        // The account's fee rates for a symbol: `businessType` spot (and margin, which trades the
        // spot symbol) or mix (the symbol's contract, in whichever product type lists it).
        privateRoutes["GET /api/v2/common/trade-rate"] = { request, _ in
            try ex.locked { () throws(BitgetError) -> JSONValue in
                guard let business = request.query["businessType"]?.lowercased(), !business.isEmpty else {
                    throw .missing("businessType")
                }
                let instrument: Instrument
                switch business {
                case "spot", "margin":
                    instrument = try ex.spot(request.query["symbol"])
                case "mix":
                    guard let symbol = request.query["symbol"]?.uppercased(), !symbol.isEmpty else { throw .missing("symbol") }
                    guard let contract = ex.instrumentOrder.lazy.compactMap({ ex.instruments[$0] })
                        .first(where: { $0.symbol == symbol && $0.kind != .spot }) else { throw .unknownSymbol(symbol) }
                    instrument = contract
                default:
                    throw .invalid("businessType")
                }
                return ["makerFeeRate": .string(instrument.makerFeeRate.trimmed), "takerFeeRate": .string(instrument.takerFeeRate.trimmed)]
            }
        }
        privateRoutes["GET /api/v2/spot/account/assets"] = { request, owner in
            try ex.locked { () throws(BitgetError) -> JSONValue in
                let account = ex.accounts[Int(owner)]
                if let coin = request.query["coin"], !coin.isEmpty {
                    return [Views.spotAsset(coin.uppercased(), account.spot[coin.uppercased()] ?? Balance())]
                }
                return .array(account.spot.keys.sorted().map { Views.spotAsset($0, account.spot[$0]!) })
            }
        }
    }
}

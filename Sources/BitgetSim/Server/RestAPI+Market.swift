import SwiftletCore

/// Public market data: time, coins, symbols, tickers, depth, candles, trades.
extension RestAPI {
    func registerMarket() {
        let ex = exchange
        publicRoutes["GET /api/v2/public/time"] = { _ in ["serverTime": .intString(WallClock.milliseconds())] }
        publicRoutes["GET /api/v2/spot/public/coins"] = { _ in
            try ex.locked { () throws(BitgetError) -> JSONValue in
                var coins: [String] = []
                for key in ex.instrumentOrder {
                    let i = ex.instruments[key]!
                    for coin in [i.baseCoin, i.quoteCoin] where !coins.contains(coin) { coins.append(coin) }
                }
                return .array(coins.enumerated().map { index, coin in
                    [
                        "coinId": .string(String(index + 1)), "coin": .string(coin), "transfer": "true",
                        "chains": [[
                            "chain": .string(coin), "needTag": "false", "withdrawable": "true", "rechargeable": "true",
                            "withdrawFee": "0", "extraWithdrawFee": "0", "depositConfirm": "1", "withdrawConfirm": "1",
                            "minDepositAmount": "0", "minWithdrawAmount": "0", "browserUrl": "",
                        ]],
                    ]
                })
            }
        }
        publicRoutes["GET /api/v2/margin/currencies"] = { _ in [] }
        publicRoutes["GET /api/v2/spot/public/symbols"] = { request in
            try ex.locked { () throws(BitgetError) -> JSONValue in
                let filter = request.query["symbol"]
                if let filter, !filter.isEmpty { _ = try ex.spot(filter) }
                return .array(ex.instrumentOrder.compactMap { ex.instruments[$0] }.filter {
                    $0.kind == .spot && (filter == nil || filter!.isEmpty || $0.symbol == filter!.uppercased())
                }.map(RestAPI.symbolView))
            }
        }
        publicRoutes["GET /api/v2/spot/market/tickers"] = { request in
            try ex.locked { () throws(BitgetError) -> JSONValue in
                let filter = request.query["symbol"]
                if let filter, !filter.isEmpty { _ = try ex.spot(filter) }
                return .array(ex.instrumentOrder.compactMap { ex.instruments[$0] }.filter {
                    $0.kind == .spot && (filter == nil || filter!.isEmpty || $0.symbol == filter!.uppercased())
                }.map { ex.tickerView($0) })
            }
        }
        let depth: (RestRequest) throws -> JSONValue = { request in
            try ex.locked { () throws(BitgetError) -> JSONValue in
                let instrument = try ex.spot(request.query["symbol"])
                return ex.depthView(instrument, limit: RestAPI.limit(request, default: 100, max: 150))
            }
        }
        publicRoutes["GET /api/v2/spot/market/orderbook"] = depth
        publicRoutes["GET /api/v2/spot/market/merge-depth"] = depth
        publicRoutes["GET /api/v2/spot/market/candles"] = { request in
            try ex.locked { () throws(BitgetError) -> JSONValue in
                try ex.candleRows(try ex.spot(request.query["symbol"]), request, history: false)
            }
        }
        publicRoutes["GET /api/v2/spot/market/history-candles"] = { request in
            try ex.locked { () throws(BitgetError) -> JSONValue in
                try ex.candleRows(try ex.spot(request.query["symbol"]), request, history: true)
            }
        }
        let recent: (RestRequest) throws -> JSONValue = { request in
            try ex.locked { () throws(BitgetError) -> JSONValue in
                let instrument = try ex.spot(request.query["symbol"])
                let limit = RestAPI.limit(request, default: 100, max: 500)
                return .array((ex.trades[instrument.key] ?? []).suffix(limit).reversed().map { Views.marketFill($0, instrument) })
            }
        }
        publicRoutes["GET /api/v2/spot/market/fills"] = recent
        publicRoutes["GET /api/v2/spot/market/fills-history"] = recent
    }

    static func symbolView(_ i: Instrument) -> JSONValue {
        [
            "symbol": .string(i.symbol), "baseCoin": .string(i.baseCoin), "quoteCoin": .string(i.quoteCoin),
            "minTradeAmount": .string(i.size(i.minLots).trimmed), "maxTradeAmount": "10000000",
            "takerFeeRate": .string(i.takerFeeRate.trimmed), "makerFeeRate": .string(i.makerFeeRate.trimmed),
            "pricePrecision": .string(String(i.pricePlace)), "quantityPrecision": .string(String(i.volumePlace)),
            "quotePrecision": .string(String(i.pricePlace)), "minTradeUSDT": .string(i.minTradeUSDT.trimmed),
            "status": "online", "buyLimitPriceRatio": "0.05", "sellLimitPriceRatio": "0.05", "orderQuantity": "200",
            "areaSymbol": "no",
        ]
    }
}

extension Exchange {
    /// 24-hour statistics from the one-minute candles.
    func stats(_ instrument: Instrument) -> (open: Int64, high: Int64, low: Int64, lots: Int64, notional: Int64) {
        let now = WallClock.milliseconds()
        let rows = candles.query(key: instrument.key, granularityMinutes: 1, from: now - 86_400_000, to: nil, limit: 1440)
        guard let first = rows.first else { return (instrument.startPrice, instrument.startPrice, instrument.startPrice, 0, 0) }
        var high = first.high, low = first.low, lots: Int64 = 0, notional: Int64 = 0
        for r in rows { high = max(high, r.high); low = min(low, r.low); lots += r.lots; notional += r.notional }
        return (first.open, high, low, lots, notional)
    }

    /// REST ticker (`/spot/market/tickers`, `/mix/market/ticker(s)`), field for field as Bitget's examples.
    func tickerView(_ i: Instrument) -> JSONValue {
        let s = stats(i)
        let last = lastPrice[i.key] ?? i.startPrice
        let (bid, ask) = bestQuotes(i.key)
        let change = (try? ExactDecimal.dividing(i.price(last - s.open), i.price(max(1, s.open)), scale: 5, .towardZero)) ?? .zero
        var members: [(String, JSONValue)] = [
            ("symbol", .string(i.symbol)), ("high24h", .string(i.priceText(s.high))),
        ]
        // Spot names the 24h open `open`; futures name it `open24h` (further down).
        if i.kind == .spot { members.append(("open", .string(i.priceText(s.open)))) }
        members += [
            ("low24h", .string(i.priceText(s.low))), ("lastPr", .string(i.priceText(last))),
            ("quoteVolume", .string(i.notional(s.notional).description)), ("baseVolume", .string(i.sizeText(s.lots))),
            ("usdtVolume", .string(i.notional(s.notional).description)),
            ("bidPr", .string(bid.map { i.priceText($0.0) } ?? "0")), ("askPr", .string(ask.map { i.priceText($0.0) } ?? "0")),
            ("bidSz", .string(bid.map { i.sizeText($0.1) } ?? "0")), ("askSz", .string(ask.map { i.sizeText($0.1) } ?? "0")),
            ("openUtc", .string(i.priceText(s.open))), ("ts", .intString(WallClock.milliseconds())),
            ("changeUtc24h", .string(change.trimmed)), ("change24h", .string(change.trimmed)),
        ]
        if case .perpetual = i.kind {
            members += [("indexPrice", .string(i.priceText(last))), ("fundingRate", .string(config.fundingRate.trimmed)),
                        ("holdingAmount", "0"), ("deliveryStartTime", ""), ("deliveryTime", ""), ("deliveryStatus", ""),
                        ("open24h", .string(i.priceText(s.open))), ("markPrice", .string(i.priceText(markTicks(i.key))))]
        }
        return .object(members)
    }

    /// WebSocket `ticker` element. Spot: exactly the fields of Bitget's Tickers-Channel example
    /// (`instId`, `open24h`; no `symbol`/`open`/`usdtVolume`). Futures add mark/index/funding
    /// fields (from Bitget's futures ticker channel description; no real example saved yet).
    func tickerPushView(_ i: Instrument) -> JSONValue {
        let s = stats(i)
        let last = lastPrice[i.key] ?? i.startPrice
        let (bid, ask) = bestQuotes(i.key)
        let change = (try? ExactDecimal.dividing(i.price(last - s.open), i.price(max(1, s.open)), scale: 5, .towardZero)) ?? .zero
        var members: [(String, JSONValue)] = [
            ("instId", .string(i.symbol)), ("lastPr", .string(i.priceText(last))), ("open24h", .string(i.priceText(s.open))),
            ("high24h", .string(i.priceText(s.high))), ("low24h", .string(i.priceText(s.low))),
            ("change24h", .string(change.trimmed)),
            ("bidPr", .string(bid.map { i.priceText($0.0) } ?? "0")), ("askPr", .string(ask.map { i.priceText($0.0) } ?? "0")),
            ("bidSz", .string(bid.map { i.sizeText($0.1) } ?? "0")), ("askSz", .string(ask.map { i.sizeText($0.1) } ?? "0")),
            ("baseVolume", .string(i.sizeText(s.lots))), ("quoteVolume", .string(i.notional(s.notional).description)),
            ("openUtc", .string(i.priceText(s.open))), ("changeUtc24h", .string(change.trimmed)),
        ]
        if case .perpetual = i.kind {
            members += [("indexPrice", .string(i.priceText(last))), ("markPrice", .string(i.priceText(markTicks(i.key)))),
                        ("fundingRate", .string(config.fundingRate.trimmed)), ("nextFundingTime", .intString(nextFundingTime)),
                        ("holdingAmount", "0")]
        }
        members.append(("ts", .intString(WallClock.milliseconds())))
        return .object(members)
    }

    func depthView(_ i: Instrument, limit: Int) -> JSONValue {
        let engine = engines[i.key]!
        let asks = engine.asks.top(limit).map { JSONValue.array([.string(i.priceText($0.price)), .string(i.sizeText($0.lots))]) }
        let bids = engine.bids.top(limit).map { JSONValue.array([.string(i.priceText($0.price)), .string(i.sizeText($0.lots))]) }
        return ["asks": .array(asks), "bids": .array(bids), "ts": .intString(WallClock.milliseconds())]
    }

    func candleRows(_ i: Instrument, _ request: RestRequest, history: Bool) throws(BitgetError) -> JSONValue {
        guard let granularity = request.query["granularity"], !granularity.isEmpty else { throw .missing("granularity") }
        guard let minutes = CandleStore.minutes(for: granularity) else { throw .invalid("granularity") }
        let maxLimit = history ? 200 : 1000
        let limit = RestAPI.limit(request, default: 100, max: maxLimit)
        let end = request.query["endTime"].flatMap { Int64($0) }
        if history, end == nil { throw .missing("endTime") }
        let start = request.query["startTime"].flatMap { Int64($0) }
        let rows = candles.query(key: i.key, granularityMinutes: minutes, from: history ? nil : start, to: end, limit: limit)
        return .array(rows.map { CandleStore.row($0, i) })
    }
}

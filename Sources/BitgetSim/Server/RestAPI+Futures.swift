import SwiftletCore

/// `/api/v2/mix/...`: futures market data and signed trading, accounts, positions.
extension RestAPI {
    /// Instruments of a productType; demo (`S`-prefixed) and unknown ones have none.
    func perps(_ productType: String?) throws(BitgetError) -> [Instrument] {
        guard let productType, !productType.isEmpty else { throw .missing("productType") }
        let upper = productType.uppercased()
        let known = Exchange.productTypes + Exchange.productTypes.map { "S" + $0 }
        guard known.contains(upper) else { throw .invalid("productType") }
        return exchange.instrumentOrder.compactMap { exchange.instruments[$0] }.filter { $0.instType == upper }
    }

    /// The bound of the funding rate `current-fund-rate` reports: Bitget's ±0.003 of BTCUSDT,
    /// widened to the configured rate if that is larger.
    static func fundingRateBound(_ rate: ExactDecimal) -> ExactDecimal {
        let standard = try! ExactDecimal("0.003")
        return max(rate < .zero ? rate.negated : rate, standard)
    }

    /// The funding settlement period in whole hours, as Bitget states it (at least 1).
    static func fundingPeriodHours(_ config: SimConfig) -> String {
        String(max(1, config.fundingIntervalSeconds / 3600))
    }

    /// The upper bound (quote value) of the one position tier: far above any position here.
    static let tierCeiling = "1000000000"

    func registerFutures() {
        let ex = exchange
        publicRoutes["GET /api/v2/mix/market/contracts"] = { [unowned self] request in
            try ex.locked { () throws(BitgetError) -> JSONValue in
                let symbol = request.query["symbol"]?.uppercased()
                return .array(try self.perps(request.query["productType"]).filter { symbol == nil || $0.symbol == symbol }
                    .map(RestAPI.contractView))
            }
        }
        let tickers: (RestRequest) throws -> JSONValue = { [unowned self] request in
            try ex.locked { () throws(BitgetError) -> JSONValue in
                let symbol = request.query["symbol"]?.uppercased()
                let list = try self.perps(request.query["productType"]).filter { symbol == nil || $0.symbol == symbol }
                if let symbol, list.isEmpty { throw .unknownSymbol(symbol) }
                return .array(list.map { ex.tickerView($0) })
            }
        }
        publicRoutes["GET /api/v2/mix/market/ticker"] = tickers
        publicRoutes["GET /api/v2/mix/market/tickers"] = tickers
        publicRoutes["GET /api/v2/mix/market/merge-depth"] = { request in
            try ex.locked { () throws(BitgetError) -> JSONValue in
                let i = try ex.perp(request.query["symbol"], request.query["productType"])
                return ex.depthView(i, limit: RestAPI.limit(request, default: 100, max: 1000))
            }
        }
        for path in ["candles", "history-candles", "history-mark-candles", "history-index-candles"] {
            publicRoutes["GET /api/v2/mix/market/\(path)"] = { request in
                try ex.locked { () throws(BitgetError) -> JSONValue in
                    let i = try ex.perp(request.query["symbol"], request.query["productType"])
                    return try ex.candleRows(i, request, history: path != "candles" && request.query["endTime"] != nil)
                }
            }
        }
        // The answer Bitget gives since 2025: with the settlement period (hours), the next
        // settlement (ms) and the rate's bounds; `symbol` is optional (all of the product type).
        publicRoutes["GET /api/v2/mix/market/current-fund-rate"] = { [unowned self] request in
            try ex.locked { () throws(BitgetError) -> JSONValue in
                let symbol = request.query["symbol"] ?? ""
                let instruments = symbol.isEmpty ? try self.perps(request.query["productType"])
                    : [try ex.perp(symbol, request.query["productType"])]
                let bound = RestAPI.fundingRateBound(ex.config.fundingRate)
                return .array(instruments.map { i in
                    ["symbol": .string(i.symbol), "fundingRate": .string(ex.config.fundingRate.trimmed),
                     "fundingRateInterval": .string(RestAPI.fundingPeriodHours(ex.config)),
                     "nextUpdate": .intString(ex.nextFundingTime),
                     "minFundingRate": .string(bound.negated.trimmed), "maxFundingRate": .string(bound.trimmed)]
                })
            }
        }
        // Open interest: the accounts' long or short positions in the contract, whichever side is
        // larger (the simulator's own liquidity, its background agents', holds no positions).
        publicRoutes["GET /api/v2/mix/market/open-interest"] = { request in
            try ex.locked { () throws(BitgetError) -> JSONValue in
                let i = try ex.perp(request.query["symbol"], request.query["productType"])
                var long: Int64 = 0
                var short: Int64 = 0
                for account in ex.accounts {
                    long += account.positions["\(i.key)|long"]?.lots ?? 0
                    short += account.positions["\(i.key)|short"]?.lots ?? 0
                }
                return ["openInterestList": [["symbol": .string(i.symbol), "size": .string(i.sizeText(max(long, short)))]],
                        "ts": .intString(WallClock.milliseconds())]
            }
        }
        // Position tiers: the simulator's risk model has one, up to the contract's maximum
        // leverage at its one maintenance margin rate, with no upper bound of its own.
        publicRoutes["GET /api/v2/mix/market/query-position-lever"] = { request in
            try ex.locked { () throws(BitgetError) -> JSONValue in
                let i = try ex.perp(request.query["symbol"], request.query["productType"])
                return [["symbol": .string(i.symbol), "level": "1", "startUnit": "0", "endUnit": .string(RestAPI.tierCeiling),
                         "leverage": .string(String(i.maxLever)), "keepMarginRate": .string(Exchange.keepMarginRate.trimmed)]]
            }
        }
        publicRoutes["GET /api/v2/mix/market/funding-time"] = { request in
            try ex.locked { () throws(BitgetError) -> JSONValue in
                let i = try ex.perp(request.query["symbol"], request.query["productType"])
                return [["symbol": .string(i.symbol), "nextFundingTime": .intString(ex.nextFundingTime),
                         "ratePeriod": .string(RestAPI.fundingPeriodHours(ex.config))]]
            }
        }
        publicRoutes["GET /api/v2/mix/market/history-fund-rate"] = { request in
            try ex.locked { () throws(BitgetError) -> JSONValue in
                let i = try ex.perp(request.query["symbol"], request.query["productType"])
                let interval = Int64(ex.config.fundingIntervalSeconds) * 1000
                let limit = RestAPI.limit(request, default: 20, max: 100)
                return .array((1...limit).map { n in
                    ["symbol": .string(i.symbol), "fundingRate": .string(ex.config.fundingRate.trimmed),
                     "fundingTime": .intString(ex.nextFundingTime - Int64(n) * interval)]
                })
            }
        }
        registerFuturesTrading()
    }

    static func contractView(_ i: Instrument) -> JSONValue {
        guard case .perpetual(_, let marginCoin) = i.kind else { return .null }
        return [
            "symbol": .string(i.symbol), "baseCoin": .string(i.baseCoin), "quoteCoin": .string(i.quoteCoin),
            "buyLimitPriceRatio": "0.9", "sellLimitPriceRatio": "0.9", "feeRateUpRatio": "0.1",
            "makerFeeRate": .string(i.makerFeeRate.trimmed), "takerFeeRate": .string(i.takerFeeRate.trimmed),
            "openCostUpRatio": "0.1", "supportMarginCoins": [.string(marginCoin)],
            "minTradeNum": .string(i.size(i.minLots).trimmed), "priceEndStep": "1", "volumePlace": .string(String(i.volumePlace)),
            "pricePlace": .string(String(i.pricePlace)), "sizeMultiplier": .string(i.size(1).trimmed), "symbolType": "perpetual",
            "minTradeUSDT": .string(i.minTradeUSDT.trimmed), "maxSymbolOrderNum": "999999", "maxProductOrderNum": "999999",
            "maxPositionNum": "150", "symbolStatus": "normal", "offTime": "-1", "limitOpenTime": "-1", "deliveryTime": "",
            "deliveryStartTime": "", "launchTime": "", "fundInterval": "8", "minLever": "1",
            "maxLever": .string(String(i.maxLever)), "posLimit": "0.05", "maintainTime": "",
        ]
    }
}

/// One-minute candles per instrument, aggregated on demand to any Bitget granularity.
///
/// History is generated back in time (a seeded random walk ending at the start price) so
/// backfill has something to page through; live trades update the current minute.
struct CandleStore {
    struct Candle {
        var openTime: Int64
        var open: Int64
        var high: Int64
        var low: Int64
        var close: Int64
        var lots: Int64
        var notional: Int64
    }

    private var random: SeededRandom
    private let historyMinutes: Int
    private let startMinute: Int64
    private(set) var minutes: [String: [Candle]] = [:]

    init(seed: UInt64, historyDays: Int, now: Int64) {
        random = SeededRandom(seed: seed ^ 0xC0FFEE)
        historyMinutes = max(1, historyDays) * 1440
        startMinute = (now / 60_000 - Int64(historyMinutes)) * 60_000
    }

    /// Generates the history of `instrument` ending at its start price.
    mutating func seed(instrument: Instrument) {
        var candles = [Candle](repeating: Candle(openTime: 0, open: 0, high: 0, low: 0, close: 0, lots: 0, notional: 0),
                               count: historyMinutes)
        var price = instrument.startPrice
        let step = max(1, instrument.startPrice / 2000)
        for i in stride(from: historyMinutes - 1, through: 0, by: -1) {
            let close = price
            let open = max(1, close + random.int(in: -step...step))
            let high = max(open, close) + random.int(in: 0...step)
            let low = max(1, min(open, close) - random.int(in: 0...step))
            let lots = random.int(in: 1...1000) * ExactDecimalPow.of(instrument.volumePlace) / 100
            candles[i] = Candle(openTime: startMinute + Int64(i) * 60_000, open: open, high: high, low: low, close: close,
                                lots: lots, notional: lots * close)
            price = open
        }
        minutes[instrument.key] = candles
    }

    /// Folds a trade into the minute it happened in (adding flat minutes for any gap).
    mutating func apply(instrument: Instrument, priceTicks: Int64, lots: Int64, time: Int64) {
        guard var candles = minutes[instrument.key] else { return }
        let minute = time / 60_000 * 60_000
        var last = candles[candles.count - 1]
        while last.openTime < minute {
            last = Candle(openTime: last.openTime + 60_000, open: last.close, high: last.close, low: last.close,
                          close: last.close, lots: 0, notional: 0)
            candles.append(last)
        }
        if candles[candles.count - 1].openTime == minute {
            var c = candles[candles.count - 1]
            c.high = max(c.high, priceTicks)
            c.low = min(c.low, priceTicks)
            c.close = priceTicks
            c.lots += lots
            c.notional += lots * priceTicks
            candles[candles.count - 1] = c
        }
        minutes[instrument.key] = candles
    }

    /// Candles of `granularityMinutes`, oldest first, with open time in `[from, to)`, at most
    /// `limit` of the newest.
    func query(key: String, granularityMinutes: Int64, from: Int64?, to: Int64?, limit: Int) -> [Candle] {
        guard let candles = minutes[key], !candles.isEmpty else { return [] }
        let span = granularityMinutes * 60_000
        var out: [Candle] = []
        var current: Candle?
        let lower = from ?? 0
        let upper = to ?? Int64.max
        for c in candles {
            let bucket = c.openTime / span * span
            guard bucket >= lower / span * span, c.openTime < upper else { continue }
            if var agg = current, agg.openTime == bucket {
                agg.high = max(agg.high, c.high)
                agg.low = min(agg.low, c.low)
                agg.close = c.close
                agg.lots += c.lots
                agg.notional += c.notional
                current = agg
            } else {
                if let done = current { out.append(done) }
                current = Candle(openTime: bucket, open: c.open, high: c.high, low: c.low, close: c.close,
                                 lots: c.lots, notional: c.notional)
            }
        }
        if let done = current { out.append(done) }
        if out.count > limit { out.removeFirst(out.count - limit) }
        return out
    }

    /// Minutes per Bitget granularity name (REST spot, REST futures and WebSocket spellings).
    static func minutes(for granularity: String) -> Int64? {
        let table: [String: Int64] = [
            "1min": 1, "3min": 3, "5min": 5, "15min": 15, "30min": 30, "1h": 60, "4h": 240, "6h": 360, "12h": 720,
            "1day": 1440, "3day": 4320, "1week": 10080, "1M": 43200, "6Hutc": 360, "12Hutc": 720, "1Dutc": 1440,
            "3Dutc": 4320, "1Wutc": 10080, "1Mutc": 43200,
            "1m": 1, "3m": 3, "5m": 5, "15m": 15, "30m": 30, "1H": 60, "2H": 120, "4H": 240, "6H": 360, "12H": 720,
            "1D": 1440, "3D": 4320, "1W": 10080,
        ]
        return table[granularity]
    }

    /// A candle row: `[ts, open, high, low, close, baseVol, quoteVol, usdtVol]` as strings.
    static func row(_ c: Candle, _ instrument: Instrument) -> JSONValue {
        let quote = instrument.notional(c.notional).description
        return .array([.intString(c.openTime), .string(instrument.priceText(c.open)), .string(instrument.priceText(c.high)),
                       .string(instrument.priceText(c.low)), .string(instrument.priceText(c.close)),
                       .string(instrument.sizeText(c.lots)), .string(quote), .string(quote)])
    }
}

/// Integer powers of ten without going through floating point.
enum ExactDecimalPow {
    static func of(_ exponent: Int32) -> Int64 {
        var value: Int64 = 1
        for _ in 0..<exponent { value *= 10 }
        return value
    }
}

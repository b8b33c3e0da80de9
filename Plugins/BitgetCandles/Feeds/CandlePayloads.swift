import BitgetCommon
public import SwiftletCore

/// Bitget candle rows: `[ts, open, high, low, close, baseVolume, quoteVolume, usdtVolume]`,
/// strings, the same on spot and futures REST and WebSocket.
public enum CandlePayloads {
    /// One row as a candle (open time in ns). Refuses short rows, bad numbers and rows whose
    /// high/low do not bound open and close.
    public static func candle(_ row: [String]) throws(PayloadError) -> Candle {
        guard row.count >= 6 else { throw PayloadError("candle row has \(row.count) fields, expected at least 6") }
        guard let ms = Int64(row[0]), ms >= 0 else { throw PayloadError("candle open time is not milliseconds: \"\(row[0])\"") }
        let open = try Field.decimal(row[1], "open")
        let high = try Field.decimal(row[2], "high")
        let low = try Field.decimal(row[3], "low")
        let close = try Field.decimal(row[4], "close")
        guard low <= high, low <= open, low <= close, open <= high, close <= high else {
            throw PayloadError("candle at \(ms) is inconsistent: open \(open) high \(high) low \(low) close \(close)")
        }
        return Candle(openTime: ms * 1_000_000, open: open, high: high, low: low, close: close,
                      // Volumes are statistics and can exceed 18 significant digits (a month of
                      // BTC quote volume): cut to what a 64-bit decimal holds.
                      baseVolume: try Field.estimate(row[5], "baseVolume"),
                      quoteVolume: try Field.estimate(row.count > 6 ? row[6] : nil, "quoteVolume"))
    }
}

import Foundation

/// One candle interval and its names on each Bitget surface.
public struct CandleInterval: Sendable, Hashable {
    /// Swiftlet's name (ext/candles.h): "1m" … "1M".
    public let name: String
    /// Spot REST `granularity` ("1min", "1h", "1day", ...).
    public let spotREST: String
    /// Futures REST `granularity` ("1m", "1H", "1D", ...).
    public let futuresREST: String
    /// WebSocket channel ("candle1m", "candle1H", ...), the same for spot and futures.
    public let channel: String
    /// Length in ms; nil for the calendar month.
    public let periodMs: Int64?

    /// Every interval Bitget offers.
    public static let all: [CandleInterval] = [
        .init(name: "1m", spotREST: "1min", futuresREST: "1m", channel: "candle1m", periodMs: 60_000),
        .init(name: "3m", spotREST: "3min", futuresREST: "3m", channel: "candle3m", periodMs: 180_000),
        .init(name: "5m", spotREST: "5min", futuresREST: "5m", channel: "candle5m", periodMs: 300_000),
        .init(name: "15m", spotREST: "15min", futuresREST: "15m", channel: "candle15m", periodMs: 900_000),
        .init(name: "30m", spotREST: "30min", futuresREST: "30m", channel: "candle30m", periodMs: 1_800_000),
        .init(name: "1h", spotREST: "1h", futuresREST: "1H", channel: "candle1H", periodMs: 3_600_000),
        .init(name: "4h", spotREST: "4h", futuresREST: "4H", channel: "candle4H", periodMs: 14_400_000),
        .init(name: "6h", spotREST: "6h", futuresREST: "6H", channel: "candle6H", periodMs: 21_600_000),
        .init(name: "12h", spotREST: "12h", futuresREST: "12H", channel: "candle12H", periodMs: 43_200_000),
        .init(name: "1d", spotREST: "1day", futuresREST: "1D", channel: "candle1D", periodMs: 86_400_000),
        .init(name: "3d", spotREST: "3day", futuresREST: "3D", channel: "candle3D", periodMs: 259_200_000),
        .init(name: "1w", spotREST: "1week", futuresREST: "1W", channel: "candle1W", periodMs: 604_800_000),
        .init(name: "1M", spotREST: "1M", futuresREST: "1M", channel: "candle1M", periodMs: nil),
    ]

    /// The interval of a Swiftlet name, or nil.
    public static func named(_ name: String) -> CandleInterval? { all.first { $0.name == name } }

    /// When the period opening at `openTimeMs` ends (UTC calendar month for "1M").
    public func endMs(of openTimeMs: Int64) -> Int64 {
        if let periodMs { return openTimeMs + periodMs }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let start = Date(timeIntervalSince1970: TimeInterval(openTimeMs / 1000))
        let end = calendar.date(byAdding: .month, value: 1, to: start) ?? start
        return Int64(end.timeIntervalSince1970) * 1000
    }
}

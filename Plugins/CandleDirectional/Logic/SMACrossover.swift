public import SwiftletPluginKit

/// Which way a position faces.
public enum TradeDirection: String, Sendable, Equatable, Codable {
    case long, short

    public var opposite: TradeDirection { self == .long ? .short : .long }
}

/// Simple-moving-average crossover over the closes of closed candles.
///
/// After each closed candle, compare SMA(fast) with SMA(slow) on it and on the candle
/// before: fast crossing above slow (at or below before, above now) is a golden cross →
/// `.long`; crossing below (at or above before, below now) is a death cross → `.short`.
/// The signal belongs to the candle on which the cross happens. The averages are compared
/// exactly (`sum_fast × slow` vs `sum_slow × fast`), with no division.
public struct SMACrossover: Sendable {
    public let fastPeriod: Int
    public let slowPeriod: Int
    /// The newest closes (at most `slowPeriod + 1`), oldest first.
    public private(set) var closes: [(openTime: Int64, close: ExactDecimal)] = []

    public init(fastPeriod: Int, slowPeriod: Int) {
        self.fastPeriod = fastPeriod
        self.slowPeriod = slowPeriod
    }

    /// True once both averages exist on the last two candles.
    public var isWarm: Bool { closes.count > slowPeriod }

    /// Replaces the closes (a hot swap hands them over), keeping the newest `slowPeriod + 1`.
    mutating func restore(_ history: [(openTime: Int64, close: ExactDecimal)]) {
        closes = Array(history.sorted { $0.openTime < $1.openTime }.suffix(slowPeriod + 1))
    }

    /// Open time of the newest close.
    public var lastOpenTime: Int64? { closes.last?.openTime }

    /// Adds history without producing signals; merges by open time (older and newer candles
    /// alike), keeping the newest `slowPeriod + 1`.
    public mutating func seed(_ candles: [Candle]) {
        var byTime: [Int64: ExactDecimal] = [:]
        for entry in closes { byTime[entry.openTime] = entry.close }
        for candle in candles { byTime[candle.openTime] = candle.close }
        closes = byTime.sorted { $0.key < $1.key }.suffix(slowPeriod + 1).map { (openTime: $0.key, close: $0.value) }
    }

    /// Appends the close of the candle that just closed and returns the signal of that
    /// candle, if any. A candle not newer than the last one is ignored (nil).
    public mutating func append(openTime: Int64, close: ExactDecimal) throws(DecimalError) -> TradeDirection? {
        if let last = closes.last?.openTime, openTime <= last { return nil }
        closes.append((openTime: openTime, close: close))
        if closes.count > slowPeriod + 1 { closes.removeFirst(closes.count - slowPeriod - 1) }
        guard isWarm else { return nil }
        let now = try relation(endingAt: closes.count)
        let before = try relation(endingAt: closes.count - 1)
        if before <= 0, now > 0 { return .long }
        if before >= 0, now < 0 { return .short }
        return nil
    }

    /// Sign of SMA(fast) − SMA(slow) over the closes ending before index `end`.
    func relation(endingAt end: Int) throws(DecimalError) -> Int {
        let fastSum = try sum(closes[(end - fastPeriod)..<end])
        let slowSum = try sum(closes[(end - slowPeriod)..<end])
        let fastScaled = try fastSum * ExactDecimal(Int64(slowPeriod))
        let slowScaled = try slowSum * ExactDecimal(Int64(fastPeriod))
        return ExactDecimal.compare(fastScaled, slowScaled)
    }

    private func sum(_ slice: ArraySlice<(openTime: Int64, close: ExactDecimal)>) throws(DecimalError) -> ExactDecimal {
        var total = ExactDecimal.zero
        for entry in slice { total = try total + entry.close }
        return total
    }
}

import BitgetCommon
import SwiftletPluginKit

/// One (feed, symbol, interval): its rolling window, the forming candle, and the frontier
/// up to which closed candles have been emitted.
///
/// Closed candles are emitted only from REST pages, in open-time order, each exactly once:
/// when the stream shows a new period has begun (or several, after a disconnect), the
/// range from the frontier to the new period is fetched and emitted before anything later.
final class CandleSubscription {
    let key: BitgetCandleFeeds.SubscriptionKey
    let interval: CandleInterval
    let ring: CandleRing
    private unowned let feeds: BitgetCandleFeeds
    private var forming: Candle?
    /// Every period opening before this (ms) has been emitted closed (or had no candle).
    private var frontierMs: Int64?
    /// A fill in flight covers up to this (ms, exclusive); a later period extends it.
    private var fillingTo: Int64?
    private var wantedTo: Int64?
    private var cancelled = false
    private var backfilled = false
    /// Stream candles that arrived before the backfill finished.
    private var early: [Candle] = []

    init(key: BitgetCandleFeeds.SubscriptionKey, interval: CandleInterval, capacity: Int, feeds: BitgetCandleFeeds) {
        self.key = key
        self.interval = interval
        self.ring = CandleRing(capacity: capacity)
        self.feeds = feeds
    }

    func cancel() { cancelled = true }

    /// Loads `count` closed candles of history into the window (and emits them closed).
    func backfill(count: Int, attempt: Int = 0) {
        let now = feeds.rest.exchangeNowMs
        feeds.history(feed: key.feed, symbol: key.symbol, interval: interval, before: now + 1, from: nil,
                      count: count + 1) { [weak self] result in
            guard let self, !self.cancelled else { return }
            switch result {
            case .failure(let error):
                self.feeds.report(error.pluginError, "backfill \(self.key.symbol) \(self.interval.name)", code: error.code, symbol: self.key.symbol)
                _ = try? self.feeds.host.startTimer(after: .milliseconds(min(30_000, 500 << min(attempt, 6)))) { [weak self] _ in
                    self?.backfill(count: count, attempt: attempt + 1)
                }
            case .success(let candles):
                // Closed when the request left, not when the answer came: a period that ended
                // in between may have been answered while still forming. The stream's next
                // period then fetches it final (`fill`).
                let closed = candles.filter { self.interval.endMs(of: $0.openTime / 1_000_000) <= now }.suffix(count)
                for candle in closed { self.emitClosed(candle) }
                if let last = closed.last {
                    self.frontierMs = self.interval.endMs(of: last.openTime / 1_000_000)
                } else {
                    self.frontierMs = candles.last.map { $0.openTime / 1_000_000 } ?? now
                }
                self.backfilled = true
                let waiting = self.early
                self.early = []
                for candle in waiting { self.live(candle) }
            }
        }
    }

    /// A candle from the stream (forming, or a replayed recent one).
    func live(_ candle: Candle) {
        guard !cancelled else { return }
        guard backfilled, let frontier = frontierMs else {
            early.append(candle)
            return
        }
        let openMs = candle.openTime / 1_000_000
        if openMs < frontier { return } // already emitted closed (a snapshot replaying history)
        if let current = forming {
            let currentMs = current.openTime / 1_000_000
            if openMs < currentMs {
                feeds.report(PluginError(SWL_ERR_EXCHANGE, "candle at \(openMs) arrived after the one at \(currentMs)"),
                             "\(key.feed) \(key.symbol) \(interval.name)", symbol: key.symbol)
                return
            }
        }
        if openMs > frontier {
            // One or more periods ended since the frontier: fetch their final values.
            fill(to: openMs)
        }
        forming = candle
        ring.setForming(candle)
        feeds.emit(.candle(CandleUpdate(feed: key.feed, interval: interval.name, candle: candle, isClosed: false)),
                   symbol: key.symbol, exchangeTime: candle.openTime)
    }

    /// Fetches and emits closed candles from the frontier up to `end` (ms, exclusive).
    private func fill(to end: Int64, attempt: Int = 0) {
        wantedTo = max(wantedTo ?? end, end)
        guard fillingTo == nil, let frontier = frontierMs, let target = wantedTo, target > frontier else { return }
        fillingTo = target
        feeds.history(feed: key.feed, symbol: key.symbol, interval: interval, before: target, from: frontier, count: nil) { [weak self] result in
            guard let self, !self.cancelled else { return }
            self.fillingTo = nil
            switch result {
            case .failure(let error):
                self.feeds.report(error.pluginError, "gap fill \(self.key.symbol) \(self.interval.name)", code: error.code, symbol: self.key.symbol)
                _ = try? self.feeds.host.startTimer(after: .milliseconds(min(30_000, 250 << min(attempt, 7)))) { [weak self] _ in
                    self?.fill(to: target, attempt: attempt + 1)
                }
            case .success(let candles):
                for candle in candles where candle.openTime / 1_000_000 >= frontier { self.emitClosed(candle) }
                // Periods with no candle at the exchange stay empty; the frontier moves past them.
                self.frontierMs = target
                if let wanted = self.wantedTo, wanted > target { self.fill(to: wanted) }
            }
        }
    }

    private func emitClosed(_ candle: Candle) {
        if let last = ring.lastOpenTime, candle.openTime <= last { return }
        ring.append(candle)
        feeds.emit(.candle(CandleUpdate(feed: key.feed, interval: interval.name, candle: candle, isClosed: true)),
                   symbol: key.symbol, exchangeTime: candle.openTime)
    }
}

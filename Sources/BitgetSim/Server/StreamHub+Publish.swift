import SwiftletCore

/// The periodic pushes: `books` updates, `books1/5/15`, `ticker`, candles; idle disconnects.
extension StreamHub {
    /// One publishing round; called every `publishIntervalMs`.
    func publishTick() {
        let now = WallClock.milliseconds()
        exchange.lock.lock()
        lock.lock()
        // Faults are read under the locks, so a stall set before a client's next request is in
        // force for every push that client sees after the server answered that request.
        let fault = faults.read()
        var wanted: [String: [(Connection, Subscription)]] = [:]
        for connection in connections.values where !connection.isPrivate {
            for sub in connection.subscriptions.values where !fault.stalled.contains(sub.key.lowercased()) {
                wanted["\(sub.instType.uppercased()):\(sub.instId.uppercased())", default: []].append((connection, sub))
            }
        }
        for key in exchange.instrumentOrder {
            guard let instrument = exchange.instruments[key] else { continue }
            let dirty = exchange.engines[key]!.drainDirty()
            let subs = wanted[key] ?? []
            if !dirty.bids.isEmpty || !dirty.asks.isEmpty {
                var feed = feeds[key] ?? BookFeed()
                feed.seq += faults.take(\.skipSeq, key) ? 2 : 1
                feeds[key] = feed
                let engine = exchange.engines[key]!
                let level: (Int64, Bool) -> JSONValue = { price, isBid in
                    let lots = isBid ? engine.bids.lots(at: price) : engine.asks.lots(at: price)
                    return [.string(instrument.priceText(price)), .string(lots == 0 ? "0" : instrument.sizeText(lots))]
                }
                let top = (engine.bids.top(25).map { (instrument.priceText($0.price), instrument.sizeText($0.lots)) },
                           engine.asks.top(25).map { (instrument.priceText($0.price), instrument.sizeText($0.lots)) })
                var checksum = Int64(CRC32.bookChecksum(bids: top.0, asks: top.1))
                if faults.take(\.corruptChecksum, key) { checksum += 1 }
                let update: JSONValue = [
                    "asks": .array(dirty.asks.sorted().map { level($0, false) }),
                    "bids": .array(dirty.bids.sorted(by: >).map { level($0, true) }),
                    "checksum": .int(checksum), "seq": .int(feed.seq), "ts": .intString(now),
                ]
                for (connection, sub) in subs where sub.channel == "books" {
                    connection.send(StreamHub.push(action: "update", arg: sub.arg, data: [update], ts: now))
                    sentCount += 1
                }
            }
            for (connection, sub) in subs {
                var data: JSONValue?
                switch sub.channel {
                case "books1", "books5", "books15":
                    data = bookData(instrument, depth: Int(sub.channel.dropFirst(5))!, seq: feeds[key]?.seq ?? 0)
                case "ticker": data = exchange.tickerPushView(instrument)
                default:
                    if sub.channel.hasPrefix("candle"), let minutes = CandleStore.minutes(for: String(sub.channel.dropFirst(6))),
                       let last = exchange.candles.query(key: key, granularityMinutes: minutes, from: now - minutes * 60_000,
                                                         to: nil, limit: 1).last {
                        data = CandleStore.row(last, instrument)
                    }
                }
                if let data {
                    connection.send(StreamHub.push(action: sub.channel == "ticker" || sub.channel.hasPrefix("books") ? "snapshot" : "update",
                                                   arg: sub.arg, data: [data], ts: now))
                    sentCount += 1
                }
            }
        }
        // Idle connections are closed, as Bitget does after two minutes without a ping.
        let idleLimit = Int64(exchange.config.wsIdleTimeoutSeconds) * 1000
        let idle = connections.values.filter { now - $0.lastSeen > idleLimit }
        for connection in idle { connections[connection.id] = nil }
        lock.unlock()
        exchange.lock.unlock()
        for connection in idle { connection.continuation.yield(.close); connection.continuation.finish() }
    }
}

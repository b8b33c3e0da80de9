import SwiftletCore

/// Fault injection and test hooks.
extension BitgetSimulator {
    /// Closes every WebSocket connection now.
    public func dropAllConnections() { hub.dropAll() }

    /// Withholds (or resumes) pushes of one public channel.
    public func stall(instType: String = "SPOT", channel: String, instId: String, _ stalled: Bool = true) {
        let key = "\(instType)|\(channel)|\(instId)".lowercased()
        faults.update { if stalled { $0.stalled.insert(key) } else { $0.stalled.remove(key) } }
    }

    /// The next `books` update of the instrument carries a wrong checksum.
    public func corruptNextChecksum(instType: String = "SPOT", instId: String) {
        faults.update { $0.corruptChecksum.insert("\(instType.uppercased()):\(instId.uppercased())") }
    }

    /// The next `books` update of the instrument skips one `seq`.
    public func skipNextSeq(instType: String = "SPOT", instId: String) {
        faults.update { $0.skipSeq.insert("\(instType.uppercased()):\(instId.uppercased())") }
    }

    /// Every REST call answers HTTP 503 for `seconds`.
    public func failREST(seconds: Int) {
        faults.update { $0.restErrorsUntil = WallClock.milliseconds() + Int64(seconds) * 1000 }
    }

    /// Every REST call answers 429 for `seconds`.
    public func rateLimitREST(seconds: Int) {
        faults.update { $0.rateLimitUntil = WallClock.milliseconds() + Int64(seconds) * 1000 }
    }

    /// Every REST answer leaves `milliseconds` after its request was handled (0 to stop).
    public func delayRESTAnswers(milliseconds: Int) {
        faults.update { $0.restAnswerDelayMs = Int64(milliseconds) }
    }

    /// Sends one frame exactly as given to every private (or public) WebSocket connection:
    /// truncated JSON, wrong types, frames the protocol does not have.
    public func injectFrame(_ text: String, privateConnections: Bool) { hub.sendRaw(text, toPrivate: privateConnections) }

    /// Clears every injected fault.
    public func clearFaults() { faults.update { $0 = FaultState() } }

    /// Settles funding on every open position now (as if the schedule had come round).
    public func settleFundingNow() {
        _ = try? exchange.locked { () throws(BitgetError) in exchange.settleFunding(now: WallClock.milliseconds()) }
    }

    /// Pauses or resumes the background makers and takers.
    public func setAgentsRunning(_ running: Bool) { agents.setRunning(running) }

    /// A system market order of `size` (base coin) on a book: moves the price, fills resting orders.
    public func forceTrade(instType: String = "SPOT", symbol: String, side: String, size: String) {
        _ = try? exchange.locked { () throws(BitgetError) in
            let key = "\(instType.uppercased()):\(symbol.uppercased())"
            guard let instrument = exchange.instruments[key], let value = try? ExactDecimal(size),
                  let lots = value.units(atScale: instrument.volumePlace) else { return }
            Agents.forceTrade(exchange, key: key, side: side == "sell" ? .sell : .buy, lots: lots)
        }
    }

    /// Places a resting limit order for the system account (liquidity for tests).
    public func addLiquidity(instType: String = "SPOT", symbol: String, side: String, price: String, size: String) {
        _ = try? exchange.locked { () throws(BitgetError) in
            let key = "\(instType.uppercased()):\(symbol.uppercased())"
            guard let instrument = exchange.instruments[key], let p = try? ExactDecimal(price), let s = try? ExactDecimal(size),
                  let ticks = p.units(atScale: instrument.pricePlace), let lots = s.units(atScale: instrument.volumePlace) else { return }
            let id = exchange.newOrderId()
            let bookSide: MatchingEngine.Side = side == "sell" ? .sell : .buy
            let outcome = exchange.engines[key]!.submit(.init(orderId: id, owner: -1, side: bookSide, price: ticks, lots: lots,
                                                              quoteBudget: nil, force: .gtc))
            for fill in outcome.fills {
                exchange.settle(instrument, fill: fill, takerId: id, takerSide: bookSide, time: WallClock.milliseconds())
            }
        }
    }

    /// Runs one publishing round now (books, tickers, candles) instead of waiting for the timer.
    public func publishNow() { hub.publishTick() }

    /// Number of open WebSocket connections.
    public var webSocketConnections: Int { hub.connectionCount }

    /// Number of WebSocket connections accepted since start (a client that reconnects adds one).
    public var webSocketConnectionsOpened: Int { hub.connectionsOpened }

    /// REST requests answered 429 since start for being over their endpoint's limit (not
    /// those of `rateLimitREST`).
    public var restRequestsRateLimited: Int { limiter.refused }

    /// `ping` frames received from clients since start.
    public var webSocketPingsReceived: Int { hub.lock.withLock { hub.pingsReceived } }
}

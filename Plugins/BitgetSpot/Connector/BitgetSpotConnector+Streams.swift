import BitgetCommon
import Foundation
import SwiftletPluginKit

/// Market-data subscriptions and the handling of every pushed frame.
extension BitgetSpotConnector {
    static func channelName(_ channel: MarketChannel) -> String {
        switch channel {
        case .book: "books"
        case .trades: "trade"
        case .ticker: "ticker"
        }
    }

    public func subscribe(_ channel: MarketChannel, symbol: String) throws(PluginError) {
        guard started else { throw PluginError(SWL_ERR_STATE, "connector is not started") }
        if loaded, instrumentsBySymbol[symbol] == nil { throw PluginError(SWL_ERR_NOT_FOUND, "unknown symbol \(symbol)") }
        guard !symbol.isEmpty else { throw PluginError(SWL_ERR_INVALID_ARGUMENT, "symbol is empty") }
        let subscription = StreamSubscription(instType: "SPOT", channel: Self.channelName(channel), instId: symbol)
        guard !marketSubscriptions.contains(subscription) else { return }
        marketSubscriptions.insert(subscription)
        streamWithRoom().subscribe([subscription])
    }

    public func unsubscribe(_ channel: MarketChannel, symbol: String) throws(PluginError) {
        let subscription = StreamSubscription(instType: "SPOT", channel: Self.channelName(channel), instId: symbol)
        guard marketSubscriptions.remove(subscription) != nil else {
            throw PluginError(SWL_ERR_NOT_FOUND, "not subscribed to \(subscription.channel) \(symbol)")
        }
        for stream in publicStreams where stream.subscriptions.contains(subscription) { stream.unsubscribe([subscription]) }
    }

    /// A public connection with fewer than `channelsPerConnection` channels, opened on demand.
    private func streamWithRoom() -> BitgetStream {
        if let stream = publicStreams.first(where: { $0.subscriptions.count < Self.channelsPerConnection }) { return stream }
        let name = "public\(publicStreams.count + 1)"
        let stream = BitgetStream(host: host, name: name, url: config.publicWebSocketURL, settings: config.stream,
                                  onMessage: { [weak self] in self?.publicMessage($0) },
                                  onNotice: { [weak self] in self?.streamNotice(name, $0) })
        publicStreams.append(stream)
        stream.start()
        return stream
    }

    // MARK: notices

    func streamNotice(_ name: String, _ notice: BitgetStream.Notice) {
        switch notice {
        case .ready:
            connection(name, .connected, "")
            if name == "private" { reconcile() }
        case .lost(let reason):
            connection(name, .disconnected, reason)
            if let stream = publicStreams.first(where: { $0.name == name }) {
                // Books on that connection go stale until the fresh snapshot: say so.
                for subscription in stream.subscriptions where subscription.channel == "books" {
                    emit(.bookResync(reason: "stream \(name) lost: \(reason)"), symbol: subscription.instId)
                }
            }
        case .reconnecting:
            connection(name, .reconnecting, "")
        case .error(let code, let message):
            report(PluginError(SWL_ERR_EXCHANGE, message), "\(name) stream", code: code)
        }
    }

    // MARK: public frames

    func publicMessage(_ bytes: UnsafeRawBufferPointer) {
        if Self.isBooksFrame(bytes) {
            handleBooks(bytes)
            return
        }
        let data = Data(bytes)
        do throws(PayloadError) {
            let header = try decodePayload(SpotPayloads.PushHeader.self, from: data, what: "push")
            let symbol = header.arg.instId ?? ""
            switch header.arg.channel {
            case "trade":
                // The first push replays recent history; only live trades are events.
                guard header.action != "snapshot" else { return }
                let push = try decodePayload(SpotPayloads.Push<SpotPayloads.TradePush>.self, from: data, what: "trade push")
                for item in push.data {
                    emit(.trade(try SpotPayloads.trade(item)), symbol: symbol,
                         exchangeTime: try Field.milliseconds(item.ts?.text, "ts"))
                }
            case "ticker":
                let push = try decodePayload(SpotPayloads.Push<SpotPayloads.TickerPush>.self, from: data, what: "ticker push")
                for item in push.data {
                    emit(.ticker(try SpotPayloads.ticker(item)), symbol: symbol,
                         exchangeTime: try Field.milliseconds(item.ts?.text, "ts"))
                }
            default:
                break
            }
        } catch {
            report(PluginError(SWL_ERR_EXCHANGE, error.message), "public stream")
        }
    }

    /// True when `"channel":"books` appears in the frame's head, where Bitget puts `arg`.
    /// A byte scan, because building a JSON tree for every book frame is the slow part.
    static func isBooksFrame(_ bytes: UnsafeRawBufferPointer) -> Bool {
        let needle = Array("\"channel\":\"books".utf8)
        let limit = min(bytes.count, 200) - needle.count
        guard limit >= 0 else { return false }
        var index = 0
        while index <= limit {
            if bytes[index] == needle[0] {
                var offset = 1
                while offset < needle.count, bytes[index + offset] == needle[offset] { offset += 1 }
                if offset == needle.count { return true }
            }
            index += 1
        }
        return false
    }

    private func handleBooks(_ bytes: UnsafeRawBufferPointer) {
        let outcome: BookOutcome
        do {
            outcome = try books.process(bytes)
        } catch {
            report(PluginError(SWL_ERR_EXCHANGE, "books frame: \(error)"), "public stream")
            return
        }
        guard let frame = books.lastFrame else { return }
        let symbol = frame.instId(in: bytes)
        switch outcome {
        case .applied:
            // Shared with the books benchmark, which times the path up to this event.
            emit(.book(frame.bookUpdate()), symbol: symbol, exchangeTime: frame.exchangeTimeNanoseconds)
        case .resyncNeeded(let reason):
            emit(.bookResync(reason: reason.description), symbol: symbol)
            let subscription = StreamSubscription(instType: frame.instType(in: bytes), channel: "books", instId: symbol)
            for stream in publicStreams where stream.subscriptions.contains(subscription) { stream.resubscribe(subscription) }
        case .ignored:
            break
        }
    }

    // MARK: private frames

    func privateMessage(_ bytes: UnsafeRawBufferPointer) {
        let data = Data(bytes)
        do throws(PayloadError) {
            let header = try decodePayload(SpotPayloads.PushHeader.self, from: data, what: "private push")
            switch header.arg.channel {
            case "orders":
                let push = try decodePayload(SpotPayloads.Push<SpotPayloads.OrderPush>.self, from: data, what: "orders push")
                for item in push.data { try handleOrderPush(item) }
            case "fill":
                let push = try decodePayload(SpotPayloads.Push<SpotPayloads.FillRecord>.self, from: data, what: "fill push")
                for item in push.data { try handleFill(item) }
            case "account":
                let push = try decodePayload(SpotPayloads.Push<SpotPayloads.Asset>.self, from: data, what: "account push")
                applyBalances(push.data)
            default:
                break
            }
        } catch {
            report(PluginError(SWL_ERR_EXCHANGE, error.message), "private stream")
        }
    }

    func handleOrderPush(_ item: SpotPayloads.OrderPush) throws(PayloadError) {
        let report = try SpotPayloads.report(item)
        emitOrder(orders.apply(report), symbol: report.symbol)
        guard let clientID = orders.clientID(forExchangeID: report.exchangeOrderID) else { return }
        if let fill = try SpotPayloads.fill(item, clientOrderID: clientID) { countFill(fill, symbol: report.symbol) }
        flushUnmatchedFills(exchangeOrderID: report.exchangeOrderID)
    }

    func handleFill(_ item: SpotPayloads.FillRecord) throws(PayloadError) {
        guard let clientID = orders.clientID(forExchangeID: item.orderId) else {
            // The order's id is not known yet (its place-order answer is still in flight).
            if !orders.hasSeen(tradeID: item.tradeId) { unmatchedFills[item.orderId, default: []].append(item) }
            return
        }
        countFill(try SpotPayloads.fill(item, clientOrderID: clientID), symbol: item.symbol,
                  time: try Field.milliseconds(item.cTime?.text, "cTime"))
    }

    func flushUnmatchedFills(exchangeOrderID: String) {
        guard let waiting = unmatchedFills.removeValue(forKey: exchangeOrderID) else { return }
        for item in waiting {
            do throws(PayloadError) { try handleFill(item) } catch {
                report(PluginError(SWL_ERR_EXCHANGE, error.message), "fill")
            }
        }
    }

    /// Emits a fill unless its trade id was already counted.
    func countFill(_ fill: Fill, symbol: String, time: Int64 = 0) {
        guard orders.recordFill(tradeID: fill.tradeID, clientOrderID: fill.clientOrderID, size: fill.size) else { return }
        emit(.fill(fill), symbol: symbol, exchangeTime: time)
        saveState()
    }
}

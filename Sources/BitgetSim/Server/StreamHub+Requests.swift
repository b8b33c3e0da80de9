import SwiftletCore

/// Client frames: `ping`, `subscribe`, `unsubscribe`, `login`.
extension StreamHub {
    static func errorEvent(code: Int, msg: String, op: String? = nil, arg: JSONValue? = nil) -> String {
        var members: [(String, JSONValue)] = [("event", "error")]
        if let arg { members.append(("arg", arg)) }
        members += [("code", .int(Int64(code))), ("msg", .string(msg))]
        if let op { members.append(("op", .string(op))) }
        return JSONValue.object(members).render()
    }

    /// Handles one text frame from a client.
    func receive(_ text: String, on connection: Connection) {
        let now = WallClock.milliseconds()
        let isPing = text == "ping"
        lock.lock()
        connection.lastSeen = now
        if isPing { pingsReceived += 1 }
        lock.unlock()
        if isPing { connection.send("pong"); return }
        guard let message = try? JSONParser.parse(text), let op = message["op"]?.text else {
            connection.send(StreamHub.errorEvent(code: 30002, msg: "illegal request"))
            return
        }
        let args = message["args"]?.array ?? []
        switch op {
        case "login": login(args.first, connection)
        case "subscribe", "unsubscribe":
            for arg in args { subscribe(arg, subscribe: op == "subscribe", connection) }
        default:
            connection.send(StreamHub.errorEvent(code: 30003, msg: "invalid op", op: op))
        }
    }

    private func login(_ arg: JSONValue?, _ connection: Connection) {
        let fail: (Int, String) -> Void = { code, msg in connection.send(StreamHub.errorEvent(code: code, msg: msg, op: "login")) }
        guard connection.isPrivate else { return fail(30002, "illegal request") }
        guard let arg, let key = arg["apiKey"]?.text, let passphrase = arg["passphrase"]?.text,
              let timestamp = arg["timestamp"]?.text, let sign = arg["sign"]?.text else { return fail(30002, "illegal request") }
        exchange.lock.lock()
        let index = exchange.accountIndex[key]
        let account = index.map { exchange.accounts[$0] }
        exchange.lock.unlock()
        guard let index, let account else { return fail(30011, "Invalid ACCESS_KEY") }
        guard account.passphrase == passphrase else { return fail(30012, "Invalid ACCESS_PASSPHRASE") }
        guard let value = Int64(timestamp) else { return fail(30013, "Invalid ACCESS_TIMESTAMP") }
        // Bitget documents seconds; a millisecond value is accepted too.
        let millis = value < 100_000_000_000 ? value * 1000 : value
        guard abs(WallClock.milliseconds() - millis) <= 30_000 else { return fail(30014, "Request timestamp expired") }
        guard BitgetSign.sign(BitgetSign.loginPrehash(timestamp: timestamp), secret: account.secret) == sign else {
            return fail(30015, "Invalid sign")
        }
        lock.lock()
        connection.owner = Int32(index)
        lock.unlock()
        connection.send(#"{"event":"login","code":0,"msg":""}"#)
    }

    private func subscribe(_ arg: JSONValue, subscribe: Bool, _ connection: Connection) {
        let op = subscribe ? "subscribe" : "unsubscribe"
        let coin = arg["instId"] == nil ? arg["coin"]?.text : nil
        guard let instType = arg["instType"]?.text, let channel = arg["channel"]?.text,
              let instId = arg["instId"]?.text ?? coin else {
            connection.send(StreamHub.errorEvent(code: 30002, msg: "illegal request", op: op, arg: arg))
            return
        }
        let sub = Subscription(instType: instType, channel: channel, instId: instId, usesCoin: coin != nil)
        let doesNotExist = "instType:\(instType),channel:\(channel),instId:\(instId) doesn't exist"
        if connection.isPrivate {
            guard StreamHub.privateChannels.contains(channel) else {
                return connection.send(StreamHub.errorEvent(code: 30001, msg: doesNotExist, op: op, arg: sub.arg))
            }
            guard connection.owner != nil else {
                return connection.send(StreamHub.errorEvent(code: 30004, msg: "User needs to log in", op: op, arg: sub.arg))
            }
        } else {
            exchange.lock.lock()
            let known = exchange.instruments["\(instType.uppercased()):\(instId.uppercased())"] != nil
            exchange.lock.unlock()
            guard StreamHub.publicChannels.contains(channel), known else {
                return connection.send(StreamHub.errorEvent(code: 30001, msg: doesNotExist, op: op, arg: sub.arg))
            }
        }
        if !subscribe {
            lock.lock()
            connection.subscriptions[sub.key] = nil
            lock.unlock()
            connection.send(JSONValue.object([("event", "unsubscribe"), ("arg", sub.arg)]).render())
            return
        }
        connection.send(JSONValue.object([("event", "subscribe"), ("arg", sub.arg)]).render())
        // Register and send the initial snapshot atomically with respect to book publishing.
        exchange.lock.lock()
        lock.lock()
        connection.subscriptions[sub.key] = sub
        if let snapshot = initialSnapshot(sub, owner: connection.owner) { connection.send(snapshot) }
        lock.unlock()
        exchange.lock.unlock()
    }

    /// The first push after subscribing (caller holds both locks). Private channels: `positions`
    /// and `account` start with a snapshot of the logged-in account (`owner`).
    private func initialSnapshot(_ sub: Subscription, owner: Int32?) -> String? {
        let now = WallClock.milliseconds()
        if let owner {
            let instType = sub.instType.uppercased()
            switch sub.channel {
            case "positions":
                return StreamHub.push(action: "snapshot", arg: sub.arg,
                                      data: exchange.positionViews(owner: owner, productType: instType, symbol: nil, shape: .push),
                                      ts: now)
            case "account" where instType == "SPOT":
                let balances = exchange.accounts[Int(owner)].spot
                let coins = sub.instId.lowercased() == "default" ? balances.keys.sorted() : [sub.instId.uppercased()]
                return StreamHub.push(action: "snapshot", arg: sub.arg,
                                      data: coins.map { Views.spotAsset($0, balances[$0] ?? Balance()) }, ts: now)
            case "account" where Exchange.productTypes.contains(instType):
                var coins: [String] = []
                for key in exchange.instrumentOrder {
                    if case .perpetual(let pt, let coin) = exchange.instruments[key]?.kind, pt == instType, !coins.contains(coin) {
                        coins.append(coin)
                    }
                }
                return StreamHub.push(action: "snapshot", arg: sub.arg,
                                      data: coins.map { exchange.mixAccountView(owner: owner, productType: instType, marginCoin: $0, shape: .push) },
                                      ts: now)
            default:
                return nil
            }
        }
        guard let instrument = exchange.instruments["\(sub.instType.uppercased()):\(sub.instId.uppercased())"] else { return nil }
        switch sub.channel {
        case "books":
            let feed = feeds[instrument.key] ?? BookFeed()
            feeds[instrument.key] = feed
            return StreamHub.push(action: "snapshot", arg: sub.arg, data: [bookData(instrument, depth: Int.max, seq: feed.seq)], ts: now)
        case "books1", "books5", "books15":
            let depth = Int(sub.channel.dropFirst(5))!
            return StreamHub.push(action: "snapshot", arg: sub.arg,
                                  data: [bookData(instrument, depth: depth, seq: feeds[instrument.key]?.seq ?? 0)], ts: now)
        case "ticker":
            return StreamHub.push(action: "snapshot", arg: sub.arg, data: [exchange.tickerPushView(instrument)], ts: now)
        case "trade":
            let recent = (exchange.trades[instrument.key] ?? []).suffix(50).reversed().map { Views.trade($0, instrument) }
            return StreamHub.push(action: "snapshot", arg: sub.arg, data: Array(recent), ts: now)
        default:
            guard sub.channel.hasPrefix("candle"), let minutes = CandleStore.minutes(for: String(sub.channel.dropFirst(6))) else {
                return nil
            }
            let rows = exchange.candles.query(key: instrument.key, granularityMinutes: minutes, from: nil, to: nil, limit: 200)
            return StreamHub.push(action: "snapshot", arg: sub.arg, data: rows.map { CandleStore.row($0, instrument) }, ts: now)
        }
    }

    /// A `books*` data element: full or top-`depth` levels with seq and checksum.
    func bookData(_ instrument: Instrument, depth: Int, seq: Int64) -> JSONValue {
        let engine = exchange.engines[instrument.key]!
        let bids = engine.bids.top(depth).map { (instrument.priceText($0.price), instrument.sizeText($0.lots)) }
        let asks = engine.asks.top(depth).map { (instrument.priceText($0.price), instrument.sizeText($0.lots)) }
        return [
            "asks": .array(asks.map { [.string($0.0), .string($0.1)] }), "bids": .array(bids.map { [.string($0.0), .string($0.1)] }),
            "checksum": .int(Int64(CRC32.bookChecksum(bids: bids, asks: asks))), "seq": .int(seq),
            "ts": .intString(WallClock.milliseconds()),
        ]
    }
}

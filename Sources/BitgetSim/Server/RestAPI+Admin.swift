import SwiftletCore

/// `POST /admin/...`: fault injection and test hooks over HTTP (no auth; loopback tool).
extension RestAPI {
    func admin(_ request: RestRequest) -> RestResponse {
        let body = (try? RestAPI.body(request)) ?? .object([])
        let now = WallClock.milliseconds()
        let seconds = Int64(body["seconds"]?.text ?? "10") ?? 10
        let instType = (body["instType"]?.text ?? "SPOT").uppercased()
        let instId = (body["instId"]?.text ?? "BTCUSDT").uppercased()
        switch request.path {
        case "/admin/drop-connections": hub.dropAll()
        case "/admin/rest-errors": faults.update { $0.restErrorsUntil = now + seconds * 1000 }
        case "/admin/rate-limit": faults.update { $0.rateLimitUntil = now + seconds * 1000 }
        case "/admin/corrupt-checksum": faults.update { $0.corruptChecksum.insert("\(instType):\(instId)") }
        case "/admin/skip-seq": faults.update { $0.skipSeq.insert("\(instType):\(instId)") }
        case "/admin/stall":
            let key = "\(instType)|\(body["channel"]?.text ?? "books")|\(instId)".lowercased()
            let on = body["stalled"]?.text != "false"
            faults.update { if on { $0.stalled.insert(key) } else { $0.stalled.remove(key) } }
        case "/admin/clear-faults": faults.update { $0 = FaultState() }
        case "/admin/funding":
            _ = try? exchange.locked { () throws(BitgetError) in exchange.settleFunding(now: now) }
        case "/admin/trade":
            let side: MatchingEngine.Side = body["side"]?.text == "sell" ? .sell : .buy
            let lots = Int64(body["lots"]?.text ?? "1") ?? 1
            _ = try? exchange.locked { () throws(BitgetError) in
                Agents.forceTrade(exchange, key: "\(instType):\(instId)", side: side, lots: lots)
            }
        case "/admin/publish": hub.publishTick()
        default: return .error(.notFound)
        }
        return .ok(["ok": .bool(true)])
    }
}

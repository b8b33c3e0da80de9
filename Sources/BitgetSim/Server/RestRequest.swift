import Foundation

/// An HTTP request reduced to what the Bitget API looks at.
struct RestRequest: Sendable {
    var method: String
    var path: String
    /// The raw query string exactly as sent (signatures cover it verbatim).
    var rawQuery: String
    var headers: [String: String]
    var body: String
    var remote: String

    /// Decoded query parameters (last value wins).
    var query: [String: String] {
        var out: [String: String] = [:]
        for pair in rawQuery.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let name = String(parts[0]).removingPercentEncoding ?? String(parts[0])
            let value = parts.count > 1
                ? (String(parts[1]).replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? String(parts[1])) : ""
            out[name] = value
        }
        return out
    }

    func header(_ name: String) -> String? { headers[name.lowercased()] }
}

/// A JSON answer with its HTTP status.
struct RestResponse: Sendable {
    var status: Int
    var body: String

    /// Bitget's success envelope around `data`.
    static func ok(_ data: JSONValue) -> RestResponse {
        let envelope: JSONValue = [
            "code": "00000", "msg": "success", "requestTime": .int(WallClock.milliseconds()), "data": data,
        ]
        return RestResponse(status: 200, body: envelope.render())
    }

    /// Bitget's error envelope.
    static func error(_ error: BitgetError) -> RestResponse {
        let envelope: JSONValue = [
            "code": .string(error.code), "msg": .string(error.msg), "requestTime": .int(WallClock.milliseconds()), "data": .null,
        ]
        return RestResponse(status: error.status, body: envelope.render())
    }
}

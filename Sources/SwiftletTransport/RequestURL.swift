/// Splits a plain absolute URL into its origin text and its request target, without
/// Foundation: `URL(string:)` costs several microseconds per request on the order path,
/// where the same few origins come back with every request. Only URLs whose target is
/// made of RFC 3986 characters (percent escapes well-formed) and that have no user info
/// or fragment are split; anything else returns nil and goes through `URL`.
enum RequestURL {
    /// "https://api.bitget.com" and "/api/v2/spot/trade/place-order?a=b" of
    /// "https://api.bitget.com/api/v2/spot/trade/place-order?a=b"; the target is "/" (or
    /// "/?query") when the URL has no path.
    static func split(_ url: String) -> (origin: String, target: String)? {
        let bytes = url.utf8
        guard let colon = bytes.firstIndex(of: UInt8(ascii: ":")) else { return nil }
        let afterColon = bytes[bytes.index(after: colon)...]
        guard afterColon.starts(with: "//".utf8) else { return nil }
        let authorityStart = bytes.index(colon, offsetBy: 3)
        let targetStart = bytes[authorityStart...].firstIndex {
            $0 == UInt8(ascii: "/") || $0 == UInt8(ascii: "?") || $0 == UInt8(ascii: "#")
        } ?? bytes.endIndex
        let authority = bytes[authorityStart..<targetStart]
        guard !authority.isEmpty, !authority.contains(UInt8(ascii: "@")),
              authority.allSatisfy({ isTargetByte($0) || $0 == UInt8(ascii: "[") || $0 == UInt8(ascii: "]") }) else { return nil }
        let target = bytes[targetStart...]
        guard isWellFormedTarget(target) else { return nil }
        let origin = String(url[..<targetStart])
        let text = String(url[targetStart...])
        if text.isEmpty { return (origin, "/") }
        return (origin, text.utf8.first == UInt8(ascii: "?") ? "/" + text : text)
    }

    /// Only target characters, and every `%` followed by two hex digits.
    private static func isWellFormedTarget(_ target: Substring.UTF8View) -> Bool {
        var index = target.startIndex
        while index < target.endIndex {
            let byte = target[index]
            if byte == UInt8(ascii: "%") {
                let first = target.index(after: index)
                guard first < target.endIndex, target.index(after: first) < target.endIndex,
                      isHexDigit(target[first]), isHexDigit(target[target.index(after: first)]) else { return false }
            } else if !isTargetByte(byte) {
                return false
            }
            index = target.index(after: index)
        }
        return true
    }

    /// RFC 3986 unreserved, sub-delims, ":", "@", "/" and "?" (no "#": a fragment is not split).
    private static func isTargetByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            return true
        default:
            return "-._~!$&'()*+,;=:@/?".utf8.contains(byte)
        }
    }

    private static func isHexDigit(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "a")...UInt8(ascii: "f"), UInt8(ascii: "A")...UInt8(ascii: "F"): true
        default: false
        }
    }
}

/// The client order ids the bot gives orders a strategy sends without one:
/// "swl<strategy index>x<session>x<counter>", with the session (the bot's start, in ms since
/// 1970) and the counter in base 36. Ids never repeat across restarts, and name the strategy
/// that placed the order after the bot no longer tracks it.
struct BotClientOrderIDs: Sendable {
    /// The bot's start, in base 36.
    let session: String

    init(sessionStart milliseconds: UInt64) {
        session = Self.base36(milliseconds, after: "")
    }

    /// What every id of the strategy at `index` starts with.
    func prefix(strategy index: Int) -> String {
        "swl\(index)x\(session)x"
    }

    /// The id numbered `counter` of the strategy whose ids start with `prefix`.
    static func id(prefix: String, counter: UInt64) -> String {
        base36(counter, after: prefix)
    }

    /// The index of the strategy an id of this session names, or nil for any other id.
    func strategyIndex(of id: String) -> Int? {
        let parts = id.split(separator: "x")
        guard parts.count == 3, parts[0].hasPrefix("swl"), parts[1] == session else { return nil }
        return Int(parts[0].dropFirst(3))
    }

    /// `prefix` followed by `value` in base 36 (digits, then lowercase letters), written into
    /// one new string: one is made per order placed, and `String(_:radix:)` with an
    /// interpolation took about 2 µs of a place, most of it the generic integer-to-text path.
    private static func base36(_ value: UInt64, after prefix: String) -> String {
        var prefix = prefix
        return prefix.withUTF8 { head in
            String(unsafeUninitializedCapacity: head.count + 13) { text in  // 36^13 > UInt64.max
                var digits = 0
                var rest = value
                repeat {
                    digits += 1
                    rest /= 36
                } while rest > 0
                _ = text.initialize(fromContentsOf: head)
                rest = value
                for position in (head.count..<head.count + digits).reversed() {
                    let digit = UInt8(rest % 36)
                    text[position] = digit < 10 ? UInt8(ascii: "0") + digit : UInt8(ascii: "a") + digit - 10
                    rest /= 36
                }
                return head.count + digits
            }
        }
    }
}

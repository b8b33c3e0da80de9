/// One market of one connector: the key of the trade journal's per-market data.
public struct Market: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// Connector id that reported it (`EventContext.source`), e.g. `bitget_perpetual`.
    public var source: String
    /// Exchange symbol, e.g. `BTCUSDT`.
    public var symbol: String

    /// Makes a market key.
    public init(source: String, symbol: String) {
        self.source = source
        self.symbol = symbol
    }

    /// Parses `SOURCE:SYMBOL` (split at the first colon; both parts non-empty).
    public init(parsing text: String) throws(PersistenceError) {
        guard let colon = text.firstIndex(of: ":") else {
            throw PersistenceError("market \(String(reflecting: text)) is not SOURCE:SYMBOL")
        }
        let source = String(text[..<colon])
        let symbol = String(text[text.index(after: colon)...])
        guard !source.isEmpty, !symbol.isEmpty else {
            throw PersistenceError("market \(String(reflecting: text)) is not SOURCE:SYMBOL (empty \(source.isEmpty ? "source" : "symbol"))")
        }
        self.init(source: source, symbol: symbol)
    }

    /// `SOURCE:SYMBOL`.
    public var description: String { "\(source):\(symbol)" }

    /// Orders by source, then symbol.
    public static func < (lhs: Market, rhs: Market) -> Bool {
        (lhs.source, lhs.symbol) < (rhs.source, rhs.symbol)
    }
}

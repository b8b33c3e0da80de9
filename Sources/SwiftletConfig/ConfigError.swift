/// A bot configuration that cannot be used, with the field that is wrong.
///
/// `description` reads `strategies[0].params.bid_spread: expected a decimal string or number,
/// got "abc" (line 12)`: the field path in YAML's own key names, then what is wrong.
public struct ConfigError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Where the problem is, e.g. `connectors[1].paper_balances.USDT`; empty for the whole file.
    public let path: String
    /// What is wrong, one line.
    public let message: String
    /// 1-based line in the YAML text, when known.
    public let line: Int?

    /// Makes an error about the field at `path`.
    public init(path: String, message: String, line: Int? = nil) {
        self.path = path
        self.message = message
        self.line = line
    }

    /// "<path>: <message> (line N)".
    public var description: String {
        let location = line.map { " (line \($0))" } ?? ""
        return path.isEmpty ? message + location : "\(path): \(message)\(location)"
    }
}

/// One market of one venue: the key the bot's books, trading rules and PnL are kept by
/// (a struct rather than a "venue/symbol" string, which cost every order an allocation).
struct MarketID: Hashable, Sendable {
    /// The venue (connector instance) id.
    let source: String
    let symbol: String
}

/// What tells one build of a Bitget connector from another library built from the same
/// connector module: the identity its hot-swap state carries and the defaults that differ.
public struct ConnectorBuild: Sendable {
    /// The plugin id (`bitget`, `bitget_perpetual`); hot-swap state of another id is refused.
    public var pluginID: String
    /// The library's semantic version, written into exported hot-swap state.
    public var version: String
    /// Prefix of generated client order ids when the config sets no `order_id_prefix`.
    public var orderIDPrefix: String

    public init(pluginID: String, version: String, orderIDPrefix: String = "swl") {
        self.pluginID = pluginID
        self.version = version
        self.orderIDPrefix = orderIDPrefix
    }
}

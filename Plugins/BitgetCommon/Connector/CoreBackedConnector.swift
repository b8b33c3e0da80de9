public import SwiftletPluginKit

/// A Bitget connector built on `ConnectorCore`: the reads and market-data subscriptions of
/// `TradingConnectorPlugin`, and hot swap (`ConnectorCore+HotSwap`), come from the core,
/// identically for spot and perpetual.
public protocol CoreBackedConnector: TradingConnectorPlugin, HotSwappable {
    var core: ConnectorCore { get }
}

extension CoreBackedConnector {
    public func instrument(symbol: String) throws(PluginError) -> Instrument { try core.instrument(symbol) }
    public func instruments() throws(PluginError) -> [Instrument] { try core.instruments() }
    public func order(clientOrderID: String) throws(PluginError) -> OrderSnapshot { try core.order(clientOrderID) }
    public func openOrders(symbol: String) throws(PluginError) -> [OrderSnapshot] { core.openOrders(symbol) }
    public func balances() throws(PluginError) -> [Balance] { core.balancesByAsset.values.sorted { $0.asset < $1.asset } }

    public func subscribe(_ channel: MarketChannel, symbol: String) throws(PluginError) {
        try core.subscribe(channel: ConnectorCore.channelName(channel), symbol: symbol)
    }

    public func unsubscribe(_ channel: MarketChannel, symbol: String) throws(PluginError) {
        try core.unsubscribe(channel: ConnectorCore.channelName(channel), symbol: symbol)
    }
}

extension CoreBackedConnector {
    public func quiesce() throws(PluginError) { try core.quiesce() }
    public func resume() throws(PluginError) { try core.resume() }
    public func exportState() throws(PluginError) -> String { try core.exportState() }
    public func importState(_ state: String) throws(PluginError) { try core.importState(state) }
}

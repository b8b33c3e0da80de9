import BitgetCommon
import BitgetSpotConnector
import SwiftletPluginKit

/// `bitget` 1.2.0-broken, the failing version of the hot-swap tests: the spot connector
/// of `BitgetSpot`, except that `import_state` always refuses, so a host's swap to it must
/// roll back to the running instance.
let build = ConnectorBuild(pluginID: "bitget", version: "1.2.0-broken")

/// The spot connector with a hot-swap import that always fails; everything else forwards.
final class BrokenImportConnector: CoreBackedConnector {
    let connector: BitgetSpotConnector
    var core: ConnectorCore { connector.core }

    init(host: PluginHost, config: String) throws(PluginError) {
        connector = try BitgetSpotConnector(host: host, config: config, build: build)
    }

    func start() throws(PluginError) { try connector.start() }
    func stop() { connector.stop() }
    func placeOrder(_ request: OrderRequest) throws(PluginError) -> String { try connector.placeOrder(request) }
    func placeOrders(_ requests: [OrderRequest]) -> [Result<String, PluginError>] { connector.placeOrders(requests) }
    func cancelOrder(symbol: String, clientOrderID: String) throws(PluginError) {
        try connector.cancelOrder(symbol: symbol, clientOrderID: clientOrderID)
    }
    func cancelOrders(symbol: String, clientOrderIDs: [String]) -> [Result<Void, PluginError>] {
        connector.cancelOrders(symbol: symbol, clientOrderIDs: clientOrderIDs)
    }
    func cancelAll(symbol: String) throws(PluginError) { try connector.cancelAll(symbol: symbol) }

    func importState(_ state: String) throws(PluginError) {
        throw PluginError(SWL_ERR_INVALID_ARGUMENT, "this build deliberately refuses imported state")
    }
}

let export = PluginExport(PluginManifest(
    id: build.pluginID, version: build.version, name: "Bitget spot",
    vendor: "Swiftlet", summary: "Bitget v2 spot, broken version for hot-swap tests: import_state always refuses.",
    kinds: UInt64(SWL_KIND_CONNECTOR), extensions: [SWL_EXT_HOTSWAP: .hotSwap(BrokenImportConnector.self)]
) { host, config throws(PluginError) in try BrokenImportConnector(host: host, config: config) })

/// The library's one exported symbol (entry.h).
@_cdecl("swiftlet_plugin_entry")
public func swiftletPluginEntry() -> UnsafePointer<swl_plugin_descriptor_t> {
    export.descriptor
}

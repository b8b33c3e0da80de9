import BitgetPerpetualConnector
import SwiftletPluginKit

let build = BitgetPerpetualConnector.build

let export = PluginExport(PluginManifest(
    id: build.pluginID, version: build.version, name: "Bitget perpetual",
    vendor: "Swiftlet", summary: "Bitget v2 USDT/USDC/COIN-margined perpetuals: positions, modes, leverage, funding, hot swap.",
    kinds: UInt64(SWL_KIND_CONNECTOR), isPerpetual: true, extensions: [SWL_EXT_HOTSWAP: .hotSwap(BitgetPerpetualConnector.self)]
) { host, config throws(PluginError) in try BitgetPerpetualConnector(host: host, config: config) })

/// The library's one exported symbol (entry.h).
@_cdecl("swiftlet_plugin_entry")
public func swiftletPluginEntry() -> UnsafePointer<swl_plugin_descriptor_t> {
    export.descriptor
}

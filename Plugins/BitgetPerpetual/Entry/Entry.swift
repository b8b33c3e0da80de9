import BitgetPerpetualConnector
import SwiftletPluginKit

let export = PluginExport(PluginManifest(
    id: "bitget_perpetual", version: "1.0.0", name: "Bitget perpetual",
    vendor: "Swiftlet", summary: "Bitget v2 USDT/USDC/COIN-margined perpetuals: positions, modes, leverage, funding.",
    kinds: UInt64(SWL_KIND_CONNECTOR), isPerpetual: true
) { host, config throws(PluginError) in try BitgetPerpetualConnector(host: host, config: config) })

/// The library's one exported symbol (entry.h).
@_cdecl("swiftlet_plugin_entry")
public func swiftletPluginEntry() -> UnsafePointer<swl_plugin_descriptor_t> {
    export.descriptor
}

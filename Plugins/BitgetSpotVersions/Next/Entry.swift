import BitgetCommon
import BitgetSpotConnector
import SwiftletPluginKit

/// `bitget` 1.1.0, the "next version" of the hot-swap tests: the spot connector of
/// `BitgetSpot` 1.0.0 with one difference a host can observe through the ABI besides the
/// descriptor's version: generated client order ids start with `swn`, not `swl` (unless
/// the config sets `order_id_prefix`).
let build = ConnectorBuild(pluginID: "bitget", version: "1.1.0", orderIDPrefix: "swn")

let export = PluginExport(PluginManifest(
    id: build.pluginID, version: build.version, name: "Bitget spot",
    vendor: "Swiftlet", summary: "Bitget v2 spot, next version for hot-swap tests: client order ids prefixed swn.",
    kinds: UInt64(SWL_KIND_CONNECTOR), extensions: [SWL_EXT_HOTSWAP: .hotSwap(BitgetSpotConnector.self)]
) { host, config throws(PluginError) in try BitgetSpotConnector(host: host, config: config, build: build) })

/// The library's one exported symbol (entry.h).
@_cdecl("swiftlet_plugin_entry")
public func swiftletPluginEntry() -> UnsafePointer<swl_plugin_descriptor_t> {
    export.descriptor
}

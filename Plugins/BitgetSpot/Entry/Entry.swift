import BitgetSpotConnector
import SwiftletPluginKit

let build = BitgetSpotConnector.build

let export = PluginExport(PluginManifest(
    id: build.pluginID, version: build.version, name: "Bitget spot",
    vendor: "Swiftlet", summary: "Bitget v2 spot: checksummed books, private streams, order lifecycle, reconciliation, hot swap.",
    kinds: UInt64(SWL_KIND_CONNECTOR), extensions: [SWL_EXT_HOTSWAP: .hotSwap(BitgetSpotConnector.self)]
) { host, config throws(PluginError) in try BitgetSpotConnector(host: host, config: config, build: build) })

/// The library's one exported symbol (entry.h).
@_cdecl("swiftlet_plugin_entry")
public func swiftletPluginEntry() -> UnsafePointer<swl_plugin_descriptor_t> {
    export.descriptor
}

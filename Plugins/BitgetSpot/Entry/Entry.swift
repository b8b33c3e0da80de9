import BitgetSpotConnector
import SwiftletPluginKit

let export = PluginExport(PluginManifest(
    id: "bitget", version: "1.0.0", name: "Bitget spot",
    vendor: "Swiftlet", summary: "Bitget v2 spot: checksummed books, private streams, order lifecycle, reconciliation.",
    kinds: UInt64(SWL_KIND_CONNECTOR)
) { host, config throws(PluginError) in try BitgetSpotConnector(host: host, config: config) })

/// The library's one exported symbol (entry.h).
@_cdecl("swiftlet_plugin_entry")
public func swiftletPluginEntry() -> UnsafePointer<swl_plugin_descriptor_t> {
    export.descriptor
}

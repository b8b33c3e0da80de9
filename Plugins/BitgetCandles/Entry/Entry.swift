import BitgetCandleFeeds
import SwiftletPluginKit

let export = PluginExport(PluginManifest(
    id: "bitget_candles", version: "1.0.0", name: "Bitget candle feeds",
    vendor: "Swiftlet", summary: "Gap-free Bitget spot and perpetual candles: paged backfill, live stream, self-healing.",
    kinds: UInt64(SWL_KIND_CANDLE_FEED)
) { host, config throws(PluginError) in try BitgetCandleFeeds(host: host, config: config) })

/// The library's one exported symbol (entry.h).
@_cdecl("swiftlet_plugin_entry")
public func swiftletPluginEntry() -> UnsafePointer<swl_plugin_descriptor_t> {
    export.descriptor
}

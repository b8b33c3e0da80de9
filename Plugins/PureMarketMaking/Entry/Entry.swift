import PureMarketMakingLogic
import SwiftletPluginKit

let export = PluginExport(PluginManifest(
    id: "pure_market_making", version: "1.0.0", name: "Pure market making",
    vendor: "Swiftlet",
    summary: "Hummingbot-style pure market making: levels of bids and asks around the mid, refreshed with tolerance, minimum spread, filled-order delay, price band and inventory skew of sizes and prices.",
    kinds: UInt64(SWL_KIND_STRATEGY),
    extensions: [SWL_EXT_HOTSWAP: .hotSwap(PureMarketMakingPlugin.self)]
) { host, config throws(PluginError) in try PureMarketMakingPlugin(host: host, config: config) })

/// The library's one exported symbol (entry.h).
@_cdecl("swiftlet_plugin_entry")
public func swiftletPluginEntry() -> UnsafePointer<swl_plugin_descriptor_t> {
    export.descriptor
}

import CandleDirectionalLogic
import SwiftletPluginKit

let export = PluginExport(PluginManifest(
    id: "candle_directional", version: "1.0.0", name: "Candle directional",
    vendor: "Swiftlet",
    summary: "SMA crossover of closed candles opens one position with a market order; exits reduce-only on stop loss, take profit, time limit or the opposite signal.",
    kinds: UInt64(SWL_KIND_STRATEGY),
    extensions: [SWL_EXT_HOTSWAP: .hotSwap(CandleDirectionalPlugin.self)]
) { host, config throws(PluginError) in try CandleDirectionalPlugin(host: host, config: config) })

/// The library's one exported symbol (entry.h).
@_cdecl("swiftlet_plugin_entry")
public func swiftletPluginEntry() -> UnsafePointer<swl_plugin_descriptor_t> {
    export.descriptor
}

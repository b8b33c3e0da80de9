public import SwiftletBot
public import SwiftletControl
public import SwiftletHost

extension RunningBot {
    /// Hot-swaps connector `connector` to `version` of its plugin (docs/hot-swap.md),
    /// looking in the plugin directory again if that version was installed after start.
    public func swapConnector(_ connector: String, version: String) async throws(HotSwapFailure) -> ConnectorSwapReport {
        guard let venue = bot.venues.first(where: { $0.id == connector }) as? LiveVenue else {
            let known = bot.venues.map(\.id).joined(separator: ", ")
            throw HotSwapFailure(step: .compatibility, "no live connector \"\(connector)\" in this bot (connectors: \(known))")
        }
        let pluginID = venue.connector.library.info.id
        if registry.library(id: pluginID, version: version) == nil, let pluginDirectory {
            _ = registry.discover(directory: pluginDirectory)
        }
        guard let library = registry.library(id: pluginID, version: version) else {
            let installed = registry.all.filter { $0.info.id == pluginID }.map(\.info.version).joined(separator: ", ")
            throw HotSwapFailure(step: .compatibility,
                                 "\(pluginID)@\(version) is not installed (installed: \(installed)); `swiftlet plugins install FILE` first")
        }
        return try await bot.swapConnector(connector, to: library)
    }
}

extension RunningBot {
    /// `POST /plugins/swap` of the control endpoint.
    public func swapPlugin(_ request: PluginSwapRequest) async throws(PluginSwapRefused) -> PluginSwapOutcome {
        do {
            let report = try await swapConnector(request.connector, version: request.version)
            return PluginSwapOutcome(connector: report.connector, from: report.from, to: report.to,
                                     pauseMicroseconds: report.pauseNanoseconds / 1000,
                                     replayedIntents: report.replayedIntents, failedIntents: report.failedIntents)
        } catch {
            throw PluginSwapRefused(error.description + (error.resumed ? "" : " (the old version could not resume: restart the bot)"))
        }
    }
}

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
        let library = try installed(venue.connector.library.info.id, version)
        return try await bot.swapConnector(connector, to: library)
    }

    /// Hot-swaps strategy `strategy` to `version` of its plugin (docs/hot-swap.md).
    public func swapStrategy(_ strategy: String, version: String) async throws(HotSwapFailure) -> StrategySwapReport {
        guard let running = bot.strategies.first(where: { $0.id == strategy }) else {
            let known = bot.strategies.map(\.id).joined(separator: ", ")
            throw HotSwapFailure(step: .compatibility, "no strategy \"\(strategy)\" in this bot (strategies: \(known))")
        }
        return try await bot.swapStrategy(strategy, to: try installed(running.instance.library.info.id, version))
    }

    /// The installed library of `pluginID` at `version`, looking in the plugin directory
    /// again if it was installed after start.
    private func installed(_ pluginID: String, _ version: String) throws(HotSwapFailure) -> PluginLibrary {
        if registry.library(id: pluginID, version: version) == nil, let pluginDirectory {
            _ = registry.discover(directory: pluginDirectory)
        }
        guard let library = registry.library(id: pluginID, version: version) else {
            let installed = registry.all.filter { $0.info.id == pluginID }.map(\.info.version).joined(separator: ", ")
            throw HotSwapFailure(step: .compatibility,
                                 "\(pluginID)@\(version) is not installed (installed: \(installed)); `swiftlet plugins install FILE` first")
        }
        return library
    }

    /// `POST /plugins/swap` of the control endpoint: the id names a connector or a strategy.
    public func swapPlugin(_ request: PluginSwapRequest) async throws(PluginSwapRefused) -> PluginSwapOutcome {
        do {
            if bot.venues.contains(where: { $0.id == request.id }) {
                let report = try await swapConnector(request.id, version: request.version)
                return PluginSwapOutcome(id: report.connector, kind: .connector, from: report.from, to: report.to,
                                         pauseMicroseconds: report.pauseNanoseconds / 1000,
                                         replayedIntents: report.replayedIntents, failedIntents: report.failedIntents)
            }
            if bot.strategies.contains(where: { $0.id == request.id }) {
                let report = try await swapStrategy(request.id, version: request.version)
                return PluginSwapOutcome(id: report.strategy, kind: .strategy, from: report.from, to: report.to,
                                         pauseMicroseconds: report.pauseNanoseconds / 1000, heldEvents: report.heldEvents)
            }
        } catch {
            throw PluginSwapRefused(error.description + (error.resumed ? "" : " (the old version could not resume: restart the bot)"))
        }
        let connectors = bot.venues.map(\.id).joined(separator: ", ")
        let strategies = bot.strategies.map(\.id).joined(separator: ", ")
        throw PluginSwapRefused("no connector or strategy \"\(request.id)\" in this bot (connectors: \(connectors); strategies: \(strategies))")
    }
}

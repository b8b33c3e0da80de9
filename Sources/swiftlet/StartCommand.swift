import ArgumentParser
import Foundation
import Logging
import SwiftletConfig
import SwiftletControl
import SwiftletHost
import SwiftletRunner
import SwiftletTransport

/// `swiftlet start --config bot.yml`: runs a bot until Ctrl-C or `swiftlet stop`.
struct Start: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Run a bot from its YAML configuration.")

    @Option(name: .long, help: "The bot's YAML configuration (docs/configuration.md).")
    var config: String

    @Option(name: .long, help: "Plugin directory (default: $SWIFTLET_HOME/plugins or ./.swiftlet/plugins).")
    var plugins: String?

    @Option(name: .long, help: "Credential vault (default: $SWIFTLET_HOME/credentials.vault).")
    var vault: String?

    @Option(name: .long, help: "Log file.")
    var log = ".swiftlet/bot.log"

    func run() async throws {
        let botConfig: BotConfig
        do { botConfig = try BotConfig.load(path: config) } catch { throw CommandFailure("\(config): \(error)") }
        let credentials = try readCredentials(botConfig)
        let registry = PluginRegistry()
        let report = registry.discover(directory: plugins ?? SwiftletPaths.pluginDirectory)
        for refusal in report.refused { print("refused: \(refusal)") }
        let fileLog = FileLog(path: log)
        defer { fileLog.flush() }
        let running: RunningBot
        do {
            running = try await RunningBot.start(botConfig, registry: registry,
                                                 pluginDirectory: plugins ?? SwiftletPaths.pluginDirectory, credentials: credentials,
                                                 statePath: ".swiftlet/state.sqlite", logger: fileLog.logger())
        } catch {
            throw CommandFailure("\(error)")
        }
        try await serve(running, socket: botConfig.controlSocket ?? SwiftletPaths.controlSocket, quiet: false)
    }

    /// Credentials the live connectors name, from the vault (asks for its password).
    private func readCredentials(_ config: BotConfig) throws -> [Credential] {
        let names = Set(config.connectors.filter { !$0.paper }.compactMap(\.credential))
        guard !names.isEmpty else { return [] }
        let path = vault ?? SwiftletPaths.credentialVault
        let password = try PasswordPrompt.read(prompt: "Vault password: ", environmentVariable: "SWIFTLET_PASSWORD")
        let opened = try CredentialVault.open(path: path, password: password)
        return try names.sorted().map { name in
            let stored = try opened.credential(named: name)
            return Credential(name: name, apiKey: stored.apiKey, secret: stored.secret, passphrase: stored.passphrase)
        }
    }
}

/// Serves the control endpoint and a status view until the bot is stopped (Ctrl-C,
/// SIGTERM, `swiftlet stop`, or `seconds` elapsed), then stops it.
func serve(_ running: RunningBot, socket: String, quiet: Bool, seconds: Int? = nil) async throws {
    let server = ControlServer(socketPath: socket, control: running)
    let serving = Task { try await server.run() }
    print("bot running; control socket \(socket); `swiftlet status` / `swiftlet stop`, or Ctrl-C")
    let stop = StopSignals.stopSignal()
    let deadline = seconds.map { ContinuousClock.now + .seconds($0) }
    while !stop.isRaised, !running.isStopped {
        if let deadline, ContinuousClock.now >= deadline { break }
        if !quiet { print(StatusView.render(await running.status())) }
        try await Task.sleep(for: .seconds(2))
    }
    print("stopping: cancelling orders, stopping plugins")
    await running.stop()
    serving.cancel()
    _ = try? await serving.value
    print("stopped")
}

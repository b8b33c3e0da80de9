import ArgumentParser
import SwiftletConfig
import SwiftletControl

extension Plugins {
    /// `swiftlet plugins swap <id> <version>`: hot-swaps a connector or a strategy of the
    /// running bot to another installed version of its plugin, through the control socket.
    struct Swap: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Hot-swap a connector or strategy of the running bot to another installed version (docs/hot-swap.md).")

        @Argument(help: "Connector or strategy id in the bot's config (e.g. bitget, mm).")
        var id: String

        @Argument(help: "Installed version of its plugin to switch to (e.g. 1.1.0).")
        var version: String

        @Option(name: .long, help: "Control socket (default: $SWIFTLET_HOME/control.sock or ./.swiftlet/control.sock).")
        var socket: String?

        func run() async throws {
            let client = ControlClient(socketPath: socket ?? SwiftletPaths.controlSocket)
            do {
                let outcome = try await client.swapPlugin(PluginSwapRequest(id: id, version: version))
                print(outcome.summary)
            } catch {
                throw CommandFailure("swap refused: \(error)")
            }
        }
    }
}

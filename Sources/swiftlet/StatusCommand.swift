import ArgumentParser
import Foundation
import SwiftletConfig
import SwiftletControl

/// `swiftlet status`: the running bot's balances, open orders, positions, PnL and
/// connector health, read from its control socket.
struct Status: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Show the running bot's balances, open orders, positions, PnL and connector health.")

    @Option(name: .long, help: "Control socket (default: $SWIFTLET_HOME/control.sock or ./.swiftlet/control.sock).")
    var socket: String?

    @Flag(name: .long, help: "Refresh until Ctrl-C.")
    var watch = false

    @Option(name: .long, help: "Seconds between refreshes with --watch.")
    var interval = 2

    @Flag(name: .long, help: "Print the status as JSON instead of tables.")
    var json = false

    func validate() throws {
        guard interval > 0 else { throw ValidationError("--interval must be at least 1 second") }
    }

    func run() async throws {
        let client = ControlClient(socketPath: socket ?? SwiftletPaths.controlSocket)
        guard watch else {
            print(try await render(client.status()))
            return
        }
        while true {
            let text = try await render(client.status())
            // Home the cursor and clear the screen, then draw.
            print("\u{1B}[H\u{1B}[2J" + text + "\n\nrefreshing every \(interval)s; Ctrl-C to quit")
            try await Task.sleep(for: .seconds(interval))
        }
    }

    private func render(_ status: BotStatus) throws -> String {
        guard json else { return StatusView.render(status) }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        return String(decoding: try encoder.encode(status), as: UTF8.self)
    }
}

import ArgumentParser
import SwiftletConfig
import SwiftletControl

/// `swiftlet balance`: the running bot's balances per connector, from its control endpoint.
struct BalanceCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "balance", abstract: "Show the running bot's balances.")

    @Option(name: .long, help: "Control socket (default: $SWIFTLET_HOME/control.sock or ./.swiftlet/control.sock).")
    var socket: String?

    func run() async throws {
        let status = try await ControlClient(socketPath: socket ?? SwiftletPaths.controlSocket).status()
        for connector in status.connectors {
            print("\(connector.id)\(connector.paper ? " (paper)" : "")")
            for balance in connector.balances {
                print("  \(balance.asset.padding(toLength: 8, withPad: " ", startingAt: 0)) total \(balance.total)  available \(balance.available)  locked \(balance.locked)")
            }
        }
    }
}

import ArgumentParser

/// The `swiftlet` command line.
@main
struct Swiftlet: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "swiftlet",
        abstract: "A trading-bot host whose connectors and strategies are versioned plugins.",
        subcommands: [Demo.self, Start.self, Status.self, Stop.self, Connect.self, BalanceCommand.self, History.self, Plugins.self]
    )
}

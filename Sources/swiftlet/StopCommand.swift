import ArgumentParser
import SwiftletConfig
import SwiftletControl

/// `swiftlet stop`: asks the running bot to stop through its control socket and waits for
/// it to exit.
struct Stop: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Stop the running bot.")

    @Option(name: .long, help: "Control socket (default: $SWIFTLET_HOME/control.sock or ./.swiftlet/control.sock).")
    var socket: String?

    @Option(name: .long, help: "Seconds to wait for the bot to exit (0: do not wait).")
    var timeout = 30

    func run() async throws {
        let client = ControlClient(socketPath: socket ?? SwiftletPaths.controlSocket)
        try await client.stop()
        guard timeout > 0 else {
            print("stop requested")
            return
        }
        print("stop requested; waiting for the bot to exit")
        let deadline = ContinuousClock.now + .seconds(timeout)
        while client.isBotRunning {
            guard ContinuousClock.now < deadline else {
                throw CommandFailure("the bot is still running after \(timeout)s; check its log")
            }
            try await Task.sleep(for: .milliseconds(200))
        }
        print("bot stopped")
    }
}

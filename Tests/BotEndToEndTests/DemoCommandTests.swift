import Foundation
import Testing

/// `swiftlet demo`, the README's main command, run as a user runs it: the built executable,
/// in a directory of its own, twice.
@Suite struct DemoCommandTests {
    static var executable: URL { BotHarness.products.appendingPathComponent("swiftlet") }

    /// Runs `swiftlet demo --seconds N` in `directory`; its exit status and output.
    func runDemo(in directory: URL, seconds: Int) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = Self.executable
        process.arguments = ["demo", "--seconds", String(seconds)]
        process.currentDirectoryURL = directory
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    /// The demo quotes, stops cleanly on its own, and logs no error; a second run, against
    /// the new simulator it starts, resumes none of the first run's orders (they never
    /// existed on that exchange).
    @Test func theDemoQuotesStopsCleanlyAndEachRunStartsAfresh() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("swiftlet-demo-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let first = try runDemo(in: directory, seconds: 8)
        #expect(first.status == 0, "\(first.output.suffix(2_000))")
        #expect(first.output.contains("stopped"), "\(first.output.suffix(2_000))")
        let second = try runDemo(in: directory, seconds: 4)
        #expect(second.status == 0, "\(second.output.suffix(2_000))")
        let log = try String(contentsOf: directory.appendingPathComponent(".swiftlet/demo.log"), encoding: .utf8)
        let lines = log.split(separator: "\n")
        // Two-sided quotes: the account's inventory skews the sizes, it does not remove a side.
        #expect(lines.contains { $0.contains("plugin=market_maker: placed buy") }, "\(log.suffix(2_000))")
        #expect(lines.contains { $0.contains("plugin=market_maker: placed sell") }, "\(log.suffix(2_000))")
        #expect(!lines.contains { $0.split(separator: " ").dropFirst().first == "error" }, "\(log)")
        // The connectors log what they restore when there is saved state; nothing is.
        let restored = lines.filter { $0.contains(": restored") && !$0.contains("restored 0 orders and 0 trade ids") }
        #expect(restored.isEmpty, "\(restored)")
    }
}

import Foundation
import SwiftletSystem
import Testing

/// The `bitget-sim` executable's `--cpus`, observed through /proc of the running process.
@Suite struct SimulatorCommandTests {
    /// The built `bitget-sim`, next to the test bundle.
    static let executable: URL? = {
        var candidate = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()
        for _ in 0..<4 {
            let path = candidate.appendingPathComponent("bitget-sim")
            if FileManager.default.isExecutableFile(atPath: path.path) { return path }
            candidate.deleteLastPathComponent()
        }
        return nil
    }()

    @Test func cpusPinsEveryThreadOfTheSimulator() throws {
        let executable = try #require(Self.executable, "build everything first (`swift build`)")
        let cpu = try #require(try CPUAffinity.availableCPUs().last).description
        let process = Process()
        process.executableURL = executable
        process.arguments = ["--port", "0", "--cpus", cpu, "--no-agents", "--history-days", "0"]
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        defer { process.terminate() }
        var line = ""
        while !line.hasSuffix("\n") {
            let byte = output.fileHandleForReading.readData(ofLength: 1)
            if byte.isEmpty { break }
            line += String(decoding: byte, as: UTF8.self)
        }
        #expect(line.hasPrefix("listening on http://"))
        let tasks = try FileManager.default.contentsOfDirectory(atPath: "/proc/\(process.processIdentifier)/task")
        #expect(tasks.count > 1)
        for tid in tasks {
            #expect(try Self.cpuList(ofTask: "\(process.processIdentifier)/task/\(tid)") == cpu)
        }
    }

    @Test(arguments: [("4000", "--cpus 4000: CPU 4000 is not available to this process"),
                      ("1,x", "--cpus must be comma-separated CPU ids, got 1,x")])
    func badCPUsAreRefusedWithTheReason(_ cpus: String, _ reason: String) throws {
        let executable = try #require(Self.executable, "build everything first (`swift build`)")
        let process = Process()
        process.executableURL = executable
        process.arguments = ["--port", "0", "--cpus", cpus]
        let errors = Pipe()
        process.standardError = errors
        process.standardOutput = Pipe()
        try process.run()
        process.waitUntilExit()
        let message = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        #expect(process.terminationStatus != 0)
        #expect(message.contains(reason), "\(message)")
    }

    /// `Cpus_allowed_list` of /proc/`task`/status, e.g. "0-1".
    static func cpuList(ofTask task: String) throws -> String {
        let status = try String(contentsOfFile: "/proc/\(task)/status", encoding: .utf8)
        let line = status.split(separator: "\n").first { $0.hasPrefix("Cpus_allowed_list:") } ?? ""
        return line.split(separator: ":").last.map { $0.trimmingCharacters(in: .whitespaces) } ?? ""
    }
}

import Foundation

/// `bitget-sim` in its own process, so a benchmark measures only the host and plugins.
enum SimulatorProcess {
    struct Failure: Error, CustomStringConvertible { let description: String }

    /// The built `bitget-sim` next to this benchmark binary.
    static var executable: String {
        URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()
            .appendingPathComponent("bitget-sim").path
    }

    /// Starts it on a free port; returns the process and its base URL (`http://HOST:PORT`).
    static func start(_ path: String = executable, arguments: [String] = []) throws -> (Process, String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = ["--port", "0"] + arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        var line = ""
        while !line.hasSuffix("\n") {
            let byte = pipe.fileHandleForReading.readData(ofLength: 1)
            guard !byte.isEmpty else { throw Failure(description: "bitget-sim exited before listening") }
            line += String(decoding: byte, as: UTF8.self)
        }
        guard let range = line.range(of: "http://") else { throw Failure(description: "unexpected first line: \(line)") }
        return (process, String(line[range.lowerBound...]).trimmingCharacters(in: .whitespacesAndNewlines))
    }
}

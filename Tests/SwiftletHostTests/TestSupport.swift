import Foundation
import Testing

/// Paths and tools the host tests share.
enum TestSupport {
    /// The repository root, found from this file's path.
    static let repoRoot: URL = {
        var url = URL(fileURLWithPath: #filePath)
        while url.path != "/" {
            url.deleteLastPathComponent()
            if FileManager.default.fileExists(atPath: url.appendingPathComponent("Package.swift").path) { return url }
        }
        fatalError("repository root not found above \(#filePath)")
    }()

    static var sdkHeaders: String { repoRoot.appendingPathComponent("sdk-headers").path }

    /// Where SwiftPM put the package's products (the test binary sits there too).
    static let productsDirectory: URL = {
        let binary = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        var candidate = binary.deletingLastPathComponent()
        // Inside an .xctest bundle the binary may be nested; walk up to the products dir.
        for _ in 0..<4 {
            if FileManager.default.fileExists(atPath: candidate.appendingPathComponent("libExampleHeartbeat.so").path) {
                return candidate
            }
            candidate.deleteLastPathComponent()
        }
        return repoRoot.appendingPathComponent(".build/debug")
    }()

    /// A built plugin library of this package, e.g. "ExampleHeartbeat".
    static func builtPlugin(_ product: String) throws -> String {
        let path = productsDirectory.appendingPathComponent("lib\(product).so").path
        guard FileManager.default.fileExists(atPath: path) else {
            throw TestFailure("lib\(product).so is not in \(productsDirectory.path): run `swift build` first")
        }
        return path
    }

    /// A fresh temporary directory.
    static func temporaryDirectory(_ name: String = #function) throws -> URL {
        let safe = name.filter { $0.isLetter || $0.isNumber }
        let url = FileManager.default.temporaryDirectory
            .appendingPathComponent("swiftlet-tests-\(safe)-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// Runs a tool; returns its exit status and combined output.
    @discardableResult
    static func run(_ tool: String, _ arguments: [String]) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [tool] + arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    /// Compiles a C plugin source into a shared library with the given -D flags.
    static func compileCPlugin(_ source: String, defines: [String] = [], output: URL) throws {
        try FileManager.default.createDirectory(at: output.deletingLastPathComponent(), withIntermediateDirectories: true)
        let result = try run("cc", ["-std=c11", "-shared", "-fPIC", "-fvisibility=hidden", "-I", sdkHeaders]
            + defines.map { "-D\($0)" } + [source, "-o", output.path])
        guard result.status == 0 else { throw TestFailure("cc failed for \(source) \(defines): \(result.output)") }
    }

    static func fixture(_ relative: String) -> String {
        repoRoot.appendingPathComponent("Tests/Fixtures").appendingPathComponent(relative).path
    }

    /// Polls `condition` until it holds or `timeout` passes.
    static func eventually(timeout: Duration = .seconds(10), _ condition: () -> Bool) async -> Bool {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if condition() { return true }
            try? await Task.sleep(for: .milliseconds(10))
        }
        return condition()
    }
}

struct TestFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

import ArgumentParser
import Foundation
import SwiftletHost

/// `swiftlet demo`: the README's main command.
struct Demo: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Install the bundled plugins and run the demo bot against the built-in Bitget simulator.")

    @Option(name: .long, help: "Plugin directory to install the bundled plugins into.")
    var dir: String?

    func run() async throws {
        let directory = dir ?? Plugins.defaultDirectory
        let bundled = BundledPlugins.libraries()
        guard !bundled.isEmpty else {
            print("no bundled plugin libraries next to \(BundledPlugins.directory.path); run `swift build` first")
            throw ExitCode.failure
        }
        let installer = PluginInstaller(directory: directory)
        for file in bundled {
            do {
                let installed = try installer.install(file)
                print("installed \(installed.info.key)")
            } catch {
                print(error)
            }
        }
        let report = PluginRegistry().discover(directory: directory)
        print("\(report.loaded.count) plugin(s) loaded from \(directory), \(report.refused.count) refused")
        for library in report.loaded {
            print("  \(library.info.id) \(library.info.version) [\(library.info.kinds)] \(library.info.name)")
        }
        for refusal in report.refused { print("  \(refusal)") }
    }
}

/// The plugin libraries SwiftPM built next to this executable.
enum BundledPlugins {
    static var directory: URL {
        URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()
    }

    static func libraries() -> [String] {
        let files = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        return files.filter { $0.hasPrefix("lib") && $0.hasSuffix(".so") }
            .filter { file in (try? PluginLoader.load(path: directory.appendingPathComponent(file).path)) != nil }
            .sorted()
            .map { directory.appendingPathComponent($0).path }
    }
}

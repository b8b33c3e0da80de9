import ArgumentParser
import CSwiftletSDK
import SwiftletConfig
import SwiftletControl
import SwiftletHost

/// `swiftlet plugins …`: list, inspect and install plugin libraries.
struct Plugins: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plugins",
        abstract: "List, inspect, install and hot-swap plugin libraries.",
        subcommands: [List.self, Inspect.self, Install.self, Swap.self]
    )

    /// The default plugin directory: $SWIFTLET_HOME/plugins, else ./.swiftlet/plugins.
    static var defaultDirectory: String { SwiftletPaths.pluginDirectory }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Load every plugin under a directory (<dir>/<id>/<version>/lib*.so) and list them, with the reason for each refusal.")

        @Option(name: .long, help: "Plugin directory (default: $SWIFTLET_HOME/plugins or ./.swiftlet/plugins).")
        var dir: String?

        func run() throws {
            let directory = dir ?? Plugins.defaultDirectory
            let report = PluginRegistry().discover(directory: directory)
            if report.loaded.isEmpty && report.refused.isEmpty {
                print("no plugin libraries under \(directory)")
                return
            }
            let rows = report.loaded.map { library in
                [library.info.id, library.info.kinds.description, library.info.version,
                 "\(library.info.abiMajor).\(library.info.abiMinor)", library.info.path]
            }
            print(TextTable.render(header: ["ID", "KIND", "VERSION", "ABI", "PATH"], rows: rows))
            for refusal in report.refused {
                print(refusal.description)
            }
        }
    }

    struct Inspect: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Load one plugin library and show its descriptor.")

        @Argument(help: "Path to a plugin shared library.")
        var file: String

        func run() throws {
            let library: PluginLibrary
            do {
                library = try PluginLoader.load(path: file)
            } catch {
                print(error.description)
                throw ExitCode.failure
            }
            let info = library.info
            print("""
                id:          \(info.id)
                version:     \(info.version)
                name:        \(info.name)
                vendor:      \(info.vendor)
                kinds:       \(info.kinds)
                abi:         \(info.abiMajor).\(info.abiMinor) (host \(SWL_ABI_MAJOR).\(SWL_ABI_MINOR))
                path:        \(info.path)
                description: \(info.summary)
                """)
            let known = [SWL_EXT_TRADING, SWL_EXT_PERPETUAL, SWL_EXT_CANDLES, SWL_EXT_STRATEGY, SWL_EXT_HOTSWAP]
            let answered = known.filter { (try? library.extensionTable($0, minimumSize: 4)) != nil }
            print("extensions:  \(answered.isEmpty ? "none" : answered.joined(separator: ", "))")
        }
    }

    struct Install: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Validate plugin libraries and copy them into <dir>/<id>/<version>/.")

        @Option(name: .long, help: "Plugin directory (default: $SWIFTLET_HOME/plugins or ./.swiftlet/plugins).")
        var dir: String?

        @Argument(help: "Plugin shared libraries to install.")
        var files: [String]

        func run() throws {
            let installer = PluginInstaller(directory: dir ?? Plugins.defaultDirectory)
            var failed = false
            for file in files {
                do {
                    let installed = try installer.install(file)
                    print("installed \(installed.info.key) -> \(installed.path)")
                } catch {
                    print(error)
                    failed = true
                }
            }
            if failed { throw ExitCode.failure }
        }
    }
}

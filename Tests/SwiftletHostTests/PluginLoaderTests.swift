import Foundation
@testable import SwiftletHost
import Testing

/// Every refusal the loader must make, each with its one-line reason, using the C
/// fixture `Tests/Fixtures/plugins/misbehaving.c` built with different macros.
@Suite struct PluginLoaderTests {
    let source = TestSupport.fixture("plugins/misbehaving.c")

    private func build(_ defines: [String], in directory: URL, name: String) throws -> String {
        let output = directory.appendingPathComponent("lib\(name).so")
        try TestSupport.compileCPlugin(source, defines: defines, output: output)
        return output.path
    }

    private func refusal(_ defines: [String], name: String = #function) throws -> PluginRefusal {
        let directory = try TestSupport.temporaryDirectory(name)
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = try build(defines, in: directory, name: "bad")
        do {
            let library = try PluginLoader.load(path: path)
            throw TestFailure("loaded \(library.info.key) although it should be refused")
        } catch let refusal as PluginRefusal {
            #expect(refusal.path.hasSuffix("libbad.so"))
            #expect(!refusal.description.contains("\n"))
            return refusal
        }
    }

    @Test func validPluginLoads() throws {
        let directory = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let library = try PluginLoader.load(path: try build([], in: directory, name: "good"))
        #expect(library.info.id == "misbehaving")
        #expect(library.info.version == "1.0.0")
        #expect(library.info.kinds == .strategy)
        #expect(library.info.abiMajor == 1)
    }

    @Test func newerMinorIsAccepted() throws {
        let directory = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let library = try PluginLoader.load(path: try build(["NEWER_MINOR"], in: directory, name: "newer"))
        #expect(library.info.abiMinor > 0)
    }

    @Test func notASharedLibrary() throws {
        let directory = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("libgarbage.so").path
        try Data("this is not an ELF file".utf8).write(to: URL(fileURLWithPath: path))
        #expect(throws: PluginRefusal.self) { try PluginLoader.load(path: path) }
        do { _ = try PluginLoader.load(path: path) } catch {
            #expect(error.reason.contains("not a loadable shared library"))
        }
    }

    @Test func truncatedLibrary() throws {
        let directory = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let good = try build([], in: directory, name: "whole")
        let bytes = try Data(contentsOf: URL(fileURLWithPath: good))
        let path = directory.appendingPathComponent("libtruncated.so").path
        try bytes.prefix(bytes.count / 3).write(to: URL(fileURLWithPath: path))
        do {
            _ = try PluginLoader.load(path: path)
            Issue.record("a truncated library loaded")
        } catch {
            #expect(error.reason.contains("not a loadable shared library"))
        }
    }

    @Test func missingEntrySymbol() throws {
        #expect(try refusal(["NO_ENTRY"]).reason == "missing entry symbol swiftlet_plugin_entry")
    }

    @Test func nullDescriptor() throws {
        #expect(try refusal(["NULL_DESCRIPTOR"]).reason == "entry symbol returned no descriptor")
    }

    @Test func abiMajorMismatch() throws {
        let reason = try refusal(["ABI_MAJOR=2"]).reason
        #expect(reason.contains("built for ABI 2."))
        #expect(reason.contains("supports ABI major 1"))
    }

    @Test func unknownKind() throws {
        #expect(try refusal(["PLUGIN_KINDS=(SWL_KIND_STRATEGY|(1ull<<40))"]).reason.contains("unknown kind bits 0x10000000000"))
    }

    @Test func emptyID() throws {
        #expect(try refusal(["EMPTY_ID"]).reason == "descriptor id is empty")
    }

    @Test func oversizedName() throws {
        #expect(try refusal(["OVERSIZED_NAME"]).reason.contains("descriptor name is"))
    }

    @Test func invalidVersion() throws {
        #expect(try refusal(["PLUGIN_VERSION=\"1.0\""]).reason.contains("not a semantic version"))
    }

    @Test func smallDescriptor() throws {
        #expect(try refusal(["SMALL_DESCRIPTOR"]).reason.contains("smaller than the ABI 1.0 layout"))
    }

    @Test func smallExtensionTable() throws {
        #expect(try refusal(["SMALL_EXTENSION_TABLE"]).reason.contains("table is 4 bytes, the host needs at least"))
    }

    @Test func missingRequiredExtension() throws {
        #expect(try refusal(["NO_STRATEGY_EXTENSION"]).reason.contains("does not answer extension swiftlet.strategy/1"))
    }

    @Test func duplicateIDAndVersionIsRefusedAndOthersStillLoad() throws {
        let root = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: root) }
        _ = try build([], in: root.appendingPathComponent("misbehaving/1.0.0"), name: "first")
        _ = try build([], in: root.appendingPathComponent("misbehaving/1.0.0-copy"), name: "second")
        _ = try build(["PLUGIN_VERSION=\"1.1.0\""], in: root.appendingPathComponent("misbehaving/1.1.0"), name: "newer")
        _ = try build(["NO_ENTRY"], in: root.appendingPathComponent("broken/1.0.0"), name: "broken")
        let registry = PluginRegistry()
        let report = registry.discover(directory: root.path)
        #expect(report.loaded.map(\.info.key).sorted() == ["misbehaving@1.0.0", "misbehaving@1.1.0"])
        #expect(report.refused.count == 2)
        #expect(report.refused.contains { $0.reason.hasPrefix("duplicate misbehaving@1.0.0: already loaded from") })
        #expect(report.refused.contains { $0.reason == "missing entry symbol swiftlet_plugin_entry" })
        #expect(registry.library(id: "misbehaving")?.info.version == "1.1.0")
        #expect(registry.library(id: "misbehaving", version: "1.0.0") != nil)
    }

    @Test func createFailureCarriesThePluginsMessage() throws {
        let directory = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let library = try PluginLoader.load(path: try build(["CREATE_FAILS", "PLUGIN_ID=\"create_fails\""],
                                                            in: directory, name: "createfails"))
        let runtime = try HostRuntime()
        do {
            _ = try runtime.instantiate(library)
            Issue.record("create should have failed")
        } catch {
            #expect(error.message.contains("invalid argument: bad config: key 'x'"))
        }
    }
}

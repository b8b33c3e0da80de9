import Foundation
import Testing

/// The SDK headers are the whole contract with third-party plugins, so each one must
/// compile on its own, warning-free, as C11 and as C++17 (CLAP's header compile test).
/// The C plugins in the tree must build against the headers alone and export exactly
/// one symbol, `swiftlet_plugin_entry`.
@Suite struct HeaderCompileTests {
    /// Every `.h` under sdk-headers/swiftlet, relative to sdk-headers ("swiftlet/ext/trading.h"),
    /// found by walking the directory so a new header is covered without editing this test.
    static let headers: [String] = {
        let root = TestSupport.sdkHeaders
        guard let walker = FileManager.default.enumerator(atPath: root + "/swiftlet") else { return [] }
        var found: [String] = []
        while let relative = walker.nextObject() as? String {
            if relative.hasSuffix(".h") { found.append("swiftlet/" + relative) }
        }
        return found.sorted()
    }()

    enum Language: String, CaseIterable, Sendable, CustomTestStringConvertible {
        case c11, cxx17

        var compiler: String { self == .c11 ? "cc" : "c++" }
        var standard: String { self == .c11 ? "-std=c11" : "-std=c++17" }
        var fileExtension: String { self == .c11 ? "c" : "cpp" }
        var testDescription: String { self == .c11 ? "C11" : "C++17" }
    }

    @Test func headersAreFound() {
        #expect(Self.headers.contains("swiftlet/swiftlet.h"))
        #expect(Self.headers.contains("swiftlet/private/macros.h"))
        #expect(Self.headers.count >= 10, "found only \(Self.headers)")
    }

    @Test(arguments: HeaderCompileTests.headers, Language.allCases)
    func headerCompilesAlone(header: String, language: Language) throws {
        let directory = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        defer { try? FileManager.default.removeItem(at: directory) }
        // One declaration besides the include: some headers are macro-only, and an empty
        // translation unit is itself a -pedantic error in C.
        let source = directory.appendingPathComponent("tu.\(language.fileExtension)")
        try "#include <\(header)>\nint swl_header_test_anchor;\n".write(to: source, atomically: true, encoding: .utf8)
        let result = try TestSupport.run(language.compiler, [
            language.standard, "-pedantic", "-Werror", "-Wall", "-Wextra", "-fsyntax-only",
            "-I", TestSupport.sdkHeaders, source.path,
        ])
        #expect(result.status == 0, "\(header) as \(language.testDescription):\n\(result.output)")
    }

    /// A C plugin source and the -D flags of one build of it.
    struct PluginBuild: Sendable, CustomTestStringConvertible {
        let source: String
        let defines: [String]
        let exportsEntry: Bool

        var testDescription: String {
            ([URL(fileURLWithPath: source).lastPathComponent] + defines.map { "-D\($0)" }).joined(separator: " ")
        }
    }

    static let pluginBuilds: [PluginBuild] = {
        let heartbeat = TestSupport.repoRoot.appendingPathComponent("Plugins/ExampleC/heartbeat.c").path
        let misbehaving = TestSupport.repoRoot.appendingPathComponent("Tests/Fixtures/plugins/misbehaving.c").path
        let variants: [[String]] = [
            [], ["PLUGIN_ID=\"other_id\"", "PLUGIN_VERSION=\"2.0.0\""], ["PLUGIN_KINDS=SWL_KIND_CONNECTOR"],
            ["ABI_MAJOR=2"], ["ABI_MINOR=3"], ["NULL_DESCRIPTOR"], ["EMPTY_ID"], ["OVERSIZED_NAME"],
            ["SMALL_DESCRIPTOR"], ["SMALL_EXTENSION_TABLE"], ["NO_STRATEGY_EXTENSION"], ["CREATE_FAILS"],
            ["NEWER_MINOR"],
        ]
        return [PluginBuild(source: heartbeat, defines: [], exportsEntry: true)]
            + variants.map { PluginBuild(source: misbehaving, defines: $0, exportsEntry: true) }
            + [PluginBuild(source: misbehaving, defines: ["NO_ENTRY"], exportsEntry: false)]
    }()

    @Test(arguments: HeaderCompileTests.pluginBuilds)
    func cPluginBuildsStandaloneAndExportsOnlyTheEntry(build: PluginBuild) throws {
        let directory = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        defer { try? FileManager.default.removeItem(at: directory) }
        let library = directory.appendingPathComponent("libplugin.so").path
        let compiled = try TestSupport.run("cc", [
            "-std=c11", "-pedantic", "-Werror", "-Wall", "-Wextra", "-shared", "-fPIC", "-fvisibility=hidden",
            "-I", TestSupport.sdkHeaders,
        ] + build.defines.map { "-D\($0)" } + [build.source, "-o", library])
        try #require(compiled.status == 0, "cc \(build.testDescription):\n\(compiled.output)")

        let listed = try TestSupport.run("nm", ["-D", "--defined-only", library])
        try #require(listed.status == 0, "nm \(library):\n\(listed.output)")
        // Lines look like "0000000000001139 T swiftlet_plugin_entry"; the name is the last field.
        let symbols = listed.output.split(separator: "\n").compactMap { line in
            line.split(separator: " ").last.map(String.init)
        }
        let expected = build.exportsEntry ? ["swiftlet_plugin_entry"] : []
        #expect(symbols == expected, "\(build.testDescription) exports:\n\(listed.output)")
    }
}

/// Paths and process helpers of this file (self-contained on purpose: the suite only
/// needs a C toolchain, not the host).

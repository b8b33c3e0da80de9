import Foundation
@testable import SwiftletHost
import SwiftletCore
import Synchronization
import Testing

/// Two versions of one Swift plugin — same module name, same exported symbol names —
/// loaded into one process at once, each answering with its own code and globals.
@Suite struct TwoVersionsTests {
    private func compileProbe(version2: Bool, into directory: URL) throws -> String {
        let output = directory.appendingPathComponent("version_probe/\(version2 ? "2.0.0" : "1.0.0")/libVersionProbe.so")
        try FileManager.default.createDirectory(at: output.deletingLastPathComponent(), withIntermediateDirectories: true)
        let include = TestSupport.repoRoot.appendingPathComponent("Sources/CSwiftletSDK/include").path
        // No version script: every public symbol of the probe is exported, so only the
        // loader's dlopen flags keep the two copies from binding to each other.
        let result = try TestSupport.run("swiftc", ["-emit-library", "-parse-as-library", "-module-name", "VersionProbe",
                                                    "-I", include] + (version2 ? ["-D", "PROBE_V2"] : [])
                                                    + [TestSupport.fixture("plugins/VersionProbe.swift"), "-o", output.path])
        guard result.status == 0 else { throw TestFailure("swiftc failed: \(result.output)") }
        return output.path
    }

    @Test func twoVersionsLoadedAtOnceKeepTheirOwnCodeAndState() async throws {
        let directory = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        _ = try compileProbe(version2: false, into: directory)
        _ = try compileProbe(version2: true, into: directory)
        let exported = try TestSupport.run("nm", ["-D", "--defined-only",
                                                  directory.appendingPathComponent("version_probe/1.0.0/libVersionProbe.so").path])
        #expect(exported.output.contains("probeReport"), "the probe must export its Swift symbols for this test to mean anything")

        let registry = PluginRegistry()
        let report = registry.discover(directory: directory.path)
        #expect(report.refused.isEmpty, "\(report.refused)")
        let v1 = try #require(registry.library(id: "version_probe", version: "1.0.0"))
        let v2 = try #require(registry.library(id: "version_probe", version: "2.0.0"))

        let runtime = try HostRuntime()
        let messages = Mutex<[String: [String]]>([:])
        runtime.events.subscribe { event in
            if case .error(let report) = event.payload {
                messages.withLock { $0[event.context.source, default: []].append(report.message) }
            }
        }
        let first = try runtime.instantiate(v1, name: "v1")
        let second = try runtime.instantiate(v2, name: "v2a")
        let third = try runtime.instantiate(v2, name: "v2b")
        let trade = Event(context: EventContext(symbol: "BTCUSDT"),
                          payload: .trade(Trade(tradeID: "1", takerSide: .buy, price: ExactDecimal(1), size: ExactDecimal(1))))
        try first.deliver(trade)
        try second.deliver(trade)
        try third.deliver(trade)
        let seen = messages.withLock { $0 }
        #expect(seen["v1"] == ["version=1.0.0 instances=1"])
        #expect(seen["v2a"] == ["version=2.0.0 instances=2"])
        #expect(seen["v2b"] == ["version=2.0.0 instances=2"])
        first.destroy()
        second.destroy()
        third.destroy()
        await runtime.shutdown()
    }
}

import BitgetSim
import Foundation
import NIOPosix
import SwiftletTransport
import Synchronization

/// How long the host's HTTP client takes to write one request, from `execute` on its
/// event loop to the request written, when requests follow each other closely and after
/// the process sat idle: the tick-to-order path runs after idle gaps, and on this kind of
/// machine code that ran milliseconds ago costs several times more than code that just ran.
///
/// `swift run -c release swiftlet-bench http-write`
enum HTTPWriteBenchmark {
    static func run() async throws {
        let sim = try await BitgetSimulator.start(SimConfig())
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let probe = WriteProbe()
        let http = HTTPService(eventLoopGroup: group, probe: probe)
        let loop = group.next()
        print("HTTP request written (AsyncHTTPClient, keep-alive connection to bitget-sim), 300 requests per gap:")
        for gap in [0, 1, 10, 100] {
            probe.reset()
            for _ in 0..<300 {
                await withCheckedContinuation { (done: CheckedContinuation<Void, Never>) in
                    loop.execute {
                        probe.began()
                        do {
                            try http.execute(HTTPRequest(url: sim.baseURL + "/api/v2/public/time")) { _ in done.resume() }
                        } catch {
                            print("request refused: \(error)")
                            done.resume()
                        }
                    }
                }
                if gap > 0 { try await Task.sleep(for: .milliseconds(gap)) }
            }
            let samples = probe.sorted()
            print(String(format: "  %3d ms idle before each: p50 %.0f µs   p90 %.0f µs", gap,
                         Double(samples[samples.count / 2]) / 1_000, Double(samples[samples.count * 9 / 10]) / 1_000))
        }
        try await http.shutdown()
        try await group.shutdownGracefully()
        await sim.shutdown()
    }
}

/// Times from `began` to the request being written.
private final class WriteProbe: TransportProbe {
    private let state = Mutex<(start: UInt64, samples: [UInt64])>((0, []))

    func reset() { state.withLock { $0 = (0, []) } }
    func began() { state.withLock { $0.start = DispatchTime.now().uptimeNanoseconds } }
    func sorted() -> [UInt64] { state.withLock { $0.samples.sorted() } }
    func messageArrived(connection: UInt64) {}
    func requestWritten(request: UInt64) {
        let now = DispatchTime.now().uptimeNanoseconds
        state.withLock { $0.samples.append(now - $0.start) }
    }
}

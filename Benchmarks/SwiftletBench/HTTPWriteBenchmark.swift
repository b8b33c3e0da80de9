import AsyncHTTPClient
import BitgetSim
import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix
import SwiftletTransport
import Synchronization

/// How long one request takes from the call to being written, on a kept-alive connection,
/// when requests follow each other closely and after the process sat idle: the order path
/// runs after idle gaps, and on this kind of machine code that ran milliseconds ago costs
/// several times more than code that just ran.
///
/// First the host's HTTP service called on its event loop, as the order path calls it
/// (after the first request, each goes out on its direct connection); then AsyncHTTPClient
/// alone, on a connection on the same loop, which is what the service used before.
///
/// `swift run -c release swiftlet-bench http-write`
enum HTTPWriteBenchmark {
    /// Idle gaps before each request, in milliseconds, and requests per gap.
    static let gaps = [0, 1, 10, 100]
    static let requestsPerGap = 300

    static func run() async throws {
        let sim = try await BitgetSimulator.start(SimConfig())
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let loop = group.next()
        let url = sim.baseURL + "/api/v2/public/time"
        let probe = WriteProbe()
        let service = HTTPService(eventLoopGroup: group, probe: probe)
        print("Request written by the host's HTTP service on its event loop (direct connection to bitget-sim), \(requestsPerGap) requests per gap:")
        try await measure(on: loop, probe: probe) { done in
            do {
                try service.execute(HTTPRequest(url: url)) { _ in done() }
            } catch {
                print("request refused: \(error)")
                done()
            }
        }
        try await service.shutdown()

        let client = HTTPClient(eventLoopGroup: group)
        let request = try HTTPClient.Request(url: url)
        print("The same request written by AsyncHTTPClient alone (keep-alive connection on the same loop), \(requestsPerGap) requests per gap:")
        try await measure(on: loop, probe: probe) { done in
            let delegate = TimedDelegate(probe: probe)
            client.execute(request: request, delegate: delegate, eventLoop: .delegateAndChannel(on: loop))
                .futureResult.whenComplete { _ in done() }
        }
        try await client.shutdown()
        try await group.shutdownGracefully()
        await sim.shutdown()
    }

    /// Runs `send` on `loop` `requestsPerGap` times per gap, each after that gap, waiting for
    /// each answer, and prints the time from the call to the request written.
    static func measure(on loop: any EventLoop, probe: WriteProbe,
                        _ send: @escaping @Sendable (@escaping @Sendable () -> Void) -> Void) async throws {
        for gap in gaps {
            probe.reset()
            for _ in 0..<requestsPerGap {
                await withCheckedContinuation { (answered: CheckedContinuation<Void, Never>) in
                    loop.execute {
                        probe.began()
                        send { answered.resume() }
                    }
                }
                if gap > 0 { try await Task.sleep(for: .milliseconds(gap)) }
            }
            let samples = probe.sorted()
            func micros(_ p: Double) -> Double { Double(Measure.percentile(p, of: samples)) / 1_000 }
            print(String(format: "  %3d ms idle before each: p50 %.0f µs   p90 %.0f µs", gap, micros(0.50), micros(0.90)))
        }
    }
}

/// Times from `began` to the request being written.
final class WriteProbe: TransportProbe {
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

/// Collects the response and tells the probe when AsyncHTTPClient has written the request.
private final class TimedDelegate: HTTPClientResponseDelegate {
    typealias Response = Void
    private let probe: WriteProbe
    init(probe: WriteProbe) { self.probe = probe }
    func didSendRequest(task: HTTPClient.Task<Void>) { probe.requestWritten(request: 0) }
    func didFinishRequest(task: HTTPClient.Task<Void>) throws {}
}

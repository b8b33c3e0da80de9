import BitgetSim
import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix
import SwiftletTransport
import Synchronization

/// How long the host's HTTP client takes to write one request, from `execute` on its
/// event loop to the request written, when requests follow each other closely and after
/// the process sat idle: the tick-to-order path runs after idle gaps, and on this kind of
/// machine code that ran milliseconds ago costs several times more than code that just ran.
///
/// For comparison it then writes the same request on a bare SwiftNIO channel with NIO's
/// HTTP/1 codec and nothing else: what a lean order-request writer could cost.
///
/// `swift run -c release swiftlet-bench http-write`
enum HTTPWriteBenchmark {
    /// Idle gaps before each request, in milliseconds, and requests per gap.
    static let gaps = [0, 1, 10, 100]
    static let requestsPerGap = 300

    static func run() async throws {
        let sim = try await BitgetSimulator.start(SimConfig())
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let probe = WriteProbe()
        let http = HTTPService(eventLoopGroup: group, probe: probe)
        let loop = group.next()
        print("HTTP request written (AsyncHTTPClient, keep-alive connection to bitget-sim), \(requestsPerGap) requests per gap:")
        for gap in gaps {
            probe.reset()
            for _ in 0..<requestsPerGap {
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
            report(gap: gap, sorted: probe.sorted())
        }
        try await http.shutdown()
        try await bareChannel(sim: sim, group: group)
        try await group.shutdownGracefully()
        await sim.shutdown()
    }
}

extension HTTPWriteBenchmark {
    /// The same request on a kept-alive channel with only NIO's HTTP/1 codec: from the write
    /// call on the channel's loop to the write's promise (bytes handed to the socket).
    static func bareChannel(sim: BitgetSimulator, group: MultiThreadedEventLoopGroup) async throws {
        let host = sim.config.host, port = sim.port
        let responses = ResponseCounter()
        let channel = try await ClientBootstrap(group: group)
            .channelInitializer { channel in
                channel.pipeline.addHTTPClientHandlers().flatMap { channel.pipeline.addHandler(responses) }
            }
            .connect(host: host, port: port).get()
        var head = HTTPRequestHead(version: .http1_1, method: .GET, uri: "/api/v2/public/time")
        head.headers.add(name: "Host", value: "\(host):\(port)")
        print("The same request on a bare NIO channel (HTTP/1 codec only), \(requestsPerGap) requests per gap:")
        for gap in gaps {
            var samples: [UInt64] = []
            for _ in 0..<requestsPerGap {
                let written: UInt64 = try await withCheckedThrowingContinuation { done in
                    channel.eventLoop.execute {
                        let start = DispatchTime.now().uptimeNanoseconds
                        let answered = channel.eventLoop.makePromise(of: Void.self)
                        responses.expect(answered)
                        channel.write(HTTPClientRequestPart.head(head), promise: nil)
                        channel.writeAndFlush(HTTPClientRequestPart.end(nil)).whenComplete { result in
                            let elapsed = DispatchTime.now().uptimeNanoseconds - start
                            switch result {
                            case .success: answered.futureResult.whenComplete { _ in done.resume(returning: elapsed) }
                            case .failure(let error): done.resume(throwing: error)
                            }
                        }
                    }
                }
                samples.append(written)
                if gap > 0 { try await Task.sleep(for: .milliseconds(gap)) }
            }
            report(gap: gap, sorted: samples.sorted())
        }
        try await channel.close()
    }

    /// Prints one gap's p50 and p90 (nearest rank) in µs.
    static func report(gap: Int, sorted samples: [UInt64]) {
        func micros(_ p: Double) -> Double { Double(Measure.percentile(p, of: samples)) / 1_000 }
        print(String(format: "  %3d ms idle before each: p50 %.0f µs   p90 %.0f µs", gap, micros(0.50), micros(0.90)))
    }
}

/// Completes the expected promise when a response ends (one request in flight at a time).
private final class ResponseCounter: ChannelInboundHandler, @unchecked Sendable {
    typealias InboundIn = HTTPClientResponsePart
    // Touched only on the channel's event loop.
    private var pending: EventLoopPromise<Void>?

    func expect(_ promise: EventLoopPromise<Void>) { pending = promise }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        if case .end = unwrapInboundIn(data) {
            pending?.succeed()
            pending = nil
        }
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

import Foundation
import NIOCore
import NIOPosix
import SwiftletTransport
import Synchronization
import Testing

@Suite struct HTTPServiceTests {
    /// Runs one request and waits for its completion.
    static func run(_ service: HTTPService, _ request: SwiftletTransport.HTTPRequest) async throws
        -> Result<SwiftletTransport.HTTPResponse, TransportError>
    {
        try await withCheckedThrowingContinuation { continuation in
            do {
                try service.execute(request) { result in continuation.resume(returning: result) }
            } catch {
                continuation.resume(throwing: error)
            }
        }
    }

    static func header(_ response: SwiftletTransport.HTTPResponse, _ name: String) -> String? {
        response.headers.first { $0.name.lowercased() == name.lowercased() }?.value
    }

    @Test func getRoundTripsHeadersAndBody() async throws {
        let server = try await TestServer.start()
        let service = HTTPService(eventLoopGroup: MultiThreadedEventLoopGroup.singleton)
        let request = SwiftletTransport.HTTPRequest(method: "GET", url: server.httpBase + "/echo",
                                                    headers: [HTTPHeader(name: "X-Test", value: "abc 123")])
        let response = try await Self.run(service, request).get()
        #expect(response.status == 200)
        #expect(Self.header(response, "X-Echo") == "abc 123")
        #expect(Self.header(response, "X-Method") == "GET")
        #expect(response.body.isEmpty)
        try await service.shutdown()
        await server.stop()
    }

    /// The probe hears of each request twice, in order: handed to the client, then written.
    @Test func theProbeHearsARequestStartedThenWritten() async throws {
        let server = try await TestServer.start()
        let log = ProbeLog()
        let service = HTTPService(eventLoopGroup: MultiThreadedEventLoopGroup.singleton, probe: log)
        let response = try await Self.run(service, SwiftletTransport.HTTPRequest(url: server.httpBase + "/echo")).get()
        #expect(response.status == 200)
        #expect(log.events(of: 1) == ["started", "written"])
        #expect(log.startedCount == 1)
        try await service.shutdown()
        await server.stop()
    }

    @Test func postRoundTripsBody() async throws {
        let server = try await TestServer.start()
        let service = HTTPService(eventLoopGroup: MultiThreadedEventLoopGroup.singleton)
        let body = Array(#"{"symbol":"BTCUSDT","size":"0.001"}"#.utf8) + [0, 255, 10]
        let request = SwiftletTransport.HTTPRequest(
            method: "POST", url: server.httpBase + "/echo",
            headers: [HTTPHeader(name: "Content-Type", value: "application/json"), HTTPHeader(name: "X-Test", value: "post")],
            body: body)
        let response = try await Self.run(service, request).get()
        #expect(response.status == 201)
        #expect(response.body == body)
        #expect(Self.header(response, "X-Echo") == "post")
        #expect(Self.header(response, "X-Method") == "POST")
        try await service.shutdown()
        await server.stop()
    }

    @Test(arguments: [404, 429, 500, 503])
    func errorStatusesAreResponses(code: Int) async throws {
        let server = try await TestServer.start()
        let service = HTTPService(eventLoopGroup: MultiThreadedEventLoopGroup.singleton)
        let response = try await Self.run(service, .init(url: server.httpBase + "/status/\(code)")).get()
        #expect(response.status == code)
        #expect(String(decoding: response.body, as: UTF8.self) == "status \(code)")
        try await service.shutdown()
        await server.stop()
    }

    @Test func connectionRefusedIsIO() async throws {
        let port = try await refusedPort()
        let service = HTTPService(eventLoopGroup: MultiThreadedEventLoopGroup.singleton)
        let result = try await Self.run(service, .init(url: "http://127.0.0.1:\(port)/x", timeout: .seconds(30)))
        guard case .failure(let error) = result else {
            Issue.record("expected a failure, got \(result)")
            return
        }
        #expect(error.kind == .io)
        #expect(!error.message.contains("\n"))
        try await service.shutdown()
    }

    @Test func slowHandlerTimesOut() async throws {
        let server = try await TestServer.start()
        let service = HTTPService(eventLoopGroup: MultiThreadedEventLoopGroup.singleton)
        let result = try await Self.run(service, .init(url: server.httpBase + "/slow", timeout: .milliseconds(200)))
        guard case .failure(let error) = result else {
            Issue.record("expected a timeout, got \(result)")
            return
        }
        #expect(error.kind == .timeout)
        server.slowGate.open()
        try await service.shutdown()
        await server.stop()
    }

    @Test(arguments: ["not a url", "ftp://127.0.0.1/x", "http://", "/relative/path", ""])
    func malformedURLThrowsSynchronously(url: String) throws {
        let service = HTTPService(eventLoopGroup: MultiThreadedEventLoopGroup.singleton)
        defer { Task { try? await service.shutdown() } }
        let called = Recorder<Bool>()
        #expect {
            try service.execute(.init(url: url)) { _ in called.append(true) }
        } throws: { error in
            (error as? TransportError)?.kind == .invalidRequest
        }
        #expect(called.count == 0)
    }

    @Test func badMethodHeaderAndTimeoutThrowSynchronously() throws {
        let service = HTTPService(eventLoopGroup: MultiThreadedEventLoopGroup.singleton)
        defer { Task { try? await service.shutdown() } }
        let bad: [SwiftletTransport.HTTPRequest] = [
            .init(method: "GE T", url: "http://127.0.0.1:1/"),
            .init(method: "", url: "http://127.0.0.1:1/"),
            .init(url: "http://127.0.0.1:1/", headers: [HTTPHeader(name: "X-A", value: "a\r\nInjected: 1")]),
            .init(url: "http://127.0.0.1:1/", headers: [HTTPHeader(name: "Bad Name", value: "x")]),
            .init(url: "http://127.0.0.1:1/", timeout: .zero),
        ]
        for request in bad {
            #expect {
                try service.execute(request) { _ in }
            } throws: { error in
                (error as? TransportError)?.kind == .invalidRequest
            }
        }
    }

    @Test func requestIDsAreDistinct() async throws {
        let server = try await TestServer.start()
        let service = HTTPService(eventLoopGroup: MultiThreadedEventLoopGroup.singleton)
        let done = Recorder<Int>()
        var ids = Set<UInt64>()
        for _ in 0..<5 {
            ids.insert(try service.execute(.init(url: server.httpBase + "/echo")) { result in
                done.append((try? result.get().status) ?? -1)
            })
        }
        #expect(ids.count == 5)
        #expect(await eventually { done.count == 5 })
        #expect(done.all == [200, 200, 200, 200, 200])
        try await service.shutdown()
        await server.stop()
    }

    @Test func oversizedResponseIsIO() async throws {
        let server = try await TestServer.start()
        let service = HTTPService(eventLoopGroup: MultiThreadedEventLoopGroup.singleton, maxResponseSize: 16)
        let body = [UInt8](repeating: 65, count: 17)
        let result = try await Self.run(service, .init(method: "POST", url: server.httpBase + "/echo", body: body))
        guard case .failure(let error) = result else {
            Issue.record("expected a failure, got status \((try? result.get())?.status ?? -1)")
            return
        }
        #expect(error.kind == .io)
        let fits = try await Self.run(service, .init(method: "POST", url: server.httpBase + "/echo", body: Array(body.prefix(16)))).get()
        #expect(fits.body.count == 16)
        try await service.shutdown()
        await server.stop()
    }

    @Test func releasingWithoutShutdownDoesNotTrapAndShutdownIsIdempotent() async throws {
        let server = try await TestServer.start()
        do {
            // Released with a finished request and no shutdown: AsyncHTTPClient would trap in debug builds.
            let service = HTTPService(eventLoopGroup: MultiThreadedEventLoopGroup.singleton)
            let response = try await Self.run(service, .init(url: server.httpBase + "/echo")).get()
            #expect(response.status == 200)
        }
        let service = HTTPService(eventLoopGroup: MultiThreadedEventLoopGroup.singleton)
        try await service.shutdown()
        try await service.shutdown()
        // After shutdown, requests fail with .io (never hang, never throw synchronously).
        let result = try await Self.run(service, .init(url: server.httpBase + "/echo"))
        guard case .failure(let error) = result else {
            Issue.record("expected a failure after shutdown")
            return
        }
        #expect(error.kind == .io)
        await server.stop()
    }
}

import Foundation
import NIOCore
import NIOPosix
@testable import SwiftletTransport
import Synchronization
import Testing

/// Requests made on one of the service's event loops (as the order path makes them) go out
/// on a kept-alive direct connection, written before `execute` returns; these tests hold
/// it to the same answers and errors as the AsyncHTTPClient path.
@Suite struct DirectConnectionTests {
    /// One request's result, whether it went out on the direct connection, and whether it
    /// had been written when `execute` returned.
    struct Outcome {
        /// The id `execute` returned.
        let id: UInt64
        let result: Result<SwiftletTransport.HTTPResponse, TransportError>
        let wentDirect: Bool
        let writtenBeforeReturn: Bool
        var response: SwiftletTransport.HTTPResponse? { try? result.get() }
        var error: TransportError? {
            if case .failure(let error) = result { error } else { nil }
        }
    }

    let loop = MultiThreadedEventLoopGroup.singleton.next()
    let log = ProbeLog()

    func service(maxResponseSize: Int = 64 << 20, tls: Bool = false,
                 idleTimeout: TimeAmount = HTTPService.directIdleTimeout) throws -> HTTPService {
        HTTPService(eventLoopGroup: MultiThreadedEventLoopGroup.singleton, maxResponseSize: maxResponseSize, probe: log,
                    tlsConfiguration: tls ? try ScriptedHTTPServer.trustingTestCertificate() : .makeClientConfiguration(),
                    directIdleTimeout: idleTimeout)
    }

    /// A call that hands the service a request (`execute` of a request or of a template).
    typealias Start = @Sendable (@escaping @Sendable (Result<SwiftletTransport.HTTPResponse, TransportError>) -> Void) throws -> UInt64

    /// Calls `execute` on the test's event loop and waits for the result.
    func send(_ service: HTTPService, _ request: SwiftletTransport.HTTPRequest) async throws -> Outcome {
        try await send(service) { completion in try service.execute(request, completion: completion) }
    }

    /// Runs `start` on the test's event loop and waits for the result.
    func send(_ service: HTTPService, _ start: @escaping Start) async throws -> Outcome {
        let log = self.log
        return try await withCheckedThrowingContinuation { continuation in
            loop.execute {
                let result = Mutex<Result<SwiftletTransport.HTTPResponse, TransportError>?>(nil)
                let returned = Mutex<(id: UInt64, direct: Bool, written: Bool)?>(nil)
                @Sendable func resumeIfDone() {
                    guard let value = result.withLock({ $0 }), let returned = returned.withLock({ $0 }) else { return }
                    continuation.resume(returning: Outcome(id: returned.id, result: value, wentDirect: returned.direct,
                                                           writtenBeforeReturn: returned.written))
                }
                do {
                    let directBefore = service.directRequests.load(ordering: .relaxed)
                    let id = try start { value in
                        result.withLock { $0 = value }
                        resumeIfDone()
                    }
                    let direct = service.directRequests.load(ordering: .relaxed) > directBefore
                    returned.withLock { $0 = (id, direct, log.events(of: id).contains("written")) }
                    resumeIfDone()
                } catch {
                    continuation.resume(throwing: error)
                }
            }
        }
    }

    /// Sends `request` until one goes out on the direct connection (the first on a loop
    /// opens it), at most 100 times; returns that one, or nil if none did.
    func sendDirect(_ service: HTTPService, _ request: SwiftletTransport.HTTPRequest) async throws -> Outcome? {
        try await sendDirect(service) { completion in try service.execute(request, completion: completion) }
    }

    /// Runs `start` until its request goes out on the direct connection, at most 100 times.
    func sendDirect(_ service: HTTPService, _ start: @escaping Start) async throws -> Outcome? {
        for _ in 0..<100 {
            let outcome = try await send(service, start)
            if outcome.wentDirect {
                #expect(outcome.writtenBeforeReturn)
                return outcome
            }
            try await Task.sleep(for: .milliseconds(10))
        }
        return nil
    }

    @Test func requestsOnAnEventLoopGoOutOnOneKeptAliveConnectionBeforeExecuteReturns() async throws {
        let server = try await ScriptedHTTPServer.start()
        let service = try service()
        let body = Array(#"{"symbol":"BTCUSDT","side":"buy","price":"60000.1","size":"0.0002"}"#.utf8)
        let order = SwiftletTransport.HTTPRequest(
            method: "POST", url: server.base + "/api/v2/spot/trade/place-order?x=1",
            headers: [HTTPHeader(name: "Content-Type", value: "application/json"), HTTPHeader(name: "X-Test", value: "order")],
            body: body)
        let first = try #require(try await sendDirect(service, order))
        #expect(first.response?.status == 200)
        for _ in 0..<5 {
            let outcome = try await send(service, order)
            #expect(outcome.wentDirect && outcome.writtenBeforeReturn)
            #expect(log.events(of: outcome.id) == ["started", "written"])
            let response = try #require(outcome.response)
            #expect(response.status == 200)
            #expect(response.body == body)
            #expect(HTTPServiceTests.header(response, "X-Echo") == "order")
            #expect(HTTPServiceTests.header(response, "X-Method") == "POST")
            #expect(HTTPServiceTests.header(response, "X-URI") == "/api/v2/spot/trade/place-order?x=1")
        }
        let received = server.received
        let direct = received.suffix(6)
        #expect(Set(direct.map(\.connection)).count == 1)
        #expect(received.first?.connection != direct.first?.connection)  // the very first went through AsyncHTTPClient
        let head = try #require(direct.last)
        #expect(head.headers["host"] == "127.0.0.1:\(server.port)")
        #expect(head.headers["content-length"] == String(body.count))
        #expect(head.headers["content-type"] == "application/json")
        try await service.shutdown()
        await server.stop()
    }

    /// On an event loop, a refused connection fails the request with `.io` as off the loops,
    /// and the direct connection that could not open leaves later requests unaffected.
    @Test func aRefusedConnectionOnAnEventLoopIsIO() async throws {
        let port = try await refusedPort()
        let service = try service()
        for _ in 0..<3 {
            let outcome = try await send(service, .init(url: "http://127.0.0.1:\(port)/x"))
            #expect(outcome.error?.kind == .io)
            #expect(!outcome.wentDirect)
        }
        try await service.shutdown()
    }

    /// Shutting the service down closes its direct connections, and so does releasing it
    /// without a shutdown.
    @Test func shutdownAndReleaseCloseTheDirectConnections() async throws {
        let server = try await ScriptedHTTPServer.start()
        let request = SwiftletTransport.HTTPRequest(url: server.base + "/x")
        let shutDown = try service()
        _ = try #require(try await sendDirect(shutDown, request))
        let shutDownConnection = try #require(server.received.last?.connection)
        try await shutDown.shutdown()
        #expect(await eventually { server.closedConnections.contains(shutDownConnection) })
        do {
            let released = try service()
            _ = try #require(try await sendDirect(released, request))
        }
        let releasedConnection = try #require(server.received.last?.connection)
        #expect(releasedConnection != shutDownConnection)
        #expect(await eventually { server.closedConnections.contains(releasedConnection) })
        await server.stop()
    }

    /// A request that sets Host or frames its own body, in any letter case, is sent as
    /// given through AsyncHTTPClient, never on a direct connection.
    @Test func aRequestSettingItsOwnHostGoesThroughAsyncHTTPClient() async throws {
        let server = try await ScriptedHTTPServer.start()
        let service = try service()
        _ = try #require(try await sendDirect(service, .init(url: server.base + "/x")))
        let own = try await send(service, .init(url: server.base + "/x", headers: [HTTPHeader(name: "HOST", value: "other.example")]))
        #expect(!own.wentDirect)
        #expect(own.response?.status == 200)
        #expect(server.received.last?.headers["host"] == "other.example")
        try await service.shutdown()
        await server.stop()
    }

    /// Sends `count` requests one after the other in one turn of the event loop; returns
    /// which went out on a direct connection, once all are answered.
    func burst(_ service: HTTPService, _ request: SwiftletTransport.HTTPRequest, count: Int) async throws -> [Bool] {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<[Bool], any Error>) in
            loop.execute {
                let answered = Mutex(0)
                let direct = Mutex([Bool]())
                do {
                    for _ in 0..<count {
                        let before = service.directRequests.load(ordering: .relaxed)
                        try service.execute(request) { _ in
                            let all = answered.withLock { value -> Bool in
                                value += 1
                                return value == count
                            }
                            if all { continuation.resume(returning: direct.withLock { $0 }) }
                        }
                        direct.withLock { $0.append(service.directRequests.load(ordering: .relaxed) > before) }
                    }
                } catch {
                    continuation.resume(throwing: error)
                }
            }
        }
    }

    /// A loop that sends bursts gets one connection per request of the burst, up to four.
    @Test func burstsOnALoopGetAConnectionPerRequestUpToFour() async throws {
        let server = try await ScriptedHTTPServer.start()
        let service = try service()
        let request = SwiftletTransport.HTTPRequest(method: "POST", url: server.base + "/order", body: Array("{}".utf8))
        var allDirect = false
        for _ in 0..<100 where !allDirect {
            allDirect = try await burst(service, request, count: 3).allSatisfy { $0 }
            if !allDirect { try await Task.sleep(for: .milliseconds(10)) }
        }
        #expect(allDirect)
        #expect(Set(server.received.suffix(3).map(\.connection)).count == 3)
        for _ in 0..<20 { _ = try await burst(service, request, count: DirectConnections.perLoop + 2) }
        let wide = try await burst(service, request, count: DirectConnections.perLoop + 2)
        #expect(wide.filter { $0 }.count == DirectConnections.perLoop)
        try await service.shutdown()
        await server.stop()
    }

    /// What one scripted answer did to a warm direct connection.
    struct FaultRound {
        /// The request the server answered as scripted.
        let fault: Outcome
        /// The connection it came on, as the server numbered them.
        let faultConnection: Int?
        /// The first request after it (answered with the recovery answer) that went direct.
        let next: Outcome
        let nextConnection: Int?
    }

    /// Warms a direct connection up, has the server answer one request with `answer`, then
    /// answers with `recovery` until a request goes direct again.
    func faultRound(_ answer: ScriptedHTTPServer.Answer, then recovery: ScriptedHTTPServer.Answer = .echo,
                    maxResponseSize: Int = 64 << 20, method: String = "GET", body: [UInt8] = [],
                    faultTimeout: Duration = .seconds(10)) async throws -> FaultRound {
        let server = try await ScriptedHTTPServer.start()
        let service = try service(maxResponseSize: maxResponseSize)
        let request = SwiftletTransport.HTTPRequest(method: method, url: server.base + "/x", body: body)
        _ = try #require(try await sendDirect(service, request))
        server.answer(with: answer)
        var faulty = request
        faulty.timeout = faultTimeout
        let fault = try await send(service, faulty)
        let faultConnection = server.received.last?.connection
        server.answer(with: recovery)
        let next = try #require(try await sendDirect(service, request))
        let round = FaultRound(fault: fault, faultConnection: faultConnection, next: next,
                               nextConnection: server.received.last?.connection)
        try await service.shutdown()
        await server.stop()
        return round
    }

    @Test func aResponseWithConnectionCloseEndsTheConnectionAndALaterRequestOpensANewOne() async throws {
        let round = try await faultRound(.echoThenClose)
        #expect(round.fault.wentDirect && round.fault.writtenBeforeReturn)
        #expect(round.fault.response?.status == 200)
        #expect(round.next.response?.status == 200)
        #expect(round.nextConnection != round.faultConnection)
    }

    @Test func aConnectionDroppedBeforeTheAnswerFailsTheRequestWithIOAndTheNextOneWorks() async throws {
        let round = try await faultRound(.drop, method: "POST", body: Array("{}".utf8))
        #expect(round.fault.wentDirect && round.fault.writtenBeforeReturn)
        #expect(round.fault.error?.kind == .io)
        #expect(round.next.response?.body == Array("{}".utf8))
    }

    @Test func aMalformedAnswerFailsTheRequestWithIONamingTheCause() async throws {
        let round = try await faultRound(.garbage)
        #expect(round.fault.wentDirect)
        let error = try #require(round.fault.error)
        #expect(error.kind == .io)
        #expect(!error.message.contains("closed before the response ended"))
        #expect(round.next.response?.status == 200)
    }

    @Test func anUnansweredRequestTimesOutAndItsConnectionIsNotReused() async throws {
        let round = try await faultRound(.silence, faultTimeout: .milliseconds(200))
        #expect(round.fault.wentDirect && round.fault.writtenBeforeReturn)
        #expect(round.fault.error?.kind == .timeout)
        #expect(round.nextConnection != round.faultConnection)
    }

    /// The connection checks its idle timeout and its request's deadline with one timer:
    /// one that comes due for the idle timeout while a request is in flight neither closes
    /// the connection nor forgets the request's own, later deadline.
    @Test func anIdleTimeoutFallingDuringARequestLeavesItToItsOwnDeadline() async throws {
        let server = try await ScriptedHTTPServer.start()
        let service = try service(idleTimeout: .seconds(1))
        let request = SwiftletTransport.HTTPRequest(url: server.base + "/x")
        var unanswered = request
        unanswered.timeout = .milliseconds(2500)
        // On a loaded machine the connection can reach its idle timeout between the two
        // requests; the unanswered one then goes through AsyncHTTPClient, and the round is
        // tried again.
        for attempt in 1...3 {
            server.answer(with: .echo)
            _ = try #require(try await sendDirect(service, request))
            server.answer(with: .silence)
            let ended = Mutex<(outcome: Outcome, after: Duration)?>(nil)
            let started = ContinuousClock.now
            let sending = Task {
                let outcome = try await send(service, unanswered)
                ended.withLock { $0 = (outcome, ContinuousClock.now - started) }
            }
            // A request that never ends fails here; shutting the service down then ends it.
            let endedInTime = await eventually { ended.withLock { $0 != nil } }
            if !endedInTime { try await service.shutdown() }
            try await sending.value
            let (outcome, after) = try #require(ended.withLock { $0 })
            guard outcome.wentDirect || attempt == 3 else { continue }
            #expect(endedInTime, "the request outlived its deadline")
            #expect(outcome.wentDirect)
            #expect(outcome.error?.kind == .timeout)
            #expect(after >= .milliseconds(2500))
            break
        }
        try await service.shutdown()
        await server.stop()
    }

    @Test func anAnswerOverTheSizeLimitIsIOAndOneAtTheLimitFits() async throws {
        let round = try await faultRound(.body(17), then: .body(16), maxResponseSize: 16)
        #expect(round.fault.wentDirect && round.fault.writtenBeforeReturn)
        #expect(round.fault.error?.kind == .io)
        #expect(round.next.response?.body.count == 16)
    }

    @Test func anIdleConnectionIsClosedAfterTheIdleTimeoutAndALaterRequestOpensANewOne() async throws {
        let server = try await ScriptedHTTPServer.start()
        let service = try service(idleTimeout: .seconds(1))
        let request = SwiftletTransport.HTTPRequest(url: server.base + "/x")
        let first = try #require(try await sendDirect(service, request))
        #expect(first.response?.status == 200)
        let idleConnection = try #require(server.received.last?.connection)
        #expect(await eventually { server.closedConnections.contains(idleConnection) })
        let afterIdle = try await send(service, request)
        #expect(!afterIdle.wentDirect)
        #expect(afterIdle.response?.status == 200)
        _ = try #require(try await sendDirect(service, request))
        #expect(server.received.last?.connection != idleConnection)
        try await service.shutdown()
        await server.stop()
    }

    /// Closing for idleness is not a failure: the connection is opened again at the next
    /// request, not after the retry delay kept for refused connections.
    @Test func aConnectionClosedForIdlenessBeforeItsFirstRequestIsOpenedAgainAtOnce() async throws {
        let server = try await ScriptedHTTPServer.start()
        let service = try service(idleTimeout: .milliseconds(200))
        let request = SwiftletTransport.HTTPRequest(url: server.base + "/x")
        let first = try await send(service, request)  // opens the direct connection; goes through AsyncHTTPClient
        #expect(!first.wentDirect)
        #expect(await eventually { server.connections == 2 && server.closedConnections.count == 1 })
        _ = try #require(try await sendDirect(service, request))  // gives up after 100 tries, well within the retry delay
        try await service.shutdown()
        await server.stop()
    }

    @Test func httpsGoesDirectToATrustedServerOnceTheHandshakeIsDone() async throws {
        let gate = Gate()
        let server = try await ScriptedHTTPServer.start(tls: true, handshakeGate: gate)
        let service = try service(tls: true)
        // A long timeout: the handshakes are held until both requests started, which on a
        // loaded machine (the whole suite starting at once) took long enough for the default
        // 10 s to expire. What is checked is the route and the answer, not the speed.
        let request = SwiftletTransport.HTTPRequest(method: "POST", url: server.secureBase + "/order",
                                                    headers: [HTTPHeader(name: "X-Test", value: "tls")], body: [1, 2, 3],
                                                    timeout: .seconds(60))
        loop.execute { _ = try? service.execute(request) { _ in } }  // opens the direct connection
        #expect(await eventually { server.connections == 2 })  // AsyncHTTPClient's and the direct one, both held
        let duringHandshake = Task { try await send(service, request) }
        #expect(await eventually { log.startedCount == 2 })
        gate.open()
        let outcome = try await duringHandshake.value
        #expect(!outcome.wentDirect)
        #expect(outcome.response?.body == [1, 2, 3], "\(String(describing: outcome.error))")
        let direct = try #require(try await sendDirect(service, request))
        #expect(direct.response?.body == [1, 2, 3])
        #expect(direct.response.flatMap { HTTPServiceTests.header($0, "X-Echo") } == "tls")
        #expect(server.received.last?.headers["host"] == "localhost:\(server.port)")
        try await service.shutdown()
        await server.stop()
    }

    @Test func httpsToAnUntrustedServerFailsAndSendsNothing() async throws {
        let server = try await ScriptedHTTPServer.start(tls: true)
        let service = try service(tls: false)  // the system's roots: the test certificate is not among them
        for _ in 0..<3 {
            let outcome = try await send(service, .init(url: server.secureBase + "/x"))
            #expect(outcome.error?.kind == .io)
            #expect(!outcome.wentDirect)
            try await Task.sleep(for: .milliseconds(50))
        }
        #expect(server.received.isEmpty)
        try await service.shutdown()
        await server.stop()
    }
}

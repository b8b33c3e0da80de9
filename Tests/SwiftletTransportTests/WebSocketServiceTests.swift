import Foundation
import NIOCore
import NIOPosix
import SwiftletTransport
import Synchronization
import Testing

@Suite struct WebSocketServiceTests {
    /// Records one connection's events and checks the handler is never entered concurrently.
    final class Events: Sendable {
        private let state = Mutex<(events: [WebSocketEvent], inside: Bool, overlapped: Bool)>(([], false, false))

        var handler: @Sendable (UInt64, WebSocketEvent) -> Void {
            { [self] _, event in self.record(event) }
        }

        func record(_ event: WebSocketEvent) {
            state.withLock { state in
                if state.inside { state.overlapped = true }
                state.inside = true
            }
            state.withLock { state in
                state.events.append(event)
                state.inside = false
            }
        }

        var all: [WebSocketEvent] { state.withLock { $0.events } }
        var overlapped: Bool { state.withLock { $0.overlapped } }
        var messages: [String] {
            all.compactMap { event in
                if case .message(let bytes, false) = event { return String(decoding: bytes, as: UTF8.self) }
                return nil
            }
        }
        var terminalCount: Int {
            all.filter { event in
                switch event {
                case .closed, .failed: return true
                default: return false
                }
            }.count
        }
        var isOpen: Bool { all.contains(.open) }
        /// One short line per event.
        var summary: [String] {
            all.map { event in
                switch event {
                case .open: return "open"
                case .message(let bytes, false): return "text:" + String(decoding: bytes, as: UTF8.self)
                case .message(let bytes, true): return "binary:\(bytes.count)"
                case .closed(let reason): return "closed:" + reason
                case .failed(let reason): return "failed:" + reason
                }
            }
        }
    }

    static func makeService() -> WebSocketService {
        WebSocketService(eventLoopGroup: MultiThreadedEventLoopGroup.singleton)
    }

    static func text(_ string: String) -> WebSocketEvent { .message(Array(string.utf8), isBinary: false) }

    @Test func openEchoTextAndBinaryThenClientClose() async throws {
        let server = try await TestServer.start()
        let service = Self.makeService()
        let events = Events()
        let id = try service.open(url: server.wsURL, headers: [], handler: events.handler)
        #expect(await eventually { events.isOpen })
        let binary: [UInt8] = [0, 1, 2, 254, 255] + [UInt8](repeating: 42, count: 70_000)
        try service.send(id, Array("hello".utf8), isBinary: false)
        try service.send(id, binary, isBinary: true)
        try service.send(id, Array("héllo ✓".utf8), isBinary: false)
        #expect(await eventually { events.all.count == 4 })
        // Compared as a short summary so a failure prints readably (the binary message is 70 kB).
        #expect(events.summary == ["open", "text:hello", "binary:\(binary.count)", "text:héllo ✓"])
        #expect(events.all.count == 4 && events.all[2] == .message(binary, isBinary: true))
        #expect(service.openConnectionCount == 1)

        try service.close(id)
        #expect(await eventually { events.terminalCount == 1 })
        guard case .closed(let reason) = events.all.last else {
            Issue.record("expected .closed, got \(events.summary)")
            return
        }
        #expect(reason.contains("client"))
        #expect(service.openConnectionCount == 0)
        #expect(!events.overlapped)
        await service.shutdown()
        await server.stop()
    }

    @Test func handshakeHeadersAreSent() async throws {
        let server = try await TestServer.start()
        let service = Self.makeService()
        let events = Events()
        let id = try service.open(url: server.wsURL, headers: [HTTPHeader(name: "X-Test", value: "handshake-42")],
                                  handler: events.handler)
        #expect(await eventually { events.isOpen })
        try service.send(id, Array("header".utf8), isBinary: false)
        #expect(await eventually { events.messages == ["handshake-42"] })
        await service.shutdown()
        #expect(events.terminalCount == 1)
        await server.stop()
    }

    @Test func serverCloseIsReportedExactlyOnce() async throws {
        let server = try await TestServer.start()
        let service = Self.makeService()
        let events = Events()
        let id = try service.open(url: server.wsURL, headers: [], handler: events.handler)
        #expect(await eventually { events.isOpen })
        try service.send(id, Array("before".utf8), isBinary: false)
        try service.send(id, Array("close".utf8), isBinary: false)
        #expect(await eventually { events.terminalCount == 1 })
        #expect(events.all.first == .open)
        #expect(events.messages == ["before"])
        guard case .closed(let reason) = events.all.last else {
            Issue.record("expected .closed, got \(events.summary)")
            return
        }
        #expect(reason.contains("server"))
        // The id is dead: sending or closing it again fails and no second terminal event appears.
        #expect { try service.send(id, Array("late".utf8), isBinary: false) } throws: {
            ($0 as? TransportError)?.kind == .notFound
        }
        #expect { try service.close(id) } throws: { ($0 as? TransportError)?.kind == .notFound }
        // A later connection's whole lifetime passes on the same service: still one terminal event.
        let other = Events()
        let otherID = try service.open(url: server.wsURL, headers: [], handler: other.handler)
        #expect(await eventually { other.isOpen })
        try service.close(otherID)
        #expect(await eventually { other.terminalCount == 1 })
        #expect(events.terminalCount == 1)
        #expect(!events.overlapped)
        await service.shutdown()
        await server.stop()
    }

    @Test func connectFailureIsReportedAsFailed() async throws {
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .bind(host: "127.0.0.1", port: 0).get()
        let port = try #require(channel.localAddress?.port)
        try await channel.close()
        let service = Self.makeService()
        let events = Events()
        let id = try service.open(url: "ws://127.0.0.1:\(port)/ws", headers: [], handler: events.handler)
        #expect(await eventually { events.terminalCount == 1 })
        #expect(events.all.count == 1)
        guard case .failed(let reason) = events.all.first else {
            Issue.record("expected .failed, got \(events.summary)")
            return
        }
        #expect(!reason.isEmpty && !reason.contains("\n"))
        #expect { try service.send(id, [1], isBinary: true) } throws: { ($0 as? TransportError)?.kind == .notFound }
        #expect(service.openConnectionCount == 0)
        await service.shutdown()
    }

    @Test func rejectedHandshakeIsFailed() async throws {
        let server = try await TestServer.start()
        let service = Self.makeService()
        let events = Events()
        _ = try service.open(url: "ws://127.0.0.1:\(server.port)/no-such-socket", headers: [], handler: events.handler)
        #expect(await eventually { events.terminalCount == 1 })
        guard case .failed = events.all.first, events.all.count == 1 else {
            Issue.record("expected only .failed, got \(events.summary)")
            return
        }
        await service.shutdown()
        await server.stop()
    }

    @Test(arguments: ["not a url", "http://127.0.0.1:1/ws", "ws://", "", "/ws"])
    func malformedURLThrows(url: String) throws {
        let service = Self.makeService()
        let events = Events()
        #expect { _ = try service.open(url: url, headers: [], handler: events.handler) } throws: {
            ($0 as? TransportError)?.kind == .invalidRequest
        }
        #expect(service.openConnectionCount == 0)
        #expect(events.all.isEmpty)
    }

    @Test func sendErrors() async throws {
        let server = try await TestServer.start()
        let service = Self.makeService()
        #expect { try service.send(123_456, [1], isBinary: true) } throws: { ($0 as? TransportError)?.kind == .notFound }
        #expect { try service.close(123_456) } throws: { ($0 as? TransportError)?.kind == .notFound }

        let events = Events()
        let id = try service.open(url: server.wsURL, headers: [], handler: events.handler)
        #expect(await eventually { events.isOpen })
        #expect { try service.send(id, [0xFF, 0xFE], isBinary: false) } throws: {
            ($0 as? TransportError)?.kind == .invalidRequest
        }
        try service.close(id)
        // Closing (handshake in progress) or closed: either way not sendable any more.
        #expect { try service.send(id, Array("x".utf8), isBinary: false) } throws: { error in
            let kind = (error as? TransportError)?.kind
            return kind == .notOpen || kind == .notFound
        }
        #expect(await eventually { events.terminalCount == 1 })
        #expect { try service.send(id, Array("x".utf8), isBinary: false) } throws: {
            ($0 as? TransportError)?.kind == .notFound
        }
        #expect(events.messages.isEmpty)
        await service.shutdown()
        await server.stop()
    }

    @Test func sendBeforeOpenIsNotOpenAndCloseBeforeOpenIsClosed() async throws {
        // A listener that accepts TCP but never answers the handshake keeps the connection "connecting".
        let silent = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .bind(host: "127.0.0.1", port: 0).get()
        let port = try #require(silent.localAddress?.port)
        let service = Self.makeService()
        let events = Events()
        let id = try service.open(url: "ws://127.0.0.1:\(port)/ws", headers: [], handler: events.handler)
        #expect { try service.send(id, [1], isBinary: true) } throws: { ($0 as? TransportError)?.kind == .notOpen }
        try service.close(id)
        #expect(await eventually { events.terminalCount == 1 })
        guard case .closed = events.all.first, events.all.count == 1 else {
            Issue.record("expected only .closed, got \(events.summary)")
            return
        }
        await service.shutdown()
        try await silent.close()
    }

    @Test func handshakeTimeoutIsFailed() async throws {
        let silent = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .bind(host: "127.0.0.1", port: 0).get()
        let port = try #require(silent.localAddress?.port)
        let service = WebSocketService(eventLoopGroup: MultiThreadedEventLoopGroup.singleton,
                                       handshakeTimeout: .milliseconds(200))
        let events = Events()
        _ = try service.open(url: "ws://127.0.0.1:\(port)/ws", headers: [], handler: events.handler)
        #expect(await eventually { events.terminalCount == 1 })
        guard case .failed(let reason) = events.all.first, events.all.count == 1 else {
            Issue.record("expected only .failed, got \(events.summary)")
            return
        }
        #expect(reason.contains("timed out"))
        await service.shutdown()
        try await silent.close()
    }

    @Test func shutdownEndsEveryConnectionAndRefusesNewOnes() async throws {
        let server = try await TestServer.start()
        let service = Self.makeService()
        let all = (0..<3).map { _ in Events() }
        for events in all { _ = try service.open(url: server.wsURL, headers: [], handler: events.handler) }
        #expect(await eventually { all.allSatisfy(\.isOpen) })
        #expect(service.openConnectionCount == 3)
        await service.shutdown()
        #expect(service.openConnectionCount == 0)
        for events in all {
            #expect(events.terminalCount == 1)
            #expect(events.all.first == .open)
        }
        #expect { _ = try service.open(url: server.wsURL, headers: [], handler: { _, _ in }) } throws: {
            ($0 as? TransportError)?.kind == .io
        }
        await server.stop()
    }

    @Test func closeWithoutServerReplyStillEndsWithClosed() async throws {
        let silent = try await SilentWebSocketServer.start()
        let service = WebSocketService(eventLoopGroup: MultiThreadedEventLoopGroup.singleton,
                                       closeTimeout: .milliseconds(200))
        let events = Events()
        let id = try service.open(url: "ws://127.0.0.1:\(silent.port)/ws", headers: [], handler: events.handler)
        #expect(await eventually { events.isOpen })
        try service.close(id)
        #expect(await eventually { events.terminalCount == 1 })
        #expect(events.summary == ["open", "closed:closed by client (the server did not answer the close)"])
        #expect(service.openConnectionCount == 0)
        #expect { try service.send(id, [1], isBinary: true) } throws: { ($0 as? TransportError)?.kind == .notFound }
        // The socket itself is released too (the ping watchdog closes it when pings go unanswered).
        #expect(await eventually { silent.closedConnections == 1 })
        await service.shutdown()
        try await silent.stop()
    }
}

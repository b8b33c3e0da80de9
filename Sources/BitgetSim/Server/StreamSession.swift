import HummingbirdWebSocket
import NIOCore

/// Runs one WebSocket connection: reads client frames, writes hub messages.
enum StreamSession {
    static func run(hub: StreamHub, isPrivate: Bool, inbound: WebSocketInboundStream,
                    outbound: WebSocketOutboundWriter) async throws {
        let (connection, stream) = hub.open(isPrivate: isPrivate)
        defer { hub.close(connection) }
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                for await message in stream {
                    switch message {
                    case .text(let text): try await outbound.write(.text(text))
                    case .close:
                        try? await outbound.close(.goingAway, reason: "closed by server")
                        return
                    }
                }
            }
            group.addTask {
                for try await message in inbound.messages(maxSize: 1 << 20) {
                    if case .text(let text) = message { hub.receive(text, on: connection) }
                }
            }
            _ = try await group.next()
            group.cancelAll()
        }
    }
}

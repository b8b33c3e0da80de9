import BitgetSim
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
#if canImport(Glibc)
import Glibc
#endif

/// A minimal, independent Bitget REST client for the tests (URLSession + Bitget signing).
struct RestClient {
    let base: String
    var key = "sim-key"
    var secret = "sim-secret"
    var passphrase = "sim-passphrase"
    var timestampOffset: Int64 = 0

    /// Sends a request; returns HTTP status and the parsed JSON body.
    func call(_ method: String, _ path: String, query: String = "", body: String = "", signed: Bool = false,
              sign overrideSign: String? = nil) async throws -> (Int, [String: Any]) {
        var request = URLRequest(url: URL(string: base + path + (query.isEmpty ? "" : "?" + query))!)
        request.httpMethod = method
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        if !body.isEmpty { request.httpBody = Data(body.utf8) }
        if signed {
            let ts = String(Int64(Date().timeIntervalSince1970 * 1000) + timestampOffset)
            let sign = overrideSign ?? BitgetSign.sign(
                BitgetSign.restPrehash(timestamp: ts, method: method, path: path, query: query, body: body), secret: secret)
            request.setValue(key, forHTTPHeaderField: "ACCESS-KEY")
            request.setValue(sign, forHTTPHeaderField: "ACCESS-SIGN")
            request.setValue(ts, forHTTPHeaderField: "ACCESS-TIMESTAMP")
            request.setValue(passphrase, forHTTPHeaderField: "ACCESS-PASSPHRASE")
        }
        let (data, response) = try await URLSession.shared.data(for: request)
        let json = (try JSONSerialization.jsonObject(with: data)) as? [String: Any] ?? [:]
        return ((response as! HTTPURLResponse).statusCode, json)
    }

    func get(_ path: String, _ query: String = "", signed: Bool = false) async throws -> [String: Any] {
        try await call("GET", path, query: query, signed: signed).1
    }

    func post(_ path: String, _ body: String) async throws -> [String: Any] {
        try await call("POST", path, body: body, signed: true).1
    }
}

/// A minimal blocking WebSocket client over a POSIX socket (text frames only).
final class RawWebSocket: @unchecked Sendable {
    private let fd: Int32
    private var buffer: [UInt8] = []
    private(set) var closed = false

    init(port: Int, path: String) throws {
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard result == 0 else { throw POSIXError(.ECONNREFUSED) }
        let handshake = "GET \(path) HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
            + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n"
        writeAll(Array(handshake.utf8))
        // Read the HTTP response head.
        while true {
            if let range = findHeaderEnd() { buffer.removeFirst(range); break }
            guard fill(deadline: Date().addingTimeInterval(5)) else { throw POSIXError(.ECONNRESET) }
        }
    }

    deinit { Glibc.close(fd) }

    private func findHeaderEnd() -> Int? {
        guard buffer.count >= 4 else { return nil }
        for i in 0...(buffer.count - 4) where buffer[i] == 13 && buffer[i + 1] == 10 && buffer[i + 2] == 13 && buffer[i + 3] == 10 {
            return i + 4
        }
        return nil
    }

    private func writeAll(_ bytes: [UInt8]) {
        var sent = 0
        while sent < bytes.count {
            let n = bytes[sent...].withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if n <= 0 { closed = true; return }
            sent += n
        }
    }

    private func fill(deadline: Date) -> Bool {
        let remaining = Int32(max(0, deadline.timeIntervalSinceNow * 1000))
        var pfd = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        guard poll(&pfd, 1, remaining) > 0 else { return false }
        var chunk = [UInt8](repeating: 0, count: 65536)
        let n = recv(fd, &chunk, chunk.count, 0)
        if n <= 0 { closed = true; return false }
        buffer.append(contentsOf: chunk[0..<n])
        return true
    }

    /// Sends a masked text frame.
    func send(_ text: String) {
        let payload = Array(text.utf8)
        var frame: [UInt8] = [0x81]
        if payload.count < 126 {
            frame.append(0x80 | UInt8(payload.count))
        } else {
            frame.append(0x80 | 126)
            frame += [UInt8(payload.count >> 8), UInt8(payload.count & 0xFF)]
        }
        let mask: [UInt8] = [1, 2, 3, 4]
        frame += mask
        frame += payload.enumerated().map { $0.element ^ mask[$0.offset % 4] }
        writeAll(frame)
    }

    /// The next text message, or nil on close or when `seconds` pass.
    func receive(within seconds: Double = 5) -> String? {
        let deadline = Date().addingTimeInterval(seconds)
        while true {
            if buffer.count >= 2 {
                let opcode = buffer[0] & 0x0F
                var length = Int(buffer[1] & 0x7F)
                var offset = 2
                if length == 126, buffer.count >= 4 { length = Int(buffer[2]) << 8 | Int(buffer[3]); offset = 4 }
                else if length == 127, buffer.count >= 10 {
                    length = (2..<10).reduce(0) { $0 << 8 | Int(buffer[$1]) }
                    offset = 10
                }
                if (buffer[1] & 0x7F) < 126 || offset > 2, buffer.count >= offset + length {
                    let payload = Array(buffer[offset..<(offset + length)])
                    buffer.removeFirst(offset + length)
                    if opcode == 8 { closed = true; return nil }
                    if opcode == 1 { return String(decoding: payload, as: UTF8.self) }
                    continue
                }
            }
            if closed || !fill(deadline: deadline) { return nil }
        }
    }

    /// Receives until `match` accepts a message (parsed as JSON object) or time runs out.
    func receive(within seconds: Double = 5, until match: ([String: Any]) -> Bool) -> [String: Any]? {
        let deadline = Date().addingTimeInterval(seconds)
        while deadline.timeIntervalSinceNow > 0 {
            guard let text = receive(within: deadline.timeIntervalSinceNow) else { return nil }
            if let json = try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any], match(json) { return json }
        }
        return nil
    }
}

/// A quiet simulator (no agents) with fast pushes, for deterministic tests.
func quietSim(agents: Bool = false, idle: Int = 120) async throws -> BitgetSimulator {
    var config = SimConfig()
    config.agents = agents
    config.publishIntervalMs = 20
    config.agentIntervalMs = 20
    config.wsIdleTimeoutSeconds = idle
    config.rateLimits = false
    config.historyDays = 2
    return try await BitgetSimulator.start(config)
}

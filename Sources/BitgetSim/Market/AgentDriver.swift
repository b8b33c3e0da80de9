import Foundation

/// Owns the background agents and lets tests pause them.
final class AgentDriver: @unchecked Sendable {
    private let lock = NSLock()
    private var agents: Agents
    private var running = true

    init(seed: UInt64) { agents = Agents(seed: seed) }

    var isRunning: Bool { lock.lock(); defer { lock.unlock() }; return running }
    func setRunning(_ value: Bool) { lock.lock(); running = value; lock.unlock() }

    /// Fills every book before the first client arrives.
    func warmUp(_ exchange: Exchange) { for _ in 0..<10 { step(exchange) } }

    func step(_ exchange: Exchange) {
        lock.lock()
        defer { lock.unlock() }
        _ = try? exchange.locked { () throws(BitgetError) in agents.step(exchange) }
    }
}

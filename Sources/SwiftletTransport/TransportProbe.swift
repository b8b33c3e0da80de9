/// Observes the host's I/O edges, for latency benchmarks (tick-to-order): called on the
/// I/O thread at the moment a WebSocket message arrives and the moment an HTTP request
/// has been written to its connection. Implementations must be cheap (read a clock,
/// store a number); production hosts have none.
public protocol TransportProbe: Sendable {
    /// A WebSocket message of `connection` arrived (before the host queues it for the plugin).
    func messageArrived(connection: UInt64)
    /// HTTP request `request` (the id `HTTPService.execute` returned) is being handed to the
    /// HTTP client: everything before this is the caller's own work.
    func requestStarted(request: UInt64)
    /// HTTP request `request` was fully written.
    func requestWritten(request: UInt64)
}

extension TransportProbe {
    /// Probes that time only the write leave this out.
    public func requestStarted(request: UInt64) {}
}

/// Observes the host's I/O edges, for latency benchmarks (tick-to-order): called on the
/// I/O thread at the moment a WebSocket message arrives and the moment an HTTP request
/// has been written to its connection. Implementations must be cheap (read a clock,
/// store a number); production hosts have none.
public protocol TransportProbe: Sendable {
    /// A WebSocket message of `connection` arrived (before the host queues it for the plugin).
    func messageArrived(connection: UInt64)
    /// HTTP request `request` (the id `HTTPService.execute` returned) was fully written.
    func requestWritten(request: UInt64)
}

import SwiftletCore

/// Everything `BitgetSimulator.start` needs; every field has a working default.
public struct SimConfig: Sendable {
    /// One API key and the account behind it.
    public struct Account: Sendable {
        public var key: String
        public var secret: String
        public var passphrase: String
        /// Spot balances by coin.
        public var spot: [String: ExactDecimal]
        /// Futures margin balances by coin.
        public var futures: [String: ExactDecimal]

        /// An account with generous default balances.
        public init(key: String, secret: String, passphrase: String,
                    spot: [String: ExactDecimal]? = nil, futures: [String: ExactDecimal]? = nil) {
            self.key = key
            self.secret = secret
            self.passphrase = passphrase
            self.spot = spot ?? ["USDT": ExactDecimal(1_000_000), "USDC": ExactDecimal(1_000_000),
                                 "BTC": ExactDecimal(100), "ETH": ExactDecimal(1_000), "SOL": ExactDecimal(10_000)]
            self.futures = futures ?? ["USDT": ExactDecimal(1_000_000), "USDC": ExactDecimal(1_000_000),
                                       "BTC": ExactDecimal(100), "ETH": ExactDecimal(1_000)]
        }

        /// Parses `KEY:SECRET:PASSPHRASE`.
        public init?(spec: String) {
            let parts = spec.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
            guard parts.count == 3, !parts[0].isEmpty, !parts[1].isEmpty else { return nil }
            self.init(key: parts[0], secret: parts[1], passphrase: parts[2])
        }
    }

    /// Interface to bind; loopback by default.
    public var host = "127.0.0.1"
    /// Port; 0 picks a free one.
    public var port = 0
    /// Seed of every random choice (agents, history).
    public var seed: UInt64 = 42
    /// API keys; the default is one key `sim-key` / `sim-secret` / `sim-passphrase`.
    public var accounts: [Account] = [Account(key: "sim-key", secret: "sim-secret", passphrase: "sim-passphrase")]
    /// Spot symbols; each also gets a USDT-FUTURES perpetual.
    public var symbols: [String] = ["BTCUSDT", "ETHUSDT"]
    /// Run the background makers/takers.
    public var agents = true
    /// Milliseconds between agent actions.
    public var agentIntervalMs = 100
    /// Milliseconds between `books`/`ticker` pushes.
    public var publishIntervalMs = 100
    /// Seconds of silence (no `ping`, no message) before a WebSocket is closed.
    public var wsIdleTimeoutSeconds = 120
    /// Seconds between funding settlements (Bitget: 8 hours; shorten for tests).
    public var fundingIntervalSeconds = 8 * 3600
    /// Funding rate charged at each settlement.
    public var fundingRate = try! ExactDecimal("0.0001")
    /// Accepted clock skew of `ACCESS-TIMESTAMP`, in milliseconds.
    public var timestampWindowMs: Int64 = 30_000
    /// Enforce Bitget's per-endpoint rate limits.
    public var rateLimits = true
    /// Days of candle history generated back in time.
    public var historyDays = 30

    public init() {}
}

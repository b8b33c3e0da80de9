import ArgumentParser
import BitgetSim
import Foundation
import SwiftletCore
import SwiftletSystem

/// `bitget-sim`: a Bitget v2-compatible exchange on loopback.
struct BitgetSimCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bitget-sim",
        abstract: "A Bitget v2-compatible exchange simulator (REST + WebSocket) with a real matching engine.",
        discussion: """
            Prints one line `listening on http://HOST:PORT` once ready. REST is served at that base URL, \
            WebSockets at ws://HOST:PORT/v2/ws/public and /v2/ws/private. Faults: POST /admin/drop-connections, \
            /admin/stall, /admin/corrupt-checksum, /admin/skip-seq, /admin/rest-errors, /admin/rate-limit, /admin/clear-faults, \
            /admin/funding, /admin/trade, /admin/publish (see docs/bitget-sim.md).
            """)

    @Option(help: "Interface to bind.")
    var host = "127.0.0.1"

    @Option(help: "TCP port; 0 picks a free one.")
    var port = 0

    @Option(help: "Seed of the background agents and the generated history (same seed, same run).")
    var seed: UInt64 = 42

    @Option(name: .customLong("account"),
            help: "API key as KEY:SECRET:PASSPHRASE (repeatable). Default: sim-key:sim-secret:sim-passphrase.")
    var accounts: [String] = []

    @Option(help: "Comma-separated spot symbols; each also gets a USDT-FUTURES perpetual.")
    var symbols = "BTCUSDT,ETHUSDT"

    @Flag(help: "Disable the background makers and takers (a quiet market).")
    var noAgents = false

    @Option(help: "Seconds between funding settlements (Bitget: 28800).")
    var fundingInterval = 28_800

    @Option(help: "Seconds without a ping before a WebSocket is closed.")
    var wsIdleTimeout = 120

    @Option(help: "Milliseconds between book/ticker pushes.")
    var publishInterval = 100

    @Option(help: "Milliseconds between background agent rounds (quotes, cancels, occasional takers).")
    var agentInterval = 100

    @Option(help: "Funding rate charged at each settlement, as a decimal (longs pay when positive).")
    var fundingRate = "0.0001"

    @Option(help: "Accepted clock skew of ACCESS-TIMESTAMP (REST) in milliseconds; WebSocket login allows 30 s.")
    var timestampWindow: Int64 = 30_000

    @Option(help: "Days of seeded candle history generated back from now.")
    var historyDays = 30

    @Flag(help: "Do not enforce Bitget's per-endpoint rate limits.")
    var noRateLimits = false

    @Option(help: "Comma-separated CPU ids to run on (e.g. 1), so latency benchmarks keep the exchange off the bot's cores.")
    var cpus: String?

    func run() throws {
        var config = SimConfig()
        config.host = host
        config.port = port
        config.seed = seed
        if !accounts.isEmpty {
            config.accounts = try accounts.map { spec in
                guard let account = SimConfig.Account(spec: spec) else {
                    throw ValidationError("--account must be KEY:SECRET:PASSPHRASE, got \(spec)")
                }
                return account
            }
        }
        config.symbols = symbols.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces).uppercased() }
        config.agents = !noAgents
        config.fundingIntervalSeconds = fundingInterval
        config.wsIdleTimeoutSeconds = wsIdleTimeout
        config.publishIntervalMs = publishInterval
        config.agentIntervalMs = agentInterval
        guard let rate = try? ExactDecimal(fundingRate) else { throw ValidationError("--funding-rate must be a decimal, got \(fundingRate)") }
        config.fundingRate = rate
        config.timestampWindowMs = timestampWindow
        config.historyDays = historyDays
        guard publishInterval > 0, agentInterval > 0, fundingInterval > 0, wsIdleTimeout > 0, historyDays >= 0 else {
            throw ValidationError("intervals and timeouts must be positive")
        }
        config.rateLimits = !noRateLimits
        if let cpus {
            let ids = cpus.split(separator: ",").map { Int($0.trimmingCharacters(in: .whitespaces)) }
            guard !ids.isEmpty, ids.allSatisfy({ $0 != nil }) else {
                throw ValidationError("--cpus must be comma-separated CPU ids, got \(cpus)")
            }
            do {
                try CPUAffinity.pinProcess(to: ids.compactMap { $0 })
            } catch {
                throw ValidationError("--cpus \(cpus): \(error)")
            }
        }
        let ready = config
        Task {
            do {
                let sim = try await BitgetSimulator.start(ready)
                FileHandle.standardOutput.write(Data("listening on \(sim.baseURL)\n".utf8))
                while true { try await Task.sleep(for: .seconds(3600)) }
            } catch {
                FileHandle.standardError.write(Data("bitget-sim: \(error)\n".utf8))
                Foundation.exit(1)
            }
        }
        dispatchMain()
    }
}

BitgetSimCommand.main()

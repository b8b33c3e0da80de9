import Foundation
import SwiftletConfig
import SwiftletSystem
import SwiftletCore
import Testing

@Suite struct BotConfigTests {
    /// docs/examples/bot.yml, found from this file (symlinks resolved).
    static let examplePath = URL(fileURLWithPath: #filePath).resolvingSymlinksInPath()
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("docs/examples/bot.yml").path

    @Test func exampleFileParses() throws {
        let config = try BotConfig.load(path: Self.examplePath)
        #expect(config.database == ".swiftlet/trades.sqlite")
        #expect(config.controlSocket == ".swiftlet/control.sock")
        #expect(config.connectors.map(\.id) == ["bitget", "bitget_perp"])
        let spot = config.connectors[0]
        #expect(spot.plugin == "bitget" && spot.version == "1.0.0" && spot.credential == "bitget" && spot.paper)
        #expect(spot.paperBalances == ["USDT": try ExactDecimal("10000"), "BTC": try ExactDecimal("0.5")])
        #expect(spot.markets == ["BTCUSDT", "ETHUSDT"])
        #expect(spot.configJSON == #"{"rest_url":"https://api.bitget.com","ws_public_url":"wss://ws.bitget.com/v2/ws/public","#
            + #""ws_private_url":"wss://ws.bitget.com/v2/ws/private","reconcile_interval_ms":30000}"#)
        let perp = config.connectors[1]
        #expect(perp.credential == nil && !perp.paper && perp.version == nil)
        #expect(perp.configJSON == #"{"product_type":"USDT-FUTURES"}"#)
        #expect(config.candleFeeds == [CandleFeedConfig(id: "bitget_candles", plugin: "bitget_candles", configJSON: "{}")])
        #expect(config.strategies.count == 1)
        let mm = config.strategies[0]
        #expect(mm.id == "mm1" && mm.plugin == "pure_market_making" && mm.version == "1.0.0")
        #expect(mm.tickIntervalMilliseconds == 1000)
        #expect(mm.paramsJSON == #"{"connector":"bitget","symbol":"BTCUSDT","bid_spread":"0.001","ask_spread":0.001,"#
            + #""order_amount":"0.01","order_levels":2,"order_refresh_ms":15000,"inventory_skew":true}"#)
        let params = try JSONSerialization.jsonObject(with: Data(mm.paramsJSON.utf8)) as? [String: Any]
        #expect(params?["symbol"] as? String == "BTCUSDT")
        #expect(config.risk.maxOrderSize == ["BTCUSDT": try ExactDecimal("0.5"), "ETHUSDT": ExactDecimal(5)])
        #expect(config.risk.maxOrderNotional == ExactDecimal(5000))
        #expect(config.risk.killSwitchLoss == ExactDecimal(100))
    }

    @Test func decimalsAreReadFromTheirTextNeverThroughDouble() throws {
        let config = try BotConfig.parse(yaml: """
            connectors:
              - id: x
                plugin: bitget
                paper: true
                paper_balances: { A: "0.1", B: 0.1, C: 0.30000000000000004, D: 123456789.123456789 }
            risk:
              max_order_notional: 0.1
              kill_switch_loss: "0.000000000000000001"
            strategies:
              - id: s
                plugin: p
                params: { a: 0.1, b: 123456789.123456789, c: -0.0, d: 1e-5, e: "7", f: [1, 2.50, null, ~], g: { h: false } }
            """)
        let balances = config.connectors[0].paperBalances
        #expect(balances["A"] == ExactDecimal(uncheckedMantissa: 1, scale: 1))
        #expect(balances["A"]?.description == "0.1")
        #expect(balances["B"]?.description == "0.1")
        #expect(balances["C"]?.description == "0.30000000000000004")
        #expect(balances["D"]?.description == "123456789.123456789")
        #expect(config.risk.maxOrderNotional?.description == "0.1")
        #expect(config.risk.killSwitchLoss == ExactDecimal(uncheckedMantissa: 1, scale: 18))
        #expect(config.strategies[0].paramsJSON
            == #"{"a":0.1,"b":123456789.123456789,"c":-0.0,"d":1e-5,"e":"7","f":[1,2.50,null,null],"g":{"h":false}}"#)
    }

    @Test func yamlOnePointOneBooleansAndDatesStayStrings() throws {
        let config = try BotConfig.parse(yaml: """
            connectors: [{ id: x, plugin: bitget }]
            strategies:
              - { id: s, plugin: p, params: { country: NO, mode: on, day: 2024-01-02, quote: "it's \\"q\\"" } }
            """)
        #expect(config.strategies[0].paramsJSON == #"{"country":"NO","mode":"on","day":"2024-01-02","quote":"it's \"q\""}"#)
    }

    @Test func aliasesResolveAndMergeKeysAreRefused() throws {
        let config = try BotConfig.parse(yaml: """
            connectors:
              - id: a
                plugin: bitget
                config: &endpoints { rest_url: "http://127.0.0.1:8080" }
              - id: b
                plugin: bitget_perpetual
                config: *endpoints
            """)
        #expect(config.connectors[1].configJSON == #"{"rest_url":"http://127.0.0.1:8080"}"#)
        #expect(throws: ConfigError(path: "connectors[1].<<", message: "unknown key (expected one of: id, plugin, "
                                        + "version, credential, paper, paper_balances, config, markets)", line: 3)) {
            try BotConfig.parse(yaml: "connectors:\n  - &base { id: a, plugin: bitget }\n  - { <<: *base, id: b }\n")
        }
    }

    struct BadConfig: Sendable, CustomTestStringConvertible {
        let yaml: String
        let path: String
        let message: String
        var testDescription: String { path.isEmpty ? message : path }
    }

    static let connector = "connectors:\n  - { id: bitget, plugin: bitget }\n"

    static let badConfigs: [BadConfig] = [
        BadConfig(yaml: connector + "strategy: []\n", path: "strategy",
                  message: "unknown key (expected one of: database, control, connectors, candle_feeds, strategies, risk, event_loops)"),
        BadConfig(yaml: "connectors:\n  - { id: bitget, plugn: bitget }\n", path: "connectors[0].plugn",
                  message: "unknown key (expected one of: id, plugin, version, credential, paper, paper_balances, config, markets)"),
        BadConfig(yaml: "connectors:\n  - { id: bitget }\n", path: "connectors[0].plugin", message: "is required"),
        BadConfig(yaml: "connectors:\n  - { id: bitget, plugin: bitget, paper: true, paper_balances: { USDT: abc } }\n",
                  path: "connectors[0].paper_balances.USDT", message: #"expected a decimal string or number, got "abc""#),
        BadConfig(yaml: "connectors:\n  - { id: bitget, plugin: bitget, paper_balances: { USDT: 1 } }\n",
                  path: "connectors[0].paper_balances", message: "only allowed with paper: true"),
        BadConfig(yaml: "connectors:\n  - { id: bitget, plugin: bitget, paper: yes }\n",
                  path: "connectors[0].paper", message: #"expected true or false, got "yes""#),
        BadConfig(yaml: "connectors:\n  - { id: bitget, plugin: bitget, version: '1.0' }\n",
                  path: "connectors[0].version", message: #"expected a version like "1.0.0", got "1.0""#),
        BadConfig(yaml: "connectors:\n  - { id: bitget, plugin: bitget, markets: [BTCUSDT, BTCUSDT] }\n",
                  path: "connectors[0].markets[1]", message: #"duplicate market "BTCUSDT""#),
        BadConfig(yaml: "connectors:\n  - { id: 'bad id!', plugin: bitget }\n", path: "connectors[0].id",
                  message: #"expected an identifier (letters, digits, _ - . ; at most 64), got "bad id!""#),
        BadConfig(yaml: "connectors: []\n", path: "connectors", message: "needs at least one connector"),
        BadConfig(yaml: "connectors: { id: bitget }\n", path: "connectors", message: "expected a list, got a mapping"),
        BadConfig(yaml: "database: x\n", path: "connectors", message: "is required"),
        BadConfig(yaml: connector + "strategies:\n  - { id: mm1, plugin: pmm, params: { connector: bitgit } }\n",
                  path: "strategies[0].params.connector", message: #"no connector has id "bitgit" (connectors: bitget)"#),
        BadConfig(yaml: connector + "strategies:\n  - { id: mm1, plugin: pmm, params: { bid_spread: 0x1F } }\n",
                  path: "strategies[0].params.bid_spread",
                  message: "the number 0x1F cannot be written in JSON; quote it to pass a string"),
        BadConfig(yaml: connector + "strategies:\n  - { id: mm1, plugin: pmm }\n  - { id: mm1, plugin: pmm }\n",
                  path: "strategies[1].id", message: #"duplicate id "mm1" (already used by strategies[0])"#),
        BadConfig(yaml: connector + "candle_feeds:\n  - { id: bitget, plugin: bitget_candles }\n",
                  path: "candle_feeds[0].id", message: #"duplicate id "bitget" (already used by connectors[0])"#),
        BadConfig(yaml: connector + "strategies:\n  - { id: mm1, plugin: pmm, tick_interval_ms: 0 }\n",
                  path: "strategies[0].tick_interval_ms", message: #"expected a positive whole number, got "0""#),
        BadConfig(yaml: connector + "strategies:\n  - { id: mm1, plugin: pmm, params: [1] }\n",
                  path: "strategies[0].params", message: "expected a mapping (key: value), got a list"),
        BadConfig(yaml: connector + "risk: { max_order_notional: 1e5 }\n", path: "risk.max_order_notional",
                  message: #"expected a decimal string or number, got "1e5""#),
        BadConfig(yaml: connector + "risk: { kill_switch_loss: '-5' }\n", path: "risk.kill_switch_loss",
                  message: "must be greater than zero, got -5"),
        BadConfig(yaml: connector + "risk: { max_order_size: { BTCUSDT: 0 } }\n", path: "risk.max_order_size.BTCUSDT",
                  message: "must be greater than zero, got 0"),
        BadConfig(yaml: connector + "event_loops: { cpus: [0, -1] }\n", path: "event_loops.cpus[1]",
                  message: #"expected a whole number (0 or more), got "-1""#),
        BadConfig(yaml: connector + "event_loops: { cpus: [0, 0] }\n", path: "event_loops.cpus[1]",
                  message: "CPU 0 is listed twice"),
        BadConfig(yaml: connector + "event_loops: { cpus: [] }\n", path: "event_loops.cpus", message: "needs at least one CPU"),
        BadConfig(yaml: connector + "event_loops: { cpu: [0] }\n", path: "event_loops.cpu",
                  message: "unknown key (expected one of: cpus, keep_awake)"),
        BadConfig(yaml: connector + "event_loops: { keep_awake: true }\n", path: "event_loops.keep_awake",
                  message: "needs event_loops.cpus, the CPUs to keep awake"),
        BadConfig(yaml: connector + "event_loops: { cpus: [0], keep_awake: yes please }\n", path: "event_loops.keep_awake",
                  message: #"expected true or false, got "yes please""#),
        BadConfig(yaml: connector + "risk: { max_loss: 5 }\n", path: "risk.max_loss",
                  message: "unknown key (expected one of: max_order_size, max_order_notional, kill_switch_loss)"),
        BadConfig(yaml: connector + "control: { socket: }\n", path: "control.socket", message: "is required and must not be empty"),
        BadConfig(yaml: connector + "database: true\n", path: "database", message: "expected a string, got \"true\""),
        BadConfig(yaml: "connectors: [\n", path: "", message: "not valid YAML"),
        BadConfig(yaml: connector + "database: a\ndatabase: b\n", path: "", message: "duplicate key database in one mapping"),
        BadConfig(yaml: "# nothing\n", path: "", message: "the configuration is empty"),
    ]

    @Test(arguments: badConfigs) func badConfigIsRefusedNamingTheField(_ bad: BadConfig) {
        do {
            let config = try BotConfig.parse(yaml: bad.yaml)
            Issue.record("accepted: \(config)")
        } catch {
            #expect(error.path == bad.path)
            if bad.path.isEmpty {
                #expect(error.message.hasPrefix(bad.message), "\(error)")
            } else {
                #expect(error.message == bad.message)
                #expect(error.description.hasPrefix("\(bad.path): \(bad.message)"))
            }
            #expect(error.line != nil || bad.message == "the configuration is empty", "\(error)")
        }
    }

    @Test func eventLoopsArePinnedToCPUsTheProcessMayUse() throws {
        let allowed = try CPUAffinity.availableCPUs()
        let config = try BotConfig.parse(yaml: Self.connector + "event_loops: { cpus: [\(allowed[0])] }\n")
        #expect(config.eventLoops == EventLoopConfig(cpus: [allowed[0]]))
        let awake = try BotConfig.parse(yaml: Self.connector + "event_loops: { cpus: [\(allowed[0])], keep_awake: true }\n")
        #expect(awake.eventLoops == EventLoopConfig(cpus: [allowed[0]], keepAwake: true))
        #expect(try BotConfig.parse(yaml: Self.connector).eventLoops == EventLoopConfig())
        let missing = (0..<4096).first { !allowed.contains($0) }!
        #expect { try BotConfig.parse(yaml: Self.connector + "event_loops: { cpus: [\(missing)] }\n") } throws: { error in
            guard let error = error as? ConfigError else { return false }
            return error.path == "event_loops.cpus" && error.message.hasPrefix("CPU \(missing) is not available to this process")
        }
    }

    @Test func errorsCarryTheLineOfTheBadField() {
        let yaml = """
            connectors:
              - id: bitget
                plugin: bitget
            strategies:
              - id: mm1
                plugin: pure_market_making
                params:
                  connector: bitget
                  symbol: BTCUSDT
                tick_interval_ms: soon
            """
        #expect(throws: ConfigError(path: "strategies[0].tick_interval_ms",
                                    message: #"expected a positive whole number, got "soon""#, line: 10)) {
            try BotConfig.parse(yaml: yaml)
        }
    }

    @Test func missingFileIsAClearError() {
        #expect { try BotConfig.load(path: "/nonexistent/bot.yml") } throws: { error in
            guard let error = error as? ConfigError else { return false }
            return error.path.isEmpty && error.message.hasPrefix("cannot read /nonexistent/bot.yml")
        }
    }
}

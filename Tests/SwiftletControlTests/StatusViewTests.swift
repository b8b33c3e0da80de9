import SwiftletControl
import SwiftletCore
import Testing

@Suite struct StatusViewTests {
    @Test func rendersEverySectionWithinTheWidth() throws {
        var status = ControlServerTests.status
        status.connectors[0].positions = [PositionStatus(
            symbol: "BTCUSDT", side: .long, size: try ExactDecimal("0.5"), entryPrice: try ExactDecimal("96500.5"),
            unrealizedPnL: try ExactDecimal("-12.75"), leverage: ExactDecimal(10))]
        status.connectors.append(ConnectorStatus(id: "bitget_perp", plugin: "bitget_perpetual", version: "1.2.0-beta.1",
                                                 health: .reconnecting))
        status.killSwitch = KillSwitchStatus(tripped: true, reason: "loss 100.5 USDT reached kill_switch_loss 100")
        status.uptimeSeconds = 90_061
        status.eventLoops = nil
        let text = StatusView.render(status)
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines.allSatisfy { $0.count <= StatusView.width })
        #expect(lines.allSatisfy { !$0.hasSuffix(" ") })
        #expect(lines[0] == "uptime 1d 01:01:01   kill switch: TRIPPED (loss 100.5 USDT reached kill_switch_loss 100)")
        status.killSwitch = KillSwitchStatus()
        status.eventLoops = EventLoopStatus(cpus: [2, 3], reserved: true, keptAwake: true)
        #expect(StatusView.render(status).hasPrefix("uptime 1d 01:01:01   kill switch: armed   event loops: CPU 2,3 (reserved, kept awake)\n"))
        status.eventLoops = EventLoopStatus(cpus: [1], reserved: false, keptAwake: false)
        #expect(StatusView.render(status).hasPrefix("uptime 1d 01:01:01   kill switch: armed   event loops: CPU 1\n"))
        #expect(text.contains("""
            CONNECTORS
            ID           PLUGIN            VERSION       MODE   HEALTH
            bitget       bitget            1.0.0         paper  connected
            bitget_perp  bitget_perpetual  1.2.0-beta.1  live   reconnecting
            """))
        #expect(text.contains("""
            BALANCES
            CONNECTOR  ASSET     TOTAL  AVAILABLE  LOCKED
            bitget     USDT   10000.10    9000.10    1000
            """))
        #expect(text.contains("""
            OPEN ORDERS
            CONNECTOR  SYMBOL   CLIENT ID  SIDE     PRICE   SIZE  FILLED  STATE
            bitget     BTCUSDT  swl-1      buy   97000.01  0.010       0  open
            """))
        #expect(text.contains("bitget     BTCUSDT  long   0.5  96500.5      -12.75       10x"))
        #expect(text.contains("mm1  pure_market_making  1.0.0    running"))
        #expect(text.contains("bitget:BTCUSDT       1.5       -0.25  0.0123"))
    }

    @Test func emptySectionsSayNone() {
        let text = StatusView.render(BotStatus())
        #expect(text == """
            uptime 00:00:00   kill switch: armed

            CONNECTORS: none

            BALANCES: none

            OPEN ORDERS: none

            POSITIONS: none

            STRATEGIES: none

            PNL: none
            """)
    }

    @Test func wideTablesAreCutToFit() {
        let long = String(repeating: "x", count: 80)
        let text = TextTable.render(header: ["A", "B", "C"], rows: [[long, long, "end"]], maxWidth: 100)
        let lines = text.split(separator: "\n")
        #expect(lines.allSatisfy { $0.count <= 100 })
        #expect(lines[1].hasSuffix("end"))
        #expect(lines[1].contains("…"))
    }
}

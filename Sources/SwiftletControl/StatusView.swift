import SwiftletCore

/// Renders a ``BotStatus`` as plain-text tables for a terminal, at most 100 columns wide.
public enum StatusView {
    /// The width every line fits in.
    public static let width = 100

    /// Uptime, kill switch and pinned event loops, then connectors, balances, open orders,
    /// positions, strategies and PnL; an empty section says "none".
    public static func render(_ status: BotStatus) -> String {
        var sections: [String] = []
        let killSwitch = status.killSwitch.tripped
            ? "TRIPPED" + (status.killSwitch.reason.map { " (\($0))" } ?? "")
            : "armed"
        var first = "uptime \(uptime(status.uptimeSeconds))   kill switch: \(killSwitch)"
        if let loops = status.eventLoops {
            let kept = [loops.reserved ? "reserved" : nil, loops.keptAwake ? "kept awake" : nil].compactMap { $0 }
            first += "   event loops: CPU \(loops.cpus.map(String.init).joined(separator: ","))"
                + (kept.isEmpty ? "" : " (\(kept.joined(separator: ", ")))")
        }
        sections.append(clip(first))
        sections.append(section("CONNECTORS", header: ["ID", "PLUGIN", "VERSION", "MODE", "HEALTH"],
                                rows: status.connectors.map {
                                    [$0.id, $0.plugin, $0.version, $0.paper ? "paper" : "live", $0.health.rawValue]
                                }))
        sections.append(section("BALANCES", header: ["CONNECTOR", "ASSET", "TOTAL", "AVAILABLE", "LOCKED"],
                                rows: status.connectors.flatMap { connector in
                                    connector.balances.map {
                                        [connector.id, $0.asset, "\($0.total)", "\($0.available)", "\($0.locked)"]
                                    }
                                }, rightAligned: [2, 3, 4]))
        sections.append(section("OPEN ORDERS",
                                header: ["CONNECTOR", "SYMBOL", "CLIENT ID", "SIDE", "PRICE", "SIZE", "FILLED", "STATE"],
                                rows: status.connectors.flatMap { connector in
                                    connector.openOrders.map {
                                        [connector.id, $0.symbol, $0.clientOrderID, $0.side.rawValue, "\($0.price)",
                                         "\($0.size)", "\($0.filled)", $0.state.rawValue]
                                    }
                                }, rightAligned: [4, 5, 6]))
        sections.append(section("POSITIONS",
                                header: ["CONNECTOR", "SYMBOL", "SIDE", "SIZE", "ENTRY", "UNREALIZED", "LEVERAGE"],
                                rows: status.connectors.flatMap { connector in
                                    connector.positions.map {
                                        [connector.id, $0.symbol, $0.side.rawValue, "\($0.size)", "\($0.entryPrice)",
                                         "\($0.unrealizedPnL)", "\($0.leverage)x"]
                                    }
                                }, rightAligned: [3, 4, 5, 6]))
        sections.append(section("STRATEGIES", header: ["ID", "PLUGIN", "VERSION", "STATE"],
                                rows: status.strategies.map { [$0.id, $0.plugin, $0.version, $0.state.rawValue] }))
        sections.append(section("PNL", header: ["MARKET", "REALIZED", "UNREALIZED", "FEES"],
                                rows: status.pnl.map {
                                    [$0.market, "\($0.realized)", "\($0.unrealized)", "\($0.fees)"]
                                }, rightAligned: [1, 2, 3]))
        return sections.joined(separator: "\n\n")
    }

    private static func section(_ title: String, header: [String], rows: [[String]],
                                rightAligned: Set<Int> = []) -> String {
        guard !rows.isEmpty else { return "\(title): none" }
        return title + "\n" + TextTable.render(header: header, rows: rows, maxWidth: width, rightAligned: rightAligned)
    }

    /// "3d 04:05:06", or "04:05:06" under a day.
    static func uptime(_ seconds: Int) -> String {
        let seconds = max(seconds, 0)
        let clock = [seconds / 3600 % 24, seconds / 60 % 60, seconds % 60]
            .map { $0 < 10 ? "0\($0)" : "\($0)" }.joined(separator: ":")
        return seconds >= 86_400 ? "\(seconds / 86_400)d \(clock)" : clock
    }

    private static func clip(_ line: String) -> String {
        line.count > width ? line.prefix(width - 1) + "…" : line
    }
}

import SwiftletCore

/// The text of `swiftlet history`: one block per market, a label column and a value column.
///
/// ```
/// bitget:BTCUSDT
///   trades          3
///   bought          0.30 (29100.0000 notional)
///   ...
/// ```
public enum HistoryReport {
    /// Renders `report`; says so when it holds no market.
    public static func render(_ report: PnLReport) -> String {
        guard !report.markets.isEmpty else { return "no fills or funding payments recorded" }
        return report.markets.map(block).joined(separator: "\n\n")
    }

    private static func block(_ market: MarketPnL) -> String {
        var rows: [(String, String)] = [
            ("trades", String(market.trades)),
            ("bought", "\(market.boughtSize) (\(market.boughtNotional) notional)"),
            ("sold", "\(market.soldSize) (\(market.soldNotional) notional)"),
            ("fees", market.fees.isEmpty ? "none" : CSVExport.amounts(market.fees)),
        ]
        if !market.funding.isEmpty { rows.append(("funding", CSVExport.amounts(market.funding))) }
        rows.append(("realized PnL", market.realizedPnL.description))
        // Spot and one-way perpetuals have one position; hedge mode shows each side.
        let single = market.positions.count == 1 && market.positions[0].side == .none
        for position in market.positions {
            rows.append((single ? "position" : "\(name(position.side)) position", describe(position)))
            if !single { rows.append(("\(name(position.side)) realized", position.realizedPnL.description)) }
        }
        rows.append(("last price", market.lastPrice?.description ?? "unknown"))
        rows.append(("unrealized PnL", market.unrealizedPnL?.description ?? "unknown (no last price)"))
        let width = rows.map(\.0.count).max() ?? 0
        let lines = rows.map { label, value in
            "  " + label + String(repeating: " ", count: width - label.count + 2) + value
        }
        return ([market.market.description] + lines).joined(separator: "\n")
    }

    private static func describe(_ position: PositionPnL) -> String {
        guard let average = position.averageEntry else { return "flat" }
        return "\(position.inventory) @ \(average)"
    }

    private static func name(_ side: PositionSide) -> String {
        switch side {
        case .none: "net"
        case .long: "long"
        case .short: "short"
        }
    }
}

import Foundation
import SwiftletBot
public import SwiftletControl
import SwiftletCore
import SwiftletPersistence

extension RunningBot: BotControl {
    /// A snapshot for `swiftlet status`: per connector its health, balances, open orders
    /// and positions; the strategies; PnL per market from the trade journal; the kill switch;
    /// the event loops' CPUs.
    public func status() async -> BotStatus {
        var connectors: [ConnectorStatus] = []
        let health = bot.health
        for venue in bot.venues {
            let streams = health.filter { $0.key.hasPrefix("\(venue.id)/") }.map(\.value)
            let worst = streams.max { $0.rawValue < $1.rawValue }
            let key = venue.pluginKey.split(separator: "@")
            connectors.append(ConnectorStatus(
                id: venue.id, plugin: String(key.first ?? ""), version: key.count > 1 ? String(key[1]) : "",
                paper: venue.isPaper, health: worst.map(ConnectorHealth.init) ?? .connecting,
                balances: ((try? venue.balances()) ?? []).filter { !$0.total.isZero }
                    .map { BalanceStatus(asset: $0.asset, total: $0.total, available: $0.available, locked: $0.locked) },
                openOrders: ((try? venue.openOrders(symbol: "")) ?? []).map {
                    OpenOrderStatus(symbol: $0.symbol, clientOrderID: $0.clientOrderID, side: .init($0.side), price: $0.price,
                                    size: $0.size, filled: $0.filledSize, state: .init($0.state))
                },
                positions: ((try? venue.positions()) ?? []).filter { !$0.position.size.isZero }.map {
                    PositionStatus(symbol: $0.symbol, side: .init($0.position.side), size: $0.position.size,
                                   entryPrice: $0.position.entryPrice, unrealizedPnL: $0.position.unrealizedPnL,
                                   leverage: $0.position.leverage)
                }))
        }
        let strategies = bot.strategies.map { strategy in
            StrategyStatus(id: strategy.id, plugin: strategy.instance.library.info.id,
                           version: strategy.instance.library.info.version,
                           state: bot.risk.killReason == nil ? .running : .stopped)
        }
        var pnl: [SwiftletControl.MarketPnL] = []
        if let report = try? journal.pnlReport() {
            for market in report.markets {
                let quote = quoteAsset(of: market.market)
                pnl.append(SwiftletControl.MarketPnL(market: market.market.description, realized: market.realizedPnL,
                                                     unrealized: market.unrealizedPnL ?? .zero,
                                                     fees: quote.flatMap { market.fees[$0] } ?? .zero))
            }
        }
        let reason = bot.risk.killReason
        let loopCPUs = runtime.configuration.eventLoopCPUs
        return BotStatus(connectors: connectors, strategies: strategies, pnl: pnl,
                         killSwitch: KillSwitchStatus(tripped: reason != nil, reason: reason),
                         uptimeSeconds: Int(Date().timeIntervalSince(startedAt)),
                         eventLoops: loopCPUs.isEmpty ? nil
                            : EventLoopStatus(cpus: loopCPUs, reserved: runtime.cpuReservation != nil,
                                              keptAwake: runtime.idleSpinners != nil))
    }

    private func quoteAsset(of market: Market) -> String? {
        bot.venues.first { $0.id == market.source }.flatMap { try? $0.instrument(market.symbol).quoteAsset }
    }
}

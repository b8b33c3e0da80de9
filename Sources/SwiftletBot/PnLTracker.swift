public import SwiftletCore
import SwiftletPersistence
import Synchronization

/// Profit and loss of the bot since it started, in the quote asset, from its own fills
/// and funding payments: cash flow plus inventory marked at the current price. Feeds
/// the kill switch and the status view.
public final class PnLTracker: Sendable {
    struct Account {
        /// Quote-asset cash flow: sells and funding in, buys and quote fees out.
        var cash: ExactDecimal = .zero
        /// Signed base inventory: buys add, sells subtract, base-asset fees subtract.
        var inventory: ExactDecimal = .zero
        var fees: ExactDecimal = .zero
    }

    private let accounts = Mutex<[Market: Account]>([:])

    public init() {}

    /// Books a fill of `symbol` whose base asset is `baseAsset`.
    public func record(_ fill: Fill, source: String, symbol: String, baseAsset: String) throws(DecimalError) {
        let notional = try fill.price * fill.size
        try accounts.withLock { (all: inout [Market: Account]) throws(DecimalError) in
            var account = all[Market(source: source, symbol: symbol)] ?? Account()
            switch fill.side {
            case .buy:
                account.inventory = try account.inventory + fill.size
                account.cash = try account.cash - notional
            case .sell:
                account.inventory = try account.inventory - fill.size
                account.cash = try account.cash + notional
            }
            if fill.feeAsset == baseAsset, !baseAsset.isEmpty {
                account.inventory = try account.inventory - fill.fee
                account.fees = try account.fees + (try fill.fee * fill.price)
            } else {
                account.cash = try account.cash - fill.fee
                account.fees = try account.fees + fill.fee
            }
            all[Market(source: source, symbol: symbol)] = account
        }
    }

    /// Books a funding payment (received positive).
    public func record(_ payment: FundingPayment, source: String, symbol: String) throws(DecimalError) {
        try accounts.withLock { (all: inout [Market: Account]) throws(DecimalError) in
            var account = all[Market(source: source, symbol: symbol)] ?? Account()
            account.cash = try account.cash + payment.amount
            all[Market(source: source, symbol: symbol)] = account
        }
    }

    /// PnL of one market and in total, inventory marked with `mark` (a market without a
    /// mark counts its cash only).
    public func pnl(mark: (_ source: String, _ symbol: String) -> ExactDecimal?) throws(DecimalError) -> (total: ExactDecimal, markets: [TrackedMarket]) {
        let snapshot = accounts.withLock { $0 }
        var total = ExactDecimal.zero
        var markets: [TrackedMarket] = []
        for (market, account) in snapshot.sorted(by: { ($0.key.source, $0.key.symbol) < ($1.key.source, $1.key.symbol) }) {
            var value = account.cash
            if !account.inventory.isZero, let price = mark(market.source, market.symbol) {
                value = try value + (try account.inventory * price)
            }
            total = try total + value
            markets.append(TrackedMarket(source: market.source, symbol: market.symbol, pnl: value,
                                     inventory: account.inventory, fees: account.fees))
        }
        return (total, markets)
    }
}

/// One market's PnL since the bot started.
public struct TrackedMarket: Sendable, Equatable {
    public var source: String
    public var symbol: String
    /// Cash flow plus marked inventory, quote asset.
    public var pnl: ExactDecimal
    /// Signed base inventory bought (positive) or sold (negative).
    public var inventory: ExactDecimal
    /// Fees paid, quote asset.
    public var fees: ExactDecimal
}

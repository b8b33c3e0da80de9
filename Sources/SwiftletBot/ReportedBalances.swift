public import SwiftletABI
public import SwiftletCore
import Synchronization

/// The balances each venue has reported, as the risk checks and the strategies' `get_balance`
/// read them on every order: a venue's listing, taken once, then kept current by its BALANCE
/// events (a connector emits one whenever an asset's balance in its listing changes,
/// docs/abi.md#events). Asking the connector instead costs a call through the ABI and a
/// listing per order, about a tenth of tick-to-order (docs/strategies.md#hand-offs-and-the-risk-checks-balance).
public final class ReportedBalances: Sendable {
    private struct Venue {
        /// True once the venue's listing was taken: an asset not in `byAsset` then has none.
        var listed = false
        var byAsset: [String: Balance] = [:]

        /// Adds the listing's assets not reported by an event meanwhile (those are newer).
        mutating func take(_ listing: [Balance]) {
            for balance in listing where byAsset[balance.asset] == nil { byAsset[balance.asset] = balance }
            listed = true
        }
    }

    private let venues = Mutex<[String: Venue]>([:])

    public init() {}

    /// Records a BALANCE event of venue `id`.
    public func record(_ balance: Balance, venue id: String) {
        venues.withLock { $0[id, default: Venue()].byAsset[balance.asset] = balance }
    }

    /// Forgets what venue `id` reported (a new instance took its place); the next question
    /// takes its listing again.
    public func forget(venue id: String) {
        _ = venues.withLock { $0.removeValue(forKey: id) }
    }

    /// The balance of `asset` on `venue`, nil if it has none. The first question about a
    /// venue (or about an asset it never reported before its listing was taken) takes its
    /// listing; an event recorded meanwhile is newer and is kept.
    public func balance(of asset: String, on venue: any TradingVenue) throws(ABIError) -> Balance? {
        let known = venues.withLock { venues -> Balance?? in
            guard let entry = venues[venue.id] else { return .none }
            if let balance = entry.byAsset[asset] { return .some(balance) }
            return entry.listed ? .some(nil) : .none
        }
        if case .some(let balance) = known { return balance }
        let listing = try venue.balances()
        return venues.withLock { venues in
            venues[venue.id, default: Venue()].take(listing)
            return venues[venue.id]?.byAsset[asset]
        }
    }
}

import SwiftletCore

/// Balances kept locally, per asset: a total and the part of it that is locked (in resting
/// orders, or as position margin); available is total minus locked, kept current by every
/// change so reading never fails.
struct PaperLedger: Sendable {
    private var accounts: [String: Balance] = [:]

    /// A ledger holding `balances`' totals, nothing locked.
    init(_ balances: [Balance]) throws(PaperError) {
        for balance in balances {
            guard !balance.asset.isEmpty else { throw .invalid("balances: asset is empty") }
            guard accounts[balance.asset] == nil else { throw .invalid("balances: \(balance.asset) is given twice") }
            guard !balance.total.isNegative else { throw .invalid("balances: total of \(balance.asset) is negative") }
            accounts[balance.asset] = Balance(asset: balance.asset, total: balance.total, available: balance.total, locked: .zero)
        }
    }

    /// Every asset held, in asset order.
    var balances: [Balance] {
        accounts.keys.sorted().map(balance)
    }

    /// The BALANCE payload of one asset (zero if never held).
    func balance(_ asset: String) -> Balance {
        accounts[asset] ?? Balance(asset: asset, total: .zero, available: .zero, locked: .zero)
    }

    /// Total minus locked.
    func available(_ asset: String) -> ExactDecimal { balance(asset).available }

    /// Adds a signed amount to the total (a credit, a realized PnL, a fee paid as a negative).
    mutating func adjust(_ asset: String, by amount: ExactDecimal, _ what: String) throws(PaperError) {
        let account = balance(asset)
        let total = try PaperMath.add(account.total, amount, "\(asset) balance after \(what)")
        try store(asset, total: total, locked: account.locked, what)
    }

    /// Takes `amount` out of the available balance.
    mutating func debit(_ asset: String, _ amount: ExactDecimal, _ what: String) throws(PaperError) {
        try requireAvailable(asset, amount, what)
        try adjust(asset, by: amount.negated, what)
    }

    /// Moves `amount` from available to locked.
    mutating func lock(_ asset: String, _ amount: ExactDecimal, _ what: String) throws(PaperError) {
        guard amount > .zero else { return }
        try requireAvailable(asset, amount, what)
        let account = balance(asset)
        try store(asset, total: account.total, locked: try PaperMath.add(account.locked, amount, "\(asset) locked for \(what)"), what)
    }

    /// Moves `amount` from locked back to available.
    mutating func unlock(_ asset: String, _ amount: ExactDecimal, _ what: String) throws(PaperError) {
        guard amount > .zero else { return }
        let account = balance(asset)
        guard account.locked >= amount else { throw .state("\(what): unlocking \(amount) \(asset), more than is locked") }
        try store(asset, total: account.total, locked: try PaperMath.sub(account.locked, amount, "\(asset) locked after \(what)"), what)
    }

    private func requireAvailable(_ asset: String, _ amount: ExactDecimal, _ what: String) throws(PaperError) {
        let free = available(asset)
        guard free >= amount else { throw .funds("\(what) needs \(amount) \(asset), \(free) available") }
    }

    private mutating func store(_ asset: String, total: ExactDecimal, locked: ExactDecimal, _ what: String) throws(PaperError) {
        let available = try PaperMath.sub(total, locked, "available \(asset) after \(what)")
        accounts[asset] = Balance(asset: asset, total: total, available: available, locked: locked)
    }
}

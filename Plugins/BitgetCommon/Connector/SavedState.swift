public import SwiftletPluginKit

/// Where a Bitget connector keeps its durable state in the host's store, so that a save
/// writes what changed lately rather than the whole history.
///
/// A long-lived bot keeps up to 500 final orders and 5,000 trade ids, about 300 KB; encoding
/// and writing all of it at every save (at most every 250 ms while trading) held the event
/// loop for 4–5.5 ms each time (`swiftlet-bench state-save`). The state now lives under two
/// keys, both in ``DurableState``'s format:
/// - the **archive** (`<key>.archive`): final orders and trade ids, rewritten only when what
///   is not archived yet has grown past a bound (a *roll*);
/// - the **recent part** (`<key>`): open orders, and the final orders (new, or changed since
///   archived) and trade ids the archive lacks; written at every save.
///
/// A roll writes the archive first, then the recent part without what was archived: a crash
/// between the two leaves some orders in both, and reading merges the parts, the recent one
/// winning. A build that reads only `<key>` (format 2 before the archive) finds a valid
/// state there, missing what was archived; the restart reconciliation fills in open orders.
public struct SavedState {
    /// The recent part's key; the archive's is ``archiveKey``.
    public let key: String
    /// Final orders not archived that make the next save a roll.
    public let rollAfterOrders: Int
    /// Trade ids not archived that make the next save a roll.
    public let rollAfterTrades: Int
    /// Each order as last encoded, by client order id: its JSON (encoded again only when the
    /// order changes) and whether the archive holds it in that version.
    private var known: [String: Known] = [:]
    private var archivedTrades: Set<String> = []

    private struct Known {
        var entry: OrderTracker.Entry
        var object: [UInt8]?
        var archived: Bool
    }

    public init(key: String, rollAfterOrders: Int = 25, rollAfterTrades: Int = 250) {
        self.key = key
        self.rollAfterOrders = rollAfterOrders
        self.rollAfterTrades = rollAfterTrades
    }

    public var archiveKey: String { key + ".archive" }

    /// Writes `orders` and `trades` (oldest first; new ids are only ever appended) through
    /// `store`, in order. What is archived is remembered only once every write succeeded.
    public mutating func save(orders: some Collection<OrderTracker.Entry>, trades: ArraySlice<String>,
                              store: (_ key: String, _ value: [UInt8]) throws(PluginError) -> Void) throws(PluginError) {
        var open: [OrderTracker.Entry] = []
        var unarchivedFinal: [OrderTracker.Entry] = []
        for entry in orders {
            if !entry.snapshot.state.isFinal {
                open.append(entry)
            } else if let order = known[entry.snapshot.clientOrderID], order.archived, order.entry == entry {
                continue
            } else {
                unarchivedFinal.append(entry)
            }
        }
        // Ids are appended, so the ones not archived are a suffix.
        var firstUnarchived = trades.endIndex
        while firstUnarchived > trades.startIndex, !archivedTrades.contains(trades[firstUnarchived - 1]) {
            firstUnarchived -= 1
        }
        let unarchivedTrades = trades[firstUnarchived...]
        guard unarchivedFinal.count > rollAfterOrders || unarchivedTrades.count > rollAfterTrades else {
            try store(key, DurableState.encoded(orderObjects: (open + unarchivedFinal).map { object($0) }, trades: unarchivedTrades))
            return
        }
        let final = orders.filter { $0.snapshot.state.isFinal }
        try store(archiveKey, DurableState.encoded(orderObjects: final.map { object($0) }, trades: trades))
        try store(key, DurableState.encoded(orderObjects: open.map { object($0) }, trades: []))
        // The archive now holds every final order as it is; orders no longer tracked are forgotten.
        var tracked: [String: Known] = [:]
        tracked.reserveCapacity(known.count)
        for entry in orders {
            guard var order = known[entry.snapshot.clientOrderID] else { continue }
            order.archived = entry.snapshot.state.isFinal
            tracked[entry.snapshot.clientOrderID] = order
        }
        known = tracked
        // Ids that left the window stay in the set (harmless: an id is never appended twice)
        // until it is twice the window's size.
        if archivedTrades.count + unarchivedTrades.count > 2 * trades.count {
            archivedTrades = Set(trades)
        } else {
            archivedTrades.formUnion(unarchivedTrades)
        }
    }

    /// The order's JSON object, encoded again only if it changed since last time.
    private mutating func object(_ entry: OrderTracker.Entry) -> [UInt8] {
        let id = entry.snapshot.clientOrderID
        if let order = known[id], order.entry == entry, let object = order.object { return object }
        let object = DurableState.object(entry)
        known[id] = Known(entry: entry, object: object, archived: false)
        return object
    }

    /// The state saved as `recent` (under ``key``) and `archive` (under ``archiveKey``), merged;
    /// nil when neither is there. Remembers what the archive holds.
    public mutating func restore(recent: [UInt8]?, archive: [UInt8]?) throws(PayloadError) -> (orders: [OrderTracker.Entry], trades: [String])? {
        guard recent != nil || archive != nil else { return nil }
        let archived = try archive.map { bytes throws(PayloadError) in try DurableState.decode(bytes) }
        let latest = try recent.map { bytes throws(PayloadError) in try DurableState.decode(bytes) }
        var orders: [OrderTracker.Entry] = []
        var index: [String: Int] = [:]
        for entry in (archived?.orders ?? []) + (latest?.orders ?? []) {
            if let at = index[entry.snapshot.clientOrderID] {
                orders[at] = entry
            } else {
                index[entry.snapshot.clientOrderID] = orders.count
                orders.append(entry)
            }
        }
        var seen: Set<String> = []
        let trades = ((archived?.trades ?? []) + (latest?.trades ?? [])).filter { seen.insert($0).inserted }
        known = [:]
        for entry in archived?.orders ?? [] where entry.snapshot.state.isFinal {
            known[entry.snapshot.clientOrderID] = Known(entry: entry, object: nil, archived: true)
        }
        archivedTrades = Set(archived?.trades ?? [])
        return (orders, trades)
    }
}

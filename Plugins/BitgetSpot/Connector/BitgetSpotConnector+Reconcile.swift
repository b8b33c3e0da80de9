import BitgetCommon
import Foundation
import SwiftletPluginKit

/// Repairing the local view from REST, and keeping it across restarts.
extension BitgetSpotConnector {
    /// Pending-create orders younger than this are left alone: their answer may be in flight.
    static let pendingGraceNs: Int64 = 10_000_000_000

    /// Open orders and recent fills from REST: adopts orders the streams never mentioned
    /// (including those left open by a previous run), finishes orders whose final push was
    /// lost, and counts fills the streams missed, once.
    func reconcile() {
        guard started, loaded, config.credential != nil, !reconciling else { return }
        reconciling = true
        loadBalances()
        fetchOpenOrders(before: nil, seen: [])
    }

    private func fetchOpenOrders(before: String?, seen: Set<String>) {
        var query = [("limit", "100")]
        if let before { query.append(("idLessThan", before)) }
        rest.send("GET", "/api/v2/spot/trade/unfilled-orders", query: query, signed: true,
                  as: [SpotPayloads.OrderInfo].self) { [weak self] result in
            guard let self else { return }
            switch result {
            case .failure(let error):
                self.reconciling = false
                self.report(error.pluginError, "reconcile open orders", code: error.code)
            case .success(let page):
                var seen = seen
                for info in page {
                    do throws(PayloadError) {
                        let report = try SpotPayloads.report(info)
                        self.emitOrder(self.orders.apply(report), symbol: report.symbol)
                        if let id = self.orders.clientID(forExchangeID: report.exchangeOrderID) { seen.insert(id) }
                    } catch {
                        self.report(PluginError(SWL_ERR_EXCHANGE, error.message), "reconcile open orders")
                    }
                }
                if page.count == 100, let last = page.last?.orderId {
                    self.fetchOpenOrders(before: last, seen: seen)
                } else {
                    self.finishReconcile(openAtExchange: seen)
                }
            }
        }
    }

    private func finishReconcile(openAtExchange: Set<String>) {
        let now = host.now
        var symbols = Set<String>()
        for order in orders.openOrders() {
            symbols.insert(order.symbol)
            guard !openAtExchange.contains(order.clientOrderID) else { continue }
            if order.state == .pendingCreate, now - order.createdTime < Self.pendingGraceNs { continue }
            verify(order.clientOrderID)
        }
        for entry in orders.entries.values where now - entry.snapshot.updatedTime < 600_000_000_000 {
            symbols.insert(entry.snapshot.symbol)
        }
        reconciling = false
        for symbol in symbols.sorted() { fetchFills(symbol: symbol, orderID: nil) }
    }

    /// Recent fills of `symbol` (or of one order) from REST; counts the ones not yet seen.
    func fetchFills(symbol: String, orderID: String?) {
        var query = [("symbol", symbol), ("limit", "100")]
        if let orderID { query.append(("orderId", orderID)) }
        rest.send("GET", "/api/v2/spot/trade/fills", query: query, signed: true,
                  as: [SpotPayloads.FillRecord].self) { [weak self] result in
            guard let self else { return }
            switch result {
            case .failure(let error):
                self.report(error.pluginError, "reconcile fills \(symbol)", code: error.code, symbol: symbol)
            case .success(let fills):
                // Oldest first, so fills are emitted in the order they happened.
                for item in fills.reversed() {
                    guard let clientID = self.orders.clientID(forExchangeID: item.orderId) else { continue }
                    do throws(PayloadError) {
                        self.countFill(try SpotPayloads.fill(item, clientOrderID: clientID), symbol: symbol,
                                       time: try Field.milliseconds(item.cTime?.text, "cTime"))
                    } catch {
                        self.report(PluginError(SWL_ERR_EXCHANGE, error.message), "reconcile fills \(symbol)")
                    }
                }
            }
        }
    }

    /// Asks the exchange for one order's state (order detail by client id) and applies it.
    /// An order the exchange has never heard of, still pending create, has failed.
    func verify(_ clientID: String, attempt: Int = 0) {
        guard started, let entry = orders.entry(clientID), !entry.snapshot.state.isFinal else { return }
        rest.send("GET", "/api/v2/spot/trade/orderInfo", query: [("clientOid", clientID)], signed: true,
                  as: [SpotPayloads.OrderInfo].self) { [weak self] result in
            guard let self, let entry = self.orders.entry(clientID) else { return }
            let symbol = entry.snapshot.symbol
            switch result {
            case .success(let infos) where !infos.isEmpty:
                do throws(PayloadError) {
                    let report = try SpotPayloads.report(infos[0])
                    self.emitOrder(self.orders.apply(report), symbol: symbol)
                    if report.filledSize > entry.filledByFills {
                        self.fetchFills(symbol: symbol, orderID: report.exchangeOrderID)
                    }
                    if !report.state.isFinal, entry.cancelRequested { self.scheduleVerify(clientID) }
                } catch {
                    self.report(PluginError(SWL_ERR_EXCHANGE, error.message), "order \(clientID)")
                }
            case .success:
                self.notFoundAtExchange(clientID, entry)
            case .failure(let error) where error.kind == .orderNotFound:
                self.notFoundAtExchange(clientID, entry)
            case .failure(let error):
                guard attempt < 6 else {
                    self.report(error.pluginError, "order \(clientID) still unknown after \(attempt + 1) checks", code: error.code)
                    return
                }
                _ = try? self.host.startTimer(after: .milliseconds(250 << attempt)) { [weak self] _ in
                    self?.verify(clientID, attempt: attempt + 1)
                }
            }
        }
    }

    private func notFoundAtExchange(_ clientID: String, _ entry: OrderTracker.Entry) {
        guard entry.snapshot.state == .pendingCreate else { return }
        emitOrder(orders.failed(clientID, reason: "not accepted by the exchange (order detail: not found)", time: host.now),
                  symbol: entry.snapshot.symbol)
    }

    /// Verifies an order a little later if nothing has finished it by then.
    func scheduleVerify(_ clientID: String) {
        _ = try? host.startTimer(after: .seconds(3)) { [weak self] _ in self?.verify(clientID) }
    }

    // MARK: persistence

    private struct SavedState: Codable {
        var version = 1
        var orders: [OrderTracker.Entry]
        var trades: [String]
    }

    static let stateKey = "spot.state"

    /// Writes open orders, recent final ones and the counted trade ids to the host's
    /// durable store, so a restart neither loses orders nor counts a fill twice.
    func saveState() {
        orders.pruneFinal(keep: 500)
        let state = SavedState(orders: Array(orders.entries.values), trades: Array(orders.rememberedTrades.suffix(5000)))
        do {
            let data = try JSONEncoder().encode(state)
            try host.store(Array(data), forKey: Self.stateKey)
        } catch let error as PluginError {
            host.log(.error, "cannot save state: \(error.message)")
        } catch {
            host.log(.error, "cannot encode state: \(error)")
        }
    }

    func restoreState() {
        do {
            guard let bytes = try host.load(key: Self.stateKey) else { return }
            let state = try JSONDecoder().decode(SavedState.self, from: Data(bytes))
            orders.restore(trades: state.trades, entries: state.orders)
            host.log(.info, "restored \(state.orders.count) orders and \(state.trades.count) trade ids")
        } catch {
            report(PluginError(SWL_ERR_INTERNAL, "saved state unreadable, starting from the exchange's view: \(error)"), "restore")
        }
    }
}

import BitgetCommon
import Foundation
import SwiftletPluginKit

/// Private pushes, account and positions, funding, and the reconciliation reads.
extension BitgetPerpetualConnector {
    func privateMessage(_ bytes: UnsafeRawBufferPointer) {
        core.routePrivate(bytes) { channel, data throws(PayloadError) in
            switch channel {
            case "orders":
                for item in try ConnectorCore.items(PerpPayloads.OrderPush.self, in: data, channel: channel) {
                    try core.applyOrderPush(try PerpPayloads.report(item), fillTime: item.fillTime?.text) { clientID throws(PayloadError) in
                        try PerpPayloads.fill(item, clientOrderID: clientID)
                    }
                }
            case "fill":
                for item in try ConnectorCore.items(PerpPayloads.FillRecord.self, in: data, channel: channel) {
                    core.fill(try PerpPayloads.fill(item, clientOrderID: ""), symbol: item.symbol.uppercased(),
                              time: try Field.milliseconds(item.cTime?.text, "cTime"))
                }
            case "account":
                applyAccounts(try ConnectorCore.items(PerpPayloads.Account.self, in: data, channel: channel), fromPush: true)
            case "positions":
                // Every push lists all open positions of the productType: absent ones are flat.
                let records = try ConnectorCore.items(PerpPayloads.PositionRecord.self, in: data, channel: channel)
                positionPushes += 1
                applyPositions(records)
            default:
                break
            }
        }
    }

    func applyAccounts(_ accounts: [PerpPayloads.Account], fromPush: Bool) {
        for account in accounts {
            do throws(PayloadError) {
                core.updateBalance(try PerpPayloads.balance(account))
                // The REST account states the mode; read it, never set it on our own.
                if !fromPush, let posMode = account.posMode { mode = try PerpPayloads.positionMode(posMode) }
                if !fromPush, let margin = account.marginMode { defaultMarginMode = try PerpPayloads.marginMode(margin) }
                if !fromPush, let lever = account.crossedMarginLeverage, let value = try? ExactDecimal(lever.text) {
                    defaultLeverage = value
                }
            } catch {
                core.report(PluginError(SWL_ERR_EXCHANGE, "account: \(error.message)"), "account")
            }
        }
    }

    func applyPositions(_ records: [PerpPayloads.PositionRecord]) {
        var seen = Set<String>()
        for record in records {
            do throws(PayloadError) {
                let snapshot = try PerpPayloads.position(record)
                let key = Self.key(snapshot.symbol, snapshot.position.side)
                seen.insert(key)
                marginModes[snapshot.symbol] = snapshot.position.marginMode
                if !snapshot.position.leverage.isZero { leverages[snapshot.symbol] = snapshot.position.leverage }
                guard positionsByKey[key] != snapshot else { continue }
                positionsByKey[key] = snapshot
                core.emit(.position(snapshot.position), symbol: snapshot.symbol)
            } catch {
                core.report(PluginError(SWL_ERR_EXCHANGE, "position: \(error.message)"), "positions")
            }
        }
        for (key, old) in positionsByKey where !seen.contains(key) && !old.position.size.isZero {
            var flat = old
            flat.position.size = .zero
            flat.position.unrealizedPnL = .zero
            flat.position.margin = .zero
            flat.position.liquidationPrice = .zero
            positionsByKey[key] = flat
            core.emit(.position(flat.position), symbol: flat.symbol)
        }
    }

    // MARK: funding

    /// A futures ticker push carries mark/index price and the funding rate and time.
    func tickerFunding(_ symbol: String, _ ticker: MarketPayloads.TickerPush) {
        guard let rateText = ticker.fundingRate, let rate = try? ExactDecimal(rateText) else { return }
        let next = (try? Field.milliseconds(ticker.nextFundingTime?.text, "nextFundingTime")) ?? funding[symbol]?.nextFundingTime ?? 0
        let info = FundingInfo(rate: rate, nextFundingTime: next,
                               markPrice: (try? Field.decimalOrZero(ticker.markPrice, "markPrice")) ?? .zero,
                               indexPrice: (try? Field.decimalOrZero(ticker.indexPrice, "indexPrice")) ?? .zero)
        publishFunding(symbol, info)
    }

    private func publishFunding(_ symbol: String, _ info: FundingInfo) {
        guard funding[symbol] != info else { return }
        funding[symbol] = info
        core.emit(.fundingInfo(info), symbol: symbol)
    }

    /// Funding rate and next time of symbols we hold, and funding payments from the bills.
    func pollFunding() {
        // Quiesced for a hot swap: no requests pile up; `resume` reconciles.
        guard core.loaded, !core.quiesced else { return }
        let symbols = Set(positionsByKey.values.filter { !$0.position.size.isZero }.map(\.symbol))
        for symbol in symbols.sorted() { refreshFunding(symbol) }
        if core.config.credential != nil { fetchFundingPayments() }
    }

    /// The rate and the next settlement (`nextUpdate`, in Bitget's answer since 2025) from
    /// `current-fund-rate`.
    func refreshFunding(_ symbol: String) {
        let query = [("symbol", symbol), ("productType", productType)]
        rest.send("GET", "/api/v2/mix/market/current-fund-rate", query: query, signed: false,
                  as: [PerpPayloads.FundingRate].self) { [weak self] result in
            guard let self else { return }
            guard case .success(let rates) = result, let entry = rates.first(where: { $0.symbol == symbol }),
                  let rate = try? ExactDecimal(entry.fundingRate), let nextText = entry.nextUpdate?.text, !nextText.isEmpty,
                  let next = try? Field.milliseconds(nextText, "nextUpdate") else {
                self.core.report(PluginError(SWL_ERR_EXCHANGE, "funding rate or next settlement unavailable"), "funding", symbol: symbol)
                return
            }
            let old = self.funding[symbol]
            self.publishFunding(symbol, FundingInfo(rate: rate, nextFundingTime: next, markPrice: old?.markPrice ?? .zero,
                                                    indexPrice: old?.indexPrice ?? .zero))
        }
    }

    /// Funding settlements from the account bills, one FUNDING_PAYMENT per bill id, for the
    /// symbol each bill names (never attributed across symbols).
    func fetchFundingPayments() {
        rest.send("GET", "/api/v2/mix/account/bill",
                  query: [("productType", productType), ("businessType", PerpPayloads.fundingBusinessType), ("limit", "100")],
                  signed: true, as: PerpPayloads.BillPage.self) { [weak self] result in
            guard let self else { return }
            switch result {
            case .failure(let error):
                self.core.report(error.pluginError, "funding bills", code: error.code)
            case .success(let page):
                for bill in (page.bills ?? []).reversed() where bill.businessType == PerpPayloads.fundingBusinessType {
                    guard let symbol = bill.symbol?.uppercased(), !symbol.isEmpty,
                          self.core.orders.markSeen("bill:\(bill.billId)") else { continue }
                    guard let amount = try? Field.decimal(bill.amount, "amount") else {
                        self.core.report(PluginError(SWL_ERR_EXCHANGE, "bill \(bill.billId): bad amount"), "funding bills")
                        continue
                    }
                    let payment = FundingPayment(paymentID: bill.billId, amount: amount,
                                                 rate: self.funding[symbol]?.rate ?? .zero, asset: bill.coin?.uppercased() ?? "")
                    self.core.emit(.fundingPayment(payment), symbol: symbol,
                                   exchangeTime: (try? Field.milliseconds(bill.cTime?.text, "cTime")) ?? 0)
                    self.core.saveState()
                }
            }
        }
    }

    // MARK: OrderGateway

    public func refreshAccount() {
        rest.send("GET", "/api/v2/mix/account/accounts", query: [("productType", productType)], signed: true,
                  as: [PerpPayloads.Account].self) { [weak self] result in
            guard let self else { return }
            switch result {
            case .success(let accounts): self.applyAccounts(accounts, fromPush: false)
            case .failure(let error): self.core.report(error.pluginError, "account", code: error.code)
            }
        }
        // A snapshot requested before a push arrived is older than that push: dropped, the
        // next reconciliation reads a fresh one.
        let pushesAtRequest = positionPushes
        rest.send("GET", "/api/v2/mix/position/all-position", query: [("productType", productType)], signed: true,
                  as: [PerpPayloads.PositionRecord].self) { [weak self] result in
            guard let self else { return }
            switch result {
            case .success(let records):
                if self.positionPushes == pushesAtRequest { self.applyPositions(records) }
            case .failure(let error): self.core.report(error.pluginError, "positions", code: error.code)
            }
        }
    }

    public func fetchOrder(clientID: String, symbol: String,
                           completion: @escaping (Result<ExchangeOrderReport?, BitgetAPIError>) -> Void) {
        rest.send("GET", "/api/v2/mix/order/detail",
                  query: [("symbol", symbol), ("productType", productType), ("clientOid", clientID)], signed: true,
                  as: PerpPayloads.Order.self) { result in
            completion(result.flatMap { order in
                BitgetAPIError.translating { () throws(PayloadError) in try PerpPayloads.report(order) }.map { $0 }
            })
        }
    }

    public func fetchOpenOrders(completion: @escaping (Result<[ExchangeOrderReport], BitgetAPIError>) -> Void) {
        rest.send("GET", "/api/v2/mix/order/orders-pending", query: [("productType", productType), ("limit", "100")],
                  signed: true, as: PerpPayloads.OrderPage.self) { [weak self] result in
            completion(result.map { page in
                var reports: [ExchangeOrderReport] = []
                for order in page.entrustedList ?? [] {
                    switch BitgetAPIError.translating({ () throws(PayloadError) in try PerpPayloads.report(order) }) {
                    case .success(let report): reports.append(report)
                    case .failure(let error): self?.core.report(error.pluginError, "open orders")
                    }
                }
                return reports
            })
        }
    }

    public func fetchFills(symbol: String, orderID: String?,
                           completion: @escaping (Result<[(Fill, Int64)], BitgetAPIError>) -> Void) {
        var query = [("productType", productType), ("symbol", symbol), ("limit", "100")]
        if let orderID { query.append(("orderId", orderID)) }
        rest.send("GET", "/api/v2/mix/order/fills", query: query, signed: true, as: PerpPayloads.FillPage.self) { result in
            completion(result.flatMap { page in
                BitgetAPIError.translating { () throws(PayloadError) in
                    var fills: [(Fill, Int64)] = []
                    for record in page.fillList ?? [] {
                        fills.append((try PerpPayloads.fill(record, clientOrderID: ""), try Field.milliseconds(record.cTime?.text, "cTime")))
                    }
                    return fills
                }
            })
        }
    }
}

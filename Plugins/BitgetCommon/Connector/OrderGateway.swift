public import SwiftletCore

/// The product-specific REST reads a connector gives `ConnectorCore` for reconciliation:
/// spot and futures differ in paths and payload shapes, not in what is done with them.
public protocol OrderGateway: AnyObject {
    /// One order by client id; nil when the exchange does not know it.
    func fetchOrder(clientID: String, symbol: String,
                    completion: @escaping (Result<ExchangeOrderReport?, BitgetAPIError>) -> Void)
    /// Every open order of the account (all pages).
    func fetchOpenOrders(completion: @escaping (Result<[ExchangeOrderReport], BitgetAPIError>) -> Void)
    /// Recent fills of a symbol (or of one order), newest first, with their exchange time in
    /// ns; `Fill.clientOrderID` may be empty (the core fills it in).
    func fetchFills(symbol: String, orderID: String?,
                    completion: @escaping (Result<[(Fill, Int64)], BitgetAPIError>) -> Void)
    /// Refreshes balances (and positions) and emits what changed.
    func refreshAccount()
}

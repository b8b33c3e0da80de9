import CSwiftletSDK
public import SwiftletABI
public import SwiftletCore
import Synchronization

/// The checks every strategy order passes before it reaches a connector: the kill
/// switch, maximum size and notional, and available balance or margin. A refusal is an
/// `ABIError` the strategy receives as the status of its call, with a message naming
/// the limit.
public final class RiskGate: Sendable {
    public let limits: RiskLimits
    private let tripped = Mutex<String?>(nil)

    public init(limits: RiskLimits) {
        self.limits = limits
    }

    /// Why the kill switch stopped the bot, or nil while it has not.
    public var killReason: String? { tripped.withLock { $0 } }

    /// Trips the kill switch (once); returns true the first time.
    public func trip(_ reason: String) -> Bool {
        tripped.withLock { current in
            guard current == nil else { return false }
            current = reason
            return true
        }
    }

    /// True when `pnl` is a loss beyond the kill-switch limit.
    public func breaches(pnl: ExactDecimal) -> Bool {
        guard let limit = limits.killSwitchLoss else { return false }
        return pnl.negated > limit
    }

    /// Refuses `request` unless it passes every check; returns it fitted to the market's
    /// trading rules (what the connector will send), which is what the checks judged.
    /// - Parameters:
    ///   - instrument: the market's trading rules (the caller's cached copy: looking them up
    ///     here would cost a call into the connector on every order).
    ///   - referencePrice: price of a market order (best ask for a buy, best bid for a
    ///     sell), nil if the book is unknown.
    ///   - balances: what the venue reported of its balances (the bot's); by default a
    ///     fresh one, which takes the venue's listing.
    @discardableResult
    public func check(_ original: OrderRequest, instrument: Instrument, on venue: any TradingVenue,
                      referencePrice: ExactDecimal?, balances: ReportedBalances = ReportedBalances()) throws(ABIError) -> OrderRequest {
        if let reason = killReason {
            throw ABIError(SWL_ERR_STATE, "kill switch tripped (\(reason)): no new orders")
        }
        guard original.size > .zero || original.quoteSize > .zero else {
            throw ABIError(SWL_ERR_INVALID_ARGUMENT, "order size must be positive")
        }
        let request = try Self.fitted(original, to: instrument)
        if let maxSize = limits.maxOrderSize[request.symbol], request.size > maxSize {
            throw ABIError(SWL_ERR_INVALID_ARGUMENT,
                           "risk: size \(request.size) exceeds max_order_size \(maxSize) for \(request.symbol)")
        }
        let price = request.type == .limit ? request.price : referencePrice
        let notional: ExactDecimal?
        do throws(DecimalError) {
            if request.size.isZero {
                notional = request.quoteSize
            } else if let price {
                notional = try request.size * price
            } else {
                notional = nil
            }
        } catch {
            throw ABIError(SWL_ERR_INVALID_ARGUMENT, "risk: order value overflows: \(error)")
        }
        if let maxNotional = limits.maxOrderNotional {
            guard let notional else {
                throw ABIError(SWL_ERR_STATE, "risk: no price for \(request.symbol) to check max_order_notional")
            }
            if notional > maxNotional {
                throw ABIError(SWL_ERR_INVALID_ARGUMENT,
                               "risk: order value \(notional) exceeds max_order_notional \(maxNotional)")
            }
        }
        if !request.reduceOnly {
            try checkFunds(request, instrument: instrument, notional: notional, venue: venue, balances: balances)
        }
        return request
    }

    /// `request` with its limit price on the market's tick (a buy rounds down, a sell up:
    /// never a worse limit than asked) and its size down to the lot, as a connector
    /// quantizes it; strategies may compute prices with any number of digits.
    static func fitted(_ request: OrderRequest, to instrument: Instrument) throws(ABIError) -> OrderRequest {
        var fitted = request
        do throws(DecimalError) {
            if request.type == .limit, request.price > .zero, instrument.priceIncrement > .zero {
                fitted.price = try request.price.quantized(to: instrument.priceIncrement, request.side == .buy ? .down : .up)
            }
            if request.size > .zero, instrument.sizeIncrement > .zero {
                fitted.size = try request.size.quantized(to: instrument.sizeIncrement, .down)
            }
        } catch {
            throw ABIError(SWL_ERR_INVALID_ARGUMENT,
                           "\(request.size) @ \(request.price) cannot be fitted to \(instrument.symbol)'s tick and lot: \(error)")
        }
        guard request.size.isZero || fitted.size > .zero else {
            throw ABIError(SWL_ERR_INVALID_ARGUMENT,
                           "size \(request.size) is below the lot \(instrument.sizeIncrement) of \(instrument.symbol)")
        }
        return fitted
    }

    private func checkFunds(_ request: OrderRequest, instrument: Instrument, notional: ExactDecimal?,
                            venue: any TradingVenue, balances: ReportedBalances) throws(ABIError) {
        func available(_ asset: String) throws(ABIError) -> ExactDecimal {
            try balances.balance(of: asset, on: venue)?.available ?? .zero
        }
        if instrument.isPerpetual {
            guard let notional else { return }
            let leverage = try venue.leverage(symbol: request.symbol)
            let margin: ExactDecimal
            do throws(DecimalError) {
                margin = try ExactDecimal.dividing(notional, leverage.isZero ? ExactDecimal(1) : leverage,
                                                   scale: min(notional.scale + 4, ExactDecimal.maxScale), .up)
            } catch {
                throw ABIError(SWL_ERR_INVALID_ARGUMENT, "risk: margin overflows: \(error)")
            }
            let have = try available(instrument.quoteAsset)
            if margin > have {
                throw ABIError(SWL_ERR_INSUFFICIENT_FUNDS,
                               "risk: margin \(margin) \(instrument.quoteAsset) needed, \(have) available")
            }
            return
        }
        switch request.side {
        case .buy:
            guard let notional else { return }
            let have = try available(instrument.quoteAsset)
            if notional > have {
                throw ABIError(SWL_ERR_INSUFFICIENT_FUNDS,
                               "risk: \(notional) \(instrument.quoteAsset) needed, \(have) available")
            }
        case .sell:
            let have = try available(instrument.baseAsset)
            if request.size > have {
                throw ABIError(SWL_ERR_INSUFFICIENT_FUNDS,
                               "risk: \(request.size) \(instrument.baseAsset) needed, \(have) available")
            }
        }
    }
}

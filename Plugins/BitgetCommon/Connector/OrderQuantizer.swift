public import SwiftletPluginKit

/// Fits an order to an instrument's trading rules before anything is sent: price to the
/// tick (buys round down, sells round up, so the limit is never worse than asked), size
/// down to the lot, then the minimum size and minimum notional. What cannot be fitted is
/// refused with a message that says which rule and by how much.
public enum OrderQuantizer {
    /// Quantized `(price, size)` of a limit order.
    public static func limit(_ request: OrderRequest, _ instrument: Instrument) throws(PluginError) -> (ExactDecimal, ExactDecimal) {
        guard request.price > .zero else {
            throw PluginError(SWL_ERR_INVALID_ARGUMENT, "price must be positive for a limit order")
        }
        let price: ExactDecimal
        do {
            price = try request.price.quantized(to: instrument.priceIncrement, request.side == .buy ? .down : .up)
        } catch {
            throw PluginError(SWL_ERR_INVALID_ARGUMENT, "price \(request.price) cannot be quantized to tick \(instrument.priceIncrement): \(error)")
        }
        guard price > .zero else {
            throw PluginError(SWL_ERR_INVALID_ARGUMENT, "price \(request.price) is below the tick \(instrument.priceIncrement)")
        }
        let size = try baseSize(request.size, instrument)
        let notional: ExactDecimal
        do { notional = try price * size } catch {
            throw PluginError(SWL_ERR_INVALID_ARGUMENT, "notional of \(size) at \(price) overflows")
        }
        if notional < instrument.minNotional {
            throw PluginError(SWL_ERR_INVALID_ARGUMENT,
                              "notional \(notional) \(instrument.quoteAsset) is below the minimum \(instrument.minNotional) for \(instrument.symbol)")
        }
        return (price, size)
    }

    /// A base size rounded down to the lot and checked against the minimum size.
    public static func baseSize(_ requested: ExactDecimal, _ instrument: Instrument) throws(PluginError) -> ExactDecimal {
        guard requested > .zero else { throw PluginError(SWL_ERR_INVALID_ARGUMENT, "size must be positive") }
        let size: ExactDecimal
        do {
            size = try requested.quantized(to: instrument.sizeIncrement, .down)
        } catch {
            throw PluginError(SWL_ERR_INVALID_ARGUMENT, "size \(requested) cannot be quantized to lot \(instrument.sizeIncrement): \(error)")
        }
        if size.isZero || size < instrument.minSize {
            throw PluginError(SWL_ERR_INVALID_ARGUMENT,
                              "size \(requested) (\(size) after rounding to lot \(instrument.sizeIncrement)) is below the minimum \(instrument.minSize) for \(instrument.symbol)")
        }
        return size
    }
}

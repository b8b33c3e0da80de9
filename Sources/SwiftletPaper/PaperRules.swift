import SwiftletCore

/// The connector's trading rules applied to paper orders, as a real connector applies
/// them before sending: price to the tick (buys down, sells up, never worse than asked),
/// size down to the lot, then minimum size and minimum notional, each refusal naming the
/// rule. Also the scales amounts are kept at.
enum PaperRules {
    /// Checks an instrument is usable: named, with positive increments and no negative minimum.
    static func validate(_ instrument: Instrument) throws(PaperError) {
        let name = instrument.symbol
        guard !name.isEmpty else { throw .invalid("instruments: symbol is empty") }
        guard !instrument.baseAsset.isEmpty, !instrument.quoteAsset.isEmpty else {
            throw .invalid("instruments: \(name) has an empty base or quote asset")
        }
        guard instrument.priceIncrement > .zero else { throw .invalid("instruments: priceIncrement of \(name) must be positive") }
        guard instrument.sizeIncrement > .zero else { throw .invalid("instruments: sizeIncrement of \(name) must be positive") }
        guard !instrument.minSize.isNegative, !instrument.minNotional.isNegative else {
            throw .invalid("instruments: minSize and minNotional of \(name) must not be negative")
        }
    }

    /// Limit price quantized to the tick: a buy rounds down, a sell up.
    static func price(_ requested: ExactDecimal, side: Side, _ instrument: Instrument) throws(PaperError) -> ExactDecimal {
        guard requested > .zero else { throw .invalid("price must be positive for a limit order") }
        let price: ExactDecimal
        do { price = try requested.quantized(to: instrument.priceIncrement, side == .buy ? .down : .up) } catch {
            throw .invalid("price \(requested) cannot be quantized to tick \(instrument.priceIncrement): \(error)")
        }
        guard price > .zero else { throw .invalid("price \(requested) is below the tick \(instrument.priceIncrement)") }
        return price
    }

    /// Base size rounded down to the lot and checked against the minimum size.
    static func size(_ requested: ExactDecimal, _ instrument: Instrument) throws(PaperError) -> ExactDecimal {
        guard requested > .zero else { throw .invalid("size must be positive") }
        let size: ExactDecimal
        do { size = try requested.quantized(to: instrument.sizeIncrement, .down) } catch {
            throw .invalid("size \(requested) cannot be quantized to lot \(instrument.sizeIncrement): \(error)")
        }
        if size.isZero || size < instrument.minSize {
            throw .invalid("size \(requested) (\(size) after rounding to lot \(instrument.sizeIncrement)) is below "
                           + "the minimum size \(instrument.minSize) for \(instrument.symbol)")
        }
        return size
    }

    /// Refuses a notional below the minimum notional.
    static func checkNotional(_ notional: ExactDecimal, _ instrument: Instrument) throws(PaperError) {
        if notional < instrument.minNotional {
            throw .invalid("notional \(notional) \(instrument.quoteAsset) is below the minimum notional "
                           + "\(instrument.minNotional) for \(instrument.symbol)")
        }
    }

    /// Scale of quote amounts (fees, margins, funding, average prices): exact notionals
    /// fit, and never fewer than 8 places.
    static func quoteScale(_ instrument: Instrument) -> Int32 {
        min(ExactDecimal.maxScale, max(8, instrument.priceIncrement.scale + instrument.sizeIncrement.scale))
    }

    /// Scale of fees charged in the base asset.
    static func baseScale(_ instrument: Instrument) -> Int32 {
        min(ExactDecimal.maxScale, max(8, instrument.sizeIncrement.scale))
    }

    /// Longest client order id (Bitget's limit).
    static let maxClientIDLength = 40

    /// Refuses a client order id Bitget would refuse: over 40 characters or outside
    /// `[0-9A-Za-z_:#-+ ]`.
    static func validateClientID(_ id: String) throws(PaperError) {
        guard id.utf8.count <= maxClientIDLength else {
            throw .invalid("client_order_id is longer than \(maxClientIDLength) characters")
        }
        guard id.utf8.allSatisfy(isAllowed) else {
            throw .invalid("client_order_id \"\(id)\" has characters outside [0-9A-Za-z_:#-+ ]")
        }
    }

    private static func isAllowed(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"):
            true
        default:
            "_:#-+ ".utf8.contains(byte)
        }
    }

    /// Leverage accepted by `setLeverage`: a whole number in 1...125 (Bitget's widest range).
    static func validateLeverage(_ leverage: ExactDecimal, _ field: String) throws(PaperError) {
        guard leverage >= ExactDecimal(1), leverage <= ExactDecimal(125), leverage.isMultiple(of: ExactDecimal(1)) else {
            throw .invalid("\(field) \(leverage) must be a whole number in 1...125")
        }
    }
}

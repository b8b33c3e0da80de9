import SwiftletCore

/// One of our orders as the paper exchange keeps it: the snapshot strategies read, plus
/// what matching and settlement need.
struct PaperOrder: Sendable {
    var snapshot: OrderSnapshot
    /// Arrival order: time priority among our orders at one price.
    let sequence: UInt64
    /// Perpetuals: the order may only reduce a position (reduce-only, a hedge-mode close,
    /// or a one-way order against the position it names).
    let reduceOnly: Bool
    /// Hedge mode: the position the order acts on; `.none` in one-way mode and for spot.
    let hedgeSide: PositionSide
    /// Perpetuals: the symbol's leverage when the order was placed.
    let leverage: ExactDecimal
    /// Base size still to fill (for a spot market buy by quote: what the plan will buy).
    var remaining: ExactDecimal
    /// False for a spot market buy whose quote the book could not absorb: filling all of
    /// `remaining` then leaves it PARTIALLY_FILLED, to be cancelled.
    let endsWhenFilled: Bool
    /// Σ price × size of the fills.
    var filledNotional: ExactDecimal = .zero
    /// What is locked for the order's unfilled part, in `reserveAsset`.
    var reserve: ExactDecimal
    let reserveAsset: String
    var reason = ""

    var isFinal: Bool { snapshot.state.isFinal }

    /// The ORDER_UPDATE describing the order now; the exchange id is reported once the
    /// order is past PENDING_CREATE, as a real connector learns it from the exchange's answer.
    func update(state: OrderState? = nil) -> OrderUpdate {
        let shown = state ?? snapshot.state
        return OrderUpdate(clientOrderID: snapshot.clientOrderID,
                           exchangeOrderID: shown == .pendingCreate ? "" : snapshot.exchangeOrderID,
                           state: shown, side: snapshot.side, type: snapshot.type, positionSide: snapshot.positionSide,
                           price: snapshot.price, size: snapshot.size, filledSize: snapshot.filledSize,
                           averageFillPrice: snapshot.averageFillPrice, reason: reason)
    }

    /// True when `self` comes before `other` for the liquidity both want: better price
    /// first, then earlier arrival.
    func hasPriority(over other: PaperOrder) -> Bool {
        if snapshot.side != other.snapshot.side { return snapshot.side == .buy }
        if snapshot.price != other.snapshot.price {
            return snapshot.side == .buy ? snapshot.price > other.snapshot.price : snapshot.price < other.snapshot.price
        }
        return sequence < other.sequence
    }
}

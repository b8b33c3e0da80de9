import BitgetCommon
public import SwiftletPluginKit

/// How an ABI order (side, position side, reduce-only) becomes Bitget's futures fields in
/// each position mode. Kept apart and pure so every combination is tested.
public enum PerpOrderMapping {
    /// Bitget's `side`/`tradeSide`/`reduceOnly` members and the position the order acts on.
    ///
    /// - One-way: `side` as given; closing (reduce-only, or a side against the named
    ///   position) is `reduceOnly: YES`; never a `tradeSide` (a hedge-only field that some
    ///   accounts refuse with 40774 in one-way mode).
    /// - Hedge: `side` names the position (buy = long, sell = short) and `tradeSide` says
    ///   open or close: close long = `buy` + `close`. Without a position side, reduce-only
    ///   closes the position the side reduces and anything else opens in the side's direction.
    public static func fields(side: Side, positionSide: PositionSide, reduceOnly: Bool,
                              mode: PositionMode) throws(PluginError) -> ([(String, String)], PositionSide) {
        switch mode {
        case .oneWay:
            let closes = (positionSide == .long && side == .sell) || (positionSide == .short && side == .buy)
            var fields = [("side", side == .buy ? "buy" : "sell")]
            if reduceOnly || closes { fields.append(("reduceOnly", "YES")) }
            return (fields, positionSide)
        case .hedge:
            var position = positionSide
            if position == .none {
                position = reduceOnly ? (side == .buy ? .short : .long) : (side == .buy ? .long : .short)
            }
            let closes = (position == .long && side == .sell) || (position == .short && side == .buy)
            if reduceOnly, !closes {
                throw PluginError(SWL_ERR_INVALID_ARGUMENT,
                                  "reduce_only on a \(position == .long ? "LONG" : "SHORT") position needs side \(position == .long ? "SELL" : "BUY")")
            }
            return ([("side", position == .long ? "buy" : "sell"), ("tradeSide", closes ? "close" : "open")], position)
        }
    }
}

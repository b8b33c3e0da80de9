public import CSwiftletSDK
public import SwiftletCore

/// Conversions of the perpetual extension's structs (ext/perpetual.h).
public enum PerpetualValues {
    /// `snapshot` as a C position whose strings live in `storage`.
    public static func cPosition(_ snapshot: PositionSnapshot, storage: CStorage) -> swl_position_t {
        let p = snapshot.position
        var c = swl_position_t()
        c.struct_size = UInt32(MemoryLayout<swl_position_t>.size)
        c.side = p.side.rawValue
        c.symbol = storage.string(snapshot.symbol)
        c.margin_mode = p.marginMode.rawValue
        c.size = ABIValue.cDecimal(p.size)
        c.entry_price = ABIValue.cDecimal(p.entryPrice)
        c.mark_price = ABIValue.cDecimal(p.markPrice)
        c.unrealized_pnl = ABIValue.cDecimal(p.unrealizedPnL)
        c.realized_pnl = ABIValue.cDecimal(p.realizedPnL)
        c.margin = ABIValue.cDecimal(p.margin)
        c.leverage = ABIValue.cDecimal(p.leverage)
        c.liquidation_price = ABIValue.cDecimal(p.liquidationPrice)
        return c
    }

    /// A borrowed C position as Swift (the margin asset is not part of `swl_position_t`).
    public static func position(_ c: UnsafePointer<swl_position_t>) throws(ABIError) -> PositionSnapshot {
        try ABIValue.requireStructSize(c.pointee.struct_size, MemoryLayout<swl_position_t>.size, "swl_position_t")
        let v = c.pointee
        guard let side = PositionSide(rawValue: v.side) else { throw ABIError(SWL_ERR_INVALID_ARGUMENT, "side: unknown value \(v.side)") }
        guard let mode = MarginMode(rawValue: v.margin_mode) else {
            throw ABIError(SWL_ERR_INVALID_ARGUMENT, "margin_mode: unknown value \(v.margin_mode)")
        }
        let position = Position(
            side: side, marginMode: mode, size: try ABIValue.decimal(v.size, field: "size"),
            entryPrice: try ABIValue.decimal(v.entry_price, field: "entry_price"),
            markPrice: try ABIValue.decimal(v.mark_price, field: "mark_price"),
            unrealizedPnL: try ABIValue.decimal(v.unrealized_pnl, field: "unrealized_pnl"),
            realizedPnL: try ABIValue.decimal(v.realized_pnl, field: "realized_pnl"),
            margin: try ABIValue.decimal(v.margin, field: "margin"),
            leverage: try ABIValue.decimal(v.leverage, field: "leverage"),
            liquidationPrice: try ABIValue.decimal(v.liquidation_price, field: "liquidation_price"), marginAsset: "")
        return PositionSnapshot(symbol: try ABIValue.string(v.symbol, field: "symbol"), position: position)
    }

    /// `info` as a C funding info.
    public static func cFundingInfo(_ info: FundingInfo) -> swl_funding_info_t {
        var c = swl_funding_info_t()
        c.struct_size = UInt32(MemoryLayout<swl_funding_info_t>.size)
        c.rate = ABIValue.cDecimal(info.rate)
        c.next_funding_time = info.nextFundingTime
        c.mark_price = ABIValue.cDecimal(info.markPrice)
        c.index_price = ABIValue.cDecimal(info.indexPrice)
        return c
    }

    /// A borrowed C funding info as Swift.
    public static func fundingInfo(_ c: UnsafePointer<swl_funding_info_t>) throws(ABIError) -> FundingInfo {
        try ABIValue.requireStructSize(c.pointee.struct_size, MemoryLayout<swl_funding_info_t>.size, "swl_funding_info_t")
        let v = c.pointee
        return FundingInfo(rate: try ABIValue.decimal(v.rate, field: "rate"), nextFundingTime: v.next_funding_time,
                           markPrice: try ABIValue.decimal(v.mark_price, field: "mark_price"),
                           indexPrice: try ABIValue.decimal(v.index_price, field: "index_price"))
    }
}

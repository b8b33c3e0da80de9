/// A perpetual-futures connector (ext/perpetual.h): a trading connector that also has
/// position and margin modes, leverage, positions and funding. The kit exposes it as the
/// `swiftlet.perpetual/1` table in addition to `swiftlet.trading/1`.
///
/// Setters that talk to the exchange return once the request is queued; the outcome
/// arrives as events (an ERROR if the exchange refuses), and getters answer from the
/// connector's local view.
public protocol PerpetualConnectorPlugin: TradingConnectorPlugin {
    func positionMode() throws(PluginError) -> PositionMode
    /// Refused (`SWL_ERR_STATE`) while positions or orders are open.
    func setPositionMode(_ mode: PositionMode) throws(PluginError)
    func marginMode(symbol: String) throws(PluginError) -> MarginMode
    func setMarginMode(_ mode: MarginMode, symbol: String) throws(PluginError)
    /// `side` `.none` for both sides.
    func leverage(symbol: String, side: PositionSide) throws(PluginError) -> ExactDecimal
    func setLeverage(_ leverage: ExactDecimal, symbol: String, side: PositionSide) throws(PluginError)
    func position(symbol: String, side: PositionSide) throws(PluginError) -> PositionSnapshot
    func positions() throws(PluginError) -> [PositionSnapshot]
    func fundingInfo(symbol: String) throws(PluginError) -> FundingInfo
}

/// The kit's `swl_perpetual_t`.
enum PerpetualTrampolines {
    static var table: UnsafeRawPointer { storage.value }

    private static func call(_ raw: UnsafePointer<swl_plugin_t>?, _ record: UnsafeMutablePointer<swl_error_t>?,
                             _ body: (any PerpetualConnectorPlugin, CStorage) throws(PluginError) -> Void) -> swl_status_t {
        InstanceBox.call(raw, record, as: \.perpetual, "a perpetual connector", body)
    }

    private static func side(_ value: swl_position_side_t) throws(PluginError) -> PositionSide {
        guard let side = PositionSide(rawValue: value) else {
            throw PluginError(SWL_ERR_INVALID_ARGUMENT, "position side: unknown value \(value)")
        }
        return side
    }

    private static func required<T>(_ pointer: UnsafeMutablePointer<T>?) throws(PluginError) -> UnsafeMutablePointer<T> {
        guard let pointer else { throw PluginError(SWL_ERR_INVALID_ARGUMENT, "out is NULL") }
        return pointer
    }

    private static let storage: Unchecked<UnsafeRawPointer> = {
        let table = UnsafeMutablePointer<swl_perpetual_t>.allocate(capacity: 1)
        table.initialize(to: swl_perpetual_t())
        table.pointee.struct_size = UInt32(MemoryLayout<swl_perpetual_t>.size)
        table.pointee.get_position_mode = { raw, out, record in
            call(raw, record) { c, _ throws(PluginError) in try required(out).pointee = try c.positionMode().rawValue }
        }
        table.pointee.set_position_mode = { raw, mode, record in
            call(raw, record) { c, _ throws(PluginError) in
                guard let parsed = PositionMode(rawValue: mode) else {
                    throw PluginError(SWL_ERR_INVALID_ARGUMENT, "position mode: unknown value \(mode)")
                }
                try c.setPositionMode(parsed)
            }
        }
        table.pointee.get_margin_mode = { raw, symbol, out, record in
            call(raw, record) { c, _ throws(PluginError) in
                try required(out).pointee = try c.marginMode(symbol: try ABIValue.string(symbol, field: "symbol")).rawValue
            }
        }
        table.pointee.set_margin_mode = { raw, symbol, mode, record in
            call(raw, record) { c, _ throws(PluginError) in
                guard let parsed = MarginMode(rawValue: mode) else {
                    throw PluginError(SWL_ERR_INVALID_ARGUMENT, "margin mode: unknown value \(mode)")
                }
                try c.setMarginMode(parsed, symbol: try ABIValue.string(symbol, field: "symbol"))
            }
        }
        table.pointee.get_leverage = { raw, symbol, sideValue, out, record in
            call(raw, record) { c, _ throws(PluginError) in
                let value = try c.leverage(symbol: try ABIValue.string(symbol, field: "symbol"), side: try side(sideValue))
                try required(out).pointee = ABIValue.cDecimal(value)
            }
        }
        table.pointee.set_leverage = { raw, symbol, sideValue, leverage, record in
            call(raw, record) { c, _ throws(PluginError) in
                try c.setLeverage(try ABIValue.decimal(leverage, field: "leverage"),
                                  symbol: try ABIValue.string(symbol, field: "symbol"), side: try side(sideValue))
            }
        }
        table.pointee.get_position = { raw, symbol, sideValue, out, record in
            call(raw, record) { c, scratch throws(PluginError) in
                let position = try c.position(symbol: try ABIValue.string(symbol, field: "symbol"), side: try side(sideValue))
                try required(out).pointee = PerpetualValues.cPosition(position, storage: scratch)
            }
        }
        table.pointee.list_positions = { raw, visit, user, record in
            call(raw, record) { c, scratch throws(PluginError) in
                guard let visit else { throw PluginError(SWL_ERR_INVALID_ARGUMENT, "visitor is NULL") }
                for position in try c.positions() {
                    var item = PerpetualValues.cPosition(position, storage: scratch)
                    if visit(user, &item) != 0 { break }
                }
            }
        }
        table.pointee.get_funding_info = { raw, symbol, out, record in
            call(raw, record) { c, _ throws(PluginError) in
                let info = try c.fundingInfo(symbol: try ABIValue.string(symbol, field: "symbol"))
                try required(out).pointee = PerpetualValues.cFundingInfo(info)
            }
        }
        return Unchecked(UnsafeRawPointer(table))
    }()
}

import CSwiftletSDK
public import SwiftletABI
public import SwiftletCore

/// The host's typed handle on a perpetual connector's `swiftlet.perpetual/1` table
/// (ext/perpetual.h). Orders go through `TradingClient`.
public final class PerpetualClient: @unchecked Sendable {
    public let instance: PluginInstance
    private let table: UnsafePointer<swl_perpetual_t>

    /// Binds to `instance`'s perpetual table; fails if the plugin has none.
    public init(_ instance: PluginInstance) throws(HostError) {
        self.instance = instance
        self.table = try instance.extensionTable(SWL_EXT_PERPETUAL, as: swl_perpetual_t.self)
    }

    public func positionMode() throws(ABIError) -> PositionMode {
        var out = swl_position_mode_t(0)
        try instance.callExtension { plugin, error in table.pointee.get_position_mode(plugin, &out, error) }
        guard let mode = PositionMode(rawValue: out) else { throw ABIError(SWL_ERR_INVALID_ARGUMENT, "position mode \(out)") }
        return mode
    }

    public func setPositionMode(_ mode: PositionMode) throws(ABIError) {
        try instance.callExtension { plugin, error in table.pointee.set_position_mode(plugin, mode.rawValue, error) }
    }

    public func marginMode(symbol: String) throws(ABIError) -> MarginMode {
        var out = swl_margin_mode_t(0)
        try instance.callExtension { plugin, error in ABIValue.withCString(symbol) { table.pointee.get_margin_mode(plugin, $0, &out, error) } }
        guard let mode = MarginMode(rawValue: out) else { throw ABIError(SWL_ERR_INVALID_ARGUMENT, "margin mode \(out)") }
        return mode
    }

    public func setMarginMode(_ mode: MarginMode, symbol: String) throws(ABIError) {
        try instance.callExtension { plugin, error in ABIValue.withCString(symbol) { table.pointee.set_margin_mode(plugin, $0, mode.rawValue, error) } }
    }

    public func leverage(symbol: String, side: PositionSide = .none) throws(ABIError) -> ExactDecimal {
        var out = swl_decimal_t()
        try instance.callExtension { plugin, error in
            ABIValue.withCString(symbol) { table.pointee.get_leverage(plugin, $0, side.rawValue, &out, error) }
        }
        return try ABIValue.decimal(out, field: "leverage")
    }

    public func setLeverage(_ leverage: ExactDecimal, symbol: String, side: PositionSide = .none) throws(ABIError) {
        try instance.callExtension { plugin, error in
            ABIValue.withCString(symbol) {
                table.pointee.set_leverage(plugin, $0, side.rawValue, ABIValue.cDecimal(leverage), error)
            }
        }
    }

    public func position(symbol: String, side: PositionSide) throws(ABIError) -> PositionSnapshot {
        var out = swl_position_t()
        return try instance.callExtension({ plugin, error in
            ABIValue.withCString(symbol) { table.pointee.get_position(plugin, $0, side.rawValue, &out, error) }
        }, reading: { () throws(ABIError) in try PerpetualValues.position(&out) })
    }

    public func positions() throws(ABIError) -> [PositionSnapshot] {
        final class Box { var items: [PositionSnapshot] = []; var failure: ABIError? }
        let box = Box()
        try instance.callExtension { plugin, error in
            table.pointee.list_positions(plugin, { user, item in
                guard let user, let item else { return 1 }
                let box = Unmanaged<Box>.fromOpaque(user).takeUnretainedValue()
                do throws(ABIError) { box.items.append(try PerpetualValues.position(item)); return 0 } catch {
                    box.failure = error
                    return 1
                }
            }, Unmanaged.passUnretained(box).toOpaque(), error)
        }
        if let failure = box.failure { throw failure }
        return box.items
    }

    public func fundingInfo(symbol: String) throws(ABIError) -> FundingInfo {
        var out = swl_funding_info_t()
        try instance.callExtension { plugin, error in ABIValue.withCString(symbol) { table.pointee.get_funding_info(plugin, $0, &out, error) } }
        return try PerpetualValues.fundingInfo(&out)
    }
}

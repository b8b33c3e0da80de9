public import CSwiftletSDK
public import SwiftletCore

/// Conversions of the trading extension's structs (ext/trading.h) to and from Swift,
/// shared by the host (caller) and the plugin kit (callee).
public enum TradingValues {
    // MARK: instrument

    /// `instrument` as a C struct whose strings live in `storage`.
    public static func cInstrument(_ instrument: Instrument, storage: CStorage) -> swl_instrument_t {
        var c = swl_instrument_t()
        c.struct_size = UInt32(MemoryLayout<swl_instrument_t>.size)
        c.is_perpetual = instrument.isPerpetual ? 1 : 0
        c.symbol = storage.string(instrument.symbol)
        c.base_asset = storage.string(instrument.baseAsset)
        c.quote_asset = storage.string(instrument.quoteAsset)
        c.price_increment = ABIValue.cDecimal(instrument.priceIncrement)
        c.size_increment = ABIValue.cDecimal(instrument.sizeIncrement)
        c.min_size = ABIValue.cDecimal(instrument.minSize)
        c.min_notional = ABIValue.cDecimal(instrument.minNotional)
        c.maker_fee_rate = ABIValue.cDecimal(instrument.makerFeeRate)
        c.taker_fee_rate = ABIValue.cDecimal(instrument.takerFeeRate)
        c.contract_size = ABIValue.cDecimal(instrument.contractSize)
        return c
    }

    /// A borrowed C instrument as Swift.
    public static func instrument(_ c: UnsafePointer<swl_instrument_t>) throws(ABIError) -> Instrument {
        try ABIValue.requireStructSize(c.pointee.struct_size, MemoryLayout<swl_instrument_t>.size, "swl_instrument_t")
        let v = c.pointee
        return Instrument(
            symbol: try ABIValue.string(v.symbol, field: "symbol"),
            baseAsset: try ABIValue.string(v.base_asset, field: "base_asset"),
            quoteAsset: try ABIValue.string(v.quote_asset, field: "quote_asset"),
            isPerpetual: v.is_perpetual != 0,
            priceIncrement: try ABIValue.decimal(v.price_increment, field: "price_increment"),
            sizeIncrement: try ABIValue.decimal(v.size_increment, field: "size_increment"),
            minSize: try ABIValue.decimal(v.min_size, field: "min_size"),
            minNotional: try ABIValue.decimal(v.min_notional, field: "min_notional"),
            makerFeeRate: try ABIValue.decimal(v.maker_fee_rate, field: "maker_fee_rate"),
            takerFeeRate: try ABIValue.decimal(v.taker_fee_rate, field: "taker_fee_rate"),
            contractSize: try ABIValue.decimal(v.contract_size, field: "contract_size"))
    }

    // MARK: order request

    /// `request` as a C struct whose strings live in `storage`.
    public static func cOrderRequest(_ request: OrderRequest, storage: CStorage) -> swl_order_request_t {
        cOrderRequest(request, symbol: storage.string(request.symbol), clientOrderID: storage.string(request.clientOrderID))
    }

    private static func cOrderRequest(_ request: OrderRequest, symbol: swl_str_t, clientOrderID: swl_str_t) -> swl_order_request_t {
        var c = swl_order_request_t()
        c.struct_size = UInt32(MemoryLayout<swl_order_request_t>.size)
        c.side = request.side.rawValue
        c.symbol = symbol
        c.client_order_id = clientOrderID
        c.type = request.type.rawValue
        c.time_in_force = request.timeInForce.rawValue
        c.price = ABIValue.cDecimal(request.price)
        c.size = ABIValue.cDecimal(request.size)
        c.quote_size = ABIValue.cDecimal(request.quoteSize)
        c.position_side = request.positionSide.rawValue
        c.reduce_only = request.reduceOnly ? 1 : 0
        return c
    }

    /// Calls `body` with `request` as a C order request whose strings point into the
    /// request's own strings: valid only inside `body`, and nothing allocated (one order
    /// crosses to its connector this way on the order path).
    public static func withCOrderRequest<R, E: Error>(
        _ request: OrderRequest, _ body: (UnsafeMutablePointer<swl_order_request_t>) throws(E) -> R
    ) throws(E) -> R {
        try ABIValue.withCStrings(request.symbol, request.clientOrderID) { symbol, clientOrderID throws(E) in
            var c = cOrderRequest(request, symbol: symbol, clientOrderID: clientOrderID)
            return try body(&c)
        }
    }

    /// A borrowed C order request as Swift; refuses unknown enum values.
    public static func orderRequest(_ c: UnsafePointer<swl_order_request_t>) throws(ABIError) -> OrderRequest {
        try ABIValue.requireStructSize(c.pointee.struct_size, MemoryLayout<swl_order_request_t>.size, "swl_order_request_t")
        let v = c.pointee
        guard let side = Side(rawValue: v.side) else { throw invalid("side", v.side) }
        guard let type = OrderType(rawValue: v.type) else { throw invalid("type", v.type) }
        let timeInForce: TimeInForce
        if type == .market {
            timeInForce = TimeInForce(rawValue: v.time_in_force) ?? .ioc
        } else {
            guard let tif = TimeInForce(rawValue: v.time_in_force) else { throw invalid("time_in_force", v.time_in_force) }
            timeInForce = tif
        }
        guard let positionSide = PositionSide(rawValue: v.position_side) else {
            throw invalid("position_side", v.position_side)
        }
        return OrderRequest(
            side: side, symbol: try ABIValue.string(v.symbol, field: "symbol"),
            clientOrderID: try ABIValue.string(v.client_order_id, field: "client_order_id"),
            type: type, timeInForce: timeInForce,
            price: try ABIValue.decimal(v.price, field: "price"),
            size: try ABIValue.decimal(v.size, field: "size"),
            quoteSize: try ABIValue.decimal(v.quote_size, field: "quote_size"),
            positionSide: positionSide, reduceOnly: v.reduce_only != 0)
    }

    // MARK: order

    /// `order` as a C struct whose strings live in `storage`.
    public static func cOrder(_ order: OrderSnapshot, storage: CStorage) -> swl_order_t {
        var c = swl_order_t()
        c.struct_size = UInt32(MemoryLayout<swl_order_t>.size)
        c.state = order.state.rawValue
        c.symbol = storage.string(order.symbol)
        c.client_order_id = storage.string(order.clientOrderID)
        c.exchange_order_id = storage.string(order.exchangeOrderID)
        c.side = order.side.rawValue
        c.type = order.type.rawValue
        c.price = ABIValue.cDecimal(order.price)
        c.size = ABIValue.cDecimal(order.size)
        c.filled_size = ABIValue.cDecimal(order.filledSize)
        c.average_fill_price = ABIValue.cDecimal(order.averageFillPrice)
        c.position_side = order.positionSide.rawValue
        c.created_time = order.createdTime
        c.updated_time = order.updatedTime
        return c
    }

    /// A borrowed C order as Swift.
    public static func order(_ c: UnsafePointer<swl_order_t>) throws(ABIError) -> OrderSnapshot {
        try ABIValue.requireStructSize(c.pointee.struct_size, MemoryLayout<swl_order_t>.size, "swl_order_t")
        let v = c.pointee
        guard let state = OrderState(rawValue: v.state) else { throw invalid("state", v.state) }
        guard let side = Side(rawValue: v.side) else { throw invalid("side", v.side) }
        guard let type = OrderType(rawValue: v.type) else { throw invalid("type", v.type) }
        return OrderSnapshot(
            state: state, symbol: try ABIValue.string(v.symbol, field: "symbol"),
            clientOrderID: try ABIValue.string(v.client_order_id, field: "client_order_id"),
            exchangeOrderID: try ABIValue.string(v.exchange_order_id, field: "exchange_order_id"),
            side: side, type: type,
            price: try ABIValue.decimal(v.price, field: "price"),
            size: try ABIValue.decimal(v.size, field: "size"),
            filledSize: try ABIValue.decimal(v.filled_size, field: "filled_size"),
            averageFillPrice: try ABIValue.decimal(v.average_fill_price, field: "average_fill_price"),
            positionSide: PositionSide(rawValue: v.position_side) ?? .none,
            createdTime: v.created_time, updatedTime: v.updated_time)
    }

    // MARK: balance

    /// `balance` as a C struct whose strings live in `storage`.
    public static func cBalance(_ balance: Balance, storage: CStorage) -> swl_balance_t {
        var c = swl_balance_t()
        c.struct_size = UInt32(MemoryLayout<swl_balance_t>.size)
        c.asset = storage.string(balance.asset)
        c.total = ABIValue.cDecimal(balance.total)
        c.available = ABIValue.cDecimal(balance.available)
        c.locked = ABIValue.cDecimal(balance.locked)
        return c
    }

    /// A borrowed C balance as Swift.
    public static func balance(_ c: UnsafePointer<swl_balance_t>) throws(ABIError) -> Balance {
        try ABIValue.requireStructSize(c.pointee.struct_size, MemoryLayout<swl_balance_t>.size, "swl_balance_t")
        let v = c.pointee
        return Balance(asset: try ABIValue.string(v.asset, field: "asset"),
                       total: try ABIValue.decimal(v.total, field: "total"),
                       available: try ABIValue.decimal(v.available, field: "available"),
                       locked: try ABIValue.decimal(v.locked, field: "locked"))
    }

    private static func invalid(_ field: String, _ value: Int32) -> ABIError {
        ABIError(SWL_ERR_INVALID_ARGUMENT, "\(field): unknown value \(value)")
    }
}

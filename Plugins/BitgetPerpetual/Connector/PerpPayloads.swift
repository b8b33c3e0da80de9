import BitgetCommon
import Foundation
public import SwiftletCore

/// Bitget v2 futures (`/api/v2/mix`) payloads and their translation to Swiftlet values.
public enum PerpPayloads {
    // MARK: contracts

    /// `GET /api/v2/mix/market/contracts` element.
    public struct Contract: Decodable, Sendable {
        public let symbol: String
        public let baseCoin: String
        public let quoteCoin: String
        public let makerFeeRate: String?
        public let takerFeeRate: String?
        public let minTradeNum: String?
        public let priceEndStep: String?
        public let volumePlace: FlexibleString
        public let pricePlace: FlexibleString
        public let sizeMultiplier: String?
        public let minTradeUSDT: String?
        public let minLever: FlexibleString?
        public let maxLever: FlexibleString?
        public let supportMarginCoins: [String]?
        public let symbolStatus: String?
    }

    /// Trading rules: tick = priceEndStep × 10^-pricePlace; lot = sizeMultiplier (or
    /// 10^-volumePlace); sizes are in the base coin, so the contract size is 1.
    public static func instrument(_ c: Contract) throws(PayloadError) -> Instrument {
        guard let pricePlace = Int32(c.pricePlace.text), (0...18).contains(pricePlace) else {
            throw PayloadError("pricePlace is not 0...18: \"\(c.pricePlace.text)\"")
        }
        guard let volumePlace = Int32(c.volumePlace.text), (0...18).contains(volumePlace) else {
            throw PayloadError("volumePlace is not 0...18: \"\(c.volumePlace.text)\"")
        }
        let endStep = Int64(c.priceEndStep ?? "1") ?? 1
        let tick = ExactDecimal(uncheckedMantissa: max(1, endStep), scale: pricePlace)
        let lot = try Field.decimalOrZero(c.sizeMultiplier, "sizeMultiplier")
        return Instrument(symbol: c.symbol, baseAsset: c.baseCoin, quoteAsset: c.quoteCoin, isPerpetual: true,
                          priceIncrement: tick,
                          sizeIncrement: lot.isZero ? ExactDecimal(uncheckedMantissa: 1, scale: volumePlace) : lot,
                          minSize: try Field.decimalOrZero(c.minTradeNum, "minTradeNum"),
                          minNotional: try Field.decimalOrZero(c.minTradeUSDT, "minTradeUSDT"),
                          makerFeeRate: try Field.decimalOrZero(c.makerFeeRate, "makerFeeRate"),
                          takerFeeRate: try Field.decimalOrZero(c.takerFeeRate, "takerFeeRate"))
    }

    /// Leverage limits of a contract.
    public static func leverageRange(_ c: Contract) -> ClosedRange<Int64> {
        let low = Int64(c.minLever?.text ?? "1") ?? 1
        let high = Int64(c.maxLever?.text ?? "125") ?? 125
        return low...max(low, high)
    }

    // MARK: orders

    /// Order detail / pending / history element.
    public struct Order: Decodable, Sendable {
        public let symbol: String
        public let size: String
        public let orderId: String
        public let clientOid: String?
        public let baseVolume: String?
        public let price: String?
        public let priceAvg: String?
        public let status: String
        public let side: String
        public let posSide: String?
        public let orderType: String
        public let tradeSide: String?
        public let reduceOnly: String?
        public let cancelReason: String?
        public let cTime: FlexibleString?
        public let uTime: FlexibleString?
    }

    /// `orders-pending` / `orders-history` page: `entrustedList` is null when empty.
    public struct OrderPage: Decodable, Sendable {
        public let entrustedList: [Order]?
        public let endId: String?
    }

    /// WebSocket futures `orders` element. Bitget spells the client id `clientOid`; some
    /// documentation examples show `clientOId`, so both are read.
    public struct OrderPush: Decodable, Sendable {
        public let instId: String
        public let orderId: String
        public let clientOid: String?
        public let price: String?
        public let size: String
        public let orderType: String
        public let side: String
        public let posSide: String?
        public let tradeSide: String?
        public let status: String
        public let priceAvg: String?
        public let accBaseVolume: String?
        public let tradeId: String?
        public let fillPrice: String?
        public let baseVolume: String?
        public let fillFee: String?
        public let fillFeeCoin: String?
        public let tradeScope: String?
        public let fillTime: FlexibleString?
        public let cTime: FlexibleString?
        public let uTime: FlexibleString?

        enum CodingKeys: String, CodingKey {
            case instId, orderId, clientOid, clientOId, price, size, orderType, side, posSide, tradeSide, status, priceAvg,
                 accBaseVolume, tradeId, fillPrice, baseVolume, fillFee, fillFeeCoin, tradeScope, fillTime, cTime, uTime
        }

        public init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            instId = try c.decode(String.self, forKey: .instId)
            orderId = try c.decode(String.self, forKey: .orderId)
            clientOid = try c.decodeIfPresent(String.self, forKey: .clientOid) ?? c.decodeIfPresent(String.self, forKey: .clientOId)
            price = try c.decodeIfPresent(String.self, forKey: .price)
            size = try c.decode(String.self, forKey: .size)
            orderType = try c.decode(String.self, forKey: .orderType)
            side = try c.decode(String.self, forKey: .side)
            posSide = try c.decodeIfPresent(String.self, forKey: .posSide)
            tradeSide = try c.decodeIfPresent(String.self, forKey: .tradeSide)
            status = try c.decode(String.self, forKey: .status)
            priceAvg = try c.decodeIfPresent(String.self, forKey: .priceAvg)
            accBaseVolume = try c.decodeIfPresent(String.self, forKey: .accBaseVolume)
            tradeId = try c.decodeIfPresent(String.self, forKey: .tradeId)
            fillPrice = try c.decodeIfPresent(String.self, forKey: .fillPrice)
            baseVolume = try c.decodeIfPresent(String.self, forKey: .baseVolume)
            fillFee = try c.decodeIfPresent(String.self, forKey: .fillFee)
            fillFeeCoin = try c.decodeIfPresent(String.self, forKey: .fillFeeCoin)
            tradeScope = try c.decodeIfPresent(String.self, forKey: .tradeScope)
            fillTime = try c.decodeIfPresent(FlexibleString.self, forKey: .fillTime)
            cTime = try c.decodeIfPresent(FlexibleString.self, forKey: .cTime)
            uTime = try c.decodeIfPresent(FlexibleString.self, forKey: .uTime)
        }
    }

    /// The position an order acts on: hedge orders name it (`posSide`); one-way orders
    /// (`posSide` "net") act on the net position, reported as NONE.
    static func positionSide(_ posSide: String?) -> PositionSide {
        switch posSide {
        case "long": .long
        case "short": .short
        default: .none
        }
    }

    /// The ABI side of an order: Bitget's hedge-mode `side` names the position direction,
    /// so a close (`tradeSide` close) trades the other way (close long = "buy" + close = a sell).
    static func tradeDirection(side: String, tradeSide: String?) throws(PayloadError) -> Side {
        let side = try MarketPayloads.side(side)
        guard tradeSide == "close" else { return side }
        return side == .buy ? .sell : .buy
    }

    public static func report(_ o: Order) throws(PayloadError) -> ExchangeOrderReport {
        let type = try MarketPayloads.orderType(o.orderType)
        return ExchangeOrderReport(
            symbol: o.symbol.uppercased(), clientOrderID: o.clientOid ?? "", exchangeOrderID: try Field.text(o.orderId, "orderId"),
            side: try tradeDirection(side: o.side, tradeSide: o.tradeSide), type: type,
            price: type == .market ? .zero : try Field.decimalOrZero(o.price, "price"),
            baseSize: try Field.decimal(o.size, "size"), filledSize: try Field.decimalOrZero(o.baseVolume, "baseVolume"),
            averagePrice: try Field.decimalOrZero(o.priceAvg, "priceAvg"), state: try MarketPayloads.state(o.status),
            positionSide: positionSide(o.posSide), createdTime: try Field.milliseconds(o.cTime?.text, "cTime"),
            updatedTime: try Field.milliseconds(o.uTime?.text, "uTime"), reason: o.cancelReason ?? "")
    }

    public static func report(_ o: OrderPush) throws(PayloadError) -> ExchangeOrderReport {
        let type = try MarketPayloads.orderType(o.orderType)
        return ExchangeOrderReport(
            symbol: o.instId, clientOrderID: o.clientOid ?? "", exchangeOrderID: try Field.text(o.orderId, "orderId"),
            side: try tradeDirection(side: o.side, tradeSide: o.tradeSide), type: type,
            price: type == .market ? .zero : try Field.decimalOrZero(o.price, "price"),
            baseSize: try Field.decimal(o.size, "size"), filledSize: try Field.decimalOrZero(o.accBaseVolume, "accBaseVolume"),
            averagePrice: try Field.decimalOrZero(o.priceAvg, "priceAvg"), state: try MarketPayloads.state(o.status),
            positionSide: positionSide(o.posSide), createdTime: try Field.milliseconds(o.cTime?.text, "cTime"),
            updatedTime: try Field.milliseconds(o.uTime?.text, "uTime"))
    }

    /// The trade inside an `orders` push, if any; the fee paid comes out positive.
    public static func fill(_ o: OrderPush, clientOrderID: String) throws(PayloadError) -> Fill? {
        guard let tradeId = o.tradeId, !tradeId.isEmpty else { return nil }
        return Fill(tradeID: tradeId, clientOrderID: clientOrderID, exchangeOrderID: o.orderId,
                    side: try tradeDirection(side: o.side, tradeSide: o.tradeSide), isMaker: MarketPayloads.isMaker(o.tradeScope),
                    price: try Field.decimal(o.fillPrice, "fillPrice"), size: try Field.decimal(o.baseVolume, "baseVolume"),
                    fee: try Field.decimalOrZero(o.fillFee, "fillFee").negated, feeAsset: o.fillFeeCoin ?? "",
                    positionSide: positionSide(o.posSide))
    }

    // MARK: fills

    /// `GET /api/v2/mix/order/fills` element (inside `fillList`) and WebSocket `fill` element.
    public struct FillRecord: Decodable, Sendable {
        public let tradeId: String
        public let symbol: String
        public let orderId: String
        public let price: String
        public let baseVolume: String
        public let feeDetail: [MarketPayloads.FeeDetail]?
        public let side: String
        public let tradeSide: String?
        public let tradeScope: String?
        public let cTime: FlexibleString?
    }

    /// `fills` page.
    public struct FillPage: Decodable, Sendable {
        public let fillList: [FillRecord]?
    }

    /// A futures fill; `tradeSide` open/close with Bitget's hedge `side` convention, or
    /// one-way's `buy_single`/`sell_single`, both normalized to the trade direction.
    public static func fill(_ f: FillRecord, clientOrderID: String) throws(PayloadError) -> Fill {
        let (fee, asset) = try MarketPayloads.feePaid(f.feeDetail ?? [])
        let hedgeClose = f.tradeSide == "close"
        return Fill(tradeID: try Field.text(f.tradeId, "tradeId"), clientOrderID: clientOrderID,
                    exchangeOrderID: try Field.text(f.orderId, "orderId"),
                    side: try tradeDirection(side: f.side, tradeSide: hedgeClose ? "close" : nil),
                    isMaker: MarketPayloads.isMaker(f.tradeScope), price: try Field.decimal(f.price, "price"),
                    size: try Field.decimal(f.baseVolume, "baseVolume"), fee: fee, feeAsset: asset)
    }

    // MARK: positions and account

    /// `all-position` / `single-position` element and WebSocket `positions` element.
    public struct PositionRecord: Decodable, Sendable {
        public let marginCoin: String?
        public let symbol: String?
        public let instId: String?
        public let holdSide: String
        public let total: String
        public let leverage: FlexibleString?
        public let achievedProfits: String?
        public let openPriceAvg: String?
        public let marginMode: String?
        public let unrealizedPL: String?
        public let liquidationPrice: String?
        public let markPrice: String?
        public let marginSize: String?
    }

    public static func position(_ p: PositionRecord) throws(PayloadError) -> PositionSnapshot {
        guard let symbol = p.symbol ?? p.instId else { throw PayloadError("position has no symbol") }
        let side: PositionSide
        switch p.holdSide {
        case "long": side = .long
        case "short": side = .short
        default: throw PayloadError("unknown holdSide \"\(p.holdSide)\"")
        }
        let liquidation = try Field.estimate(p.liquidationPrice, "liquidationPrice")
        return PositionSnapshot(symbol: symbol.uppercased(), position: Position(
            side: side, marginMode: try marginMode(p.marginMode ?? "crossed"), size: try Field.decimal(p.total, "total"),
            entryPrice: try Field.decimalOrZero(p.openPriceAvg, "openPriceAvg"),
            markPrice: try Field.decimalOrZero(p.markPrice, "markPrice"),
            unrealizedPnL: try Field.decimalOrZero(p.unrealizedPL, "unrealizedPL"),
            realizedPnL: try Field.decimalOrZero(p.achievedProfits, "achievedProfits"),
            margin: try Field.estimate(p.marginSize, "marginSize"),
            leverage: try Field.decimalOrZero(p.leverage?.text, "leverage"),
            liquidationPrice: liquidation.isNegative ? .zero : liquidation, marginAsset: p.marginCoin ?? ""))
    }

    static func marginMode(_ text: String) throws(PayloadError) -> MarginMode {
        switch text {
        case "crossed", "cross": .crossed
        case "isolated", "fixed": .isolated
        default: throw PayloadError("unknown marginMode \"\(text)\"")
        }
    }

    /// A futures account: a `GET /api/v2/mix/account/accounts` element (`locked`,
    /// `accountEquity`) or the `account` channel's push, which names the same amounts `frozen`
    /// and `equity`.
    public struct Account: Decodable, Sendable {
        public let marginCoin: String
        public let locked: String?
        public let frozen: String?
        public let available: String
        public let accountEquity: String?
        public let equity: String?
        public let posMode: String?
        public let marginMode: String?
        public let crossedMarginLeverage: FlexibleString?
    }

    /// The margin balance: total = equity, available, locked.
    public static func balance(_ a: Account) throws(PayloadError) -> Balance {
        let available = try Field.decimal(a.available, "available")
        let locked = try Field.decimalOrZero(a.locked ?? a.frozen, a.locked == nil ? "frozen" : "locked")
        let equity = try Field.decimalOrZero(a.accountEquity ?? a.equity, a.accountEquity == nil ? "equity" : "accountEquity")
        return Balance(asset: a.marginCoin.uppercased(), total: equity.isZero ? available : equity, available: available, locked: locked)
    }

    public static func positionMode(_ text: String?) throws(PayloadError) -> PositionMode {
        switch text {
        case "one_way_mode": .oneWay
        case "hedge_mode": .hedge
        default: throw PayloadError("unknown posMode \"\(text ?? "")\"")
        }
    }

    // MARK: funding

    /// `GET /api/v2/mix/market/current-fund-rate`. Bitget's answer since 2025 also has the
    /// next settlement (`nextUpdate`, ms); the older one had only symbol and rate.
    public struct FundingRate: Decodable, Sendable {
        public let symbol: String
        public let fundingRate: String
        public let nextUpdate: FlexibleString?
    }

    /// `GET /api/v2/mix/account/bill` page.
    public struct BillPage: Decodable, Sendable {
        public struct Bill: Decodable, Sendable {
            public let billId: String
            public let symbol: String?
            public let amount: String
            public let businessType: String
            public let coin: String?
            public let cTime: FlexibleString?
        }
        public let bills: [Bill]?
    }

    /// Bitget's business type of a funding settlement in account bills.
    public static let fundingBusinessType = "contract_settle_fee"
}

import BitgetCommon
import Foundation
public import SwiftletCore

/// Bitget v2 spot payloads (REST `data` elements and WebSocket `data` elements) and their
/// translation to Swiftlet's normalized values. Field names are Bitget's; every price,
/// size and fee is read as an exact decimal from its string.
public enum SpotPayloads {
    // MARK: symbols

    /// `GET /api/v2/spot/public/symbols` element.
    public struct Symbol: Decodable, Sendable {
        public let symbol: String
        public let baseCoin: String
        public let quoteCoin: String
        public let minTradeAmount: String?
        public let takerFeeRate: String?
        public let makerFeeRate: String?
        public let pricePrecision: FlexibleString
        public let quantityPrecision: FlexibleString
        public let quotePrecision: FlexibleString?
        public let minTradeUSDT: String?
        public let status: String?
    }

    /// Trading rules: ticks from the precisions (10^-precision), minimums from the amounts.
    public static func instrument(_ s: Symbol) throws(PayloadError) -> Instrument {
        Instrument(symbol: try Field.text(s.symbol, "symbol"), baseAsset: s.baseCoin, quoteAsset: s.quoteCoin,
                   priceIncrement: try step(s.pricePrecision.text, "pricePrecision"),
                   sizeIncrement: try step(s.quantityPrecision.text, "quantityPrecision"),
                   minSize: try Field.decimalOrZero(s.minTradeAmount, "minTradeAmount"),
                   minNotional: try Field.decimalOrZero(s.minTradeUSDT, "minTradeUSDT"),
                   makerFeeRate: try Field.decimalOrZero(s.makerFeeRate, "makerFeeRate"),
                   takerFeeRate: try Field.decimalOrZero(s.takerFeeRate, "takerFeeRate"))
    }

    /// Decimal places of the quote amount of a market buy.
    public static func quoteScale(_ s: Symbol) -> Int32 {
        Int32(s.quotePrecision?.text ?? "") ?? Int32(s.pricePrecision.text) ?? 8
    }

    static func step(_ precision: String, _ name: String) throws(PayloadError) -> ExactDecimal {
        guard let places = Int32(precision), (0...ExactDecimal.maxScale).contains(places) else {
            throw PayloadError("\(name) is not a precision 0...18: \"\(precision)\"")
        }
        return ExactDecimal(uncheckedMantissa: 1, scale: places)
    }

    // MARK: orders

    /// Order detail / open orders / history orders element (REST).
    public struct OrderInfo: Decodable, Sendable {
        public let symbol: String
        public let orderId: String
        public let clientOid: String?
        public let price: String?
        public let size: String
        public let orderType: String
        public let side: String
        public let status: String
        public let priceAvg: String?
        public let baseVolume: String?
        public let quoteVolume: String?
        /// A JSON object *encoded as a string* (Bitget's quirk on order detail).
        public let feeDetail: String?
        public let cancelReason: String?
        public let cTime: FlexibleString?
        public let uTime: FlexibleString?
    }

    /// WebSocket `orders` element: the order plus, when the push was caused by a trade,
    /// that trade (`tradeId`, `fillPrice`, `baseVolume`, `fillFee`, ...).
    public struct OrderPush: Decodable, Sendable {
        public let instId: String
        public let orderId: String
        public let clientOid: String?
        public let price: String?
        public let size: String
        public let newSize: String?
        public let orderType: String
        public let side: String
        public let status: String
        public let priceAvg: String?
        public let accBaseVolume: String?
        public let tradeId: String?
        public let fillPrice: String?
        public let baseVolume: String?
        public let fillFee: String?
        public let fillFeeCoin: String?
        public let tradeScope: String?
        public let cTime: FlexibleString?
        public let uTime: FlexibleString?
        public let fillTime: FlexibleString?
    }

    /// A REST order as a report. A market buy's `size` is quote coin, so no base size.
    public static func report(_ o: OrderInfo) throws(PayloadError) -> ExchangeOrderReport {
        let side = try MarketPayloads.side(o.side)
        let type = try MarketPayloads.orderType(o.orderType)
        let size = try Field.decimal(o.size, "size")
        return ExchangeOrderReport(
            symbol: o.symbol, clientOrderID: o.clientOid ?? "", exchangeOrderID: try Field.text(o.orderId, "orderId"),
            side: side, type: type, price: type == .market ? .zero : try Field.decimalOrZero(o.price, "price"),
            baseSize: type == .market && side == .buy ? nil : size,
            filledSize: try Field.decimalOrZero(o.baseVolume, "baseVolume"),
            averagePrice: try Field.decimalOrZero(o.priceAvg, "priceAvg"), state: try MarketPayloads.state(o.status),
            createdTime: try Field.milliseconds(o.cTime?.text, "cTime"),
            updatedTime: try Field.milliseconds(o.uTime?.text, "uTime"), reason: o.cancelReason ?? "")
    }

    /// A pushed order as a report.
    public static func report(_ o: OrderPush) throws(PayloadError) -> ExchangeOrderReport {
        let side = try MarketPayloads.side(o.side)
        let type = try MarketPayloads.orderType(o.orderType)
        let size = try Field.decimal(o.newSize?.isEmpty == false ? o.newSize : o.size, "size")
        return ExchangeOrderReport(
            symbol: o.instId, clientOrderID: o.clientOid ?? "", exchangeOrderID: try Field.text(o.orderId, "orderId"),
            side: side, type: type, price: type == .market ? .zero : try Field.decimalOrZero(o.price, "price"),
            baseSize: type == .market && side == .buy ? nil : size,
            filledSize: try Field.decimalOrZero(o.accBaseVolume, "accBaseVolume"),
            averagePrice: try Field.decimalOrZero(o.priceAvg, "priceAvg"), state: try MarketPayloads.state(o.status),
            createdTime: try Field.milliseconds(o.cTime?.text, "cTime"),
            updatedTime: try Field.milliseconds(o.uTime?.text, "uTime"))
    }

    /// The trade inside an `orders` push, if the push carries one.
    public static func fill(_ o: OrderPush, clientOrderID: String) throws(PayloadError) -> Fill? {
        guard let tradeId = o.tradeId, !tradeId.isEmpty else { return nil }
        // Bitget reports the fee paid as a negative number; Swiftlet's fee paid is positive.
        let fee = try Field.decimalOrZero(o.fillFee, "fillFee").negated
        return Fill(tradeID: tradeId, clientOrderID: clientOrderID, exchangeOrderID: o.orderId, side: try MarketPayloads.side(o.side),
                    isMaker: MarketPayloads.isMaker(o.tradeScope), price: try Field.decimal(o.fillPrice, "fillPrice"),
                    size: try Field.decimal(o.baseVolume, "baseVolume"), fee: fee, feeAsset: o.fillFeeCoin ?? "")
    }

    /// Fees of an order detail's `feeDetail` string, per coin, as fees PAID (positive).
    /// The string holds a JSON object keyed by coin (`{"BTC":{"totalFee":-0.0041,...}}`) plus a
    /// `newFees` summary, which is skipped; numbers may be JSON numbers, read exactly.
    public static func fees(ofDetail text: String?) throws(PayloadError) -> [String: ExactDecimal] {
        guard let text, !text.isEmpty else { return [:] }
        struct CoinFee: Decodable { let totalFee: FlexibleString? }
        struct Detail: Decodable {
            var coins: [String: CoinFee] = [:]
            struct Key: CodingKey {
                var stringValue: String
                var intValue: Int? { nil }
                init(stringValue: String) { self.stringValue = stringValue }
                init?(intValue: Int) { nil }
            }
            init(from decoder: any Decoder) throws {
                let container = try decoder.container(keyedBy: Key.self)
                for key in container.allKeys where key.stringValue != "newFees" {
                    coins[key.stringValue] = try container.decode(CoinFee.self, forKey: key)
                }
            }
        }
        let detail = try decodePayload(Detail.self, from: Data(text.utf8), what: "feeDetail")
        var fees: [String: ExactDecimal] = [:]
        for (coin, fee) in detail.coins {
            fees[coin] = try Field.decimalOrZero(fee.totalFee?.text, "feeDetail.\(coin).totalFee").negated
        }
        return fees
    }

    // MARK: fills

    /// `GET /api/v2/spot/trade/fills` element and WebSocket `fill` element.
    public struct FillRecord: Decodable, Sendable {
        public let symbol: String
        public let orderId: String
        public let tradeId: String
        public let side: String
        public let priceAvg: String
        public let size: String
        public let tradeScope: String?
        public let feeDetail: [MarketPayloads.FeeDetail]
        public let cTime: FlexibleString?

        enum CodingKeys: String, CodingKey {
            case symbol, orderId, tradeId, side, priceAvg, size, tradeScope, feeDetail, cTime
        }

        public init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            symbol = try c.decode(String.self, forKey: .symbol)
            orderId = try c.decode(String.self, forKey: .orderId)
            tradeId = try c.decode(String.self, forKey: .tradeId)
            side = try c.decode(String.self, forKey: .side)
            priceAvg = try c.decode(String.self, forKey: .priceAvg)
            size = try c.decode(String.self, forKey: .size)
            tradeScope = try c.decodeIfPresent(String.self, forKey: .tradeScope)
            cTime = try c.decodeIfPresent(FlexibleString.self, forKey: .cTime)
            if let list = try? c.decode([MarketPayloads.FeeDetail].self, forKey: .feeDetail) {
                feeDetail = list
            } else {
                feeDetail = [try c.decode(MarketPayloads.FeeDetail.self, forKey: .feeDetail)]
            }
        }
    }

    /// A fill as a normalized fill, its fee paid positive: a REST fill reports it negative
    /// (flipped here), a `fill` push positive (`pushed`, kept).
    public static func fill(_ f: FillRecord, clientOrderID: String, pushed: Bool = false) throws(PayloadError) -> Fill {
        let (fee, asset) = try MarketPayloads.feePaid(f.feeDetail, sign: pushed ? .paidPositive : .paidNegative)
        return Fill(tradeID: try Field.text(f.tradeId, "tradeId"), clientOrderID: clientOrderID,
                    exchangeOrderID: try Field.text(f.orderId, "orderId"), side: try MarketPayloads.side(f.side),
                    isMaker: MarketPayloads.isMaker(f.tradeScope), price: try Field.decimal(f.priceAvg, "priceAvg"),
                    size: try Field.decimal(f.size, "size"), fee: fee, feeAsset: asset)
    }

    // MARK: balances

    /// `GET /api/v2/spot/account/assets` element and WebSocket `account` element.
    public struct Asset: Decodable, Sendable {
        public let coin: String
        public let available: String
        public let frozen: String?
        public let locked: String?
    }

    /// A balance: locked = frozen (in orders) + locked (otherwise unavailable).
    public static func balance(_ a: Asset) throws(PayloadError) -> Balance {
        let available = try Field.decimal(a.available, "available")
        let frozen = try Field.decimalOrZero(a.frozen, "frozen")
        let locked = try Field.decimalOrZero(a.locked, "locked")
        do {
            let held = try frozen + locked
            return Balance(asset: a.coin.uppercased(), total: try available + held, available: available, locked: held)
        } catch {
            throw PayloadError("balance of \(a.coin) overflows")
        }
    }
}

import Foundation
public import SwiftletCore

/// Public WebSocket payloads that spot and futures share (field names are Bitget's).
public enum MarketPayloads {
    /// `arg` of a WebSocket push (`coin` instead of `instId` on the spot account channel).
    public struct PushArg: Decodable, Sendable {
        public let instType: String?
        public let channel: String
        public let instId: String?
    }

    /// A WebSocket push: `arg` and the `data` array of one channel's elements.
    public struct Push<Element: Decodable>: Decodable {
        public let action: String?
        public let arg: PushArg
        public let data: [Element]
        public let ts: FlexibleString?
    }

    /// WebSocket `trade` element.
    public struct TradePush: Decodable, Sendable {
        public let ts: FlexibleString?
        public let price: String
        public let size: String
        public let side: String
        public let tradeId: String
    }

    public static func trade(_ t: TradePush) throws(PayloadError) -> Trade {
        Trade(tradeID: t.tradeId, takerSide: try side(t.side), price: try Field.decimal(t.price, "price"),
              size: try Field.decimal(t.size, "size"))
    }

    /// WebSocket `ticker` element (futures tickers also carry mark/index price and funding).
    public struct TickerPush: Decodable, Sendable {
        public let lastPr: String
        public let bidPr: String?
        public let askPr: String?
        public let bidSz: String?
        public let askSz: String?
        public let baseVolume: String?
        public let quoteVolume: String?
        public let ts: FlexibleString?
        public let markPrice: String?
        public let indexPrice: String?
        public let fundingRate: String?
        public let nextFundingTime: FlexibleString?
    }

    public static func ticker(_ t: TickerPush) throws(PayloadError) -> Ticker {
        Ticker(lastPrice: try Field.decimal(t.lastPr, "lastPr"), bestBid: try Field.decimalOrZero(t.bidPr, "bidPr"),
               bestBidSize: try Field.decimalOrZero(t.bidSz, "bidSz"), bestAsk: try Field.decimalOrZero(t.askPr, "askPr"),
               bestAskSize: try Field.decimalOrZero(t.askSz, "askSz"),
               baseVolume24h: try Field.decimalOrZero(t.baseVolume, "baseVolume"),
               quoteVolume24h: try Field.decimalOrZero(t.quoteVolume, "quoteVolume"))
    }

    /// `buy`/`sell`.
    public static func side(_ text: String) throws(PayloadError) -> Side {
        switch text {
        case "buy": .buy
        case "sell": .sell
        default: throw PayloadError("unknown side \"\(text)\"")
        }
    }

    /// `limit`/`market`.
    public static func orderType(_ text: String) throws(PayloadError) -> OrderType {
        switch text {
        case "limit": .limit
        case "market": .market
        default: throw PayloadError("unknown orderType \"\(text)\"")
        }
    }

    /// `tradeScope` is `maker`/`taker` in Bitget's documentation; some pushes abbreviate it.
    public static func isMaker(_ scope: String?) -> Bool {
        scope == "maker" || scope == "M" || scope == "m"
    }

    /// Normalized state of a Bitget order status (spot and futures spellings).
    public static func state(_ status: String) throws(PayloadError) -> OrderState {
        switch status {
        case "init", "new", "live": .open
        case "partially_filled", "partial_fill", "partial-fill": .partiallyFilled
        case "filled", "full_fill": .filled
        case "cancelled", "canceled": .cancelled
        default: throw PayloadError("unknown order status \"\(status)\"")
        }
    }

    /// `force` of a time in force.
    public static func force(_ timeInForce: TimeInForce) -> String {
        switch timeInForce {
        case .gtc: "gtc"
        case .ioc: "ioc"
        case .fok: "fok"
        case .postOnly: "post_only"
        }
    }

    /// One fee entry of a fill (`feeDetail` is an object on spot REST, an array elsewhere).
    public struct FeeDetail: Decodable, Sendable {
        public let feeCoin: String?
        public let totalFee: String?
    }

    /// How a payload signs the fee paid in its `totalFee`.
    public enum FeeSign: Sendable {
        /// Negative: REST fills and the futures `fill` push (`"totalFee": "-0.0048522"`).
        case paidNegative
        /// Positive: the spot `fill` push (`"totalFee": "0.000074"` for a taker buy of 0.074 LTC,
        /// in Bitget's example and in live pushes; Tests/Fixtures/bitget/ws_spot_fill.json).
        case paidPositive
    }

    /// The fee PAID in a fee list, positive, and its coin; `sign` says how the payload signs it.
    public static func feePaid(_ details: [FeeDetail], sign: FeeSign = .paidNegative) throws(PayloadError) -> (ExactDecimal, String) {
        var fee = ExactDecimal.zero
        var asset = ""
        for detail in details {
            let reported = try Field.decimalOrZero(detail.totalFee, "feeDetail.totalFee")
            let paid = sign == .paidNegative ? reported.negated : reported
            do { fee = try fee + paid } catch { throw PayloadError("feeDetail.totalFee overflows") }
            if asset.isEmpty { asset = detail.feeCoin ?? "" }
        }
        return (fee, asset)
    }

    /// `order/fill` acknowledgement of a place or cancel call.
    public struct OrderAck: Decodable, Sendable {
        public let orderId: String?
        public let clientOid: String?
    }

    /// Batch place / cancel answer.
    public struct BatchAck: Decodable, Sendable {
        public struct Failure: Decodable, Sendable {
            public let orderId: String?
            public let clientOid: String?
            public let errorMsg: String?
            public let errorCode: FlexibleString?
        }
        public let successList: [OrderAck]
        public let failureList: [Failure]
    }
}

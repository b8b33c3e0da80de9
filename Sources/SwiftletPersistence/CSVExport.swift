import Foundation
import SwiftletCore

/// CSV (RFC 4180) exports of the journal: a header row, then one record per fill or market;
/// CRLF line ends; a field holding a comma, double quote, CR or LF is quoted, with its quotes
/// doubled. Decimals keep the exchange's digits; times are ns since the epoch plus ISO 8601 UTC.
public enum CSVExport {
    /// Columns of ``fills(_:)``.
    public static let fillColumns = [
        "time_ns", "time_utc", "source", "symbol", "trade_id", "client_order_id", "exchange_order_id", "side",
        "position_side", "liquidity", "price", "size", "fee", "fee_asset",
    ]

    /// Columns of ``pnl(_:)``: per market; fees and funding as `amount ASSET` joined by `; `,
    /// empty cells for what is unknown (no open position, no last price).
    public static let pnlColumns = [
        "source", "symbol", "trades", "bought_size", "sold_size", "bought_notional", "sold_notional", "fees",
        "funding", "realized_pnl", "inventory", "average_entry", "last_price", "unrealized_pnl",
    ]

    /// The fills as CSV.
    public static func fills(_ fills: [StoredFill]) -> String {
        var text = record(fillColumns)
        for stored in fills {
            let fill = stored.fill
            text += record([
                String(stored.time), Timestamp.iso8601(nanoseconds: stored.time), stored.context.source,
                stored.context.symbol, fill.tradeID, fill.clientOrderID, fill.exchangeOrderID,
                JournalColumns.name(fill.side), JournalColumns.name(fill.positionSide), fill.isMaker ? "maker" : "taker",
                fill.price.description, fill.size.description, fill.fee.description, fill.feeAsset,
            ])
        }
        return text
    }

    /// The PnL report as CSV, one record per market.
    public static func pnl(_ report: PnLReport) -> String {
        var text = record(pnlColumns)
        for market in report.markets {
            text += record([
                market.market.source, market.market.symbol, String(market.trades), market.boughtSize.description,
                market.soldSize.description, market.boughtNotional.description, market.soldNotional.description,
                amounts(market.fees), amounts(market.funding), market.realizedPnL.description,
                market.inventory.description, market.averageEntry?.description ?? "", market.lastPrice?.description ?? "",
                market.unrealizedPnL?.description ?? "",
            ])
        }
        return text
    }

    /// One CSV record, CRLF-terminated.
    public static func record(_ fields: [String]) -> String {
        fields.map(field).joined(separator: ",") + "\r\n"
    }

    /// One field, quoted when it must be.
    public static func field(_ value: String) -> String {
        guard value.unicodeScalars.contains(where: { ",\"\r\n".unicodeScalars.contains($0) }) else { return value }
        return "\"" + value.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    /// Writes `text` to `path` (UTF-8, replacing the file atomically).
    public static func write(_ text: String, to path: String) throws(PersistenceError) {
        do {
            try Data(text.utf8).write(to: URL(fileURLWithPath: path), options: .atomic)
        } catch {
            throw PersistenceError("cannot write \(path): \(PersistenceError.describe(error))")
        }
    }

    /// `1.5 USDT; -0.1 BTC`, by asset.
    static func amounts(_ amounts: [String: ExactDecimal]) -> String {
        amounts.keys.sorted().map { "\(amounts[$0]!) \($0)" }.joined(separator: "; ")
    }
}

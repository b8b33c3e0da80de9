import ArgumentParser
import Foundation
import SwiftletPersistence

/// `swiftlet history`: trades, fees, realized and unrealized PnL per market from the trade
/// database, with CSV exports of the fills and of the report.
struct History: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "history",
        abstract: "Show trades, fees, realized and unrealized PnL per market from the trade database; export CSV."
    )

    @Option(name: .long, help: ArgumentHelp(
        "Trade database (default: $SWIFTLET_HOME/trades.sqlite or ./.swiftlet/trades.sqlite).", valueName: "path"))
    var db: String?

    @Option(name: .long, help: ArgumentHelp("Only this market (repeatable).", valueName: "source:symbol"))
    var market: [String] = []

    @Option(name: .long, help: ArgumentHelp("Write the fills as CSV to this file.", valueName: "file"))
    var csv: String?

    @Option(name: .customLong("pnl-csv"), help: ArgumentHelp("Write the per-market report as CSV to this file.", valueName: "file"))
    var pnlCSV: String?

    func validate() throws {
        for text in market {
            do { _ = try Market(parsing: text) } catch { throw ValidationError(error.description) }
        }
    }

    func run() throws {
        let path = db ?? TradeJournal.defaultPath()
        guard FileManager.default.fileExists(atPath: path) else {
            throw PersistenceError("no trade database at \(path)")
        }
        let markets = Set(try market.map(Market.init(parsing:)))
        let journal = try TradeJournal(path: path)
        let report = try journal.pnlReport(markets: markets)
        print(HistoryReport.render(report))
        if let csv {
            let fills = try journal.fills(markets: markets)
            try CSVExport.write(CSVExport.fills(fills), to: csv)
            print("wrote \(fills.count) fills to \(csv)")
        }
        if let pnlCSV {
            try CSVExport.write(CSVExport.pnl(report), to: pnlCSV)
            print("wrote \(report.markets.count) markets to \(pnlCSV)")
        }
    }
}

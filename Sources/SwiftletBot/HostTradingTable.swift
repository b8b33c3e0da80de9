import CSwiftletSDK
import SwiftletABI
import SwiftletCore
import SwiftletHost

/// The host side of `swiftlet.host.trading/1` (ext/strategy.h): C functions that find
/// the calling strategy's bot through its `swl_host_t`, convert the arguments, and call
/// the bot. Every failure becomes a status and a message in the caller's error record.
enum HostTradingTable {
    nonisolated(unsafe) static let pointer: UnsafeRawPointer = {
        let table = UnsafeMutablePointer<swl_host_trading_t>.allocate(capacity: 1)
        table.initialize(to: make())
        return UnsafeRawPointer(table)
    }()

    private static func make() -> swl_host_trading_t {
        var table = swl_host_trading_t()
        table.struct_size = UInt32(MemoryLayout<swl_host_trading_t>.size)
        table.subscribe = { host, connector, channel, symbol, error in
            HostTradingTable.call(host, error) { bot, strategy throws(ABIError) in
                guard let channel = MarketChannel(rawValue: channel) else {
                    throw ABIError(SWL_ERR_INVALID_ARGUMENT, "unknown channel \(channel)")
                }
                let id = try ABIValue.string(connector, field: "connector")
                let symbolText = try ABIValue.string(symbol, field: "symbol")
                try bot.submit(.subscribe(channel, symbol: symbolText), to: id)
                strategy.addMarket(source: id, channel: channel, symbol: symbolText)
            }
        }
        table.subscribe_candles = { host, feedPlugin, feed, symbol, interval, history, error in
            HostTradingTable.call(host, error) { bot, strategy throws(ABIError) in
                let plugin = try ABIValue.string(feedPlugin, field: "feed_plugin")
                let feedName = try ABIValue.string(feed, field: "feed")
                let symbolText = try ABIValue.string(symbol, field: "symbol")
                let intervalText = try ABIValue.string(interval, field: "interval")
                try bot.feed(plugin).subscribe(feed: feedName, symbol: symbolText, interval: intervalText, history: history)
                strategy.addCandles(source: plugin, feed: feedName, symbol: symbolText, interval: intervalText)
            }
        }
        table.place_order = { host, connector, request, outID, error in
            HostTradingTable.call(host, error) { bot, strategy throws(ABIError) in
                guard let request else { throw ABIError(SWL_ERR_INVALID_ARGUMENT, "request is NULL") }
                let id = try bot.place(try TradingValues.orderRequest(request),
                                       on: try ABIValue.string(connector, field: "connector"), by: strategy)
                try HostTradingTable.writeID(id, to: outID)
            }
        }
        table.cancel_order = { host, connector, symbol, clientOrderID, error in
            HostTradingTable.call(host, error) { bot, _ throws(ABIError) in
                try bot.submit(.cancel(symbol: try ABIValue.string(symbol, field: "symbol"),
                                       clientOrderID: try ABIValue.string(clientOrderID, field: "client_order_id")),
                               to: try ABIValue.string(connector, field: "connector"))
            }
        }
        table.cancel_all = { host, connector, symbol, error in
            HostTradingTable.call(host, error) { bot, _ throws(ABIError) in
                try bot.submit(.cancelAll(symbol: try ABIValue.string(symbol, field: "symbol")),
                               to: try ABIValue.string(connector, field: "connector"))
            }
        }
        table.get_order = { host, connector, clientOrderID, out, error in
            HostTradingTable.call(host, error) { bot, strategy throws(ABIError) in
                guard let out else { throw ABIError(SWL_ERR_INVALID_ARGUMENT, "out is NULL") }
                try ABIValue.requireStructSize(out.pointee.struct_size, MemoryLayout<swl_order_t>.size, "swl_order_t")
                let order = try bot.venue(try ABIValue.string(connector, field: "connector"))
                    .order(try ABIValue.string(clientOrderID, field: "client_order_id"))
                out.pointee = TradingValues.cOrder(order, storage: strategy.freshScratch())
            }
        }
        table.get_balance = { host, connector, asset, out, error in
            HostTradingTable.call(host, error) { bot, strategy throws(ABIError) in
                guard let out else { throw ABIError(SWL_ERR_INVALID_ARGUMENT, "out is NULL") }
                try ABIValue.requireStructSize(out.pointee.struct_size, MemoryLayout<swl_balance_t>.size, "swl_balance_t")
                let name = try ABIValue.string(asset, field: "asset")
                let venue = try bot.venue(try ABIValue.string(connector, field: "connector"))
                let balance = try bot.balances.balance(of: name, on: venue)
                    ?? Balance(asset: name, total: .zero, available: .zero, locked: .zero)
                out.pointee = TradingValues.cBalance(balance, storage: strategy.freshScratch())
            }
        }
        table.get_position = { host, connector, symbol, side, out, error in
            HostTradingTable.call(host, error) { bot, strategy throws(ABIError) in
                guard let out else { throw ABIError(SWL_ERR_INVALID_ARGUMENT, "out is NULL") }
                try ABIValue.requireStructSize(out.pointee.struct_size, MemoryLayout<swl_position_t>.size, "swl_position_t")
                let symbolText = try ABIValue.string(symbol, field: "symbol")
                guard let wanted = PositionSide(rawValue: side) else {
                    throw ABIError(SWL_ERR_INVALID_ARGUMENT, "unknown position side \(side)")
                }
                let positions = try bot.venue(try ABIValue.string(connector, field: "connector")).positions()
                guard let found = positions.first(where: {
                    $0.symbol == symbolText && (wanted == .none || $0.position.side == wanted) && !$0.position.size.isZero
                }) else {
                    throw ABIError(SWL_ERR_NOT_FOUND, "no open position on \(symbolText)")
                }
                out.pointee = PerpetualValues.cPosition(found, storage: strategy.freshScratch())
            }
        }
        table.get_top_of_book = { host, connector, symbol, outBid, outAsk, error in
            HostTradingTable.call(host, error) { bot, _ throws(ABIError) in
                let id = try ABIValue.string(connector, field: "connector")
                let symbolText = try ABIValue.string(symbol, field: "symbol")
                guard let top = bot.books.topOfBook(source: id, symbol: symbolText) else {
                    throw ABIError(SWL_ERR_STATE, "no live book for \(id) \(symbolText) (not subscribed, not yet snapshotted, or resyncing)")
                }
                outBid?.pointee = swl_level_t(price: ABIValue.cDecimal(top.bid.price), size: ABIValue.cDecimal(top.bid.size))
                outAsk?.pointee = swl_level_t(price: ABIValue.cDecimal(top.ask.price), size: ABIValue.cDecimal(top.ask.size))
            }
        }
        table.get_candles = { host, feedPlugin, feed, symbol, interval, out, error in
            HostTradingTable.call(host, error) { bot, strategy throws(ABIError) in
                guard let out else { throw ABIError(SWL_ERR_INVALID_ARGUMENT, "out is NULL") }
                let window = try bot.feed(try ABIValue.string(feedPlugin, field: "feed_plugin"))
                    .window(feed: try ABIValue.string(feed, field: "feed"), symbol: try ABIValue.string(symbol, field: "symbol"),
                            interval: try ABIValue.string(interval, field: "interval"))
                let storage = strategy.freshScratch()
                var result = swl_candle_window_t()
                result.struct_size = UInt32(MemoryLayout<swl_candle_window_t>.size)
                result.first = storage.array(window.closed.map(EventEncoding.cCandle))
                result.first_count = window.closed.count
                result.forming = window.forming.flatMap { storage.array([EventEncoding.cCandle($0)]) }
                out.pointee = result
            }
        }
        return table
    }

    /// Resolves the calling strategy and runs `body`, mapping errors to the status.
    private static func call(_ host: UnsafePointer<swl_host_t>?, _ record: UnsafeMutablePointer<swl_error_t>?,
                             _ body: (Bot, RunningStrategy) throws(ABIError) -> Void) -> swl_status_t {
        do throws(ABIError) {
            guard let caller = HostCaller.resolve(host), let bot = caller.provider as? Bot else {
                throw ABIError(SWL_ERR_INVALID_ARGUMENT, "host table pointer is NULL or not a strategy's")
            }
            let strategy = try bot.strategy(named: caller.instanceName)
            guard strategy.accepts(caller: caller.tableAddress) else {
                throw ABIError(SWL_ERR_STATE, "this instance of \(caller.instanceName) was replaced by a hot swap")
            }
            try body(bot, strategy)
            return swl_status_t(SWL_OK)
        } catch {
            error.write(to: record)
            return error.status
        }
    }

    private static func writeID(_ id: String, to buffer: UnsafeMutablePointer<swl_order_id_buffer_t>?) throws(ABIError) {
        guard let buffer else { return }
        var length = 0
        try ABIValue.writeOutput(id, to: buffer.pointee.data, capacity: buffer.pointee.capacity, length: &length)
        buffer.pointee.length = length
    }
}

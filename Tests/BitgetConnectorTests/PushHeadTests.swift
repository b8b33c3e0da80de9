import BitgetCommon
import Foundation
import Testing

/// A push's routing fields, read without decoding the push: Bitget's own examples, members
/// in another order, escapes, and pushes without them refused with the reason.
struct PushHeadTests {
    func head(_ text: String) throws -> PushHead {
        try Array(text.utf8).withUnsafeBytes { bytes in try PushHead.read(bytes, what: "push") }
    }

    @Test func readsBitgetsExamples() throws {
        for (file, channel, instId) in [("bitget/ws_trade.json", "trade", "BTCUSDT"), ("bitget/ws_ticker.json", "ticker", "ETHUSDT")] {
            let data = try SpotHarness.fixture(file)
            let read = try data.withUnsafeBytes { bytes in try PushHead.read(bytes, what: file) }
            #expect(read == PushHead(action: "snapshot", channel: channel, instId: instId), "\(file)")
        }
    }

    @Test func readsTheFieldsWhereverTheyAreAndOnlyAtTheTop() throws {
        // `arg` after `data`, whose elements have a `channel` of their own; no action.
        let late = try head(#"{"data":[{"channel":"books","arg":{"channel":"x"}}],"ts":1,"arg":{"instId":"default","channel":"orders","instType":"SPOT"}}"#)
        #expect(late == PushHead(action: nil, channel: "orders", instId: "default"))
        let escaped = try head(#"{"action":"upd\u0061te","arg":{"channel":"fi\"ll"}}"#)
        #expect(escaped == PushHead(action: "update", channel: "fi\"ll", instId: nil))
        // What follows `action` and `arg` is not read: a push is routed before its data is parsed.
        #expect(try head(#"{"action":"update","arg":{"channel":"account"},"data":[oops"#).channel == "account")
    }

    @Test(arguments: [
        (#"{"action":"snapshot","data":[]}"#, "missing arg"),
        (#"{"action":"snapshot","arg":{"instId":"BTCUSDT"}}"#, "missing arg.channel"),
        (#"{"arg":{"channel":7}}"#, "malformed JSON"),
        (#"{"arg":{"channel":"orders""#, "malformed JSON"),
        (#"[1,2]"#, "malformed JSON"),
        (#"{}"#, "missing arg"),
        (#"{"arg":{"channel":"bad\escape"}}"#, "malformed escape"),
    ])
    func refusesPushesWithoutTheirRoutingFields(text: String, reason: String) {
        do {
            let read = try head(text)
            Issue.record("\(text) read as \(read)")
        } catch let error as PayloadError {
            #expect(error.message.contains(reason), "\(text): \(error.message)")
        } catch {
            Issue.record("\(text): \(error)")
        }
    }
}

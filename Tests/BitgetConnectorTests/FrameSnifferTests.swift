import BitgetCommon
import Testing

/// Routing by the head of a frame.
@Suite struct FrameSnifferTests {
    func sniff(_ text: String, _ body: (UnsafeRawBufferPointer) -> Bool) -> Bool {
        var text = text
        return text.withUTF8 { body(UnsafeRawBufferPointer($0)) }
    }

    @Test func findsTheBooksChannelOnlyInTheHead() {
        let books = #"{"action":"update","arg":{"instType":"SPOT","channel":"books","instId":"BTCUSDT"},"data":[]}"#
        let books5 = #"{"action":"snapshot","arg":{"instType":"SPOT","channel":"books5","instId":"BTCUSDT"},"data":[]}"#
        let trade = #"{"action":"update","arg":{"instType":"SPOT","channel":"trade","instId":"BTCUSDT"},"data":[]}"#
        #expect(sniff(books) { FrameSniffer.contains($0, "\"channel\":\"books", within: 200) })
        #expect(sniff(books5) { FrameSniffer.contains($0, "\"channel\":\"books", within: 200) })
        #expect(!sniff(trade) { FrameSniffer.contains($0, "\"channel\":\"books", within: 200) })
        // Beyond the window it is not looked for; shorter than the needle is no match.
        #expect(!sniff(String(repeating: " ", count: 300) + books) { FrameSniffer.contains($0, "\"channel\":\"books", within: 200) })
        #expect(!sniff("{}") { FrameSniffer.contains($0, "\"channel\":\"books", within: 200) })
    }

    @Test func recognisesEventAnswers() {
        #expect(sniff(#"{"event":"subscribe","arg":{}}"#) { FrameSniffer.startsWithMember($0, "\"event\"") })
        #expect(sniff(#" { "event":"login","code":0}"#) { FrameSniffer.startsWithMember($0, "\"event\"") })
        #expect(!sniff(#"{"action":"update","event":"x"}"#) { FrameSniffer.startsWithMember($0, "\"event\"") })
        #expect(!sniff("pong") { FrameSniffer.startsWithMember($0, "\"event\"") })
        #expect(!sniff("") { FrameSniffer.startsWithMember($0, "\"event\"") })
    }
}

import CSwiftletSDK
import SwiftletABI
import Testing

/// `swl_str_t` read into Swift: ASCII, other valid UTF-8, and what is refused.
@Suite struct ABIStringTests {
    private func read(_ bytes: [UInt8]) throws(ABIError) -> String {
        try bytes.withUnsafeBufferPointer { buffer throws(ABIError) in
            let pointer = UnsafeRawPointer(buffer.baseAddress!).assumingMemoryBound(to: CChar.self)
            return try ABIValue.string(swl_str_t(ptr: pointer, len: buffer.count), field: "text")
        }
    }

    @Test func asciiAndOtherValidUTF8AreReadExactly() throws {
        #expect(try read(Array("BTCUSDT".utf8)) == "BTCUSDT")
        #expect(try read(Array("\u{0}\u{7F}".utf8)) == "\u{0}\u{7F}")
        #expect(try read(Array("BTC€ 😀 é".utf8)) == "BTC€ 😀 é")
        #expect(try ABIValue.string(swl_str_t(ptr: nil, len: 0), field: "text") == "")
    }

    @Test func invalidUTF8AndANullPointerWithALengthAreRefused() {
        let invalid: [[UInt8]] = [
            [0xFF, 0xFE],              // never valid
            [0x42, 0x80],              // a continuation byte alone
            [0xC0, 0xAF],              // an overlong "/"
            [0xED, 0xA0, 0x80],        // a UTF-16 surrogate
            [0x41, 0xE2, 0x82],        // cut short
        ]
        for bytes in invalid {
            #expect("\(bytes)") { try read(bytes) } throws: { error in
                (error as? ABIError).map { $0.status == swl_status_t(SWL_ERR_INVALID_ARGUMENT) && $0.message == "text: not valid UTF-8" } ?? false
            }
        }
        #expect(throws: ABIError.self) { try ABIValue.string(swl_str_t(ptr: nil, len: 3), field: "text") }
    }

    @Test func twoStringsAreLentTogetherAndATypedErrorComesOutAsThrown() throws {
        let read = try ABIValue.withCStrings("BTCUSDT", "prix € ✓") { first, second throws(ABIError) -> [String] in
            [try ABIValue.string(first, field: "first"), try ABIValue.string(second, field: "second")]
        }
        #expect(read == ["BTCUSDT", "prix € ✓"])
        #expect(ABIValue.withCStrings("", "x") { first, second in [first.len, second.len] } == [0, 1])
        let thrown = Result { () throws(ABIError) -> Int in
            try ABIValue.withCStrings("a", "b") { _, _ throws(ABIError) -> Int in throw ABIError(SWL_ERR_NOT_FOUND, "inside") }
        }
        guard case .failure(let error) = thrown else {
            Issue.record("nothing was thrown")
            return
        }
        #expect(error.status == swl_status_t(SWL_ERR_NOT_FOUND) && error.message == "inside")
    }
}

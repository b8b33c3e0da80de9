import BitgetCommon
import SwiftletCore
import Testing

@Suite struct BookFrameParserTests {
    static let update = """
        {"action":"update","arg":{"instType":"SPOT","channel":"books","instId":"BTCUSDT"},\
        "data":[{"asks":[["97001.68","0.306550"],["97000.18","0"]],"bids":[["96998.15","0.333146"]],\
        "checksum":-1560927378,"seq":1001,"ts":"1764000000026"}],"ts":1764000000026}
        """

    @Test func parsesTheDocumentationSnapshot() throws {
        var text = try TestData.fixture("ws_books5_snapshot.json")
        var parser = BookFrameParser()
        try text.withUTF8 { utf8 in
            let bytes = UnsafeRawBufferPointer(utf8)
            let frame = try parser.parse(bytes)
            #expect(frame.action == .snapshot)
            #expect(frame.channel == .books5)
            #expect(frame.instType(in: bytes) == "SPOT")
            #expect(frame.instId(in: bytes) == "BTCUSDT")
            #expect(frame.sequence == 123)
            #expect(frame.checksum == nil)
            #expect(frame.exchangeTimeMs == 1_695_710_946_294)
            #expect(frame.asks.map(\.price.description) == ["26274.9", "26275.0"])
            #expect(frame.asks.map(\.size.description) == ["0.0009", "0.0500"])
            #expect(frame.bids.map(\.price.description) == ["26274.8", "26274.7"])
            #expect(frame.bids[1].size == (try ExactDecimal("0.0027")))
        }
    }

    @Test func parsesAnUpdateWithMantissaAndScale() throws {
        var text = Self.update
        var parser = BookFrameParser()
        try text.withUTF8 { utf8 in
            let frame = try parser.parse(UnsafeRawBufferPointer(utf8))
            #expect(frame.action == .update)
            #expect(frame.channel == .books)
            #expect(frame.sequence == 1001)
            #expect(frame.checksum == -1_560_927_378)
            #expect(frame.asks.count == 2 && frame.bids.count == 1)
            #expect(frame.asks[0].price.mantissa == 9_700_168 && frame.asks[0].price.scale == 2)
            #expect(frame.asks[1].size.isZero)
        }
    }

    @Test func acceptsFuturesInstrumentsKeyOrderAndUnknownKeys() throws {
        let text = """
            { "data" : [ { "ts":1695710946294, "extra":{"a":[1,2.5e3,true,null]}, "bids":[], \
            "seq":5, "asks":[["27000.5","8.760",""]] } ], "arg":{"channel":"books15","instId":"BTCUSDT",\
            "instType":"USDT-FUTURES"}, "action":"snapshot" }
            """
        var copy = text
        var parser = BookFrameParser()
        try copy.withUTF8 { utf8 in
            let bytes = UnsafeRawBufferPointer(utf8)
            let frame = try parser.parse(bytes)
            #expect(frame.channel == .books15)
            #expect(frame.instType(in: bytes) == "USDT-FUTURES")
            #expect(frame.asks.count == 1 && frame.bids.isEmpty)
            #expect(frame.exchangeTimeMs == 1_695_710_946_294)
        }
    }

    /// Spellings the fast paths (literal keys, inline numbers) do not take must parse to
    /// the same frame through the general ones.
    @Test(arguments: [
        ("\"seq\":1001", "\"seq\" : 1001"),
        ("\"checksum\":-1560927378", "\"checksum\":\t-1560927378"),
        ("\"ts\":\"1764000000026\"", "\"ts\":1764000000026"),
        ("\"ts\":\"1764000000026\"", "\"ts\": \"1764000000026\""),
        ("\"asks\":[[\"97001.68\"", "\"asks\":[[ \"97001.68\""),
        ("\"channel\":\"books\"", "\"channel\": \"books\""),
        ("\"action\":\"update\"", "\"action\" :\"update\""),
        ("\"0.306550\"", "\n\"0.306550\""),
    ] as [(String, String)])
    func slowPathsParseTheSameFrame(original: String, replacement: String) throws {
        #expect(Self.update.contains(original), "test edit must apply")
        var text = Self.update.replacingFirst(original, with: replacement)
        var parser = BookFrameParser()
        try text.withUTF8 { utf8 in
            let frame = try parser.parse(UnsafeRawBufferPointer(utf8))
            #expect(frame.action == .update && frame.channel == .books)
            #expect(frame.sequence == 1001 && frame.checksum == -1_560_927_378)
            #expect(frame.exchangeTimeMs == 1_764_000_000_026)
            #expect(frame.asks.map { "\($0.price):\($0.size)" } == ["97001.68:0.306550", "97000.18:0"])
            #expect(frame.bids.map { "\($0.price):\($0.size)" } == ["96998.15:0.333146"])
        }
    }

    /// Levels go into buffers the parser reuses; a side longer than them moves to a larger
    /// buffer, and the next frame parses into that one.
    @Test func sidesLongerThanTheReservedCapacityGrowTheBuffers() throws {
        var parser = BookFrameParser(levelCapacity: 2)
        let asks = (0..<9).map { ("100.\($0)", "\($0 + 1).5") }
        for round in 0..<3 {
            var text = booksFrame("snapshot", bids: Array(asks.prefix(round + 1)), asks: asks, seq: Int64(round), checksum: 0)
            try text.withUTF8 { utf8 in
                let frame = try parser.parse(UnsafeRawBufferPointer(utf8))
                #expect(frame.asks.map { "\($0.price):\($0.size)" } == asks.map { "\($0.0):\($0.1)" })
                #expect(frame.bids.count == round + 1 && frame.bids.last?.size.description == "\(round + 1).5")
            }
        }
    }

    /// A malformed frame that grew the buffers before its error keeps the larger buffers:
    /// the next frames parse into them (had it kept naming the buffers it freed when it grew,
    /// the next growth would free them again).
    @Test func aFrameThatFailsAfterGrowingTheBuffersLeavesThemUsable() throws {
        var parser = BookFrameParser(levelCapacity: 2)
        let asks = (0..<9).map { ("100.\($0)", "\($0 + 1).5") }
        var broken = booksFrame("snapshot", bids: asks, asks: asks, seq: 1, checksum: 0) + "x"
        broken.withUTF8 { utf8 in
            _ = #expect(throws: BookFrameError.self) { try parser.parse(UnsafeRawBufferPointer(utf8)) }
        }
        for round in 0..<2 {
            var text = booksFrame("snapshot", bids: asks, asks: asks, seq: Int64(round), checksum: 0)
            try text.withUTF8 { utf8 in
                let frame = try parser.parse(UnsafeRawBufferPointer(utf8))
                #expect(frame.asks.map { "\($0.price):\($0.size)" } == asks.map { "\($0.0):\($0.1)" })
                #expect(frame.bids.map { "\($0.price):\($0.size)" } == asks.map { "\($0.0):\($0.1)" })
            }
        }
    }

    /// A copy of a parser parses into buffers of its own, so the frame the original
    /// returned keeps its levels.
    @Test func aCopiedParserDoesNotOverwriteTheOriginalsFrame() throws {
        var original = BookFrameParser()
        var text = Self.update
        try text.withUTF8 { utf8 in
            let frame = try original.parse(UnsafeRawBufferPointer(utf8))
            var copy = original
            var other = booksFrame("update", bids: [("1.1", "9"), ("1.0", "8")], asks: [("1.2", "7")], seq: 2, checksum: 0)
            try other.withUTF8 { otherUTF8 in
                let otherFrame = try copy.parse(UnsafeRawBufferPointer(otherUTF8))
                #expect(otherFrame.bids.map(\.size.description) == ["9", "8"])
            }
            #expect(frame.asks.map { "\($0.price):\($0.size)" } == ["97001.68:0.306550", "97000.18:0"])
            #expect(frame.bids.map { "\($0.price):\($0.size)" } == ["96998.15:0.333146"])
        }
    }

    @Test func everyTruncationIsReportedAsTruncated() {
        let text = Array(Self.update.utf8)
        for length in 0..<text.count {
            let prefix = String(decoding: text[..<length], as: UTF8.self)
            #expect(parseError(prefix)?.code == .truncated, "prefix of \(length) bytes")
        }
    }

    @Test(arguments: [
        ("\"seq\":1001", "\"seq\":\"1001\"", BookFrameError.Code.typeMismatch, "data.seq"),
        ("\"asks\":[[\"97001.68\"", "\"asks\":{\"a\":[\"97001.68\"", .typeMismatch, "data.asks"),
        ("[\"96998.15\",\"0.333146\"]", "[96998.15,\"0.333146\"]", .typeMismatch, "data.bids"),
        ("\"action\":\"update\"", "\"action\":1", .typeMismatch, "action"),
        ("\"checksum\":-1560927378", "\"checksum\":-1560927378.5", .invalidNumber, "data.checksum"),
        ("\"checksum\":-1560927378", "\"checksum\":99999999999", .invalidNumber, "data.checksum"),
        ("\"checksum\":-1560927378,", "", .missingField, "data.checksum"),
        ("\"seq\":1001,", "", .missingField, "data.seq"),
        ("\"action\":\"update\",", "", .missingField, "action"),
        ("\"instId\":\"BTCUSDT\"", "\"instrument\":\"BTCUSDT\"", .missingField, "arg.instId"),
        ("\"action\":\"update\"", "\"action\":\"delta\"", .unsupportedAction, "action"),
        ("\"channel\":\"books\"", "\"channel\":\"trade\"", .unsupportedChannel, "arg.channel"),
        ("\"0.333146\"", "\"0.33x146\"", .invalidNumber, "data.bids"),
        ("\"0.333146\"", "\"\"", .invalidNumber, "data.bids"),
        ("\"0.333146\"", "\"-0.333146\"", .nonCanonicalNumber, "data.bids"),
        ("\"0.333146\"", "\"+0.333146\"", .nonCanonicalNumber, "data.bids"),
        ("\"0.333146\"", "\".333146\"", .nonCanonicalNumber, "data.bids"),
        ("\"0.333146\"", "\"00.333146\"", .nonCanonicalNumber, "data.bids"),
        ("\"0.333146\"", "\"0.\"", .nonCanonicalNumber, "data.bids"),
        ("\"0.333146\"", "\"0.000000000000000000001\"", .invalidNumber, "data.bids"),
        ("\"0.333146\"", "\"123456789012345678901234\"", .numberTooLong, "data.bids"),
        ("\"seq\":1001", "\"seq\":1001,\"bids\":[]", .duplicateField, "data.bids"),
        ("\"ts\":1764000000026}", "\"ts\":1764000000026}x", .syntax, ""),
        ("\"ts\":1764000000026}", "\"x\":" + String(repeating: "[", count: 40) + "1" + String(repeating: "]", count: 40) + "}",
         .nestingTooDeep, ""),
    ] as [(String, String, BookFrameError.Code, String)])
    func rejectsMalformedFields(original: String, replacement: String, code: BookFrameError.Code, field: String) {
        #expect(Self.update.contains(original), "test edit must apply")
        let edited = Self.update.replacingFirst(original, with: replacement)
        let error = parseError(edited)
        #expect(error?.code == code, "\(error.map(String.init(describing:)) ?? "parsed")")
        #expect(error.map { "\($0.field)" } == field)
    }

    @Test func rejectsMissingOrEmptyData() {
        let withoutData = #"{"action":"update","arg":{"instType":"SPOT","channel":"books","instId":"BTCUSDT"},"ts":1}"#
        #expect(parseError(withoutData)?.code == .missingField)
        #expect(parseError(withoutData).map { "\($0.field)" } == "data")
        let emptyData = #"{"action":"update","arg":{"instType":"SPOT","channel":"books","instId":"BTCUSDT"},"data":[]}"#
        #expect(parseError(emptyData)?.code == .unexpectedDataCount)
        let twoBooks = Self.update.replacingFirst("}],\"ts\"", with: "},{}],\"ts\"")
        #expect(parseError(twoBooks)?.code == .unexpectedDataCount)
        #expect(parseError(#"{"action":"update","data":"x"}"#)?.code == .typeMismatch)
        #expect(parseError("")?.code == .truncated)
        #expect(parseError("[1]")?.code == .syntax)
        #expect(parseError("{}")?.code == .missingField)
    }

    @Test func errorsDescribeThemselves() throws {
        let error = try #require(parseError(Self.update.replacingFirst("\"seq\":1001", with: "\"seq\":\"1\"")))
        #expect(error.description.contains("typeMismatch"))
        #expect(error.description.contains("data.seq"))
    }
}

extension String {
    /// The string with the first occurrence of `target` replaced.
    func replacingFirst(_ target: String, with replacement: String) -> String {
        guard let range = range(of: target) else { return self }
        return replacingCharacters(in: range, with: replacement)
    }
}

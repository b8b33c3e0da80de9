import Foundation
@testable import BitgetCommon
import SwiftletCore
import SwiftletPluginKit
import Testing

/// The kit's JSON reader and BitgetCommon's writer and field reader (the hot-swap state), against Foundation's.
struct JSONTreeTests {
    @Test func parsesEveryKindOfValue() throws {
        let tree = try JSONTree.parse(#" {"a":[1,-2.5e3,0,true,false,null],"b":{"c":"d"},"e":[],"f":{}} "#)
        #expect(tree == .object([
            .init("a", .array([.number("1"), .number("-2.5e3"), .number("0"), .bool(true), .bool(false), .null])),
            .init("b", .object([.init("c", .string("d"))])), .init("e", .array([])), .init("f", .object([])),
        ]))
    }

    @Test func readsEscapesAsFoundationDoes() throws {
        let text = #"{"s":"q\" b\\ s\/ \b\f\n\r\t \u00e9 \ud83d\ude00 é"}"#
        let foundation = try JSONSerialization.jsonObject(with: Data(text.utf8)) as! [String: String]
        #expect(try JSONTree.parse(text) == .object([.init("s", .string(foundation["s"]!))]))
    }

    @Test func writtenStringsReadBackExactly() throws {
        let awkward = "quote \" backslash \\ slash / newline \n tab \t bell \u{07} nul \u{00} é 😀 {\"action\":\"snapshot\"}"
        var out = JSONWriter()
        out.openObject()
        out.member(awkward, awkward)
        out.key("n")
        out.integer(Int64.min)
        out.key("list")
        out.openArray()
        out.bool(true)
        out.integer(UInt64.max)
        out.closeArray()
        out.closeObject()
        // Foundation reads what the writer wrote, and so does the tree.
        let foundation = try JSONSerialization.jsonObject(with: Data(out.bytes)) as! [String: Any]
        #expect(foundation[awkward] as? String == awkward)
        // Request bodies quote strings the same way.
        let literal = JSONText.string(awkward)
        #expect(literal == #""quote \" backslash \\ slash / newline \n tab \t bell \u0007 nul \u0000 é 😀 {\"action\":\"snapshot\"}""#)
        #expect(try JSONSerialization.jsonObject(with: Data(literal.utf8), options: .fragmentsAllowed) as? String == awkward)
        let fields = try JSONFields(try JSONTree.parse(out.text), what: "test")
        #expect(try fields.string(awkward) == awkward)
        #expect(try fields.integer("n", as: Int64.self) == Int64.min)
        #expect(try fields.array("list") == [.bool(true), .number(String(UInt64.max))])
    }

    /// Request bodies are signed as sent, so their exact text matters: members in the order
    /// given, strings escaped as `JSONText.string` escapes them, no spaces.
    @Test func requestBodiesAreWrittenExactlyInTheOrderGiven() {
        #expect(JSONText.object([("symbol", "BTCUSDT"), ("side", "buy"), ("clientOid", "a\"b\\c\n")])
                == #"{"symbol":"BTCUSDT","side":"buy","clientOid":"a\"b\\c\n"}"#)
        #expect(JSONText.object([]) == "{}")
        let batch = JSONText.rawObject([("symbol", JSONText.string("BTCUSDT")),
                                        ("orderList", JSONText.array([JSONText.object([("clientOid", "x")]), "{}"]))])
        #expect(batch == #"{"symbol":"BTCUSDT","orderList":[{"clientOid":"x"},{}]}"#)
        #expect(JSONText.rawObject([]) == "{}")
    }

    @Test func refusesMalformedText() {
        let cases = [
            "", "{", #"{"a"}"#, #"{"a":}"#, #"{"a":1,}"#, "[1,]", "[1 2]", #"{"a":1}x"#, "01", "1.", "-", "1e", "tru",
            #""unterminated"#, #""bad \q escape""#, #""\ud83d alone""#, "\"control \u{01} char\"", #"{a:1}"#,
            String(repeating: "[", count: 65) + String(repeating: "]", count: 65),
        ]
        for text in cases {
            #expect(throws: JSONTreeError.self, "\(text)") { try JSONTree.parse(text) }
        }
        #expect((try? JSONTree.parse(String(repeating: "[", count: 60) + String(repeating: "]", count: 60))) != nil)
    }

    @Test func fieldErrorsNameTheFieldByItsPath() throws {
        let fields = try JSONFields(try JSONTree.parse(#"{"orders":[{"price":"1.5"},{"price":1.5}],"n":"7","big":300}"#), what: "state")
        let orders = try fields.objects("orders")
        #expect(try orders[0].decimal("price") == ExactDecimal("1.5"))
        func message(_ body: () throws -> Void) -> String {
            do { try body(); return "" } catch { return (error as? PayloadError)?.message ?? "\(error)" }
        }
        #expect(message { _ = try orders[1].decimal("price") } == "state: 'orders[1].price' should be a string, not a number")
        #expect(message { _ = try orders[0].string("size") } == "state: missing field 'orders[0].size'")
        #expect(message { _ = try fields.integer("n", as: Int.self) } == "state: 'n' should be an integer in range, not a string")
        #expect(message { _ = try fields.integer("big", as: UInt8.self) } == "state: 'big' should be an integer in range, not a number")
        #expect(message { _ = try fields.object("orders") } == "state: 'orders' should be an object, not an array")
        #expect(try fields.array("absent", optional: true).isEmpty)
    }
}

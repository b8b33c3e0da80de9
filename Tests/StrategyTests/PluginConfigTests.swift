import SwiftletPluginKit
import Testing

@Suite struct PluginConfigTests {
    @Test func decimalsAreReadExactlyFromNumbersAndStrings() throws {
        let config = try PluginConfig(json: #"{"a": 0.1, "b": "0.30", "c": 12, "d": -0.000000000000000001, "e": null}"#)
        let a = try #require(try config.decimal("a"))
        #expect(a.mantissa == 1 && a.scale == 1)
        let b = try #require(try config.decimal("b"))
        #expect(b.mantissa == 30 && b.scale == 2)
        #expect(try config.integer("c") == 12)
        #expect(try config.decimal("d") == ExactDecimal(uncheckedMantissa: -1, scale: 18))
        #expect(try config.decimal("e") == nil && !config.contains("e"))
        #expect(try config.decimal("missing") == nil)
    }

    @Test func stringsDecodeEscapes() throws {
        let config = try PluginConfig(json: #"{"s": "caf\u00e9 \ud83d\ude00 \"q\"\n"}"#)
        #expect(try config.string("s") == "café 😀 \"q\"\n")
    }

    @Test func secondsBecomeNanoseconds() throws {
        let config = try PluginConfig(json: #"{"t": "1.5", "u": 30, "v": "0.0000000001"}"#)
        #expect(try config.seconds("t") == 1_500_000_000)
        #expect(try config.seconds("u") == 30_000_000_000)
        #expect(throws: PluginError.self) { _ = try config.seconds("v") }
    }

    @Test(arguments: [
        (#"{"a": 1e-3}"#, "a", "config key 'a' must be a decimal in plain notation"),
        (#"{"a": "x"}"#, "a", "config key 'a' must be a decimal in plain notation"),
        (#"{"a": [1]}"#, "a", "config key 'a' must be a decimal (a string like \"0.01\" or a number), got an array"),
        (#"{"a": true}"#, "a", "got true"),
    ])
    func badDecimalsNameTheKey(json: String, key: String, message: String) throws {
        let config = try PluginConfig(json: json)
        let error = #expect(throws: PluginError.self) { _ = try config.decimal(key) }
        #expect(error?.message.contains(message) == true, "\(error?.message ?? "no error")")
    }

    @Test(arguments: [
        (#"[1, 2]"#, "config must be a JSON object, got an array"),
        (#"{"a": 1, "a": 2}"#, "key 'a' appears more than once"),
        (#"{"a": 01}"#, "leading zero"),
        (#"{"a": "unterminated}"#, "unterminated string"),
        (#"{"a": 1} x"#, "unexpected text after the value"),
    ])
    func malformedConfigsAreRefused(json: String, message: String) {
        let error = #expect(throws: PluginError.self) { _ = try PluginConfig(json: json) }
        #expect(error?.status == swl_status_t(SWL_ERR_INVALID_ARGUMENT))
        #expect(error?.message.contains(message) == true, "\(error?.message ?? "no error")")
    }

    @Test func emptyTextIsAnEmptyObject() throws {
        let config = try PluginConfig(json: "  ")
        let error = #expect(throws: PluginError.self) { _ = try config.requiredString("symbol") }
        #expect(error?.message == "config key 'symbol' is required")
    }
}

@Suite struct DecimalRoundingTests {
    @Test func productsRoundAsAsked() throws {
        #expect(try dec("1.23").multiplied(by: dec("0.5"), maxScale: 2, .down) == dec("0.61"))
        #expect(try dec("1.23").multiplied(by: dec("0.5"), maxScale: 2, .up) == dec("0.62"))
        #expect(try dec("-1.23").multiplied(by: dec("0.5"), maxScale: 2, .down) == dec("-0.62"))
        let exact = try dec("97000.005").multiplied(by: dec("0.9985"), .towardZero)
        #expect(exact.description == "96854.5049925") // trailing zeros dropped, nothing else
    }

    @Test func quotientsRoundAndShrinkTheScaleToFit() throws {
        #expect(try dec("1").divided(by: dec("3"), maxScale: 4, .towardZero) == dec("0.3333"))
        #expect(try dec("1").divided(by: dec("3"), maxScale: 4, .up) == dec("0.3334"))
        let big = try dec("900000000").divided(by: dec("3"), .towardZero)
        #expect(big == dec("300000000") && big.scale == 0)
        let seventh = try dec("900000000").divided(by: dec("7"), .down) // 128571428.571428571428...: 19 digits fit
        #expect(seventh.description == "128571428.5714285714")
        #expect(throws: DecimalError.overflow) { _ = try dec("900000000000000000").divided(by: dec("0.001"), .down) }
        #expect(throws: DecimalError.divisionByZero) { _ = try dec("1").divided(by: .zero, .down) }
    }
}

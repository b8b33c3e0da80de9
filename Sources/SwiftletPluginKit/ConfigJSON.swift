/// A JSON value as a plugin config holds it. Numbers keep their source text, so a
/// decimal like `0.0015` reaches `ExactDecimal` digit for digit, never through `Double`.
enum ConfigJSON: Equatable, Sendable {
    case object([String: ConfigJSON])
    case array([ConfigJSON])
    case string(String)
    /// The number exactly as written, e.g. `"-0.5"` or `"1e-3"`.
    case number(String)
    case bool(Bool)
    case null

    /// What the value is, for error messages: `a string ("abc")`, `a number (1e-3)`, ...
    var summary: String {
        switch self {
        case .object: "an object"
        case .array: "an array"
        case .string(let text): "a string (\"\(text.prefix(40))\")"
        case .number(let text): "a number (\(text))"
        case .bool(let value): "\(value)"
        case .null: "null"
        }
    }

    /// Parses one complete JSON text (RFC 8259). Duplicate object keys are refused: a config
    /// that says two things about one key is a mistake worth reporting.
    static func parse(_ text: String) throws(ConfigJSONError) -> ConfigJSON {
        var parser = Parser(bytes: Array(text.utf8))
        let value = try parser.value(depth: 0)
        parser.skipSpace()
        guard parser.index == parser.bytes.count else { throw parser.error("unexpected text after the value") }
        return value
    }

    private struct Parser {
        let bytes: [UInt8]
        var index = 0
        static let maxDepth = 64

        func error(_ message: String) -> ConfigJSONError {
            ConfigJSONError(message: "\(message) at byte \(index)")
        }

        mutating func skipSpace() {
            while index < bytes.count, [0x20, 0x09, 0x0A, 0x0D].contains(bytes[index]) { index += 1 }
        }

        mutating func value(depth: Int) throws(ConfigJSONError) -> ConfigJSON {
            guard depth < Self.maxDepth else { throw error("nesting deeper than \(Self.maxDepth)") }
            skipSpace()
            guard index < bytes.count else { throw error("unexpected end of text") }
            switch bytes[index] {
            case UInt8(ascii: "{"): return try object(depth: depth)
            case UInt8(ascii: "["): return try array(depth: depth)
            case UInt8(ascii: "\""): return .string(try string())
            case UInt8(ascii: "t"): try literal("true"); return .bool(true)
            case UInt8(ascii: "f"): try literal("false"); return .bool(false)
            case UInt8(ascii: "n"): try literal("null"); return .null
            default: return .number(try number())
            }
        }

        mutating func object(depth: Int) throws(ConfigJSONError) -> ConfigJSON {
            index += 1
            var members: [String: ConfigJSON] = [:]
            skipSpace()
            if index < bytes.count, bytes[index] == UInt8(ascii: "}") {
                index += 1
                return .object(members)
            }
            while true {
                skipSpace()
                guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else { throw error("expected a key") }
                let key = try string()
                skipSpace()
                guard index < bytes.count, bytes[index] == UInt8(ascii: ":") else { throw error("expected ':'") }
                index += 1
                let member = try value(depth: depth + 1)
                guard members.updateValue(member, forKey: key) == nil else {
                    throw ConfigJSONError(message: "key '\(key)' appears more than once")
                }
                skipSpace()
                guard index < bytes.count else { throw error("unexpected end of text") }
                let byte = bytes[index]
                index += 1
                if byte == UInt8(ascii: ",") { continue }
                if byte == UInt8(ascii: "}") { return .object(members) }
                index -= 1
                throw error("expected ',' or '}'")
            }
        }

        mutating func array(depth: Int) throws(ConfigJSONError) -> ConfigJSON {
            index += 1
            var items: [ConfigJSON] = []
            skipSpace()
            if index < bytes.count, bytes[index] == UInt8(ascii: "]") {
                index += 1
                return .array(items)
            }
            while true {
                items.append(try value(depth: depth + 1))
                skipSpace()
                guard index < bytes.count else { throw error("unexpected end of text") }
                let byte = bytes[index]
                index += 1
                if byte == UInt8(ascii: ",") { continue }
                if byte == UInt8(ascii: "]") { return .array(items) }
                index -= 1
                throw error("expected ',' or ']'")
            }
        }

        mutating func literal(_ word: String) throws(ConfigJSONError) {
            let expected = Array(word.utf8)
            guard bytes.count - index >= expected.count, Array(bytes[index..<index + expected.count]) == expected else {
                throw error("unexpected character")
            }
            index += expected.count
        }

        /// A number's text, checked against JSON's grammar.
        mutating func number() throws(ConfigJSONError) -> String {
            let start = index
            func digits(_ parser: inout Parser) -> Int {
                let first = parser.index
                while parser.index < parser.bytes.count, (0x30...0x39).contains(parser.bytes[parser.index]) { parser.index += 1 }
                return parser.index - first
            }
            if index < bytes.count, bytes[index] == UInt8(ascii: "-") { index += 1 }
            let integerStart = index
            let integerDigits = digits(&self)
            guard integerDigits > 0 else { index = start; throw error("unexpected character") }
            guard integerDigits == 1 || bytes[integerStart] != UInt8(ascii: "0") else { throw error("leading zero in a number") }
            if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
                index += 1
                guard digits(&self) > 0 else { throw error("expected digits after '.'") }
            }
            if index < bytes.count, bytes[index] == UInt8(ascii: "e") || bytes[index] == UInt8(ascii: "E") {
                index += 1
                if index < bytes.count, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") { index += 1 }
                guard digits(&self) > 0 else { throw error("expected digits in the exponent") }
            }
            return String(decoding: bytes[start..<index], as: UTF8.self)
        }

        mutating func string() throws(ConfigJSONError) -> String {
            index += 1
            var scalars = String.UnicodeScalarView()
            var raw: [UInt8] = []
            func flush(_ raw: inout [UInt8], _ scalars: inout String.UnicodeScalarView) {
                scalars.append(contentsOf: String(decoding: raw, as: UTF8.self).unicodeScalars)
                raw.removeAll(keepingCapacity: true)
            }
            while index < bytes.count {
                let byte = bytes[index]
                index += 1
                switch byte {
                case UInt8(ascii: "\""):
                    flush(&raw, &scalars)
                    let text = String(scalars)
                    return text
                case UInt8(ascii: "\\"):
                    flush(&raw, &scalars)
                    scalars.append(try escape())
                case 0..<0x20:
                    throw error("control character in a string")
                default:
                    raw.append(byte)
                }
            }
            throw error("unterminated string")
        }

        mutating func escape() throws(ConfigJSONError) -> Unicode.Scalar {
            guard index < bytes.count else { throw error("unterminated escape") }
            let byte = bytes[index]
            index += 1
            switch byte {
            case UInt8(ascii: "\""): return "\""
            case UInt8(ascii: "\\"): return "\\"
            case UInt8(ascii: "/"): return "/"
            case UInt8(ascii: "b"): return "\u{08}"
            case UInt8(ascii: "f"): return "\u{0C}"
            case UInt8(ascii: "n"): return "\n"
            case UInt8(ascii: "r"): return "\r"
            case UInt8(ascii: "t"): return "\t"
            case UInt8(ascii: "u"):
                let high = try hex4()
                if (0xD800..<0xDC00).contains(high) {
                    guard bytes.count - index >= 6, bytes[index] == UInt8(ascii: "\\"), bytes[index + 1] == UInt8(ascii: "u") else {
                        throw error("unpaired surrogate")
                    }
                    index += 2
                    let low = try hex4()
                    guard (0xDC00..<0xE000).contains(low) else { throw error("unpaired surrogate") }
                    return Unicode.Scalar(0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00))!
                }
                guard let scalar = Unicode.Scalar(high) else { throw error("unpaired surrogate") }
                return scalar
            default:
                throw error("unknown escape")
            }
        }

        mutating func hex4() throws(ConfigJSONError) -> UInt32 {
            guard bytes.count - index >= 4 else { throw error("short \\u escape") }
            var value: UInt32 = 0
            for _ in 0..<4 {
                let byte = bytes[index]
                let digit: UInt8
                switch byte {
                case 0x30...0x39: digit = byte - 0x30
                case 0x41...0x46: digit = byte - 0x41 + 10
                case 0x61...0x66: digit = byte - 0x61 + 10
                default: throw error("bad \\u escape")
                }
                value = value * 16 + UInt32(digit)
                index += 1
            }
            return value
        }
    }
}

/// Why a config text is not valid JSON.
struct ConfigJSONError: Error {
    let message: String
}

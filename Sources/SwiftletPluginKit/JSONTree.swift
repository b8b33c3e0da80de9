/// A parsed JSON document (RFC 8259). Numbers keep their source text, so a decimal like
/// `0.0015` reaches `ExactDecimal` digit for digit, never through `Double`, and integers
/// convert exactly.
///
/// Hand-written: plugin configs need the numbers' text, which JSONDecoder does not give, and
/// the hot-swap state of the Bitget connectors is read inside the swap pause, where
/// JSONDecoder took about 200 µs for a 7 KB state.
public enum JSONTree: Sendable, Equatable {
    /// Members in document order (objects here are small: a scan beats hashing).
    case object([Member])
    case array([JSONTree])
    case string(String)
    case number(String)
    case bool(Bool)
    case null

    /// Parses one JSON value filling the whole text (whitespace around it allowed).
    public static func parse(_ text: String) throws(JSONTreeError) -> JSONTree {
        var text = text
        return try text.withUTF8 { bytes in
            Result { () throws(JSONTreeError) -> JSONTree in
                var parser = Parser(bytes: bytes)
                let value = try parser.value(depth: 0)
                parser.skipWhitespace()
                guard parser.position == bytes.count else { throw parser.error("unexpected text after the value") }
                return value
            }
        }.get()
    }

    /// One member of an object.
    public struct Member: Sendable, Equatable {
        public let key: String
        public let value: JSONTree

        public init(_ key: String, _ value: JSONTree) {
            self.key = key
            self.value = value
        }
    }

    /// The name of this value's kind, for error messages: `a string`, `a number`, ...
    public var kind: String {
        switch self {
        case .object: "an object"
        case .array: "an array"
        case .string: "a string"
        case .number: "a number"
        case .bool: "a boolean"
        case .null: "null"
        }
    }
}

/// Recursive descent over UTF-8 bytes.
private struct Parser {
    let bytes: UnsafeBufferPointer<UInt8>
    var position = 0
    /// Deeper documents are refused rather than risking the stack.
    static let maxDepth = 64

    init(bytes: UnsafeBufferPointer<UInt8>) { self.bytes = bytes }

    func error(_ what: String) -> JSONTreeError { JSONTreeError(message: "\(what) at byte \(position)") }

    mutating func skipWhitespace() {
        while position < bytes.count {
            switch bytes[position] {
            case 0x20, 0x09, 0x0A, 0x0D: position += 1
            default: return
            }
        }
    }

    mutating func value(depth: Int) throws(JSONTreeError) -> JSONTree {
        guard depth < Self.maxDepth else { throw error("nested deeper than \(Self.maxDepth)") }
        skipWhitespace()
        guard position < bytes.count else { throw error("unexpected end") }
        switch bytes[position] {
        case UInt8(ascii: "{"): return try object(depth: depth)
        case UInt8(ascii: "["): return try array(depth: depth)
        case UInt8(ascii: "\""): return .string(try string())
        case UInt8(ascii: "t"): try literal("true"); return .bool(true)
        case UInt8(ascii: "f"): try literal("false"); return .bool(false)
        case UInt8(ascii: "n"): try literal("null"); return .null
        default: return .number(try number())
        }
    }

    mutating func object(depth: Int) throws(JSONTreeError) -> JSONTree {
        position += 1
        var members: [JSONTree.Member] = []
        skipWhitespace()
        if position < bytes.count, bytes[position] == UInt8(ascii: "}") {
            position += 1
            return .object(members)
        }
        while true {
            skipWhitespace()
            guard position < bytes.count, bytes[position] == UInt8(ascii: "\"") else { throw error("expected a member name") }
            let key = try string()
            skipWhitespace()
            guard position < bytes.count, bytes[position] == UInt8(ascii: ":") else { throw error("expected ':'") }
            position += 1
            members.append(JSONTree.Member(key, try value(depth: depth + 1)))
            skipWhitespace()
            guard position < bytes.count else { throw error("unexpected end in an object") }
            position += 1
            switch bytes[position - 1] {
            case UInt8(ascii: ","): continue
            case UInt8(ascii: "}"): return .object(members)
            default: throw error("expected ',' or '}'")
            }
        }
    }

    mutating func array(depth: Int) throws(JSONTreeError) -> JSONTree {
        position += 1
        var items: [JSONTree] = []
        skipWhitespace()
        if position < bytes.count, bytes[position] == UInt8(ascii: "]") {
            position += 1
            return .array(items)
        }
        while true {
            items.append(try value(depth: depth + 1))
            skipWhitespace()
            guard position < bytes.count else { throw error("unexpected end in an array") }
            position += 1
            switch bytes[position - 1] {
            case UInt8(ascii: ","): continue
            case UInt8(ascii: "]"): return .array(items)
            default: throw error("expected ',' or ']'")
            }
        }
    }

    /// A string literal starting at the opening quote.
    mutating func string() throws(JSONTreeError) -> String {
        position += 1
        let start = position
        // Most strings have no escapes: take them as they are.
        while position < bytes.count {
            let byte = bytes[position]
            if byte == UInt8(ascii: "\"") {
                defer { position += 1 }
                return try text(start..<position)
            }
            if byte == UInt8(ascii: "\\") || byte < 0x20 { break }
            position += 1
        }
        var out = Array(bytes[start..<position])
        while position < bytes.count {
            let byte = bytes[position]
            position += 1
            switch byte {
            case UInt8(ascii: "\""):
                guard let text = String(validating: out, as: UTF8.self) else { throw error("a string is not valid UTF-8") }
                return text
            case UInt8(ascii: "\\"):
                try escape(into: &out)
            case ..<0x20:
                throw error("a control character in a string")
            default:
                out.append(byte)
            }
        }
        throw error("unterminated string")
    }

    private func text(_ range: Range<Int>) throws(JSONTreeError) -> String {
        let slice = UnsafeBufferPointer(rebasing: bytes[range])
        // ASCII (nearly every string here) is valid as it is; `String(validating:)` is
        // generic and much slower per call.
        if slice.allSatisfy({ $0 < 0x80 }) { return String(decoding: slice, as: UTF8.self) }
        guard let text = String(validating: slice, as: UTF8.self) else { throw error("a string is not valid UTF-8") }
        return text
    }

    private mutating func escape(into out: inout [UInt8]) throws(JSONTreeError) {
        guard position < bytes.count else { throw error("unterminated string") }
        let byte = bytes[position]
        position += 1
        switch byte {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): out.append(byte)
        case UInt8(ascii: "b"): out.append(0x08)
        case UInt8(ascii: "f"): out.append(0x0C)
        case UInt8(ascii: "n"): out.append(0x0A)
        case UInt8(ascii: "r"): out.append(0x0D)
        case UInt8(ascii: "t"): out.append(0x09)
        case UInt8(ascii: "u"):
            var scalar = try hex4()
            if (0xD800..<0xDC00).contains(scalar) {
                guard position + 1 < bytes.count, bytes[position] == UInt8(ascii: "\\"), bytes[position + 1] == UInt8(ascii: "u") else {
                    throw error("an unpaired surrogate in a string")
                }
                position += 2
                let low = try hex4()
                guard (0xDC00..<0xE000).contains(low) else { throw error("an unpaired surrogate in a string") }
                scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
            }
            guard let unicode = Unicode.Scalar(scalar) else { throw error("an unpaired surrogate in a string") }
            out.append(contentsOf: String(Character(unicode)).utf8)
        default:
            throw error("an unknown escape in a string")
        }
    }

    private mutating func hex4() throws(JSONTreeError) -> UInt32 {
        guard position + 4 <= bytes.count else { throw error("a short \\u escape") }
        var value: UInt32 = 0
        for _ in 0..<4 {
            let byte = bytes[position]
            let digit: UInt8
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
            default: throw error("a bad \\u escape")
            }
            value = value << 4 | UInt32(digit)
            position += 1
        }
        return value
    }

    /// A number literal (JSON grammar), kept as text.
    mutating func number() throws(JSONTreeError) -> String {
        let start = position
        func digits(_ parser: inout Parser) -> Int {
            let first = parser.position
            while parser.position < parser.bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(parser.bytes[parser.position]) {
                parser.position += 1
            }
            return parser.position - first
        }
        if position < bytes.count, bytes[position] == UInt8(ascii: "-") { position += 1 }
        let integerDigits = digits(&self)
        guard integerDigits > 0 else { throw error("expected a value") }
        guard integerDigits == 1 || bytes[position - integerDigits] != UInt8(ascii: "0") else { throw error("a number with a leading zero") }
        if position < bytes.count, bytes[position] == UInt8(ascii: ".") {
            position += 1
            guard digits(&self) > 0 else { throw error("a number without digits after '.'") }
        }
        if position < bytes.count, bytes[position] == UInt8(ascii: "e") || bytes[position] == UInt8(ascii: "E") {
            position += 1
            if position < bytes.count, bytes[position] == UInt8(ascii: "+") || bytes[position] == UInt8(ascii: "-") { position += 1 }
            guard digits(&self) > 0 else { throw error("a number without exponent digits") }
        }
        return try text(start..<position)
    }

    private mutating func literal(_ word: StaticString) throws(JSONTreeError) {
        let expected = UnsafeBufferPointer(start: word.utf8Start, count: word.utf8CodeUnitCount)
        guard position + expected.count <= bytes.count,
              bytes[position..<position + expected.count].elementsEqual(expected) else { throw error("expected a value") }
        position += expected.count
    }
}

extension JSONTree {
    /// The kind with a glimpse of the value, for error messages: `a string ("abc")`, `a number (1e-3)`, `true`.
    public var summary: String {
        switch self {
        case .string(let text): "a string (\"\(text.prefix(40))\")"
        case .number(let text): "a number (\(text))"
        case .bool(let value): "\(value)"
        default: kind
        }
    }
}

/// Why a text is not JSON: what was wrong and at which byte.
public struct JSONTreeError: Error, Sendable, CustomStringConvertible {
    public let message: String
    public var description: String { message }
}

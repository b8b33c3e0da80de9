public import SwiftletCore

/// A parsed JSON document, and the reading of its fields with errors that name the field.
///
/// Hand-written for the hot-swap state, which is read inside the swap pause: JSONDecoder
/// took about 200 µs for a 7 KB state, most of the import step; this takes a few µs.
/// Numbers keep their literal text, so integers convert exactly.
public enum JSONTree: Sendable, Equatable {
    /// Members in document order (objects here are small: a scan beats hashing).
    case object([Member])
    case array([JSONTree])
    case string(String)
    case number(String)
    case bool(Bool)
    case null

    /// Parses one JSON value filling the whole text (whitespace around it allowed).
    public static func parse(_ text: String) throws(PayloadError) -> JSONTree {
        var text = text
        return try text.withUTF8 { bytes in
            Result { () throws(PayloadError) -> JSONTree in
                var parser = Parser(bytes: bytes)
                let value = try parser.value(depth: 0)
                parser.skipWhitespace()
                guard parser.position == bytes.count else { throw parser.error("text after the JSON value") }
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

    /// The name of this value's kind, for error messages.
    var kind: String {
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

    func error(_ what: String) -> PayloadError { PayloadError("malformed JSON at byte \(position): \(what)") }

    mutating func skipWhitespace() {
        while position < bytes.count {
            switch bytes[position] {
            case 0x20, 0x09, 0x0A, 0x0D: position += 1
            default: return
            }
        }
    }

    mutating func value(depth: Int) throws(PayloadError) -> JSONTree {
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

    mutating func object(depth: Int) throws(PayloadError) -> JSONTree {
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

    mutating func array(depth: Int) throws(PayloadError) -> JSONTree {
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
    mutating func string() throws(PayloadError) -> String {
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

    private func text(_ range: Range<Int>) throws(PayloadError) -> String {
        let slice = UnsafeBufferPointer(rebasing: bytes[range])
        // ASCII (nearly every string here) is valid as it is; `String(validating:)` is
        // generic and much slower per call.
        if slice.allSatisfy({ $0 < 0x80 }) { return String(decoding: slice, as: UTF8.self) }
        guard let text = String(validating: slice, as: UTF8.self) else { throw error("a string is not valid UTF-8") }
        return text
    }

    private mutating func escape(into out: inout [UInt8]) throws(PayloadError) {
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

    private mutating func hex4() throws(PayloadError) -> UInt32 {
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
    mutating func number() throws(PayloadError) -> String {
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

    private mutating func literal(_ word: StaticString) throws(PayloadError) {
        let expected = UnsafeBufferPointer(start: word.utf8Start, count: word.utf8CodeUnitCount)
        guard position + expected.count <= bytes.count,
              bytes[position..<position + expected.count].elementsEqual(expected) else { throw error("expected a value") }
        position += expected.count
    }
}

/// The members of one JSON object, read by name; errors name the field by its path
/// (`orders[2].price`) and start with `what` (`hot-swap state`).
public struct JSONFields {
    let members: [JSONTree.Member]
    let path: String
    let what: String

    /// The fields of `tree`, which must be an object.
    public init(_ tree: JSONTree, what: String, path: String = "") throws(PayloadError) {
        guard case .object(let members) = tree else {
            throw PayloadError("\(what): \(path.isEmpty ? "the document" : "'\(path)'") should be an object, not \(tree.kind)")
        }
        self.members = members
        self.path = path
        self.what = what
    }

    private func name(_ key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }

    /// The raw value of `key` (its first occurrence); nil if absent or null.
    public func optional(_ key: String) -> JSONTree? {
        guard let member = members.first(where: { $0.key == key }), member.value != .null else { return nil }
        return member.value
    }

    private func required(_ key: String) throws(PayloadError) -> JSONTree {
        guard let value = optional(key) else { throw PayloadError("\(what): missing field '\(name(key))'") }
        return value
    }

    private func wrongType(_ key: String, _ value: JSONTree, expected: String) -> PayloadError {
        PayloadError("\(what): '\(name(key))' should be \(expected), not \(value.kind)")
    }

    public func string(_ key: String) throws(PayloadError) -> String {
        let value = try required(key)
        guard case .string(let text) = value else { throw wrongType(key, value, expected: "a string") }
        return text
    }

    public func bool(_ key: String) throws(PayloadError) -> Bool {
        let value = try required(key)
        guard case .bool(let flag) = value else { throw wrongType(key, value, expected: "a boolean") }
        return flag
    }

    /// An integer that fits `T` exactly.
    public func integer<T: FixedWidthInteger>(_ key: String, as type: T.Type = T.self) throws(PayloadError) -> T {
        let value = try required(key)
        guard case .number(let text) = value, let integer = T(text) else { throw wrongType(key, value, expected: "an integer in range") }
        return integer
    }

    /// An exact decimal written as text (`"0.10"`).
    public func decimal(_ key: String) throws(PayloadError) -> ExactDecimal {
        let text = try string(key)
        guard let value = try? ExactDecimal(text) else { throw PayloadError("\(what): '\(name(key))' is not an exact decimal: \"\(text)\"") }
        return value
    }

    /// The fields of a nested object.
    public func object(_ key: String) throws(PayloadError) -> JSONFields {
        try JSONFields(try required(key), what: what, path: name(key))
    }

    /// The elements of an array; an absent or null array is empty when `optional`.
    public func array(_ key: String, optional: Bool = false) throws(PayloadError) -> [JSONTree] {
        guard let value = self.optional(key) else {
            if optional { return [] }
            throw PayloadError("\(what): missing field '\(name(key))'")
        }
        guard case .array(let items) = value else { throw wrongType(key, value, expected: "an array") }
        return items
    }

    /// The fields of each object in an array.
    public func objects(_ key: String, optional: Bool = false) throws(PayloadError) -> [JSONFields] {
        var result: [JSONFields] = []
        for (index, item) in try array(key, optional: optional).enumerated() {
            result.append(try JSONFields(item, what: what, path: "\(name(key))[\(index)]"))
        }
        return result
    }

    /// The members of a nested object, each read by `read` (given the member's path).
    public func dictionary<Value>(_ key: String, optional: Bool = false,
                                  _ read: (JSONTree, String) throws(PayloadError) -> Value) throws(PayloadError) -> [String: Value] {
        guard let value = self.optional(key) else {
            if optional { return [:] }
            throw PayloadError("\(what): missing field '\(name(key))'")
        }
        guard case .object(let members) = value else { throw wrongType(key, value, expected: "an object") }
        var result: [String: Value] = [:]
        for member in members { result[member.key] = try read(member.value, "\(name(key)).\(member.key)") }
        return result
    }
}

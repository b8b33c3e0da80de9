/// A small strict JSON parser producing `JSONValue`; numbers are kept as text.
public enum JSONParser {
    /// Why a document could not be parsed.
    public struct Failure: Error, Sendable { public let offset: Int }

    /// Parses one JSON document; trailing whitespace is allowed, anything else is not.
    public static func parse(_ text: String) throws(Failure) -> JSONValue {
        var reader = Reader(bytes: Array(text.utf8))
        reader.skipSpace()
        let value = try reader.value(depth: 0)
        reader.skipSpace()
        guard reader.index == reader.bytes.count else { throw Failure(offset: reader.index) }
        return value
    }

    private struct Reader {
        let bytes: [UInt8]
        var index = 0

        mutating func skipSpace() {
            while index < bytes.count, [0x20, 0x0A, 0x0D, 0x09].contains(bytes[index]) { index += 1 }
        }

        mutating func value(depth: Int) throws(Failure) -> JSONValue {
            guard depth < 64, index < bytes.count else { throw Failure(offset: index) }
            switch bytes[index] {
            case UInt8(ascii: "{"): return try object(depth: depth)
            case UInt8(ascii: "["): return try array(depth: depth)
            case UInt8(ascii: "\""): return .string(try string())
            case UInt8(ascii: "t"): try literal("true"); return .bool(true)
            case UInt8(ascii: "f"): try literal("false"); return .bool(false)
            case UInt8(ascii: "n"): try literal("null"); return .null
            default: return try number()
            }
        }

        mutating func literal(_ word: String) throws(Failure) {
            for byte in word.utf8 {
                guard index < bytes.count, bytes[index] == byte else { throw Failure(offset: index) }
                index += 1
            }
        }

        mutating func number() throws(Failure) -> JSONValue {
            let start = index
            while index < bytes.count {
                let b = bytes[index]
                let isNumberByte = (b >= UInt8(ascii: "0") && b <= UInt8(ascii: "9")) || b == UInt8(ascii: "-")
                    || b == UInt8(ascii: "+") || b == UInt8(ascii: ".") || b == UInt8(ascii: "e") || b == UInt8(ascii: "E")
                guard isNumberByte else { break }
                index += 1
            }
            guard index > start else { throw Failure(offset: index) }
            return .number(String(decoding: bytes[start..<index], as: UTF8.self))
        }

        mutating func string() throws(Failure) -> String {
            index += 1
            var scalars = String.UnicodeScalarView()
            var runStart = index
            var out = ""
            while index < bytes.count {
                let b = bytes[index]
                if b == UInt8(ascii: "\"") {
                    out += String(decoding: bytes[runStart..<index], as: UTF8.self)
                    index += 1
                    out.unicodeScalars.append(contentsOf: scalars)
                    return out
                }
                if b == UInt8(ascii: "\\") {
                    out += String(decoding: bytes[runStart..<index], as: UTF8.self)
                    index += 1
                    guard index < bytes.count else { throw Failure(offset: index) }
                    let e = bytes[index]
                    index += 1
                    switch e {
                    case UInt8(ascii: "n"): out += "\n"
                    case UInt8(ascii: "t"): out += "\t"
                    case UInt8(ascii: "r"): out += "\r"
                    case UInt8(ascii: "b"): out += "\u{08}"
                    case UInt8(ascii: "f"): out += "\u{0C}"
                    case UInt8(ascii: "u"):
                        guard index + 4 <= bytes.count,
                              let code = UInt32(String(decoding: bytes[index..<index + 4], as: UTF8.self), radix: 16)
                        else { throw Failure(offset: index) }
                        index += 4
                        if let scalar = Unicode.Scalar(code) { out.unicodeScalars.append(scalar) }
                    default: out.unicodeScalars.append(Unicode.Scalar(e))
                    }
                    runStart = index
                    continue
                }
                if b < 0x20 { throw Failure(offset: index) }
                index += 1
            }
            scalars.removeAll()
            throw Failure(offset: index)
        }

        mutating func array(depth: Int) throws(Failure) -> JSONValue {
            index += 1
            var items: [JSONValue] = []
            skipSpace()
            if index < bytes.count, bytes[index] == UInt8(ascii: "]") { index += 1; return .array(items) }
            while true {
                skipSpace()
                items.append(try value(depth: depth + 1))
                skipSpace()
                guard index < bytes.count else { throw Failure(offset: index) }
                if bytes[index] == UInt8(ascii: ",") { index += 1; continue }
                if bytes[index] == UInt8(ascii: "]") { index += 1; return .array(items) }
                throw Failure(offset: index)
            }
        }

        mutating func object(depth: Int) throws(Failure) -> JSONValue {
            index += 1
            var members: [(String, JSONValue)] = []
            skipSpace()
            if index < bytes.count, bytes[index] == UInt8(ascii: "}") { index += 1; return .object(members) }
            while true {
                skipSpace()
                guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else { throw Failure(offset: index) }
                let key = try string()
                skipSpace()
                guard index < bytes.count, bytes[index] == UInt8(ascii: ":") else { throw Failure(offset: index) }
                index += 1
                skipSpace()
                members.append((key, try value(depth: depth + 1)))
                skipSpace()
                guard index < bytes.count else { throw Failure(offset: index) }
                if bytes[index] == UInt8(ascii: ",") { index += 1; continue }
                if bytes[index] == UInt8(ascii: "}") { index += 1; return .object(members) }
                throw Failure(offset: index)
            }
        }
    }
}

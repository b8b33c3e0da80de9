/// A cursor over JSON text in UTF-8 with the few primitives `BookFrameParser` needs.
///
/// Every read is bounds-checked against `end` and reports `truncated` instead of reading
/// past it, so no input can make it crash. Nothing here allocates.
struct JSONScanner {
    let base: UnsafePointer<UInt8>
    let end: Int
    var index = 0

    /// Deepest nesting `skipValue` follows inside an unknown field.
    static let maxSkipDepth = 32

    init(_ bytes: UnsafeRawBufferPointer) {
        // An empty buffer may have no base address; any non-null pointer works with end 0.
        base = bytes.baseAddress.map { $0.assumingMemoryBound(to: UInt8.self) }
            ?? UnsafePointer(bitPattern: 1)!
        end = bytes.count
    }

    @inline(__always)
    func error(_ code: BookFrameError.Code, _ field: StaticString = "") -> BookFrameError {
        BookFrameError(code, field: field, at: index)
    }

    /// The next non-whitespace byte, which is not consumed.
    @inline(__always)
    mutating func peek() throws(BookFrameError) -> UInt8 {
        while index < end {
            let byte = base[index]
            // JSON whitespace is space, tab, LF, CR; all are <= 0x20 and nothing else is allowed.
            if byte > 0x20 { return byte }
            guard byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09 else {
                throw error(.syntax)
            }
            index += 1
        }
        throw error(.truncated)
    }

    /// Consumes `byte` (after whitespace) or throws.
    @inline(__always)
    mutating func expect(_ byte: UInt8, _ field: StaticString = "") throws(BookFrameError) {
        guard try peek() == byte else { throw error(.syntax, field) }
        index += 1
    }

    /// After a member or element: true if a `,` followed, false if `close` did.
    @inline(__always)
    mutating func nextElement(close: UInt8, _ field: StaticString = "") throws(BookFrameError) -> Bool {
        let byte = try peek()
        index += 1
        if byte == UInt8(ascii: ",") { return true }
        if byte == close { return false }
        index -= 1
        throw error(.syntax, field)
    }

    /// Reads a string whose opening quote is next; returns the byte range of its content
    /// (escapes left as they are). Throws `typeMismatch` if the value is not a string.
    @inline(__always)
    mutating func string(_ field: StaticString) throws(BookFrameError) -> Range<Int> {
        guard try peek() == UInt8(ascii: "\"") else { throw error(.typeMismatch, field) }
        index += 1
        let start = index
        while index < end {
            let byte = base[index]
            if byte == UInt8(ascii: "\"") {
                index += 1
                return start..<(index - 1)
            }
            if byte == UInt8(ascii: "\\") { index += 1 }
            else if byte < 0x20 { throw error(.syntax, field) }
            index += 1
        }
        throw error(.truncated, field)
    }

    /// Reads a JSON integer (no fraction or exponent); throws `typeMismatch` for other types.
    @inline(__always)
    mutating func integer(_ field: StaticString) throws(BookFrameError) -> Int64 {
        if let value = shortInteger(quoted: false) { return value }
        return try unusualInteger(field)
    }

    /// Reads an integer given either as a JSON number or as a string of digits (Bitget
    /// sends millisecond timestamps both ways).
    @inline(__always)
    mutating func integerOrString(_ field: StaticString) throws(BookFrameError) -> Int64 {
        if index < end, base[index] == UInt8(ascii: "\""), let value = shortInteger(quoted: true) { return value }
        if let value = shortInteger(quoted: false) { return value }
        return try unusualIntegerOrString(field)
    }

    /// The common case of `integer` and `integerOrString`, inline: right at `index`, an
    /// optional `-` and 1 to 18 digits (no overflow possible), then for a number a byte
    /// that cannot continue it, or for a quoted one (`quoted`, opening quote at `index`)
    /// the closing quote. Returns nil, consuming nothing, for anything else; the
    /// out-of-line readers then handle whitespace, long numbers and every error.
    @inline(__always)
    private mutating func shortInteger(quoted: Bool) -> Int64? {
        var position = quoted ? index + 1 : index
        let negative = position < end && base[position] == UInt8(ascii: "-")
        if negative { position += 1 }
        let first = position
        var magnitude: Int64 = 0
        while position < end, case let digit = base[position] &- UInt8(ascii: "0"), digit < 10 {
            magnitude = magnitude &* 10 &+ Int64(digit)
            position += 1
        }
        let count = position - first
        guard count > 0, count <= 18, position < end else { return nil }
        let next = base[position]
        if quoted {
            guard next == UInt8(ascii: "\""), !negative else { return nil }
            position += 1
        } else {
            guard next != UInt8(ascii: "."), next != UInt8(ascii: "e"), next != UInt8(ascii: "E") else { return nil }
        }
        index = position
        return negative ? -magnitude : magnitude
    }

    @inline(never)
    private mutating func unusualInteger(_ field: StaticString) throws(BookFrameError) -> Int64 {
        let first = try peek()
        guard first == UInt8(ascii: "-") || (first >= UInt8(ascii: "0") && first <= UInt8(ascii: "9")) else {
            throw error(.typeMismatch, field)
        }
        return try digits(field, stopAt: nil)
    }

    @inline(never)
    private mutating func unusualIntegerOrString(_ field: StaticString) throws(BookFrameError) -> Int64 {
        guard try peek() == UInt8(ascii: "\"") else { return try unusualInteger(field) }
        index += 1
        return try digits(field, stopAt: UInt8(ascii: "\""))
    }

    /// Optional `-` then decimal digits; with `stopAt`, that byte must follow and is consumed.
    private mutating func digits(_ field: StaticString, stopAt terminator: UInt8?) throws(BookFrameError) -> Int64 {
        var negative = false
        if index < end, base[index] == UInt8(ascii: "-") {
            negative = true
            index += 1
        }
        var magnitude: UInt64 = 0
        var count = 0
        while index < end {
            let digit = base[index] &- UInt8(ascii: "0")
            guard digit < 10 else { break }
            // Up to 19 digits cannot overflow UInt64; only longer numbers pay for checks.
            if count < 19 {
                magnitude = magnitude &* 10 &+ UInt64(digit)
            } else {
                let (times10, overflow1) = magnitude.multipliedReportingOverflow(by: 10)
                let (sum, overflow2) = times10.addingReportingOverflow(UInt64(digit))
                guard !overflow1, !overflow2 else { throw error(.invalidNumber, field) }
                magnitude = sum
            }
            count += 1
            index += 1
        }
        guard index < end else { throw error(.truncated, field) }
        guard count > 0 else { throw error(.invalidNumber, field) }
        if let terminator {
            guard base[index] == terminator else { throw error(.invalidNumber, field) }
            index += 1
        } else {
            let next = base[index]
            guard next != UInt8(ascii: "."), next != UInt8(ascii: "e"), next != UInt8(ascii: "E") else {
                throw error(.invalidNumber, field)
            }
        }
        if negative {
            guard magnitude <= UInt64(Int64.max) + 1 else { throw error(.invalidNumber, field) }
            return Int64(truncatingIfNeeded: 0 &- magnitude)
        }
        guard magnitude <= UInt64(Int64.max) else { throw error(.invalidNumber, field) }
        return Int64(magnitude)
    }

    /// Consumes `literal` if the next bytes are exactly it (no whitespace skipped) and
    /// returns true; otherwise consumes nothing. The parser's fast path: it tries a key
    /// with its quotes and colon (`"seq":`) in the order Bitget sends them, a few word
    /// compares, before falling back to reading the key as a string.
    @inline(__always)
    mutating func consume(_ literal: StaticString) -> Bool {
        let count = literal.utf8CodeUnitCount
        guard end - index >= count else { return false }
        let text = UnsafeRawPointer(literal.utf8Start)
        let here = UnsafeRawPointer(base + index)
        var offset = 0
        while offset + 8 <= count {
            guard here.loadUnaligned(fromByteOffset: offset, as: UInt64.self)
                == text.loadUnaligned(fromByteOffset: offset, as: UInt64.self) else { return false }
            offset += 8
        }
        if offset + 4 <= count {
            guard here.loadUnaligned(fromByteOffset: offset, as: UInt32.self)
                == text.loadUnaligned(fromByteOffset: offset, as: UInt32.self) else { return false }
            offset += 4
        }
        while offset < count {
            guard here.load(fromByteOffset: offset, as: UInt8.self) == text.load(fromByteOffset: offset, as: UInt8.self)
            else { return false }
            offset += 1
        }
        index += count
        return true
    }

    /// Reads an object key and the colon after it; returns the key's byte range. Out of
    /// line: the parser calls it only when no expected key matched (see `consume`).
    @inline(never)
    mutating func keyAndColon() throws(BookFrameError) -> Range<Int> {
        let key = try string("")
        try expect(UInt8(ascii: ":"))
        return key
    }

    /// True if the bytes in `range` equal `literal` (ASCII).
    @inline(__always)
    func matches(_ range: Range<Int>, _ literal: StaticString) -> Bool {
        let count = literal.utf8CodeUnitCount
        guard range.count == count else { return false }
        let text = literal.utf8Start
        var offset = 0
        while offset < count {
            if base[range.lowerBound + offset] != text[offset] { return false }
            offset += 1
        }
        return true
    }

    /// Skips any JSON value: used for fields the parser does not need.
    mutating func skipValue(depth: Int = 0) throws(BookFrameError) {
        guard depth < Self.maxSkipDepth else { throw error(.nestingTooDeep) }
        switch try peek() {
        case UInt8(ascii: "\""):
            _ = try string("")
        case UInt8(ascii: "{"):
            index += 1
            if try peek() == UInt8(ascii: "}") {
                index += 1
                return
            }
            repeat {
                _ = try string("")
                try expect(UInt8(ascii: ":"))
                try skipValue(depth: depth + 1)
            } while try nextElement(close: UInt8(ascii: "}"))
        case UInt8(ascii: "["):
            index += 1
            if try peek() == UInt8(ascii: "]") {
                index += 1
                return
            }
            repeat {
                try skipValue(depth: depth + 1)
            } while try nextElement(close: UInt8(ascii: "]"))
        case UInt8(ascii: "t"): try literal("true")
        case UInt8(ascii: "f"): try literal("false")
        case UInt8(ascii: "n"): try literal("null")
        default:
            try skipNumber()
        }
    }

    private mutating func literal(_ word: StaticString) throws(BookFrameError) {
        let count = word.utf8CodeUnitCount
        guard end - index >= count else { throw error(.truncated) }
        guard matches(index..<(index + count), word) else { throw error(.syntax) }
        index += count
    }

    /// Skips a JSON number token (validated loosely: sign, digits, fraction, exponent).
    private mutating func skipNumber() throws(BookFrameError) {
        let start = index
        while index < end {
            let byte = base[index]
            let isNumberByte = (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9"))
                || byte == UInt8(ascii: "-") || byte == UInt8(ascii: "+") || byte == UInt8(ascii: ".")
                || byte == UInt8(ascii: "e") || byte == UInt8(ascii: "E")
            guard isNumberByte else { break }
            index += 1
        }
        guard index < end else { throw error(.truncated) }
        guard index > start else { throw error(.syntax) }
    }
}

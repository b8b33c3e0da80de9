import SwiftletCore

/// Decodes Bitget v2 `books`/`books1`/`books5`/`books15` WebSocket pushes:
/// `{"action":…,"arg":{"instType":…,"channel":…,"instId":…},"data":[{"asks":[[p,s],…],
/// "bids":[…],"checksum":…,"seq":…,"ts":…}],"ts":…}`.
///
/// This is the order-book hot path, so it is a hand-written scanner over the UTF-8 bytes:
/// Foundation's `JSONDecoder` (or `JSONSerialization`) builds dictionaries, strings and
/// boxed numbers for every level and runs one to two orders of magnitude slower than
/// this, which a full-depth feed cannot afford. The parser keeps its level arrays between
/// calls, so after the first few frames parsing allocates nothing. Keys may come in any
/// order and unknown keys are skipped; malformed input throws `BookFrameError`, never traps.
public struct BookFrameParser: Sendable {
    /// Longest price or size text accepted, in bytes (a level's checksum piece
    /// `":price:size"` must fit `CRC32.maxShift`).
    public static let maxNumberLength = 23

    private var storage: LevelStorage
    private let levelCapacity: Int
    private var bids: LevelWriter
    private var asks: LevelWriter

    /// Creates a parser; `levelCapacity` levels per side are reserved up front.
    public init(levelCapacity: Int = 512) {
        self.levelCapacity = levelCapacity
        storage = LevelStorage(capacity: levelCapacity)
        bids = LevelWriter(base: storage.bids, capacity: storage.bidCapacity)
        asks = LevelWriter(base: storage.asks, capacity: storage.askCapacity)
    }

    /// Parses one frame. Its byte ranges and texts refer to `bytes`.
    ///
    /// The frame's levels are a view into the parser's buffers (see `ParsedLevels`): they
    /// are valid until the next call, and no longer than the parser lives.
    public mutating func parse(_ bytes: UnsafeRawBufferPointer) throws(BookFrameError) -> BookFrame {
        // A copied parser shares its buffers with the original until one of them parses:
        // that one then takes buffers of its own.
        if !isKnownUniquelyReferenced(&storage) { storage = LevelStorage(capacity: levelCapacity) }
        storage.nextGeneration()
        bids = LevelWriter(base: storage.bids, capacity: storage.bidCapacity)
        asks = LevelWriter(base: storage.asks, capacity: storage.askCapacity)
        defer {
            if bids.grew { storage.replace(.buy, with: bids.base, capacity: bids.capacity) }
            if asks.grew { storage.replace(.sell, with: asks.base, capacity: asks.capacity) }
        }
        var scanner = JSONScanner(bytes)
        // Level texts are located by 32-bit offsets; no WebSocket frame comes near 2 GiB.
        guard bytes.count < Int(Int32.max) else { throw scanner.error(.syntax) }
        var header = Header()
        try scanner.expect(UInt8(ascii: "{"))
        if try scanner.peek() != UInt8(ascii: "}") {
            repeat {
                switch try Self.frameKey(&scanner) {
                case .action:
                    header.action = try action(&scanner)
                case .arg:
                    try argument(&scanner, into: &header)
                case .data:
                    guard !header.sawData else { throw scanner.error(.duplicateField, "data") }
                    header.sawData = true
                    try data(&scanner, into: &header)
                case .other:
                    try scanner.skipValue()
                }
            } while try scanner.nextElement(close: UInt8(ascii: "}"))
        } else {
            scanner.index += 1
        }
        try trailingWhitespace(&scanner)
        return try header.frame(bids: storage.view(bids), asks: storage.view(asks),
                                byteCount: bytes.count, scanner: scanner)
    }

    /// The fields collected while scanning; checked once the whole object is read, since
    /// JSON does not fix the key order.
    private struct Header {
        var action: BookAction?
        var channel: BookChannel?
        var instType: Range<Int>?
        var instId: Range<Int>?
        var sequence: Int64?
        var checksum: Int32?
        var exchangeTimeMs: Int64?
        var sawData = false
        var sawAsks = false
        var sawBids = false

        func frame(bids: ParsedLevels, asks: ParsedLevels, byteCount: Int,
                   scanner: JSONScanner) throws(BookFrameError) -> BookFrame {
            guard let action else { throw scanner.error(.missingField, "action") }
            guard let channel else { throw scanner.error(.missingField, "arg.channel") }
            guard let instType else { throw scanner.error(.missingField, "arg.instType") }
            guard let instId else { throw scanner.error(.missingField, "arg.instId") }
            guard sawData else { throw scanner.error(.missingField, "data") }
            guard sawAsks else { throw scanner.error(.missingField, "data.asks") }
            guard sawBids else { throw scanner.error(.missingField, "data.bids") }
            if channel.isIncremental {
                guard sequence != nil else { throw scanner.error(.missingField, "data.seq") }
                guard checksum != nil else { throw scanner.error(.missingField, "data.checksum") }
            }
            return BookFrame(
                action: action, channel: channel, instTypeRange: instType, instIdRange: instId,
                sequence: sequence, checksum: checksum, exchangeTimeMs: exchangeTimeMs,
                bids: bids, asks: asks,
                byteCount: byteCount)
        }
    }

    // Keys are matched by `JSONScanner.consume` first, in the order Bitget sends them, and
    // by reading the key as a string only when that fails (other order, whitespace, escapes).

    private enum FrameKey { case action, arg, data, other }
    private enum ArgumentKey { case instType, channel, instId, other }
    private enum DataKey { case asks, bids, checksum, seq, ts, other }

    /// Reads a top-level key and its colon.
    @inline(__always)
    private static func frameKey(_ scanner: inout JSONScanner) throws(BookFrameError) -> FrameKey {
        if scanner.consume(#""action":"#) { return .action }
        if scanner.consume(#""arg":"#) { return .arg }
        if scanner.consume(#""data":"#) { return .data }
        if scanner.consume(#""ts":"#) { return .other } // the push time; `data.ts` is the book's
        let key = try scanner.keyAndColon()
        if scanner.matches(key, "action") { return .action }
        if scanner.matches(key, "arg") { return .arg }
        if scanner.matches(key, "data") { return .data }
        return .other
    }

    /// Reads a key of `arg` and its colon.
    @inline(__always)
    private static func argumentKey(_ scanner: inout JSONScanner) throws(BookFrameError) -> ArgumentKey {
        if scanner.consume(#""instType":"#) { return .instType }
        if scanner.consume(#""channel":"#) { return .channel }
        if scanner.consume(#""instId":"#) { return .instId }
        let key = try scanner.keyAndColon()
        if scanner.matches(key, "instType") { return .instType }
        if scanner.matches(key, "channel") { return .channel }
        if scanner.matches(key, "instId") { return .instId }
        return .other
    }

    /// Reads a key of the book object in `data` and its colon.
    @inline(__always)
    private static func dataKey(_ scanner: inout JSONScanner) throws(BookFrameError) -> DataKey {
        if scanner.consume(#""asks":"#) { return .asks }
        if scanner.consume(#""bids":"#) { return .bids }
        if scanner.consume(#""checksum":"#) { return .checksum }
        if scanner.consume(#""seq":"#) { return .seq }
        if scanner.consume(#""ts":"#) { return .ts }
        let key = try scanner.keyAndColon()
        if scanner.matches(key, "asks") { return .asks }
        if scanner.matches(key, "bids") { return .bids }
        if scanner.matches(key, "checksum") { return .checksum }
        if scanner.matches(key, "seq") { return .seq }
        if scanner.matches(key, "ts") { return .ts }
        return .other
    }

    private func action(_ scanner: inout JSONScanner) throws(BookFrameError) -> BookAction {
        if scanner.consume(#""update""#) { return .update }
        if scanner.consume(#""snapshot""#) { return .snapshot }
        let value = try scanner.string("action")
        if scanner.matches(value, "update") { return .update }
        if scanner.matches(value, "snapshot") { return .snapshot }
        throw BookFrameError(.unsupportedAction, field: "action", at: value.lowerBound)
    }

    private func argument(_ scanner: inout JSONScanner, into header: inout Header) throws(BookFrameError) {
        guard try scanner.peek() == UInt8(ascii: "{") else { throw scanner.error(.typeMismatch, "arg") }
        scanner.index += 1
        if try scanner.peek() == UInt8(ascii: "}") {
            scanner.index += 1
            return
        }
        repeat {
            switch try Self.argumentKey(&scanner) {
            case .instId: header.instId = try scanner.string("arg.instId")
            case .channel: header.channel = try channel(&scanner)
            case .instType: header.instType = try scanner.string("arg.instType")
            case .other: try scanner.skipValue()
            }
        } while try scanner.nextElement(close: UInt8(ascii: "}"), "arg")
    }

    private func channel(_ scanner: inout JSONScanner) throws(BookFrameError) -> BookChannel {
        if scanner.consume(#""books""#) { return .books }
        let value = try scanner.string("arg.channel")
        if scanner.matches(value, "books") { return .books }
        if scanner.matches(value, "books1") { return .books1 }
        if scanner.matches(value, "books5") { return .books5 }
        if scanner.matches(value, "books15") { return .books15 }
        throw BookFrameError(.unsupportedChannel, field: "arg.channel", at: value.lowerBound)
    }

    /// `data`: an array holding exactly one book object.
    private mutating func data(_ scanner: inout JSONScanner, into header: inout Header) throws(BookFrameError) {
        guard try scanner.peek() == UInt8(ascii: "[") else { throw scanner.error(.typeMismatch, "data") }
        scanner.index += 1
        guard try scanner.peek() == UInt8(ascii: "{") else {
            let code: BookFrameError.Code = try scanner.peek() == UInt8(ascii: "]") ? .unexpectedDataCount : .typeMismatch
            throw scanner.error(code, "data")
        }
        scanner.index += 1
        if try scanner.peek() != UInt8(ascii: "}") {
            repeat {
                try member(Self.dataKey(&scanner), &scanner, into: &header)
            } while try scanner.nextElement(close: UInt8(ascii: "}"), "data")
        } else {
            scanner.index += 1
        }
        guard try scanner.peek() == UInt8(ascii: "]") else {
            let code: BookFrameError.Code = try scanner.peek() == UInt8(ascii: ",") ? .unexpectedDataCount : .syntax
            throw scanner.error(code, "data")
        }
        scanner.index += 1
    }

    private mutating func member(_ key: DataKey, _ scanner: inout JSONScanner,
                                 into header: inout Header) throws(BookFrameError) {
        switch key {
        case .asks:
            guard !header.sawAsks else { throw scanner.error(.duplicateField, "data.asks") }
            header.sawAsks = true
            try Self.levels(&scanner, into: &asks, "data.asks")
        case .bids:
            guard !header.sawBids else { throw scanner.error(.duplicateField, "data.bids") }
            header.sawBids = true
            try Self.levels(&scanner, into: &bids, "data.bids")
        case .checksum:
            let start = scanner.index
            let value = try scanner.integer("data.checksum")
            guard let checksum = Int32(exactly: value) else {
                throw BookFrameError(.invalidNumber, field: "data.checksum", at: start)
            }
            header.checksum = checksum
        case .seq:
            header.sequence = try scanner.integer("data.seq")
        case .ts:
            header.exchangeTimeMs = try scanner.integerOrString("data.ts")
        case .other:
            try scanner.skipValue()
        }
    }

    /// `[[price, size], …]` with both as decimal strings; extra elements in a level are skipped.
    private static func levels(_ scanner: inout JSONScanner, into levels: inout LevelWriter,
                               _ field: StaticString) throws(BookFrameError) {
        guard try scanner.peek() == UInt8(ascii: "[") else { throw scanner.error(.typeMismatch, field) }
        scanner.index += 1
        if try scanner.peek() == UInt8(ascii: "]") {
            scanner.index += 1
            return
        }
        repeat {
            guard try scanner.peek() == UInt8(ascii: "[") else { throw scanner.error(.typeMismatch, field) }
            scanner.index += 1
            let (price, priceStart) = try decimal(&scanner, field)
            try scanner.expect(UInt8(ascii: ","), field)
            let (size, sizeStart) = try decimal(&scanner, field)
            while try scanner.nextElement(close: UInt8(ascii: "]"), field) {
                try scanner.skipValue()
            }
            levels.append(ParsedLevel(
                price: price.value, size: size.value,
                priceStart: Int32(truncatingIfNeeded: priceStart), sizeStart: Int32(truncatingIfNeeded: sizeStart),
                priceLength: price.length, sizeLength: size.length))
        } while try scanner.nextElement(close: UInt8(ascii: "]"), field)
    }

    /// Reads a price or size string: a non-negative plain decimal of at most
    /// `maxNumberLength` bytes, written canonically (digits, optionally `.` and digits; no
    /// sign, no superfluous leading zero, no bare point). Bitget writes numbers that way, and
    /// it guarantees that `(mantissa, scale)` reproduces the text byte for byte
    /// (`ExactDecimal.description`), which the checksum relies on.
    ///
    /// The common case (the quote right here, at most 18 digits) is decoded inline in the
    /// same pass that finds the closing quote; anything else, every error included, goes to
    /// the out-of-line `unusualDecimal`, which keeps this small enough to inline into the
    /// level loop. Returns the value, text length and start.
    @inline(__always)
    private static func decimal(_ scanner: inout JSONScanner, _ field: StaticString)
        throws(BookFrameError) -> ((value: ExactDecimal, length: UInt8), Int) {
        let base = scanner.base
        let start = scanner.index + 1
        if start < scanner.end, base[start - 1] == UInt8(ascii: "\"") {
            var index = start
            var mantissa: UInt64 = 0
            var point = -1
            // Integer digits, then (after a '.') fraction digits: two tight loops.
            while index < scanner.end, case let digit = base[index] &- UInt8(ascii: "0"), digit < 10 {
                mantissa = mantissa &* 10 &+ UInt64(digit)
                index += 1
            }
            if index < scanner.end, base[index] == UInt8(ascii: ".") {
                point = index
                index += 1
                while index < scanner.end, case let digit = base[index] &- UInt8(ascii: "0"), digit < 10 {
                    mantissa = mantissa &* 10 &+ UInt64(digit)
                    index += 1
                }
            }
            let length = index - start
            if index < scanner.end, base[index] == UInt8(ascii: "\""), length > 0,
               length - (point < 0 ? 0 : 1) <= 18, isCanonical(base + start, length: length) {
                scanner.index = index + 1
                let scale = point < 0 ? 0 : Int32(index - 1 - point)
                return ((ExactDecimal(uncheckedMantissa: Int64(mantissa), scale: scale),
                         UInt8(truncatingIfNeeded: length)), start)
            }
        }
        return try unusualDecimal(&scanner, field)
    }

    /// `decimal` for everything but the common case: whitespace before the string, more
    /// than 18 digits, and every malformed number. `ExactDecimal.parse(utf8:)` stays the
    /// authority on what a decimal is.
    @inline(never)
    private static func unusualDecimal(_ scanner: inout JSONScanner, _ field: StaticString)
        throws(BookFrameError) -> ((value: ExactDecimal, length: UInt8), Int) {
        guard try scanner.peek() == UInt8(ascii: "\"") else { throw scanner.error(.typeMismatch, field) }
        let start = scanner.index + 1
        let text = try scanner.string(field)
        let length = text.count
        guard length > 0 else { throw BookFrameError(.invalidNumber, field: field, at: start) }
        guard length <= maxNumberLength else { throw BookFrameError(.numberTooLong, field: field, at: start) }
        guard isCanonical(scanner.base + start, length: length) else {
            throw BookFrameError(.nonCanonicalNumber, field: field, at: start)
        }
        guard let value = ExactDecimal.parse(utf8: UnsafeRawBufferPointer(start: scanner.base + start, count: length))
        else { throw BookFrameError(.invalidNumber, field: field, at: start) }
        return ((value, UInt8(truncatingIfNeeded: length)), start)
    }

    /// No sign, no superfluous leading zero, no point first or last (`length` > 0).
    @inline(__always)
    private static func isCanonical(_ text: UnsafePointer<UInt8>, length: Int) -> Bool {
        let first = text[0] &- UInt8(ascii: "0")
        return first < 10 && (first != 0 || length == 1 || text[1] == UInt8(ascii: "."))
            && text[length - 1] != UInt8(ascii: ".")
    }

    private func trailingWhitespace(_ scanner: inout JSONScanner) throws(BookFrameError) {
        do {
            _ = try scanner.peek()
        } catch {
            if error.code == .truncated { return }
            throw error
        }
        throw scanner.error(.syntax)
    }
}

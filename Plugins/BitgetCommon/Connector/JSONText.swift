import Foundation
public import SwiftletCore

/// Builds the JSON text of Bitget request bodies and WebSocket ops. The exact text sent
/// is what gets signed, so it is built explicitly (member order as given) rather than
/// through an encoder whose key order is unspecified.
public enum JSONText {
    /// A JSON string literal for `text` (escaped as `JSONWriter` escapes).
    public static func string(_ text: String) -> String {
        var writer = JSONWriter(capacity: text.utf8.count + 8)
        writer.string(text)
        return writer.text
    }

    /// An object whose members are all strings, in the order given. Written into one
    /// buffer: it is every order's body, and a string per member and per quote, joined,
    /// was 8% of a strategy's order on the tick-to-order path.
    public static func object(_ members: [(String, String)]) -> String {
        var writer = JSONWriter(capacity: members.reduce(2) { $0 + $1.0.utf8.count + $1.1.utf8.count + 6 })
        writer.openObject()
        for (name, value) in members { writer.member(name, value) }
        writer.closeObject()
        return writer.text
    }

    /// An object whose member values are already JSON text, in the order given.
    public static func rawObject(_ members: [(String, String)]) -> String {
        var writer = JSONWriter(capacity: members.reduce(2) { $0 + $1.0.utf8.count + $1.1.utf8.count + 4 })
        writer.openObject()
        for (name, value) in members {
            writer.key(name)
            writer.encodedValue(Array(value.utf8))
        }
        writer.closeObject()
        return writer.text
    }

    /// An array of JSON texts.
    public static func array(_ items: [String]) -> String { "[" + items.joined(separator: ",") + "]" }
}

/// A JSON value Bitget sends either as a string or as a number (codes, timestamps).
public struct FlexibleString: Decodable, Sendable, Hashable {
    public let text: String

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let text = try? container.decode(String.self) {
            self.text = text
        } else if let integer = try? container.decode(Int64.self) {
            text = String(integer)
        } else {
            // A fractional number: Foundation's Decimal keeps it exact for the digits Bitget sends.
            text = "\(try container.decode(Decimal.self))"
        }
    }
}

/// Reading exact values out of decoded payload fields, with errors that name the field.
public enum Field {
    /// A required decimal string.
    public static func decimal(_ text: String?, _ name: String) throws(PayloadError) -> ExactDecimal {
        guard let text, !text.isEmpty else { throw PayloadError("\(name) is missing") }
        do {
            return try ExactDecimal(trimmingFractionZeros(text))
        } catch {
            throw PayloadError("\(name) is not a decimal that fits 18 digits: \"\(text)\"")
        }
    }

    /// Bitget pads some values to 16 decimals (`"13000.0000000000000000"`), more digits than
    /// a 64-bit mantissa holds; the zeros carry no value, so they are dropped before parsing.
    static func trimmingFractionZeros(_ text: String) -> Substring {
        guard text.contains("."), !text.contains("e"), !text.contains("E") else { return Substring(text) }
        var trimmed = Substring(text)
        while trimmed.last == "0" { trimmed.removeLast() }
        if trimmed.last == "." { trimmed.removeLast() }
        return trimmed
    }

    /// A derived estimate Bitget sends with more digits than 64 bits hold (a liquidation
    /// price like `"24144.1124161806977798"`): fractional digits beyond 18 significant ones are
    /// cut (toward zero). Only for values that are estimates, never for prices or sizes
    /// that orders or balances use.
    public static func estimate(_ text: String?, _ name: String) throws(PayloadError) -> ExactDecimal {
        guard let text, !text.isEmpty else { return .zero }
        var trimmed = String(trimmingFractionZeros(text))
        while let dot = trimmed.firstIndex(of: "."), trimmed.filter(\.isNumber).count > 18, trimmed.index(after: dot) < trimmed.endIndex {
            trimmed.removeLast()
            if trimmed.last == "." { trimmed.removeLast() }
        }
        return try decimal(trimmed, name)
    }

    /// An optional decimal string; empty or absent is zero.
    public static func decimalOrZero(_ text: String?, _ name: String) throws(PayloadError) -> ExactDecimal {
        guard let text, !text.isEmpty else { return .zero }
        return try decimal(text, name)
    }

    /// A millisecond timestamp as ns; absent or empty is 0.
    public static func milliseconds(_ text: String?, _ name: String) throws(PayloadError) -> Int64 {
        guard let text, !text.isEmpty else { return 0 }
        guard let value = Int64(text), value >= 0, value < Int64.max / 1_000_000 else {
            throw PayloadError("\(name) is not a millisecond timestamp: \"\(text)\"")
        }
        return value * 1_000_000
    }

    /// A required non-empty string.
    public static func text(_ text: String?, _ name: String) throws(PayloadError) -> String {
        guard let text, !text.isEmpty else { throw PayloadError("\(name) is missing") }
        return text
    }
}

/// A payload that does not have the shape Bitget documents.
public struct PayloadError: Error, Sendable, Equatable, CustomStringConvertible {
    public let message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

/// Decodes `T` from JSON bytes, turning decoder errors into one readable line.
public func decodePayload<T: Decodable>(_ type: T.Type, from data: Data, what: String) throws(PayloadError) -> T {
    do {
        return try JSONDecoder().decode(T.self, from: data)
    } catch {
        throw PayloadError(decoding: error, what: what)
    }
}

extension PayloadError {
    /// One readable line for a decoder error: what was being read, and where it went wrong.
    public init(decoding error: any Error, what: String) {
        switch error {
        case let DecodingError.keyNotFound(key, context):
            self.init("\(what): missing \(path(context.codingPath + [key]))")
        case let DecodingError.typeMismatch(_, context):
            self.init("\(what): wrong type at \(path(context.codingPath))")
        case let DecodingError.valueNotFound(_, context):
            self.init("\(what): null at \(path(context.codingPath))")
        case let DecodingError.dataCorrupted(context):
            self.init("\(what): malformed JSON\(context.codingPath.isEmpty ? "" : " at " + path(context.codingPath))")
        default:
            self.init("\(what): \(error)")
        }
    }
}

private func path(_ keys: [any CodingKey]) -> String {
    keys.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }.joined(separator: ".")
}

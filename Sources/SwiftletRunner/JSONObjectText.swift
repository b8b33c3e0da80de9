import Foundation

/// Adds one key to a JSON object's text without re-encoding the rest (numbers keep
/// their exact text).
enum JSONObjectText {
    static func adding(key: String, string value: String, to object: String) -> String {
        let trimmed = object.trimmingCharacters(in: .whitespacesAndNewlines)
        let encodedValue = String(decoding: (try? JSONEncoder().encode(value)) ?? Data("\"\"".utf8), as: UTF8.self)
        let member = "\"\(key)\":\(encodedValue)"
        guard trimmed.hasPrefix("{"), trimmed.hasSuffix("}") else { return "{\(member)}" }
        let inner = trimmed.dropFirst().dropLast().trimmingCharacters(in: .whitespacesAndNewlines)
        return inner.isEmpty ? "{\(member)}" : "{\(member),\(inner)}"
    }
}

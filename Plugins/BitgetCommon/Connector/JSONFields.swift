public import SwiftletCore
public import SwiftletPluginKit

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

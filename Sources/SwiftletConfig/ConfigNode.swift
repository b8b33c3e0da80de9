import SwiftletCore
import Yams

/// A YAML node together with its field path, with typed readers that throw
/// ``ConfigError`` naming that path.
struct ConfigNode {
    let node: Node
    /// The field path in YAML key names, e.g. `connectors[0].markets[1]`.
    let path: String

    /// The node's resolved YAML type (`str`, `int`, `float`, `bool`, `null`, `map`, `seq`).
    var tagName: Tag.Name { Tag.Name(rawValue: node.tag.rawValue) }

    /// 1-based line of the node.
    var line: Int? { node.mark?.line }

    /// The root of a document.
    init(root: Node) {
        self.init(node: root, path: "")
    }

    private init(node: Node, path: String) {
        self.node = node
        self.path = path
    }

    func error(_ message: String) -> ConfigError {
        ConfigError(path: path, message: message, line: line)
    }

    /// The child at `key` of a mapping.
    func child(_ key: String, _ node: Node) -> ConfigNode {
        ConfigNode(node: node, path: path.isEmpty ? key : "\(path).\(key)")
    }

    /// True for `~`, `null` or an empty value.
    var isNull: Bool {
        if case .scalar = node { return tagName == .null }
        return false
    }

    // MARK: - mappings and sequences

    /// The entries of a mapping, in file order; refuses keys outside `allowed` (nil: any
    /// key) and missing `required` keys, naming them.
    func mapping(allowed: [String]? = nil, required: [String] = []) throws(ConfigError) -> Fields {
        guard case .mapping(let mapping) = node else {
            throw error("expected a mapping (key: value), got \(kindDescription)")
        }
        var entries: [(key: String, value: ConfigNode)] = []
        for (keyNode, valueNode) in mapping {
            guard case .scalar(let key) = keyNode, Tag.Name(rawValue: keyNode.tag.rawValue) != .null else {
                throw error("keys must be plain strings")
            }
            let entry = child(key.string, valueNode)
            if let allowed, !allowed.contains(key.string) {
                throw ConfigError(path: entry.path, message: "unknown key (expected one of: \(allowed.joined(separator: ", ")))",
                                  line: keyNode.mark?.line)
            }
            entries.append((key.string, entry))
        }
        for key in required {
            guard let entry = entries.first(where: { $0.key == key })?.value else {
                throw child(key, node).error("is required")
            }
            if entry.isNull { throw entry.error("is required and must not be empty") }
        }
        return Fields(entries: entries)
    }

    /// The items of a sequence, each with its `[index]` path.
    func sequence() throws(ConfigError) -> [ConfigNode] {
        guard case .sequence(let sequence) = node else {
            throw error("expected a list, got \(kindDescription)")
        }
        return sequence.enumerated().map { ConfigNode(node: $1, path: "\(path)[\($0)]") }
    }

    // MARK: - scalars

    /// A non-empty string (a plain or quoted scalar that is not null, true or false).
    func string() throws(ConfigError) -> String {
        guard case .scalar(let scalar) = node, ![.null, .bool].contains(tagName) else {
            throw error("expected a string, got \(kindDescription)")
        }
        guard !scalar.string.isEmpty else { throw error("must not be empty") }
        return scalar.string
    }

    /// An identifier: letters, digits, `_`, `-` and `.`, at most 64 characters.
    func identifier() throws(ConfigError) -> String {
        let text = try string()
        guard ConfigNode.isIdentifier(text) else {
            throw error("expected an identifier (letters, digits, _ - . ; at most 64), got \(String(reflecting: text))")
        }
        return text
    }

    /// `true` or `false`.
    func bool() throws(ConfigError) -> Bool {
        guard case .scalar(let scalar) = node, tagName == .bool else {
            throw error("expected true or false, got \(kindDescription)")
        }
        return scalar.string.lowercased() == "true"
    }

    /// A positive whole number written in decimal digits.
    func positiveInteger() throws(ConfigError) -> Int {
        guard let value = digits(), value > 0 else {
            throw error("expected a positive whole number, got \(kindDescription)")
        }
        return value
    }

    /// A whole number, zero or more, written in decimal digits.
    func nonNegativeInteger() throws(ConfigError) -> Int {
        guard let value = digits() else {
            throw error("expected a whole number (0 or more), got \(kindDescription)")
        }
        return value
    }

    /// The value of a plain integer scalar of decimal digits only (no sign, no 0x, no 1_000).
    private func digits() -> Int? {
        guard case .scalar(let scalar) = node, tagName == .int,
              scalar.string.allSatisfy(\.isASCII), scalar.string.allSatisfy(\.isNumber) else { return nil }
        return Int(scalar.string)
    }

    /// An exact decimal from a quoted string or a plain number, read from its text (never
    /// through a binary floating-point value): `0.1` stays exactly 0.1.
    func decimal() throws(ConfigError) -> ExactDecimal {
        guard case .scalar(let scalar) = node, [.str, .int, .float].contains(tagName),
              let value = try? ExactDecimal(scalar.string) else {
            throw error("expected a decimal string or number, got \(kindDescription)")
        }
        return value
    }

    /// A decimal greater than zero.
    func positiveDecimal() throws(ConfigError) -> ExactDecimal {
        let value = try decimal()
        guard !value.isNegative, !value.isZero else { throw error("must be greater than zero, got \(value)") }
        return value
    }

    /// A decimal zero or greater.
    func nonNegativeDecimal() throws(ConfigError) -> ExactDecimal {
        let value = try decimal()
        guard !value.isNegative else { throw error("must not be negative, got \(value)") }
        return value
    }

    /// How the node reads in an error message: a scalar's text quoted, or its kind.
    var kindDescription: String {
        switch node {
        case .scalar(let scalar):
            if tagName == .null { return "nothing (null)" }
            return String(reflecting: scalar.string)
        case .mapping: return "a mapping"
        case .sequence: return "a list"
        case .alias: return "an alias"
        }
    }

    /// Checks that a mapping key used as a name (an asset, a symbol) is an identifier.
    func checkNameKey(_ key: String) throws(ConfigError) {
        guard ConfigNode.isIdentifier(key) else {
            throw error("\(String(reflecting: key)) is not a valid name (letters, digits, _ - . ; at most 64)")
        }
    }

    private static func isIdentifier(_ text: String) -> Bool {
        !text.isEmpty && text.count <= 64 && text.unicodeScalars.allSatisfy(isIdentifierCharacter)
    }

    private static func isIdentifierCharacter(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar {
        case "a"..."z", "A"..."Z", "0"..."9", "_", "-", ".": true
        default: false
        }
    }
}

/// The entries of one YAML mapping, read by key.
struct Fields {
    let entries: [(key: String, value: ConfigNode)]

    /// The value at `key`, or nil when the key is absent or its value is null (never nil
    /// for a key that ``ConfigNode/mapping(allowed:required:)`` was told is required).
    subscript(key: String) -> ConfigNode? {
        guard let value = entries.first(where: { $0.key == key })?.value, !value.isNull else { return nil }
        return value
    }
}

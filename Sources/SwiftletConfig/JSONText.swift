import Yams

/// Converts a YAML value to JSON text for a plugin's `config` or a strategy's `params`.
///
/// Mappings become objects and lists arrays, in file order. Quoted scalars are strings.
/// Plain scalars: `null`/`~`/empty → `null`, `true`/`false` → booleans, numbers in JSON's
/// own notation (`12`, `-0.5`, `1e-5`) are copied digit for digit, so `0.1` reaches the
/// plugin as `0.1` and never as a rounded binary value; any other plain text is a string.
/// YAML numbers JSON cannot carry (`0x1F`, `1_000`, `.inf`) are refused: quote them.
public enum JSONText {
    static func from(_ value: ConfigNode) throws(ConfigError) -> String {
        var output = ""
        try write(value, to: &output)
        return output
    }

    /// JSON text of a mapping; an absent value is `{}`.
    static func object(_ value: ConfigNode?) throws(ConfigError) -> String {
        guard let value else { return "{}" }
        _ = try value.mapping()
        return try from(value)
    }

    private static func write(_ value: ConfigNode, to output: inout String) throws(ConfigError) {
        switch value.node {
        case .mapping:
            let fields = try value.mapping()
            output += "{"
            for (index, entry) in fields.entries.enumerated() {
                if index > 0 { output += "," }
                output += quoted(entry.key) + ":"
                try write(entry.value, to: &output)
            }
            output += "}"
        case .sequence:
            output += "["
            for (index, item) in try value.sequence().enumerated() {
                if index > 0 { output += "," }
                try write(item, to: &output)
            }
            output += "]"
        case .scalar(let scalar):
            output += try scalarText(scalar, tag: value.tagName, at: value)
        case .alias:
            throw value.error("unresolved alias")
        }
    }

    private static func scalarText(_ scalar: Node.Scalar, tag: Tag.Name, at value: ConfigNode) throws(ConfigError) -> String {
        switch tag {
        case .null: return "null"
        case .bool: return scalar.string.lowercased()
        case .int, .float:
            guard isJSONNumber(scalar.string) else {
                throw value.error("the number \(scalar.string) cannot be written in JSON; quote it to pass a string")
            }
            return scalar.string
        case .str: return quoted(scalar.string)
        default:
            throw value.error("unsupported YAML tag \(tag.rawValue)")
        }
    }

    /// JSON's number grammar: `-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?`.
    static func isJSONNumber(_ text: String) -> Bool {
        var bytes = Array(text.utf8)[...]
        func digits() -> Int {
            let count = bytes.prefix(while: { $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }).count
            bytes = bytes.dropFirst(count)
            return count
        }
        if bytes.first == UInt8(ascii: "-") { bytes = bytes.dropFirst() }
        if bytes.first == UInt8(ascii: "0") {
            bytes = bytes.dropFirst()
        } else if digits() == 0 {
            return false
        }
        if bytes.first == UInt8(ascii: ".") {
            bytes = bytes.dropFirst()
            guard digits() > 0 else { return false }
        }
        if bytes.first == UInt8(ascii: "e") || bytes.first == UInt8(ascii: "E") {
            bytes = bytes.dropFirst()
            if bytes.first == UInt8(ascii: "+") || bytes.first == UInt8(ascii: "-") { bytes = bytes.dropFirst() }
            guard digits() > 0 else { return false }
        }
        return bytes.isEmpty
    }

    /// `object` (a JSON object's text) with `key` set to the string `value` in front,
    /// without re-encoding the rest (numbers keep their exact text). Text that is not an
    /// object becomes `{key: value}`.
    public static func adding(key: String, string value: String, to object: String) -> String {
        let trimmed = object.trimmingCharacters(in: .whitespacesAndNewlines)
        let member = "\(quoted(key)):\(quoted(value))"
        guard trimmed.hasPrefix("{"), trimmed.hasSuffix("}") else { return "{\(member)}" }
        let inner = trimmed.dropFirst().dropLast().trimmingCharacters(in: .whitespacesAndNewlines)
        return inner.isEmpty ? "{\(member)}" : "{\(member),\(inner)}"
    }

    /// A JSON string literal.
    public static func quoted(_ text: String) -> String {
        var output = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": output += "\\\""
            case "\\": output += "\\\\"
            case "\n": output += "\\n"
            case "\r": output += "\\r"
            case "\t": output += "\\t"
            case _ where scalar.value < 0x20:
                let hex = String(scalar.value, radix: 16)
                output += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: output.unicodeScalars.append(scalar)
            }
        }
        return output + "\""
    }
}

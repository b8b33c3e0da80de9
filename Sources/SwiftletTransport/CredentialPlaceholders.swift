/// Where a credential field written in place of a placeholder ends up, which decides how
/// it is escaped.
public enum PlaceholderSetting: Sendable {
    /// An HTTP header value: written as it is; a field with CR, LF or NUL is refused.
    case headerValue
    /// Inside a JSON string literal (a WebSocket login message): escaped for one.
    case jsonString
}

extension CredentialStore {
    /// `text` with each `{{api_key}}` and `{{passphrase}}` replaced by that field of the
    /// named credential, so a plugin can send its passphrase without ever reading it.
    /// Any other `{{name}}` (`{{secret}}` included) is refused with `.invalidRequest`;
    /// a `{{` that does not open a `{{name}}` is plain text.
    public func fillingPlaceholders(in text: String, credential name: String,
                                    for setting: PlaceholderSetting) throws(TransportError) -> String {
        guard text.utf8.contains(UInt8(ascii: "{")) else { return text }
        let bytes = Array(text.utf8)
        // The usual case, a header that is the placeholder alone: its value as it is, not rebuilt.
        if setting == .headerValue, let (placeholder, end) = Self.placeholder(in: bytes, at: 0), end == bytes.count {
            let value = try Self.field(placeholder, of: try lookup(name))
            try Self.checkHeaderValue(value, field: placeholder)
            return value
        }
        var filled: [UInt8] = []
        filled.reserveCapacity(bytes.count + 32)
        var index = 0
        var credential: Credential?
        while index < bytes.count {
            guard let (placeholder, end) = Self.placeholder(in: bytes, at: index) else {
                filled.append(bytes[index])
                index += 1
                continue
            }
            if credential == nil { credential = try lookup(name) }
            try Self.append(try Self.field(placeholder, of: credential!), for: setting, field: placeholder, to: &filled)
            index = end
        }
        return String(decoding: filled, as: UTF8.self)
    }

    /// The name of a `{{name}}` starting at `start` (letters, digits, `_`) and the index
    /// after it; nil if none starts there.
    private static func placeholder(in bytes: [UInt8], at start: Int) -> (String, Int)? {
        guard bytes[start] == UInt8(ascii: "{"), start + 1 < bytes.count, bytes[start + 1] == UInt8(ascii: "{") else { return nil }
        var index = start + 2
        while index < bytes.count, isNameByte(bytes[index]) { index += 1 }
        guard index > start + 2, index + 1 < bytes.count,
              bytes[index] == UInt8(ascii: "}"), bytes[index + 1] == UInt8(ascii: "}") else { return nil }
        return (String(decoding: bytes[(start + 2)..<index], as: UTF8.self), index + 2)
    }

    /// The credential's field a placeholder names; any other name is refused.
    private static func field(_ placeholder: String, of credential: Credential) throws(TransportError) -> String {
        switch placeholder {
        case "api_key": return credential.apiKey
        case "passphrase": return credential.passphrase
        default:
            throw TransportError(.invalidRequest,
                                 "unknown credential placeholder {{\(placeholder)}}: only {{api_key}} and {{passphrase}} are filled in")
        }
    }

    private static func checkHeaderValue(_ value: String, field: String) throws(TransportError) {
        guard Validation.isHeaderValue(value) else {
            throw TransportError(.invalidRequest, "the credential's \(field) contains CR, LF or NUL and cannot go in a header")
        }
    }

    private static func isNameByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
             UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "_"): true
        default: false
        }
    }

    private static func append(_ value: String, for setting: PlaceholderSetting, field: String,
                               to out: inout [UInt8]) throws(TransportError) {
        switch setting {
        case .headerValue:
            try checkHeaderValue(value, field: field)
            out += value.utf8
        case .jsonString:
            let hex = Array("0123456789abcdef".utf8)
            for byte in value.utf8 {
                switch byte {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"): out += [UInt8(ascii: "\\"), byte]
                case 0..<0x20: out += Array("\\u00".utf8) + [hex[Int(byte >> 4)], hex[Int(byte & 0x0F)]]
                default: out.append(byte)
                }
            }
        }
    }
}

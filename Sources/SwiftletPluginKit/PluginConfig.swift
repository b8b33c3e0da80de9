/// The JSON object a plugin is created with, read key by key with errors that name the key
/// (`SWL_ERR_INVALID_ARGUMENT`, "config key 'bid_spread' must be ...").
///
/// Decimals are read exactly from a string (`"0.0015"`) or from a JSON number's own text
/// (`0.0015`); exponent notation is refused. Keys the plugin does not ask for are ignored
/// (plugin.h). An absent key and `null` both read as "not given".
///
/// ```swift
/// let config = try PluginConfig(json: text)
/// let spread = try config.decimal("bid_spread") ?? ExactDecimal("0.001")
/// let symbol = try config.requiredString("symbol")
/// ```
public struct PluginConfig: Sendable {
    private let members: [String: JSONTree]

    /// Parses `json`; an empty text is an empty object.
    public init(json: String) throws(PluginError) {
        let trimmed = json.drop { $0 == " " || $0 == "\n" || $0 == "\t" || $0 == "\r" }
        guard !trimmed.isEmpty else {
            members = [:]
            return
        }
        let value: JSONTree
        do throws(JSONTreeError) {
            value = try JSONTree.parse(json)
        } catch {
            throw PluginError(SWL_ERR_INVALID_ARGUMENT, "config is not valid JSON: \(error.message)")
        }
        guard case .object(let list) = value else {
            throw PluginError(SWL_ERR_INVALID_ARGUMENT, "config must be a JSON object, got \(value.summary)")
        }
        // A config that says two things about one key is a mistake worth reporting.
        var members: [String: JSONTree] = [:]
        for member in list {
            guard members.updateValue(member.value, forKey: member.key) == nil else {
                throw PluginError(SWL_ERR_INVALID_ARGUMENT, "config is not valid JSON: key '\(member.key)' appears more than once")
            }
        }
        self.members = members
    }

    /// True when `key` is present and not `null`.
    public func contains(_ key: String) -> Bool {
        guard let value = members[key] else { return false }
        return value != .null
    }

    /// A string, or nil when absent; an empty string is refused.
    public func string(_ key: String) throws(PluginError) -> String? {
        guard let value = present(key) else { return nil }
        guard case .string(let text) = value else { throw Self.invalid(key, "must be a string, got \(value.summary)") }
        guard !text.isEmpty else { throw Self.invalid(key, "must not be empty") }
        return text
    }

    /// A string that must be given.
    public func requiredString(_ key: String) throws(PluginError) -> String {
        guard let text = try string(key) else { throw Self.missing(key) }
        return text
    }

    /// An exact decimal from a string or a number in plain notation, or nil when absent.
    public func decimal(_ key: String) throws(PluginError) -> ExactDecimal? {
        guard let value = present(key) else { return nil }
        let text: String
        switch value {
        case .string(let string): text = string
        case .number(let number): text = number
        default: throw Self.invalid(key, "must be a decimal (a string like \"0.01\" or a number), got \(value.summary)")
        }
        do {
            return try ExactDecimal(text)
        } catch {
            throw Self.invalid(key, "must be a decimal in plain notation with at most 18 digits, got \"\(text.prefix(40))\"")
        }
    }

    /// A decimal that must be given.
    public func requiredDecimal(_ key: String) throws(PluginError) -> ExactDecimal {
        guard let value = try decimal(key) else { throw Self.missing(key) }
        return value
    }

    /// A whole number (a JSON integer or a string of digits), or nil when absent.
    public func integer(_ key: String) throws(PluginError) -> Int? {
        guard let value = present(key) else { return nil }
        let text: String
        switch value {
        case .string(let string): text = string
        case .number(let number): text = number
        default: throw Self.invalid(key, "must be a whole number, got \(value.summary)")
        }
        guard let integer = Int(text) else { throw Self.invalid(key, "must be a whole number, got \"\(text.prefix(40))\"") }
        return integer
    }

    /// `true` or `false`, or nil when absent.
    public func bool(_ key: String) throws(PluginError) -> Bool? {
        guard let value = present(key) else { return nil }
        guard case .bool(let flag) = value else { throw Self.invalid(key, "must be true or false, got \(value.summary)") }
        return flag
    }

    /// A duration given in seconds as a decimal (`"1.5"`, `30`), as nanoseconds; nil when
    /// absent. Refuses negative values and more than 9 decimals.
    public func seconds(_ key: String) throws(PluginError) -> Int64? {
        guard let value = try decimal(key) else { return nil }
        guard !value.isNegative else { throw Self.invalid(key, "must not be negative (seconds), got \(value)") }
        guard let nanoseconds = try? value.rescaled(to: 9).mantissa else {
            throw Self.invalid(key, "must be seconds with at most 9 decimals, got \(value)")
        }
        return nanoseconds
    }

    /// The error for a present key whose value is wrong: "config key 'KEY' MESSAGE".
    public static func invalid(_ key: String, _ message: String) -> PluginError {
        PluginError(SWL_ERR_INVALID_ARGUMENT, "config key '\(key)' \(message)")
    }

    /// The error for a required key that is absent.
    public static func missing(_ key: String) -> PluginError {
        invalid(key, "is required")
    }

    private func present(_ key: String) -> JSONTree? {
        guard let value = members[key], value != .null else { return nil }
        return value
    }
}

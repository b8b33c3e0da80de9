public import SwiftletPluginKit

/// Client order ids within Bitget's limits: at most 40 characters of
/// `[0-9A-Za-z_:#-+ ]` (Bitget's documented `clientOid`/`id` pattern).
public struct ClientOrderIDs: Sendable {
    /// Longest id Bitget accepts.
    public static let maxLength = 40
    private let prefix: String
    /// How many ids this session generated.
    public private(set) var counter: UInt64 = 0
    /// Base-36 session tag: with `counter`, what makes generated ids unique.
    public private(set) var session: String

    /// `sessionSeed` (e.g. the start time in ns) makes ids unique across restarts.
    public init(prefix: String, sessionSeed: Int64) {
        self.prefix = prefix
        self.session = String(UInt64(bitPattern: sessionSeed), radix: 36)
    }

    /// A new id: prefix + session + counter, base 36, well under 40 characters.
    public mutating func next() -> String {
        counter += 1
        return "\(prefix)\(session)x\(String(counter, radix: 36))"
    }

    /// Continues another instance's sequence (a hot swap): ids generated from now on follow
    /// the ones it generated, under this instance's prefix.
    public mutating func continueSequence(session: String, counter: UInt64) {
        self.session = session
        self.counter = counter
    }

    /// [0-9A-Za-z_:#-+ ], byte by byte (on every order's path).
    private static func isAllowed(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"):
            true
        default:
            byte == UInt8(ascii: "_") || byte == UInt8(ascii: ":") || byte == UInt8(ascii: "#") || byte == UInt8(ascii: "-")
                || byte == UInt8(ascii: "+") || byte == UInt8(ascii: " ")
        }
    }

    /// Refuses an id Bitget would refuse.
    public static func validate(_ id: String) throws(PluginError) {
        guard id.utf8.count <= maxLength else {
            throw PluginError(SWL_ERR_INVALID_ARGUMENT, "client_order_id is longer than \(maxLength) characters")
        }
        guard id.utf8.allSatisfy(isAllowed) else {
            throw PluginError(SWL_ERR_INVALID_ARGUMENT,
                              "client_order_id \"\(id)\" has characters outside [0-9A-Za-z_:#-+ ]")
        }
    }
}

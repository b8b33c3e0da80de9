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

    /// Refuses an id Bitget would refuse.
    public static func validate(_ id: String) throws(PluginError) {
        guard id.utf8.count <= maxLength else {
            throw PluginError(SWL_ERR_INVALID_ARGUMENT, "client_order_id is longer than \(maxLength) characters")
        }
        let allowed = Set("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz_:#-+ ")
        guard id.allSatisfy({ allowed.contains($0) }) else {
            throw PluginError(SWL_ERR_INVALID_ARGUMENT,
                              "client_order_id \"\(id)\" has characters outside [0-9A-Za-z_:#-+ ]")
        }
    }
}

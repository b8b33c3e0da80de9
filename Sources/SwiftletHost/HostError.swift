import SwiftletABI

/// A host-side failure that concerns one plugin: creating, starting or calling it.
public struct HostError: Error, Sendable, CustomStringConvertible {
    public let message: String

    public init(_ message: String) { self.message = message }

    init(plugin: String, _ error: ABIError) {
        self.message = "\(plugin): \(error.description)"
    }

    public var description: String { message }
}

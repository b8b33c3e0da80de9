import Foundation
import SwiftletConfig

/// The bearer token guarding a control socket: 32 random bytes in hex, written next to the
/// socket as `<socket>.token` with mode 0600 so only the bot's user can read it.
enum ControlToken {
    /// `<socketPath>.token`.
    static func path(forSocket socketPath: String) -> String {
        socketPath + ".token"
    }

    /// A fresh random token.
    static func generate() -> String {
        var generator = SystemRandomNumberGenerator()
        return (0..<32).map { _ in
            let byte = UInt8.random(in: 0 ... .max, using: &generator)
            return String(byte, radix: 16).leftPadded(to: 2)
        }.joined()
    }

    /// Writes `token` privately (0600) to `path`.
    static func write(_ token: String, to path: String) throws(ControlError) {
        do {
            try PrivateFile.write(Array(token.utf8), to: path)
        } catch {
            throw ControlError(.io, "cannot write the control token: \(error.description)")
        }
    }

    /// Reads the token at `path`, trimming whitespace.
    static func read(from path: String) throws(ControlError) -> String {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ControlError(.unauthorized, "cannot read the control token at \(path) "
                + "(missing, or owned by another user)")
        }
        return String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Compares in time independent of where the texts differ.
    static func matches(_ presented: Substring, _ expected: String) -> Bool {
        let a = Array(presented.utf8), b = Array(expected.utf8)
        guard a.count == b.count else { return false }
        var difference: UInt8 = 0
        for index in a.indices { difference |= a[index] ^ b[index] }
        return difference == 0
    }
}

extension String {
    fileprivate func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}

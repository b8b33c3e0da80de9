import SwiftletPluginKit

/// The routing fields of a WebSocket push: `action` and `arg`'s `channel` and `instId`.
///
/// Read by walking the top-level object with `JSONScanner`, skipping other members without
/// building anything, and stopping once `action` and `arg` are read (Bitget sends them before
/// `data`). Decoding them with JSONDecoder parsed the whole push, which the channel's decoder
/// then parsed again: two full parses, on the event loop, for every order update, fill,
/// balance, trade and ticker push.
public struct PushHead: Sendable, Equatable {
    public var action: String?
    public var channel: String
    public var instId: String?

    public init(action: String?, channel: String, instId: String?) {
        self.action = action
        self.channel = channel
        self.instId = instId
    }

    /// Reads the head of the push in `bytes`; `what` names it in errors.
    public static func read(_ bytes: UnsafeRawBufferPointer, what: String) throws(PayloadError) -> PushHead {
        let found: Ranges
        do throws(BookFrameError) {
            found = try scan(bytes)
        } catch {
            throw PayloadError("\(what): malformed JSON (\(error))")
        }
        guard found.arg else { throw PayloadError("\(what): missing arg") }
        guard let channel = found.channel else { throw PayloadError("\(what): missing arg.channel") }
        return PushHead(action: try found.action.map { range throws(PayloadError) in try text(range, in: bytes, what: what) },
                        channel: try text(channel, in: bytes, what: what),
                        instId: try found.instId.map { range throws(PayloadError) in try text(range, in: bytes, what: what) })
    }

    /// Where the head's strings are in the push, and whether it has an `arg` object.
    private struct Ranges {
        var action: Range<Int>?
        var arg = false
        var channel: Range<Int>?
        var instId: Range<Int>?
    }

    private static func scan(_ bytes: UnsafeRawBufferPointer) throws(BookFrameError) -> Ranges {
        var scanner = JSONScanner(bytes)
        var found = Ranges()
        try scanner.expect(UInt8(ascii: "{"))
        if try scanner.peek() == UInt8(ascii: "}") { return found }
        repeat {
            let key = try scanner.keyAndColon()
            if scanner.matches(key, "action"), try scanner.peek() == UInt8(ascii: "\"") {
                found.action = try scanner.string("action")
            } else if scanner.matches(key, "arg") {
                found.arg = true
                try scanArg(&scanner, into: &found)
            } else {
                try scanner.skipValue()
            }
            if found.action != nil, found.arg { break }
        } while try scanner.nextElement(close: UInt8(ascii: "}"))
        return found
    }

    private static func scanArg(_ scanner: inout JSONScanner, into found: inout Ranges) throws(BookFrameError) {
        try scanner.expect(UInt8(ascii: "{"), "arg")
        if try scanner.peek() == UInt8(ascii: "}") {
            scanner.index += 1
            return
        }
        repeat {
            let key = try scanner.keyAndColon()
            if scanner.matches(key, "channel") {
                found.channel = try scanner.string("channel")
            } else if scanner.matches(key, "instId"), try scanner.peek() == UInt8(ascii: "\"") {
                found.instId = try scanner.string("instId")
            } else {
                try scanner.skipValue()
            }
        } while try scanner.nextElement(close: UInt8(ascii: "}"), "arg")
    }

    /// The string whose content is at `range` in `bytes`, its escapes (which Bitget's names
    /// never have) decoded by the plugin kit's JSON reader.
    private static func text(_ range: Range<Int>, in bytes: UnsafeRawBufferPointer, what: String) throws(PayloadError) -> String {
        let raw = UnsafeRawBufferPointer(rebasing: bytes[range])
        guard raw.contains(UInt8(ascii: "\\")) else { return String(decoding: raw, as: UTF8.self) }
        guard case .string(let decoded)? = try? JSONTree.parse("\"" + String(decoding: raw, as: UTF8.self) + "\"") else {
            throw PayloadError("\(what): a string with a malformed escape")
        }
        return decoded
    }
}

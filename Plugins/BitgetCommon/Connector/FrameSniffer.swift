/// Routing a WebSocket frame by looking at its first bytes, before (or instead of) decoding
/// it. Every book frame goes through here, so the needles are `StaticString`s: no allocation.
public enum FrameSniffer {
    /// True when `needle` occurs within the first `window` bytes of `bytes`.
    public static func contains(_ bytes: UnsafeRawBufferPointer, _ needle: StaticString, within window: Int) -> Bool {
        needle.withUTF8Buffer { key in
            let limit = min(bytes.count, window) - key.count
            guard limit >= 0, let first = key.first else { return false }
            var index = 0
            while index <= limit {
                if bytes[index] == first, matches(bytes, at: index, key) { return true }
                index += 1
            }
            return false
        }
    }

    /// True when the first member of the JSON object in `bytes` is `key` (given with quotes).
    public static func startsWithMember(_ bytes: UnsafeRawBufferPointer, _ key: StaticString) -> Bool {
        var index = 0
        while index < bytes.count, bytes[index] == UInt8(ascii: " ") || bytes[index] == UInt8(ascii: "{") { index += 1 }
        return key.withUTF8Buffer { needle in bytes.count - index >= needle.count && matches(bytes, at: index, needle) }
    }

    private static func matches(_ bytes: UnsafeRawBufferPointer, at start: Int, _ needle: UnsafeBufferPointer<UInt8>) -> Bool {
        for offset in 0..<needle.count where bytes[start + offset] != needle[offset] { return false }
        return true
    }
}

/// Why a `books` frame was rejected by `BookFrameParser`.
///
/// A struct over a code (rather than a bare enum) so new codes can be added without
/// breaking callers that switch over them; compare `code` against the static members.
public struct BookFrameError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What kind of problem it was.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        private enum Base: Sendable, Hashable {
            case truncated, syntax, typeMismatch, missingField, duplicateField, invalidNumber
            case nonCanonicalNumber, numberTooLong, unsupportedAction, unsupportedChannel, unexpectedDataCount
            case nestingTooDeep
        }
        private let base: Base

        /// The input ended in the middle of the JSON text.
        public static let truncated = Code(base: .truncated)
        /// A byte that JSON does not allow at that place, or bytes after the closing brace.
        public static let syntax = Code(base: .syntax)
        /// A known field holds the wrong JSON type (e.g. a number where a string belongs).
        public static let typeMismatch = Code(base: .typeMismatch)
        /// A required field is absent.
        public static let missingField = Code(base: .missingField)
        /// A field that must appear once appears twice.
        public static let duplicateField = Code(base: .duplicateField)
        /// A price, size, sequence, checksum or timestamp is not a valid number.
        public static let invalidNumber = Code(base: .invalidNumber)
        /// A price or size is a number but not written canonically (`"+1"`, `"01.5"`, `".5"`,
        /// `"1."`, `"-2"`), so its value would not reproduce its text for the checksum.
        public static let nonCanonicalNumber = Code(base: .nonCanonicalNumber)
        /// A price or size text is longer than `BookFrameParser.maxNumberLength` bytes.
        public static let numberTooLong = Code(base: .numberTooLong)
        /// `action` is neither `snapshot` nor `update`.
        public static let unsupportedAction = Code(base: .unsupportedAction)
        /// `arg.channel` is not one of `books`, `books1`, `books5`, `books15`.
        public static let unsupportedChannel = Code(base: .unsupportedChannel)
        /// `data` does not hold exactly one book object.
        public static let unexpectedDataCount = Code(base: .unexpectedDataCount)
        /// Unknown nested values go deeper than the parser follows.
        public static let nestingTooDeep = Code(base: .nestingTooDeep)

        public var description: String { "\(base)" }
    }

    /// The kind of problem.
    public let code: Code
    /// The JSON field concerned (e.g. `"data.seq"`), or `""` when not field-specific.
    public let field: StaticString
    /// Byte offset in the frame where the problem was found.
    public let offset: Int

    /// Creates an error; the parser is the only producer.
    init(_ code: Code, field: StaticString = "", at offset: Int) {
        self.code = code
        self.field = field
        self.offset = offset
    }

    public var description: String {
        let name = "\(field)"
        return name.isEmpty
            ? "books frame rejected: \(code) at byte \(offset)"
            : "books frame rejected: \(code) in \"\(name)\" at byte \(offset)"
    }

    public static func == (lhs: BookFrameError, rhs: BookFrameError) -> Bool {
        lhs.code == rhs.code && lhs.offset == rhs.offset && "\(lhs.field)" == "\(rhs.field)"
    }
}

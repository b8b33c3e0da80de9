/// A persistence failure (key-value store, trade journal, exports); `message` is one line.
public struct PersistenceError: Error, Sendable, CustomStringConvertible {
    /// What went wrong.
    public let message: String

    /// Makes an error.
    public init(_ message: String) {
        self.message = message
    }

    /// The message.
    public var description: String { message }

    /// Runs `body`, passing a `PersistenceError` through and turning any other error
    /// (GRDB, file system) into one: "`context` failed: <error on one line>".
    /// `context` is built only on failure: writes run on the event loop, for every order event.
    static func attempt<T>(_ context: @autoclosure () -> String, _ body: () throws -> T) throws(PersistenceError) -> T {
        do {
            return try body()
        } catch let error as PersistenceError {
            throw error
        } catch {
            throw PersistenceError("\(context()) failed: \(describe(error))")
        }
    }

    /// `error` as one line of text.
    static func describe(_ error: any Error) -> String {
        "\(error)".split(whereSeparator: { $0.isNewline }).joined(separator: " ")
    }
}

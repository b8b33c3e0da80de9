/// A command that cannot finish, for a reason that is not a usage mistake: ArgumentParser
/// prints "Error: <message>" without the usage text and exits with status 1.
struct CommandFailure: Error, CustomStringConvertible {
    /// One line saying what went wrong and, when known, what to do.
    let description: String

    init(_ description: String) { self.description = description }
}

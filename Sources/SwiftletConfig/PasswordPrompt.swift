#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Reads secrets (passwords, API secrets) without showing them.
///
/// On a terminal the prompt goes to `/dev/tty` and the line is read from it with echo off
/// (termios); echo is restored afterwards, also on Ctrl-C. When standard input is not a
/// terminal (scripts, CI, tests) the prompt goes to standard error and one line is read
/// from standard input.
public enum PasswordPrompt {
    /// Reads one secret line. When `environmentVariable` is set in the environment
    /// (e.g. `SWIFTLET_PASSWORD`), its value is returned and nothing is asked.
    public static func read(prompt: String, environmentVariable: String? = nil) throws(PromptError) -> String {
        if let environmentVariable, let value = getenv(environmentVariable) {
            return String(cString: value)
        }
        if isatty(STDIN_FILENO) == 1 {
            return try readFromTerminal(prompt: prompt)
        }
        writeAll(STDERR_FILENO, prompt)
        guard let line = readLine(from: STDIN_FILENO) else {
            throw PromptError("no input for \(prompt.trimmingSuffixSpaceAndColon) (standard input ended)")
        }
        return line
    }

    /// Reads up to a newline (dropped, with a trailing `\r`); nil at end of input with no
    /// bytes read.
    static func readLine(from fd: Int32) -> String? {
        var bytes: [UInt8] = []
        var byte: UInt8 = 0
        while true {
            let count = readByte(fd, &byte)
            if count < 0, errno == EINTR { continue }
            if count <= 0 { return bytes.isEmpty ? nil : decode(bytes) }
            if byte == UInt8(ascii: "\n") { return decode(bytes) }
            bytes.append(byte)
        }
    }

    private static func decode(_ bytes: [UInt8]) -> String {
        var bytes = bytes
        if bytes.last == UInt8(ascii: "\r") { bytes.removeLast() }
        return String(decoding: bytes, as: UTF8.self)
    }

    private static func readFromTerminal(prompt: String) throws(PromptError) -> String {
        let tty = open("/dev/tty", O_RDWR | O_CLOEXEC)
        guard tty >= 0 else { throw PromptError("cannot open /dev/tty to read \(prompt.trimmingSuffixSpaceAndColon)") }
        defer { close(tty) }
        var saved = termios()
        guard tcgetattr(tty, &saved) == 0 else { throw PromptError("cannot read the terminal settings of /dev/tty") }
        var silent = saved
        silent.c_lflag &= ~tcflag_t(ECHO)
        silent.c_lflag |= tcflag_t(ECHONL)
        writeAll(tty, prompt)
        TerminalRestore.arm(fd: tty, settings: saved)
        defer { TerminalRestore.disarm() }
        guard tcsetattr(tty, TCSAFLUSH, &silent) == 0 else { throw PromptError("cannot turn off echo on /dev/tty") }
        defer { tcsetattr(tty, TCSAFLUSH, &saved) }
        guard let line = readLine(from: tty) else {
            throw PromptError("no input for \(prompt.trimmingSuffixSpaceAndColon)")
        }
        return line
    }

    private static func writeAll(_ fd: Int32, _ text: String) {
        var bytes = Array(text.utf8)[...]
        while !bytes.isEmpty {
            let count = bytes.withUnsafeBytes { write(fd, $0.baseAddress!, $0.count) }
            if count < 0, errno == EINTR { continue }
            guard count > 0 else { return }
            bytes = bytes.dropFirst(count)
        }
    }
}

/// `read(2)` of one byte; a file-scope name, as `PasswordPrompt.read` hides the C function.
private func readByte(_ fd: Int32, _ byte: inout UInt8) -> Int {
    read(fd, &byte, 1)
}

/// A secret that could not be read.
public struct PromptError: Error, Sendable, CustomStringConvertible {
    /// What failed, one line.
    public let description: String

    init(_ description: String) { self.description = description }
}

/// Restores the terminal's echo if SIGINT or SIGTERM arrives while a prompt has it off,
/// then ends the process as the signal's default action does. A signal handler cannot capture context, so the
/// saved settings live in process globals, set only around the prompt's read.
private enum TerminalRestore {
    nonisolated(unsafe) static var fd: Int32 = -1
    nonisolated(unsafe) static var settings = termios()
    nonisolated(unsafe) static var previous: [Int32: sighandler_t?] = [:]

    static func arm(fd: Int32, settings: termios) {
        TerminalRestore.settings = settings
        TerminalRestore.fd = fd
        for number in [SIGINT, SIGTERM] {
            previous[number] = signal(number) { received in
                tcsetattr(TerminalRestore.fd, TCSAFLUSH, &TerminalRestore.settings)
                signal(received, SIG_DFL)
                raise(received)
            }
        }
    }

    static func disarm() {
        for (number, handler) in previous {
            signal(number, handler ?? SIG_DFL)
        }
        previous = [:]
        fd = -1
    }
}

extension String {
    /// "API secret: " → "API secret".
    fileprivate var trimmingSuffixSpaceAndColon: String {
        var text = Substring(self)
        while let last = text.last, last == " " || last == ":" { text.removeLast() }
        return String(text)
    }
}

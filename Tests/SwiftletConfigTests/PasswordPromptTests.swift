import Foundation
@testable import SwiftletConfig
import Testing

@Suite struct PasswordPromptTests {
    @Test func readsLinesFromANonTerminal() throws {
        var fds: [Int32] = [0, 0]
        #expect(pipe(&fds) == 0)
        let input = "key-1\r\nsecret 2\n\nlast-without-newline"
        _ = input.utf8CString.withUnsafeBufferPointer { write(fds[1], $0.baseAddress!, $0.count - 1) }
        close(fds[1])
        defer { close(fds[0]) }
        #expect(PasswordPrompt.readLine(from: fds[0]) == "key-1")
        #expect(PasswordPrompt.readLine(from: fds[0]) == "secret 2")
        #expect(PasswordPrompt.readLine(from: fds[0]) == "")
        #expect(PasswordPrompt.readLine(from: fds[0]) == "last-without-newline")
        #expect(PasswordPrompt.readLine(from: fds[0]) == nil)
    }

    @Test func environmentVariableWinsWithoutPrompting() throws {
        setenv("SWIFTLET_TEST_PASSWORD", "from env", 1)
        defer { unsetenv("SWIFTLET_TEST_PASSWORD") }
        #expect(try PasswordPrompt.read(prompt: "Vault password: ", environmentVariable: "SWIFTLET_TEST_PASSWORD") == "from env")
    }
}

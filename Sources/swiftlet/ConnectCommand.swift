import ArgumentParser
import Foundation
import SwiftletConfig

/// `swiftlet connect bitget`: asks for an exchange API credential without echo and stores
/// it in the encrypted credential vault, creating the vault on first use.
struct Connect: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Store an exchange API credential in the encrypted credential vault.",
        discussion: """
            Every value is read without echo. The vault password comes from SWIFTLET_PASSWORD when \
            set; when standard input is not a terminal, values are read from it one per line.
            """)

    /// Exchanges whose credentials `connect` knows how to ask for.
    enum Exchange: String, ExpressibleByArgument, CaseIterable {
        case bitget
    }

    @Argument(help: "The exchange (\(Exchange.allCases.map(\.rawValue).joined(separator: ", "))).")
    var exchange: Exchange

    @Option(name: .long, help: "Credential name the bot configuration refers to (default: the exchange name).")
    var name: String?

    @Option(name: .long, help: "Vault file (default: $SWIFTLET_HOME/credentials.vault or ./.swiftlet/credentials.vault).")
    var vault: String?

    func run() throws {
        let path = vault ?? SwiftletPaths.credentialVault
        let credentialName = name ?? exchange.rawValue
        var store = try openOrCreateVault(at: path)
        let credential = VaultCredential(apiKey: try ask("Bitget API key: "), secret: try ask("Bitget API secret: "),
                                         passphrase: try ask("Bitget API passphrase: "))
        let replacing = store.names.contains(credentialName)
        try store.store(name: credentialName, credential: credential)
        print("stored credential \"\(credentialName)\" (API key \(credential.apiKey)) in \(path)"
            + (replacing ? ", replacing the previous one" : ""))
    }

    private func openOrCreateVault(at path: String) throws -> CredentialVault {
        if CredentialVault.exists(at: path) {
            return try CredentialVault.open(path: path, password: try PasswordPrompt.read(
                prompt: "Vault password: ", environmentVariable: "SWIFTLET_PASSWORD"))
        }
        print("creating a credential vault at \(path)")
        let password = try PasswordPrompt.read(prompt: "New vault password: ", environmentVariable: "SWIFTLET_PASSWORD")
        if getenv("SWIFTLET_PASSWORD") == nil {
            guard try PasswordPrompt.read(prompt: "Repeat the vault password: ") == password else {
                throw CommandFailure("the two vault passwords differ; nothing was stored")
            }
        }
        return try CredentialVault.create(path: path, password: password)
    }

    private func ask(_ prompt: String) throws -> String {
        let value = try PasswordPrompt.read(prompt: prompt).trimmingCharacters(in: .whitespaces)
        guard !value.isEmpty else { throw CommandFailure("\(prompt.dropLast(2)) must not be empty; nothing was stored") }
        return value
    }
}

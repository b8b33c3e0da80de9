import Foundation

/// Where Swiftlet keeps its files by default: under `$SWIFTLET_HOME` when set, else under
/// `./.swiftlet` in the working directory.
public enum SwiftletPaths {
    /// `$SWIFTLET_HOME`, else `.swiftlet`.
    public static var home: String {
        ProcessInfo.processInfo.environment["SWIFTLET_HOME"] ?? ".swiftlet"
    }

    /// The encrypted credential vault: `<home>/credentials.vault`.
    public static var credentialVault: String {
        (home as NSString).appendingPathComponent("credentials.vault")
    }

    /// The plugin directory: `<home>/plugins`.
    public static var pluginDirectory: String {
        (home as NSString).appendingPathComponent("plugins")
    }

    /// The running bot's control socket: `<home>/control.sock`.
    public static var controlSocket: String {
        (home as NSString).appendingPathComponent("control.sock")
    }
}

import Foundation

/// A plugin's hot-swap state as JSON that names its plugin and format, so the importing
/// version refuses another plugin's state, or a format it does not know, with the reason.
/// Conforming types store `plugin` and `format` (defaulting to the static values).
public protocol HotSwapBlob: Codable {
    /// The plugin id every blob names.
    static var plugin: String { get }
    /// The one format this build writes and reads.
    static var format: Int { get }
    var plugin: String { get }
    var format: Int { get }
}

extension HotSwapBlob {
    /// The JSON text (keys sorted).
    public func encoded() throws(PluginError) -> String {
        do {
            let encoder = JSONEncoder()
            encoder.outputFormatting = .sortedKeys
            return String(decoding: try encoder.encode(self), as: UTF8.self)
        } catch {
            throw PluginError(SWL_ERR_INTERNAL, "cannot encode the hot-swap state: \(error)")
        }
    }

    /// Reads a blob; refuses (`SWL_ERR_INVALID_ARGUMENT`) unreadable text, another plugin's
    /// state and another format, naming the problem.
    public static func decode(_ text: String) throws(PluginError) -> Self {
        let blob: Self
        do {
            blob = try JSONDecoder().decode(Self.self, from: Data(text.utf8))
        } catch {
            throw PluginError(SWL_ERR_INVALID_ARGUMENT, "not a \(plugin) state: \(error)")
        }
        guard blob.plugin == plugin else {
            throw PluginError(SWL_ERR_INVALID_ARGUMENT, "state of plugin \(blob.plugin), not \(plugin)")
        }
        guard blob.format == format else {
            throw PluginError(SWL_ERR_INVALID_ARGUMENT, "state format \(blob.format) is not supported (this build reads \(format))")
        }
        return blob
    }
}

/// Where a hot-swappable instance stands, with the checks `HotSwappable` asks for: quiesce
/// only while running, export only while quiesced, import only before start.
public struct HotSwapPhase: Sendable {
    public private(set) var started = false
    public private(set) var quiesced = false

    public init() {}

    /// Records a successful `start`.
    public mutating func didStart() { started = true }

    /// `HotSwappable.quiesce`: `SWL_ERR_STATE` unless running.
    public mutating func quiesce() throws(PluginError) {
        guard started else { throw PluginError(SWL_ERR_STATE, "not running") }
        quiesced = true
    }

    /// `HotSwappable.resume`.
    public mutating func resume() { quiesced = false }

    /// Before `exportState`: `SWL_ERR_STATE` unless quiesced.
    public func checkExport() throws(PluginError) {
        guard quiesced else { throw PluginError(SWL_ERR_STATE, "export needs a quiesced instance") }
    }

    /// Before `importState`: `SWL_ERR_STATE` once started.
    public func checkImport() throws(PluginError) {
        guard !started else { throw PluginError(SWL_ERR_STATE, "import needs an instance that has not started") }
    }
}

import Foundation

/// Copies validated plugin libraries into a plugin directory laid out as
/// `<dir>/<plugin-id>/<version>/<file>`, so several versions sit side by side.
public struct PluginInstaller: Sendable {
    public let directory: String

    public init(directory: String) {
        self.directory = directory
    }

    /// Where a library ended up.
    public struct Installed: Sendable {
        public let info: PluginInfo
        public let path: String
    }

    /// Validates `file` by loading it, then copies it into place. An existing copy of the
    /// same id and version is replaced only if it is byte-identical; otherwise refused.
    public func install(_ file: String) throws(PluginRefusal) -> Installed {
        let library = try PluginLoader.load(path: file)
        let info = library.info
        let folder = URL(fileURLWithPath: directory).appendingPathComponent(info.id).appendingPathComponent(info.version)
        let target = folder.appendingPathComponent(URL(fileURLWithPath: file).lastPathComponent)
        let manager = FileManager.default
        do {
            try manager.createDirectory(at: folder, withIntermediateDirectories: true)
            if manager.fileExists(atPath: target.path) {
                guard manager.contentsEqual(atPath: target.path, andPath: info.path) else {
                    throw PluginRefusal(path: info.path,
                                        reason: "\(info.key) is already installed at \(target.path) with different contents")
                }
                return Installed(info: info, path: target.path)
            }
            // Copy to a temporary name and rename, so a running host never sees half a file.
            let temporary = folder.appendingPathComponent(".\(target.lastPathComponent).partial")
            try? manager.removeItem(at: temporary)
            try manager.copyItem(atPath: info.path, toPath: temporary.path)
            try manager.moveItem(at: temporary, to: target)
        } catch let refusal as PluginRefusal {
            throw refusal
        } catch {
            throw PluginRefusal(path: info.path, reason: "cannot install into \(folder.path): \(error.localizedDescription)")
        }
        return Installed(info: info, path: target.path)
    }
}

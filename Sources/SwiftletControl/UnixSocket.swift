#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Checks on a Unix domain socket path before binding or connecting to it.
enum UnixSocket {
    /// The longest path `sockaddr_un` holds (107 bytes on Linux, 103 on macOS).
    static let maximumPathLength = MemoryLayout.size(ofValue: sockaddr_un().sun_path) - 1

    /// Refuses a path too long for `sockaddr_un`.
    static func checkPath(_ path: String) throws(ControlError) {
        guard !path.isEmpty, path.utf8.count <= maximumPathLength else {
            throw ControlError(.invalidArgument, "control socket path \(path) must be 1-\(maximumPathLength) bytes long")
        }
    }

    /// True for a socket file, false for any other kind of file, nil when nothing is there.
    static func isSocketFile(_ path: String) -> Bool? {
        var info = stat()
        guard lstat(path, &info) == 0 else { return nil }
        return info.st_mode & S_IFMT == S_IFSOCK
    }

    /// True when something accepts connections on `path`; false when the file is missing
    /// or nothing listens (a stale socket left by a bot that died).
    static func isListening(_ path: String) -> Bool {
        guard path.utf8.count <= maximumPathLength else { return false }
        let fd = socket(AF_UNIX, socketStreamType, 0)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { buffer in
            buffer.initializeMemory(as: UInt8.self, repeating: 0)
            buffer.copyBytes(from: path.utf8)
        }
        let result = withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
            }
        }
        return result == 0
    }

    #if canImport(Glibc)
    private static let socketStreamType = Int32(SOCK_STREAM.rawValue)
    #else
    private static let socketStreamType = SOCK_STREAM
    #endif
}

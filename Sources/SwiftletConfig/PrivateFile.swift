#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

/// Files only their owner may read: written with mode 0600 from the first byte, replaced
/// atomically (a temporary file in the same directory, fsync, rename).
public enum PrivateFile {
    /// Writes `bytes` to `path` with mode 0600, creating missing parent directories with
    /// mode 0700. Throws a one-line description of the failing step.
    public static func write(_ bytes: [UInt8], to path: String) throws(PrivateFileError) {
        let directory = (path as NSString).deletingLastPathComponent
        if !directory.isEmpty, !FileManager.default.fileExists(atPath: directory) {
            do {
                try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true,
                                                        attributes: [.posixPermissions: 0o700])
            } catch {
                throw PrivateFileError("cannot create directory \(directory): \(error.localizedDescription)")
            }
        }
        let temporary = "\(path).tmp-\(getpid())-\(UInt32.random(in: 0 ... .max))"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw PrivateFileError("cannot create \(temporary): \(errnoText())") }
        var failure: PrivateFileError?
        if fchmod(fd, 0o600) != 0 {
            failure = PrivateFileError("cannot set mode 0600 on \(temporary): \(errnoText())")
        }
        var written = 0
        while failure == nil, written < bytes.count {
            let count = bytes.withUnsafeBytes { buffer in
                writeBytes(fd, buffer.baseAddress! + written, buffer.count - written)
            }
            if count < 0 {
                if errno == EINTR { continue }
                failure = PrivateFileError("cannot write \(temporary): \(errnoText())")
            } else {
                written += count
            }
        }
        if failure == nil, fsync(fd) != 0 { failure = PrivateFileError("cannot sync \(temporary): \(errnoText())") }
        close(fd)
        if failure == nil, rename(temporary, path) != 0 {
            failure = PrivateFileError("cannot replace \(path): \(errnoText())")
        }
        if let failure {
            unlink(temporary)
            throw failure
        }
    }

    /// The permission bits of the file at `path` (e.g. `0o600`), nil if it does not exist.
    public static func mode(of path: String) -> mode_t? {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        return info.st_mode & 0o7777
    }

    private static func errnoText() -> String {
        String(cString: strerror(errno))
    }
}

/// `write(2)`; a file-scope name, as `PrivateFile.write` hides the C function inside the type.
private func writeBytes(_ fd: Int32, _ buffer: UnsafeRawPointer, _ count: Int) -> Int {
    write(fd, buffer, count)
}

/// A file that could not be written privately.
public struct PrivateFileError: Error, Sendable, CustomStringConvertible {
    /// What failed, one line.
    public let description: String

    init(_ description: String) { self.description = description }
}

import CSwiftletSDK
import Foundation
import SwiftletABI
#if canImport(Glibc)
import Glibc
#endif

/// Opens a plugin library with `dlopen`, finds its entry symbol and validates its
/// descriptor. Every failure is a `PluginRefusal` naming the file and the reason.
public enum PluginLoader {
    /// `RTLD_NOW`: resolve everything up front, so a missing symbol is a refusal now,
    /// not a crash later. `RTLD_LOCAL`: the library's symbols never join the global
    /// scope, so a second version cannot bind to the first one's. `RTLD_DEEPBIND`: the
    /// library resolves its own symbols before the host's and other plugins', so even a
    /// plugin that forgot to hide its symbols cannot bind to another copy of the same
    /// Swift module.
    public static let dlopenFlags: Int32 = RTLD_NOW | RTLD_LOCAL | RTLD_DEEPBIND

    /// Loads and validates one library file.
    public static func load(path: String) throws(PluginRefusal) -> PluginLibrary {
        let absolute = URL(fileURLWithPath: path).standardizedFileURL.path
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: absolute, isDirectory: &isDirectory), !isDirectory.boolValue else {
            throw PluginRefusal(path: absolute, reason: "no such file")
        }
        if let problem = ELFCheck.problem(at: absolute) {
            throw PluginRefusal(path: absolute, reason: "not a loadable shared library (\(problem))")
        }
        _ = dlerror()
        guard let handle = dlopen(absolute, dlopenFlags) else {
            let detail = dlerror().map { String(cString: $0) } ?? "unknown dlopen error"
            throw PluginRefusal(path: absolute, reason: "not a loadable shared library (\(lastClause(detail)))")
        }
        guard let symbol = dlsym(handle, SWL_ENTRY_SYMBOL) else {
            throw PluginRefusal(path: absolute, reason: "missing entry symbol \(SWL_ENTRY_SYMBOL)")
        }
        let entry = unsafeBitCast(symbol, to: swl_plugin_entry_t.self)
        guard let descriptor = entry() else {
            throw PluginRefusal(path: absolute, reason: "entry symbol returned no descriptor")
        }
        let info = try DescriptorValidator.validate(descriptor, path: absolute)
        let library = PluginLibrary(info: info, descriptor: descriptor, handle: handle)
        for required in PluginLibrary.requiredExtensions(for: info.kinds) {
            guard try library.extensionTable(required.id, minimumSize: required.size) != nil else {
                throw PluginRefusal(path: absolute,
                                    reason: "declares kind \(info.kinds) but does not answer extension \(required.id)")
            }
        }
        return library
    }

    /// dlerror() repeats the path; keep the part after it.
    private static func lastClause(_ detail: String) -> String {
        if let range = detail.range(of: ": ", options: .backwards) {
            return String(detail[range.upperBound...])
        }
        return detail
    }
}

/// Checks every field of a descriptor against the rules of plugin.h.
enum DescriptorValidator {
    static func validate(_ descriptor: UnsafePointer<swl_plugin_descriptor_t>,
                         path: String) throws(PluginRefusal) -> PluginInfo {
        func refuse(_ reason: String) -> PluginRefusal { PluginRefusal(path: path, reason: reason) }
        // Read the size before the rest: a smaller struct must not be read past its end.
        let size = UnsafeRawPointer(descriptor).load(as: UInt32.self)
        let needed = MemoryLayout<swl_plugin_descriptor_t>.size
        guard Int(size) >= needed else {
            throw refuse("descriptor struct_size \(size) is smaller than the ABI 1.0 layout (\(needed) bytes)")
        }
        let d = descriptor.pointee
        guard Int(d.abi_major) == Int(SWL_ABI_MAJOR) else {
            throw refuse("built for ABI \(d.abi_major).\(d.abi_minor), this host supports ABI major \(SWL_ABI_MAJOR)")
        }
        let id = try text(d.id, "id", limit: Int(SWL_ID_MAX_LENGTH), required: true, path: path)
        guard isValidID(id) else {
            throw refuse("id \"\(id)\" must start with a lowercase letter and use only [a-z0-9_.-]")
        }
        let version = try text(d.version, "version", limit: Int(SWL_VERSION_MAX_LENGTH), required: true, path: path)
        guard SemanticVersion(version) != nil else {
            throw refuse("version \"\(version)\" is not a semantic version (MAJOR.MINOR.PATCH)")
        }
        let name = try text(d.name, "name", limit: Int(SWL_NAME_MAX_LENGTH), required: true, path: path)
        let vendor = try text(d.vendor, "vendor", limit: Int(SWL_NAME_MAX_LENGTH), required: false, path: path)
        let summary = try text(d.description, "description", limit: Int(SWL_DESCRIPTION_MAX_LENGTH),
                               required: false, path: path)
        let kinds = PluginKinds(rawValue: d.kinds)
        guard !kinds.isEmpty else { throw refuse("declares no kind") }
        let unknown = kinds.subtracting(.known)
        guard unknown.isEmpty else {
            throw refuse("unknown kind bits 0x\(String(unknown.rawValue, radix: 16)) (this host knows \(PluginKinds.known))")
        }
        guard d.create != nil else { throw refuse("descriptor has no create function") }
        guard d.get_extension != nil else { throw refuse("descriptor has no get_extension function") }
        return PluginInfo(id: id, version: version, name: name, vendor: vendor, summary: summary, kinds: kinds,
                          abiMajor: Int(d.abi_major), abiMinor: Int(d.abi_minor), path: path)
    }

    private static func text(_ value: swl_str_t, _ field: String, limit: Int, required: Bool,
                             path: String) throws(PluginRefusal) -> String {
        if value.len == 0 {
            if required { throw PluginRefusal(path: path, reason: "descriptor \(field) is empty") }
            return ""
        }
        guard value.len <= limit else {
            throw PluginRefusal(path: path, reason: "descriptor \(field) is \(value.len) bytes, the limit is \(limit)")
        }
        do {
            return try ABIValue.string(value, field: "descriptor")
        } catch {
            throw PluginRefusal(path: path, reason: "descriptor \(field): \(error.message)")
        }
    }

    private static func isValidID(_ id: String) -> Bool {
        guard let first = id.utf8.first, first >= UInt8(ascii: "a"), first <= UInt8(ascii: "z") else { return false }
        return id.utf8.allSatisfy { byte in
            (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z")) || (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9"))
                || byte == UInt8(ascii: "_") || byte == UInt8(ascii: ".") || byte == UInt8(ascii: "-")
        }
    }
}

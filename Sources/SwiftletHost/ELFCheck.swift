import Foundation

/// Checks that a file is a complete ELF shared object before `dlopen` maps it.
///
/// `dlopen` maps segments straight from the file: a truncated library whose program
/// headers promise more bytes than the file has makes the dynamic loader touch pages
/// past the end of the file, and the process dies of SIGBUS inside `dlopen` — no error
/// to report. Reading the headers first turns that into a refusal.
enum ELFCheck {
    /// nil when the file looks loadable; otherwise the reason it is not.
    static func problem(at path: String) -> String? {
        guard let data = FileManager.default.contents(atPath: path) else { return "cannot read the file" }
        let size = UInt64(data.count)
        return data.withUnsafeBytes { bytes -> String? in
            guard bytes.count >= 64, bytes[0] == 0x7F, bytes[1] == 0x45, bytes[2] == 0x4C, bytes[3] == 0x46 else {
                return "not an ELF file"
            }
            guard bytes[4] == 2, bytes[5] == 1 else { return "not a 64-bit little-endian ELF file" }
            func u16(_ offset: Int) -> UInt64 { UInt64(bytes.loadUnaligned(fromByteOffset: offset, as: UInt16.self)) }
            func u32(_ offset: Int) -> UInt64 { UInt64(bytes.loadUnaligned(fromByteOffset: offset, as: UInt32.self)) }
            func u64(_ offset: Int) -> UInt64 { bytes.loadUnaligned(fromByteOffset: offset, as: UInt64.self) }
            guard u16(16) == 3 else { return "not a shared object (ELF type \(u16(16)))" }
            let programHeaders = u64(32), entrySize = u16(54), count = u16(56)
            let (tableEnd, overflow) = programHeaders.addingReportingOverflow(entrySize * count)
            guard entrySize >= 56, !overflow, tableEnd <= size else { return "truncated or corrupt (program headers)" }
            for index in 0..<count {
                let header = Int(programHeaders + index * entrySize)
                guard u32(header) == 1 else { continue } // PT_LOAD
                let (end, overflow) = u64(header + 8).addingReportingOverflow(u64(header + 32))
                if overflow || end > size { return "truncated or corrupt (a segment ends past the end of the file)" }
            }
            let sectionHeaders = u64(40), sectionSize = u16(58), sections = u16(60)
            let (sectionsEnd, sectionOverflow) = sectionHeaders.addingReportingOverflow(sectionSize * sections)
            if sectionOverflow || sectionsEnd > size { return "truncated or corrupt (section headers)" }
            return nil
        }
    }
}

@testable import SwiftletPluginKit
import Testing

/// The kit hands exported hot-swap state to the host's writer in chunks: none larger than
/// `chunkSize`, none cutting a UTF-8 character, joined back to the exact text.
struct HotSwapChunkTests {
    final class Sink {
        var chunks: [[UInt8]] = []
        var refuse = false
    }

    static let writer: swl_state_writer_t = { user, chunk in
        let sink = Unmanaged<Sink>.fromOpaque(user!).takeUnretainedValue()
        if sink.refuse { return swl_status_t(SWL_ERR_INTERNAL) }
        sink.chunks.append(Array(UnsafeRawBufferPointer(start: chunk.ptr, count: chunk.len)))
        return swl_status_t(SWL_OK)
    }

    @Test func largeStateIsSplitAtCharacterBoundaries() throws {
        // 3-byte characters straddle every 64 KiB boundary somewhere.
        let text = String(repeating: "a€", count: 60_000)
        let sink = Sink()
        try HotSwapTrampolines.write(text, to: Self.writer, user: Unmanaged.passUnretained(sink).toOpaque())
        #expect(sink.chunks.count > 1)
        #expect(sink.chunks.allSatisfy { $0.count <= HotSwapTrampolines.chunkSize })
        #expect(sink.chunks.allSatisfy { String(validating: $0, as: UTF8.self) != nil })
        #expect(String(decoding: sink.chunks.joined(), as: UTF8.self) == text)
    }

    @Test func aRefusingWriterFailsTheExport() {
        let sink = Sink()
        sink.refuse = true
        #expect { try HotSwapTrampolines.write("{}", to: Self.writer, user: Unmanaged.passUnretained(sink).toOpaque()) } throws: {
            ($0 as? PluginError)?.status == swl_status_t(SWL_ERR_INTERNAL)
        }
    }
}

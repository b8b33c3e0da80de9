import CSwiftletSDK
import Foundation
import SwiftletABI
import Testing

/// C copies carved out of shared blocks: every copy intact and aligned, across block ends.
@Suite struct CStorageTests {
    private func text(_ value: swl_str_t) -> String {
        String(decoding: UnsafeRawBufferPointer(start: value.ptr, count: value.len), as: UTF8.self)
    }

    @Test func stringsAndArraysSurviveLaterCopiesAcrossBlocks() {
        let storage = CStorage()
        var strings: [(String, swl_str_t)] = []
        var arrays: [([swl_decimal_t], UnsafePointer<swl_decimal_t>?)] = []
        // Lengths from 1 to 1,500 bytes (some larger than a block's quarter), non-ASCII, and a
        // bridged string, interleaved with arrays of 8-byte-aligned structs.
        for index in 0..<400 {
            let value: String = switch index % 4 {
            case 0: String(repeating: "k", count: 1 + index % 37)
            case 1: "prix €\(index) ✓"
            case 2: NSString(string: "bridged-\(index)") as String
            default: String(repeating: "x", count: index * 4)
            }
            strings.append((value, storage.string(value)))
            let decimals = (0..<(1 + index % 5)).map { swl_decimal_t(mantissa: Int64(index * 10 + $0), scale: Int32($0), reserved: 0) }
            arrays.append((decimals, storage.array(decimals)))
        }
        #expect(storage.string("").len == 0)
        for (value, copy) in strings { #expect(text(copy) == value) }
        for (values, copy) in arrays {
            let pointer = try! #require(copy)
            #expect(Int(bitPattern: pointer) % MemoryLayout<swl_decimal_t>.alignment == 0)
            let copied = Array(UnsafeBufferPointer(start: pointer, count: values.count))
            #expect(copied.map(\.mantissa) == values.map(\.mantissa) && copied.map(\.scale) == values.map(\.scale))
        }
    }

    @Test func afterAResetNewCopiesAreIntactAcrossBlocks() {
        let storage = CStorage()
        for round in 0..<3 {
            // Each round more than one block's worth, and one copy larger than a quarter block.
            let values = (0..<120).map { "round \(round) copy \($0) " + String(repeating: "r", count: $0 % 50) }
                + [String(repeating: "big\(round)", count: 300)]
            let copies = values.map { storage.string($0) }
            for (value, copy) in zip(values, copies) { #expect(text(copy) == value) }
            storage.reset()
        }
        #expect(text(storage.string("after")) == "after")
    }
}

import Foundation
import Logging
import SwiftletRunner
import Testing

/// The bot's log file: lines written by the background writer, in call order, with level,
/// label and metadata; `flush` waits for them.
struct FileLogTests {
    @Test func linesFromManyThreadsArriveWholeAndInEachThreadsOrder() async throws {
        let directory = NSTemporaryDirectory() + "swiftlet-filelog-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = directory + "/bot.log"
        let log = FileLog(path: path)
        var logger = log.logger(label: "test")
        logger[metadataKey: "plugin"] = "bitget"
        logger.debug("below the info level: not written")
        let shared = logger
        await withTaskGroup(of: Void.self) { group in
            for thread in 0..<4 {
                group.addTask {
                    for line in 0..<250 { shared.info("thread \(thread) line \(line)") }
                }
            }
        }
        logger.error("last")
        log.flush()
        let lines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n")
        #expect(lines.count == 1_001)
        #expect(lines.last?.hasSuffix(" error test plugin=bitget: last") == true, "\(String(describing: lines.last))")
        for thread in 0..<4 {
            let numbers = lines.compactMap { line -> Int? in
                guard let range = line.range(of: ": thread \(thread) line ") else { return nil }
                #expect(line.contains(" info test plugin=bitget: "), "\(line)")
                return Int(line[range.upperBound...])
            }
            #expect(numbers == Array(0..<250))
        }
        // A second log on the same file appends.
        let again = FileLog(path: path)
        again.logger().notice("appended")
        again.flush()
        #expect(try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").count == 1_002)
    }
}

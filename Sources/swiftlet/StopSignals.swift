import Dispatch
import Foundation
import Synchronization

/// Ctrl-C and SIGTERM handling.
enum StopSignals {
    /// A flag set by SIGINT (Ctrl-C) or SIGTERM.
    static func stopSignal() -> StopFlag {
        let flag = StopFlag()
        for number in [SIGINT, SIGTERM] {
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler { flag.raise() }
            source.resume()
            flag.keep(source)
        }
        return flag
    }
}

/// Set once a stop signal arrived; keeps its signal sources alive.
final class StopFlag: @unchecked Sendable {
    private let raised = Atomic<Bool>(false)
    private var sources: [any DispatchSourceSignal] = []
    func raise() { raised.store(true, ordering: .relaxed) }
    var isRaised: Bool { raised.load(ordering: .relaxed) }
    func keep(_ source: any DispatchSourceSignal) { sources.append(source) }
}

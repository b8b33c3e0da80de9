import Foundation

/// `swift run -c release swiftlet-bench [abi|books|books-futures|candles|tick-to-order [samples] [orders] [--no-keep-awake]|reference-path [samples] [gap-ms] [--no-keep-awake]|state-save [saves]|http-write|hot-swap [swaps]|spot-memory [seconds]|all]` — prints figures; asserts nothing.
/// (`all` runs abi, books and candles; spot-memory runs for a minute by default and only on request.)
let arguments = Array(CommandLine.arguments.dropFirst())
let selected = Set(arguments.isEmpty ? ["all"] : arguments)
let all = selected.contains("all")

do {
    if all || selected.contains("abi") {
        try ABIBenchmark.run()
    }
    if all || selected.contains("books") {
        try BooksBenchmark.run(corpusPath: Corpus.path(for: "books"))
    }
    if selected.contains("books-futures") {
        try BooksBenchmark.run(corpusPath: Corpus.path(for: "books-futures"), instType: "USDT-FUTURES")
    }
    if all || selected.contains("candles") {
        try await CandleBenchmark.run()
    }
    if selected.contains("tick-to-order") {
        let numbers = arguments.compactMap { Int($0) }
        try await TickToOrderBenchmark.run(samples: numbers.first ?? 500, orders: numbers.dropFirst().first ?? 1,
                                           keepAwake: !arguments.contains("--no-keep-awake"))
    }
    if selected.contains("reference-path") {
        let numbers = arguments.compactMap { Int($0) }
        try ReferencePathBenchmark.run(samples: numbers.first ?? 500, gapMilliseconds: numbers.dropFirst().first ?? 110,
                                       corpusPath: Corpus.path(for: "reference-path"),
                                       keepAwake: !arguments.contains("--no-keep-awake"))
    }
    if selected.contains("state-save") {
        let saves = arguments.compactMap { Int($0) }.first ?? 300
        try StateSaveBenchmark.run(saves: saves)
    }
    if selected.contains("http-write") {
        try await HTTPWriteBenchmark.run()
    }
    if selected.contains("hot-swap") {
        let swaps = arguments.compactMap { Int($0) }.first ?? 300
        try await HotSwapBenchmark.run(swaps: swaps)
    }
    if selected.contains("spot-memory") {
        let seconds = arguments.compactMap { Int($0) }.first ?? 60
        try await SpotMemoryBenchmark.run(seconds: seconds)
    }
} catch {
    print("benchmark failed: \(error)")
    exit(1)
}

#if canImport(Glibc)
import Glibc
#endif

/// Timing helpers for the benchmarks: monotonic nanoseconds and best-of-N rounds.
enum Measure {
    static func nanoseconds() -> UInt64 {
        var spec = timespec()
        clock_gettime(CLOCK_MONOTONIC, &spec)
        return UInt64(spec.tv_sec) * 1_000_000_000 + UInt64(spec.tv_nsec)
    }

    /// Runs `body` (which performs `iterations` operations) `rounds` times and returns
    /// nanoseconds per operation: (best, median).
    static func perOperation(iterations: Int, rounds: Int = 7, _ body: () -> Void) -> (best: Double, median: Double) {
        var samples: [Double] = []
        for _ in 0..<rounds {
            let start = nanoseconds()
            body()
            let elapsed = nanoseconds() - start
            samples.append(Double(elapsed) / Double(iterations))
        }
        samples.sort()
        return (samples[0], samples[samples.count / 2])
    }

    /// The `p` percentile (0 < p ≤ 1) of ascending `sorted` by nearest rank: the smallest
    /// sample with at least `p` of the samples at or below it (p99 of 100 samples is the
    /// 99th, p100 the largest).
    static func percentile<T>(_ p: Double, of sorted: [T]) -> T {
        let rank = Int((p * Double(sorted.count)).rounded(.up))
        return sorted[min(sorted.count, max(1, rank)) - 1]
    }

    static func format(_ value: Double) -> String {
        let rounded = (value * 10).rounded() / 10
        return String(describing: rounded)
    }
}

import SwiftletCore

/// The buffers `BookFrameParser` parses levels into, reused frame after frame.
///
/// Bare allocations rather than arrays, hand-managed because this is the order-book hot
/// path: an array checks its uniqueness and capacity on every append, and a frame holding
/// arrays retains and releases them (atomically) each time it is stored or copied, which
/// together cost about 7% of the books benchmark (docs/connectors/bitget-spot.md). Frames instead view these buffers
/// through `ParsedLevels`, without a reference.
///
/// `@unchecked Sendable`: only the parser that holds the sole reference writes to it
/// (`BookFrameParser.parse` checks), so a parser can move between threads with it.
final class LevelStorage: @unchecked Sendable {
    /// Bid levels of the frame parsed last, then its ask levels.
    private(set) var bids: UnsafeMutablePointer<ParsedLevel>
    private(set) var asks: UnsafeMutablePointer<ParsedLevel>
    private(set) var bidCapacity: Int
    private(set) var askCapacity: Int
    /// Counts the frames parsed into these buffers; a view remembers the value it was made
    /// at, so debug builds can catch a frame used after the next parse.
    private(set) var generation: UInt64 = 0

    init(capacity: Int) {
        bidCapacity = Swift.max(1, capacity)
        askCapacity = bidCapacity
        bids = .allocate(capacity: bidCapacity)
        asks = .allocate(capacity: askCapacity)
    }

    deinit {
        bids.deallocate()
        asks.deallocate()
    }

    /// Starts a frame: every view handed out so far is stale from now on.
    @inline(__always)
    func nextGeneration() { generation &+= 1 }

    /// Stores a side's buffer after `LevelWriter` grew it.
    func replace(_ side: Side, with buffer: UnsafeMutablePointer<ParsedLevel>, capacity: Int) {
        switch side {
        case .buy: (bids, bidCapacity) = (buffer, capacity)
        case .sell: (asks, askCapacity) = (buffer, capacity)
        }
    }

    /// A view of the levels `writer` wrote into one of these buffers (or into the larger
    /// one it moved them to), made now.
    @inline(__always)
    func view(_ writer: LevelWriter) -> ParsedLevels {
        ParsedLevels(base: writer.base, count: writer.count, storage: self, generation: generation)
    }
}

/// Appends levels to one side's buffer of a `LevelStorage`, growing it when full.
/// `@unchecked Sendable` for the same reason as `LevelStorage`, whose buffer it writes.
struct LevelWriter: @unchecked Sendable {
    private(set) var base: UnsafeMutablePointer<ParsedLevel>
    private(set) var capacity: Int
    private(set) var count = 0

    init(base: UnsafeMutablePointer<ParsedLevel>, capacity: Int) {
        self.base = base
        self.capacity = capacity
    }

    /// Whether `append` had to move the levels to a larger buffer (and freed the old one).
    private(set) var grew = false

    @inline(__always)
    mutating func append(_ level: ParsedLevel) {
        if count == capacity { grow() }
        (base + count).initialize(to: level)
        count += 1
    }

    @inline(never)
    private mutating func grow() {
        let larger = UnsafeMutablePointer<ParsedLevel>.allocate(capacity: 2 * capacity)
        larger.moveInitialize(from: base, count: count)
        base.deallocate()
        base = larger
        capacity *= 2
        grew = true
    }
}

@testable import SwiftletBot
import Testing

struct BotClientOrderIDsTests {
    static let counters: [UInt64] = [0, 1, 9, 10, 35, 36, 1_295, 1_296, 123_456_789, 1 << 32, UInt64(Int64.max), .max]

    @Test(arguments: counters) func anIdIsThePrefixAndTheCounterInBase36(_ counter: UInt64) {
        let ids = BotClientOrderIDs(sessionStart: 1_764_979_200_000)
        #expect(ids.session == String(1_764_979_200_000 as UInt64, radix: 36))
        let prefix = ids.prefix(strategy: 12)
        #expect(prefix == "swl12x\(ids.session)x")
        #expect(BotClientOrderIDs.id(prefix: prefix, counter: counter) == prefix + String(counter, radix: 36))
        #expect(BotClientOrderIDs.id(prefix: "", counter: counter) == String(counter, radix: 36))
    }

    @Test func anIdOfThisSessionNamesItsStrategyAndNoOtherIdDoes() {
        let ids = BotClientOrderIDs(sessionStart: 1_764_979_200_000)
        let other = BotClientOrderIDs(sessionStart: 1_764_979_200_001)
        #expect(ids.strategyIndex(of: BotClientOrderIDs.id(prefix: ids.prefix(strategy: 3), counter: 77)) == 3)
        #expect(ids.strategyIndex(of: BotClientOrderIDs.id(prefix: other.prefix(strategy: 3), counter: 77)) == nil)
        for foreign in ["", "my-order-1", "swl", "swlx\(ids.session)x1", "abc3x\(ids.session)x1", "swl3x\(ids.session)x1x2"] {
            #expect(ids.strategyIndex(of: foreign) == nil, "\(foreign)")
        }
    }
}

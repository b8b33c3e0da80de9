import BitgetCommon
import Testing

@Suite struct ClientOrderIDsTests {
    @Test(arguments: ["a", "swl1x2", "AZaz09_:#-+ ", String(repeating: "9", count: ClientOrderIDs.maxLength)])
    func idsBitgetAcceptsPass(id: String) throws {
        try ClientOrderIDs.validate(id)
    }

    @Test(arguments: ["a/b", "a.b", "a=b", "é", "a\u{301}", "🚀", "a\tb", "a\nb", "a\u{0}b",
                      String(repeating: "9", count: ClientOrderIDs.maxLength + 1)])
    func idsBitgetRefusesAreInvalidArguments(id: String) {
        #expect(throws: (any Error).self) { try ClientOrderIDs.validate(id) }
    }

    @Test func generatedIdsAreValidAndDistinct() throws {
        var ids = ClientOrderIDs(prefix: "swl", sessionSeed: Int64.max)
        let generated = (0..<1_000).map { _ in ids.next() }
        for id in generated { try ClientOrderIDs.validate(id) }
        #expect(Set(generated).count == generated.count)
    }
}

import SwiftletConfig
import Testing

@Suite struct JSONTextTests {
    @Test func addingAKeyKeepsTheRestByteForByte() {
        #expect(JSONText.adding(key: "credential", string: "sim", to: #" {"rest_url":"http://x","size":0.10} "#)
                == #"{"credential":"sim","rest_url":"http://x","size":0.10}"#)
        #expect(JSONText.adding(key: "credential", string: "sim", to: "{ }") == #"{"credential":"sim"}"#)
        #expect(JSONText.adding(key: "k", string: "a\"b\\c\n", to: "not an object") == #"{"k":"a\"b\\c\n"}"#)
    }
}

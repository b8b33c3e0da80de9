@testable import SwiftletTransport
import Testing

/// The Foundation-free split must agree with `URL` wherever it answers.
@Suite struct RequestURLTests {
    @Test(arguments: [
        "https://api.bitget.com/api/v2/spot/trade/place-order",
        "https://api.bitget.com/api/v2/spot/market/candles?symbol=BTCUSDT&granularity=1min&limit=1000",
        "http://127.0.0.1:8080/api/v2/spot/trade/orderInfo?clientOid=swl1x2%3Aa%2Bb",
        "http://127.0.0.1:8080",
        "http://127.0.0.1:8080?x=1",
        "http://localhost/a/b/../c;p=1?q=a:b@c/d?e",
        "HTTPS://API.BITGET.COM/x?y=",
        "http://[::1]:9000/x",
    ])
    func splitAgreesWithFoundation(url: String) throws {
        let split = try #require(RequestURL.split(url))
        let parsed = try HTTPService.parse(url)
        #expect(split.target == parsed.uri)
        #expect(try HTTPService.parse(split.origin).origin == parsed.origin)
    }

    @Test(arguments: [
        "https://api.bitget.com/x#fragment",
        "https://user:pass@api.bitget.com/x",
        "https://api.bitget.com/a b",
        "https://api.bitget.com/ä",
        "https://api.bitget.com/x?a=%G1",
        "https://api.bitget.com/x?a=%4",
        "https://api.bitget.com/x?a=\"b\"",
        "https:/api.bitget.com/x",
        "https://",
        "not a url",
        "",
    ])
    func anythingElseIsLeftToFoundation(url: String) {
        #expect(RequestURL.split(url) == nil)
    }

    @Test func theHostHeaderNamesThePortOnlyWhenItIsNotTheDefault() throws {
        #expect(try HTTPService.parse("https://api.bitget.com/x").origin.hostHeader == "api.bitget.com")
        #expect(try HTTPService.parse("http://api.bitget.com:80/x").origin.hostHeader == "api.bitget.com")
        #expect(try HTTPService.parse("https://api.bitget.com:8443/x").origin.hostHeader == "api.bitget.com:8443")
        #expect(try HTTPService.parse("http://[::1]:9000/x").origin.hostHeader == "[::1]:9000")
    }
}

import Crypto
import Foundation

/// Bitget request signing: base64(HMAC-SHA256(secret, prehash)).
public enum BitgetSign {
    /// REST prehash: `timestamp + METHOD + path + ("?" + query) + body`.
    public static func restPrehash(timestamp: String, method: String, path: String, query: String, body: String) -> String {
        timestamp + method.uppercased() + path + (query.isEmpty ? "" : "?" + query) + body
    }

    /// WebSocket login prehash: `timestamp + "GET" + "/user/verify"`.
    public static func loginPrehash(timestamp: String) -> String { timestamp + "GET" + "/user/verify" }

    /// base64(HMAC-SHA256(secret, message)).
    public static func sign(_ message: String, secret: String) -> String {
        let mac = HMAC<SHA256>.authenticationCode(for: Data(message.utf8), using: SymmetricKey(data: Data(secret.utf8)))
        return Data(mac).base64EncodedString()
    }
}

extension Exchange {
    /// Checks Bitget's four auth headers; returns the account index.
    func authenticate(key: String?, sign: String?, timestamp: String?, passphrase: String?,
                      method: String, path: String, query: String, body: String) throws(BitgetError) -> Int32 {
        guard let key, !key.isEmpty else { throw .missingKey }
        guard let sign, !sign.isEmpty else { throw .missingSign }
        guard let timestamp, !timestamp.isEmpty else { throw .missingTimestamp }
        guard let passphrase, !passphrase.isEmpty else { throw .missingPassphrase }
        guard let millis = Int64(timestamp) else { throw .invalidTimestamp }
        guard let index = accountIndex[key] else { throw .invalidKey }
        let account = accounts[index]
        guard account.passphrase == passphrase else { throw .badPassphrase }
        guard abs(WallClock.milliseconds() - millis) <= config.timestampWindowMs else { throw .timestampExpired }
        let expected = BitgetSign.sign(
            BitgetSign.restPrehash(timestamp: timestamp, method: method, path: path, query: query, body: body),
            secret: account.secret)
        guard expected == sign else { throw .badSignature }
        return Int32(index)
    }
}

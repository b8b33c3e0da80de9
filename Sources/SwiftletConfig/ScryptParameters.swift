/// scrypt's cost parameters (RFC 7914), stored in the vault file beside the salt.
///
/// ``standard`` is N = 2^17, r = 8, p = 1: 128 MiB of memory and a few hundred
/// milliseconds per derivation, OWASP's recommendation for scrypt. Lighter settings exist
/// for tests only; a vault file asking for more than ``maximumMemory`` is refused.
public struct ScryptParameters: Sendable, Equatable {
    /// CPU/memory cost N, a power of two.
    public let n: Int
    /// Block size r.
    public let r: Int
    /// Parallelism p.
    public let p: Int

    /// The default for new vaults: N = 131072, r = 8, p = 1.
    public static let standard = ScryptParameters(uncheckedN: 1 << 17, r: 8, p: 1)
    /// The most memory (128·N·r·p bytes) a vault may ask for: 1 GiB.
    public static let maximumMemory = 1 << 30

    /// Checked parameters: N a power of two ≥ 2^10, r in 1...32, p in 1...16, and
    /// 128·N·r·p ≤ ``maximumMemory``.
    public init(n: Int, r: Int, p: Int) throws(VaultError) {
        guard n >= 1 << 10, n.nonzeroBitCount == 1, (1...32).contains(r), (1...16).contains(p),
              n <= ScryptParameters.maximumMemory / (128 * r * p) else {
            throw VaultError(.corrupted, "unsupported scrypt parameters N=\(n) r=\(r) p=\(p)")
        }
        self.init(uncheckedN: n, r: r, p: p)
    }

    private init(uncheckedN n: Int, r: Int, p: Int) {
        self.n = n
        self.r = r
        self.p = p
    }
}

public import CSwiftletSDK

/// Supplies host-side extension tables (`swl_host_t.get_extension`, e.g. the strategy's
/// `swiftlet.host.trading/1`) to the instances created with it, and is what those tables'
/// functions reach back to through `HostCaller`.
public protocol HostExtensionProvider: AnyObject, Sendable {
    /// The static table answering `id`, or nil when this host has none.
    func hostExtension(_ id: String) -> UnsafeRawPointer?
}

/// Who is calling a host-side extension function: resolved from the `swl_host_t` the
/// plugin passed in.
public struct HostCaller: Sendable {
    /// The calling instance's name (its configured id).
    public let instanceName: String
    /// The provider the instance was created with.
    public let provider: any HostExtensionProvider
    /// The calling instance's host table: tells instances of one name apart (hot swap).
    public let tableAddress: UInt

    /// The caller behind `host`, or nil for a NULL/foreign table or an instance created
    /// without a provider.
    public static func resolve(_ host: UnsafePointer<swl_host_t>?) -> HostCaller? {
        guard let context = InstanceContext.from(host), let provider = context.extensions else { return nil }
        return HostCaller(instanceName: context.instanceName, provider: provider, tableAddress: UInt(bitPattern: context.hostTable))
    }
}

/// Carries a C pointer or function pointer across a concurrency boundary.
///
/// The ABI's rules make this safe: a plugin's `user` pointers and callbacks are only
/// ever used on the plugin's serial context (plugin.h threading rules).
struct Unchecked<Value>: @unchecked Sendable {
    let value: Value
    init(_ value: Value) { self.value = value }
}

import CSwiftletSDK
import SwiftletABI

/// Replaces a running plugin instance by another version of the same plugin
/// (ext/hotswap.h; docs/hot-swap.md), or leaves the old one running.
///
/// The old instance is quiesced and exports its state; the new one is created with the
/// same name, config and credentials, imports the state, starts and must pass `healthy`.
/// Any failure destroys the new instance and resumes the old one: the caller gets a
/// `HotSwapFailure` saying which step failed, and the old instance carries on.
/// The old instance's WebSocket connections are held for the swap: the new instance may
/// adopt them (`adopt_websocket`), and the frames held meanwhile go, in order, to the new
/// instance on success or back to the old one on failure.
/// On success the old instance is still quiesced and running (with any connections the new
/// one did not adopt); the caller points its users at the new one, then retires the old
/// with `retire`.
public enum HotSwap {
    /// Runs the swap up to the point where the new instance is started and healthy.
    /// - Parameters:
    ///   - healthy: checks the started new instance; throwing fails the swap.
    public static func replace(_ old: PluginInstance, with library: PluginLibrary, runtime: HostRuntime,
                               healthy: (PluginInstance) async throws -> Void) async throws(HotSwapFailure) -> PluginInstance {
        let from = old.library.info, to = library.info
        guard from.id == to.id else {
            throw HotSwapFailure(step: .compatibility, "\(to.key) is not a version of \(from.id)")
        }
        guard library.info.kinds == from.kinds else {
            throw HotSwapFailure(step: .compatibility, "\(to.key) is not the same kind of plugin as \(from.key)")
        }
        let outgoing: HotSwapClient
        do { outgoing = try HotSwapClient(old) } catch { throw HotSwapFailure(step: .compatibility, error.message) }
        let incoming: UnsafeRawPointer?
        do {
            incoming = try library.extensionTable(SWL_EXT_HOTSWAP, minimumSize: MemoryLayout<swl_hotswap_t>.size)
        } catch {
            throw HotSwapFailure(step: .compatibility, error.description)
        }
        guard incoming != nil else {
            throw HotSwapFailure(step: .compatibility, "\(to.key) cannot be hot-swapped: it has no \(SWL_EXT_HOTSWAP) extension")
        }
        // From here the old instance's connections are held: frames wait in the host, in
        // order, for whichever instance carries on (the new one adopts them as it imports
        // or starts). Frames queued before the hold still reach the old instance first, so
        // its exported state covers exactly the frames it saw.
        let held = runtime.socketRoutes.hold(ownedBy: old.context)
        await old.context.callbacksDrained()
        // SWL_ERR_RATE_LIMITED: requests it accepted are still waiting for their rate-limit
        // slot (hotswap.h); they leave within a second or so. Any other refusal ends the swap;
        // a plugin that refused to quiesce is still running normally.
        let patience = ContinuousClock.now + .seconds(3)
        while true {
            do {
                try outgoing.quiesce()
                break
            } catch where error.status == SWL_ERR_RATE_LIMITED && ContinuousClock.now < patience {
                try? await Task.sleep(for: .milliseconds(2))
            } catch {
                runtime.socketRoutes.release(held, revert: true)
                throw HotSwapFailure(step: .quiesce, "\(from.key) refused to quiesce: \(error.description)")
            }
        }
        let state: String
        do { state = try outgoing.exportState() } catch {
            throw rollback(outgoing, held, runtime, step: .export, "\(from.key) could not export its state: \(error.description)")
        }
        let fresh: PluginInstance
        do {
            fresh = try runtime.instantiate(library, name: old.name, config: old.config, credentials: old.credentials,
                                            extensions: old.context.extensions)
        } catch {
            throw rollback(outgoing, held, runtime, step: .create, "\(to.key) could not be created: \(error.message)")
        }
        // The new instance gives back any connection it adopted before it is destroyed
        // (destroying it would close what it owns).
        func abandon(_ step: HotSwapFailure.Step, _ reason: String) -> HotSwapFailure {
            let failure = rollback(outgoing, held, runtime, step: step, reason)
            fresh.destroy()
            return failure
        }
        do {
            try HotSwapClient(fresh).importState(state)
        } catch let error as ABIError {
            throw abandon(.importState, "\(to.key) refused the state of \(from.key): \(error.description)")
        } catch {
            throw abandon(.importState, "\(to.key): \(error)")
        }
        do { try fresh.start() } catch {
            throw abandon(.start, "\(to.key) failed to start: \(error.message)")
        }
        do { try await healthy(fresh) } catch {
            throw abandon(.health, "\(to.key) failed its health check: \(error)")
        }
        runtime.socketRoutes.release(held, revert: false)
        return fresh
    }

    /// Stops and destroys an instance that has been replaced. Its library stays loaded
    /// (the host never unloads a library with a live handle; docs/hot-swap.md).
    public static func retire(_ old: PluginInstance) {
        try? old.stop()
        old.destroy()
    }

    /// Resumes the old instance, then gives it its connections back with the frames held
    /// meanwhile (in that order: a still quiesced instance would drop them).
    private static func rollback(_ outgoing: HotSwapClient, _ held: [SocketRoutes.Route], _ runtime: HostRuntime,
                                 step: HotSwapFailure.Step, _ reason: String) -> HotSwapFailure {
        defer { runtime.socketRoutes.release(held, revert: true) }
        do {
            try outgoing.resume()
            return HotSwapFailure(step: step, reason + "; \(outgoing.instance.library.info.key) resumed")
        } catch {
            return HotSwapFailure(step: step, reason + "; and resuming \(outgoing.instance.library.info.key) failed: \(error.description)",
                                  resumed: false)
        }
    }
}

/// Why a hot swap did not happen; unless `resumed` is false, the old instance runs on.
public struct HotSwapFailure: Error, CustomStringConvertible, Sendable {
    /// The step that failed.
    public enum Step: String, Sendable {
        case compatibility, quiesce, export, create, importState = "import", start, health
    }
    public let step: Step
    public let reason: String
    /// False only when the old instance could not be resumed either.
    public let resumed: Bool

    public init(step: Step, _ reason: String, resumed: Bool = true) {
        self.step = step
        self.reason = reason
        self.resumed = resumed
    }

    public var description: String { "hot swap failed at \(step.rawValue): \(reason)" }
}

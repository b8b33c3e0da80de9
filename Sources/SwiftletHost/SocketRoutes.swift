import CSwiftletSDK
import SwiftletABI
import SwiftletTransport
import Synchronization

/// Where the frames of each host-owned WebSocket go, so a hot swap can hand a live
/// connection to the next version of its plugin (ext/hotswap.h, `adopt_websocket`).
///
/// Normally a frame goes straight to the owning instance's callback queue. While a swap
/// holds a connection, its frames wait here in arrival order; the new instance may adopt
/// it; releasing the hold delivers the waiting frames, first and in order, to whoever owns
/// the connection then: the new instance, or the old one again after a rollback.
final class SocketRoutes: Sendable {
    /// The instance a connection's frames go to, and its callbacks.
    struct Target: Sendable {
        weak var context: InstanceContext?
        let callbacks: Unchecked<swl_ws_callbacks_t>
    }

    /// One connection's route. Its lock also orders deliveries: a frame arriving while a
    /// hold is being released is queued after the frames that waited.
    final class Route: Sendable {
        private struct State {
            var id: UInt64?
            var target: Target
            /// Frames waiting while a swap holds the connection; nil when not held.
            var held: [WebSocketEvent]?
            /// The owner before an adoption in the current swap, for a rollback.
            var previous: Target?
            var finished = false
        }

        private let state: Mutex<State>

        init(_ target: Target) {
            state = Mutex(State(target: target))
        }

        /// Handles one transport event of connection `id`.
        func receive(_ id: UInt64, _ event: WebSocketEvent, routes: SocketRoutes) {
            let terminal: Bool
            switch event {
            case .closed, .failed: terminal = true
            case .open, .message: terminal = false
            }
            // Queued under the lock, so a `hold` that returned has seen every earlier event
            // go to the old target; a message may then run at once, outside the lock.
            let now = state.withLock { state -> InstanceContext.DrainNow? in
                if terminal { state.finished = true }
                if state.held != nil {
                    state.held!.append(event)
                    return nil
                }
                guard case .message = event, let context = state.target.context else {
                    Self.deliver(event, id: id, to: state.target)
                    return nil
                }
                return context.deliverFromRead(Self.dispatching(event, id: id, to: state.target, context: context))
            }
            now?.run()
            if terminal { routes.remove(id) }
        }

        private static func deliver(_ event: WebSocketEvent, id: UInt64, to target: Target) {
            guard let context = target.context else { return }
            context.deliver(dispatching(event, id: id, to: target, context: context))
        }

        /// The callback that hands `event` to the target's callbacks.
        private static func dispatching(_ event: WebSocketEvent, id: UInt64, to target: Target,
                                        context: InstanceContext) -> @Sendable () -> Void {
            { WebSocketBridge.dispatch(event, id: id, to: target.callbacks, context: context) }
        }

        /// Records the connection's id (`register`, before any hold can name the route).
        func assign(_ id: UInt64) {
            state.withLock { $0.id = id }
        }

        var owner: InstanceContext? { state.withLock { $0.target.context } }
        var isFinished: Bool { state.withLock { $0.finished } }

        /// Starts holding frames.
        func hold() {
            state.withLock { state in
                if state.held == nil { state.held = [] }
            }
        }

        /// Hands the connection to `context` with its `callbacks`; only while held, and only
        /// to another instance of the same name (the next version of the owner).
        func adopt(_ id: UInt64, by context: InstanceContext, callbacks: Unchecked<swl_ws_callbacks_t>) throws(ABIError) {
            try state.withLock { state throws(ABIError) in
                guard !state.finished else { throw ABIError(SWL_ERR_NOT_FOUND, "connection \(id) has closed") }
                guard state.held != nil, let owner = state.target.context else {
                    throw ABIError(SWL_ERR_STATE, "connection \(id) is not being handed over by a hot swap")
                }
                guard owner !== context else { return }
                guard owner.instanceName == context.instanceName else {
                    throw ABIError(SWL_ERR_NOT_FOUND, "no connection \(id) to hand over to \(context.instanceName)")
                }
                if state.previous == nil { state.previous = state.target }
                state.target = Target(context: context, callbacks: callbacks)
                owner.releaseSocket(id)
                context.adoptSocket(id)
            }
        }

        /// Ends the hold: the waiting frames go to the current owner, or, with `revert`, to
        /// the owner before an adoption, which gets the connection back.
        func release(revert: Bool) {
            state.withLock { state in
                if revert, let previous = state.previous, let id = state.id {
                    state.target.context?.releaseSocket(id)
                    if !state.finished { previous.context?.adoptSocket(id) }
                    state.target = previous
                }
                state.previous = nil
                let waiting = state.held ?? []
                state.held = nil
                if let id = state.id {
                    for event in waiting { Self.deliver(event, id: id, to: state.target) }
                }
            }
        }
    }

    private let routes = Mutex<[UInt64: Route]>([:])

    /// Records the route of a connection just opened (unless it has already ended).
    func register(_ id: UInt64, _ route: Route) {
        route.assign(id)
        routes.withLock { routes in
            if !route.isFinished { routes[id] = route }
        }
    }

    fileprivate func remove(_ id: UInt64) {
        _ = routes.withLock { $0.removeValue(forKey: id) }
    }

    /// Holds the frames of every connection `context` owns; returns them for `release`.
    func hold(ownedBy context: InstanceContext) -> [Route] {
        let owned = routes.withLock { routes in routes.values.filter { $0.owner === context } }
        for route in owned { route.hold() }
        return owned
    }

    /// `Route.adopt` for connection `id`.
    func adopt(_ id: UInt64, by context: InstanceContext, callbacks: Unchecked<swl_ws_callbacks_t>) throws(ABIError) {
        guard let route = routes.withLock({ $0[id] }) else { throw ABIError(SWL_ERR_NOT_FOUND, "no connection \(id)") }
        try route.adopt(id, by: context, callbacks: callbacks)
    }

    /// Ends the hold on `held` (see `Route.release`).
    func release(_ held: [Route], revert: Bool) {
        for route in held { route.release(revert: revert) }
    }
}

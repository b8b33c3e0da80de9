public import Logging
import CSwiftletSDK
import NIOCore
import NIOPosix
import SwiftletCore
import SwiftletABI
public import SwiftletPersistence
import SwiftletSystem
public import SwiftletTransport

/// Settings of a host process.
public struct HostConfiguration: Sendable {
    /// SQLite file for plugin key-value state; nil keeps it in memory (tests).
    public var stateDatabasePath: String?
    /// What `swl_host_t.host_name` says.
    public var hostName: String
    /// Threads of the host's event loop group (HTTP, WebSocket, timers).
    public var eventLoopThreads: Int
    /// CPUs to pin the event loop threads to, one thread per CPU (in place of
    /// `eventLoopThreads`); empty: not pinned (docs/operations.md#cpu-pinning).
    public var eventLoopCPUs: [Int]
    /// With `eventLoopCPUs`, also keep every other thread of the process off those CPUs
    /// while the runtime runs (``CPUReservation``): `swiftlet start` does; a process that
    /// embeds the host and places its own threads may not want it.
    public var reservesEventLoopCPUs: Bool
    /// With `eventLoopCPUs`, keep those CPUs from going idle while the runtime runs
    /// (``IdleSpinners``): the latency of a bot that waits long between frames, bought with
    /// CPUs that read as fully busy (docs/operations.md#keeping-the-loops-cpus-awake).
    public var keepsEventLoopCPUsAwake: Bool
    /// Timestamps of WebSocket arrivals and HTTP writes, for latency benchmarks; nil in production.
    public var probe: (any TransportProbe)?

    public init(stateDatabasePath: String? = nil, hostName: String = "swiftlet 0.1.0", eventLoopThreads: Int = 2,
                eventLoopCPUs: [Int] = [], reservesEventLoopCPUs: Bool = false, keepsEventLoopCPUsAwake: Bool = false,
                probe: (any TransportProbe)? = nil) {
        self.probe = probe
        self.reservesEventLoopCPUs = reservesEventLoopCPUs
        self.keepsEventLoopCPUsAwake = keepsEventLoopCPUsAwake
        self.stateDatabasePath = stateDatabasePath
        self.hostName = hostName
        self.eventLoopThreads = eventLoopThreads
        self.eventLoopCPUs = eventLoopCPUs
    }
}

/// The host services every plugin instance borrows through its `swl_host_t`, and the
/// factory of plugin instances.
public final class HostRuntime: Sendable {
    public let configuration: HostConfiguration
    public let logger: Logger
    public let http: HTTPService
    public let webSockets: WebSocketService
    /// Where each WebSocket's frames go; lets a hot swap hand connections over.
    let socketRoutes = SocketRoutes()
    public let timers: TimerService
    public let credentials: CredentialStore
    public let keyValue: KeyValueStore
    public let events: EventBus
    private let eventLoopGroup: MultiThreadedEventLoopGroup
    /// The event loops' CPUs kept for them, when configured and a CPU is left for the rest.
    public let cpuReservation: CPUReservation?
    /// What keeps the event loops' CPUs awake, when configured.
    public let idleSpinners: IdleSpinners?

    public init(configuration: HostConfiguration = HostConfiguration(),
                logger: Logger = Logger(label: "swiftlet.host")) throws(HostError) {
        self.configuration = configuration
        self.logger = logger
        if configuration.keepsEventLoopCPUsAwake && configuration.eventLoopCPUs.isEmpty {
            throw HostError("keeping the event loops' CPUs awake needs the CPUs they are pinned to (eventLoopCPUs)")
        }
        if configuration.eventLoopCPUs.isEmpty {
            eventLoopGroup = MultiThreadedEventLoopGroup(numberOfThreads: max(1, configuration.eventLoopThreads))
        } else if let problem = CPUAffinity.problem(with: configuration.eventLoopCPUs) {
            throw HostError("cannot pin the event loops: \(problem)")
        } else {
            eventLoopGroup = MultiThreadedEventLoopGroup(pinnedCPUIDs: configuration.eventLoopCPUs)
        }
        do {
            idleSpinners = configuration.keepsEventLoopCPUsAwake ? try IdleSpinners(on: configuration.eventLoopCPUs) : nil
        } catch {
            try? eventLoopGroup.syncShutdownGracefully()
            throw HostError("cannot keep the event loops' CPUs awake: \(error)")
        }
        cpuReservation = configuration.reservesEventLoopCPUs && !configuration.eventLoopCPUs.isEmpty
            ? Self.reserve(configuration.eventLoopCPUs, for: eventLoopGroup, spinners: idleSpinners?.threadIDs ?? [],
                           logger: logger)
            : nil
        http = HTTPService(eventLoopGroup: eventLoopGroup, probe: configuration.probe)
        webSockets = WebSocketService(eventLoopGroup: eventLoopGroup, probe: configuration.probe)
        timers = TimerService(eventLoop: eventLoopGroup.next())
        credentials = CredentialStore()
        events = EventBus()
        do {
            let report: @Sendable (QueuedWriteReport) -> Void = { [logger] report in
                guard report.isWorthLogging else { return }
                switch report {
                case .failed(let error, let attempt):
                    logger.error("plugin state not written yet (\(attempt) failed attempt(s), tried again every second): \(error.message)")
                case .recovered(let failures):
                    logger.notice("plugin state written again after \(failures) failed attempt(s)")
                }
            }
            if let path = configuration.stateDatabasePath {
                keyValue = try KeyValueStore(path: path, onQueuedWrite: report)
            } else {
                keyValue = try KeyValueStore.inMemory(onQueuedWrite: report)
            }
        } catch {
            throw HostError("cannot open plugin state database: \(error.message)")
        }
    }

    /// Creates an instance of a loaded plugin.
    /// - Parameters:
    ///   - name: how logs and events name it; defaults to the plugin id.
    ///   - config: the JSON object passed to the plugin's `create`.
    ///   - credentials: names of the credentials it may sign with.
    ///   - extensions: host-side extension tables the instance may look up (a strategy's
    ///     `swiftlet.host.trading/1`); nil: none.
    public func instantiate(_ library: PluginLibrary, name: String? = nil, config: String = "{}",
                            credentials: Set<String> = [],
                            extensions: (any HostExtensionProvider)? = nil) throws(HostError) -> PluginInstance {
        let context = InstanceContext(runtime: self, pluginID: library.info.id,
                                      instanceName: name ?? library.info.id, allowedCredentials: credentials,
                                      abiMinor: library.info.abiMinor, extensions: extensions)
        guard let create = library.descriptor.pointee.create else {
            throw HostError("\(library.info.key): descriptor has no create function")
        }
        var record = ABIError.emptyRecord()
        var created: UnsafePointer<swl_plugin_t>?
        let status = context.exclusive {
            ABIValue.withCString(config) { create(UnsafePointer(context.hostTable), $0, &created, &record) }
        }
        guard status == SWL_OK else {
            throw HostError(plugin: library.info.key, ABIError.read(record, status: status))
        }
        guard let created else {
            throw HostError("\(library.info.key): create succeeded but returned no instance")
        }
        let size = UnsafeRawPointer(created).load(as: UInt32.self)
        guard Int(size) >= MemoryLayout<swl_plugin_t>.size, created.pointee.destroy != nil else {
            throw HostError("\(library.info.key): instance struct_size \(size) is too small or destroy is missing")
        }
        return PluginInstance(library: library, config: config, context: context, plugin: created)
    }

    /// Keeps `cpus` for the loops of `group` and the threads `spinners`, sweeping the
    /// process's other threads off them every second; nil when no CPU would be left for those
    /// threads.
    private static func reserve(_ cpus: [Int], for group: MultiThreadedEventLoopGroup, spinners: [Int32],
                                logger: Logger) -> CPUReservation? {
        let others = ((try? CPUAffinity.availableCPUs()) ?? []).filter { !cpus.contains($0) }
        guard !others.isEmpty else {
            logger.warning("event loops pinned to every CPU available: the process's other threads share them")
            return nil
        }
        let loopThreads = group.makeIterator().map { try? $0.submit { CPUAffinity.currentThreadID() }.wait() }
        // A loop whose thread is not known would be swept off its own CPU.
        guard loopThreads.allSatisfy({ ($0 ?? 0) > 0 }) else {
            logger.warning("the event loops' threads could not all be identified: the process's other threads share their CPUs")
            return nil
        }
        let reservation = CPUReservation(cpus, for: Set(loopThreads.compactMap { $0 } + spinners), others: others)
        reservation.start(sweepingEvery: .seconds(1))
        return reservation
    }

    /// Stops the shared services. Instances must have been destroyed first.
    public func shutdown() async {
        do {
            try keyValue.flush()
        } catch {
            logger.error("plugin state queued by kv_put_deferred is lost: \(error.message)")
        }
        timers.cancelAll()
        cpuReservation?.end()
        idleSpinners?.stop()
        await webSockets.shutdown()
        try? await http.shutdown()
        try? await eventLoopGroup.shutdownGracefully()
    }
}

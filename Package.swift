// swift-tools-version:6.1
import Foundation
import PackageDescription

/// Absolute path of this package, so linker flags work whatever the linker's cwd.
let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().path

/// Every plugin library exports exactly one symbol, `swiftlet_plugin_entry`; the
/// version script hides the rest so two versions of one plugin can be loaded at once.
let pluginLinkerSettings: [LinkerSetting] = [
    .unsafeFlags(["-Xlinker", "--version-script=\(packageRoot)/Plugins/plugin-exports.map"])
]

let package = Package(
    name: "Swiftlet",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "swiftlet", targets: ["swiftlet"]),
        .executable(name: "bitget-sim", targets: ["bitget-sim"]),
        .executable(name: "swiftlet-bench", targets: ["SwiftletBench"]),
        .executable(name: "bitget-sim-bench", targets: ["SimBench"]),
        .library(name: "SwiftletPluginKit", targets: ["SwiftletPluginKit"]),
        // Plugins: each its own shared library.
        .library(name: "ExampleHeartbeat", type: .dynamic, targets: ["ExampleHeartbeat"]),
        .library(name: "ExampleCHeartbeat", type: .dynamic, targets: ["ExampleCHeartbeat"]),
        .library(name: "BitgetSpot", type: .dynamic, targets: ["BitgetSpot"]),
        // Other versions of `bitget`, for hot-swap tests (docs/hot-swap.md).
        .library(name: "BitgetSpotNext", type: .dynamic, targets: ["BitgetSpotNext"]),
        .library(name: "BitgetSpotBrokenImport", type: .dynamic, targets: ["BitgetSpotBrokenImport"]),
        .library(name: "BitgetPerpetual", type: .dynamic, targets: ["BitgetPerpetual"]),
        .library(name: "BitgetCandles", type: .dynamic, targets: ["BitgetCandles"]),
        .library(name: "TickToOrderStrategy", type: .dynamic, targets: ["TickToOrderStrategy"]),
        .library(name: "PureMarketMaking", type: .dynamic, targets: ["PureMarketMaking"]),
        .library(name: "CandleDirectional", type: .dynamic, targets: ["CandleDirectional"]),
        .library(name: "ExampleCStrategy", type: .dynamic, targets: ["ExampleCStrategy"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.3"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.6"),
        .package(url: "https://github.com/vapor/websocket-kit", from: "2.16.2"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/hummingbird-project/hummingbird-websocket", from: "2.8.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
    ],
    targets: [
        // MARK: SDK and host
        .target(
            name: "CSwiftletSDK",
            path: "Sources/CSwiftletSDK",
            cSettings: [.headerSearchPath("../../sdk-headers")]
        ),
        .target(name: "SwiftletCore"),
        .target(name: "CSwiftletSystem"),
        .target(name: "CSwiftletSHA256"),
        .target(name: "SwiftletSystem", dependencies: ["CSwiftletSystem"]),
        .target(name: "SwiftletABI", dependencies: ["CSwiftletSDK", "SwiftletCore"]),
        .target(
            name: "SwiftletTransport",
            dependencies: [
                "SwiftletCore", "CSwiftletSHA256",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "WebSocketKit", package: "websocket-kit"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "NIOTLS", package: "swift-nio"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .target(
            name: "SwiftletPersistence",
            dependencies: ["SwiftletCore", .product(name: "GRDB", package: "GRDB.swift")]
        ),
        .target(
            name: "SwiftletHost",
            dependencies: [
                "CSwiftletSDK", "SwiftletABI", "SwiftletCore", "SwiftletTransport", "SwiftletPersistence", "SwiftletSystem",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
            ]
        ),
        .target(
            name: "SwiftletBot",
            dependencies: [
                "CSwiftletSDK", "SwiftletABI", "SwiftletCore", "SwiftletHost", "SwiftletTransport", "SwiftletPersistence",
                "SwiftletPaper", .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .target(name: "SwiftletPluginKit", dependencies: ["CSwiftletSDK", "SwiftletABI", "SwiftletCore"]),
        // Paper trading: a matching engine against a real connector's live market data.
        .target(name: "SwiftletPaper", dependencies: ["SwiftletCore"]),
        .target(
            name: "SwiftletConfig",
            dependencies: [
                "SwiftletCore", "SwiftletSystem",
                .product(name: "Yams", package: "Yams"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
            ]
        ),
        .target(
            name: "SwiftletControl",
            dependencies: [
                "SwiftletCore", "SwiftletConfig",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        // Builds and runs a bot from a bot.yml: shared by `swiftlet start`, `swiftlet demo` and the tests.
        .target(
            name: "SwiftletRunner",
            dependencies: [
                "SwiftletBot", "SwiftletConfig", "SwiftletControl", "SwiftletHost", "SwiftletCore", "SwiftletPersistence",
                "SwiftletTransport", .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .executableTarget(
            name: "swiftlet",
            dependencies: [
                "SwiftletHost", "SwiftletCore", "SwiftletTransport", "SwiftletPersistence", "BitgetSim", "SwiftletConfig",
                "SwiftletControl", "SwiftletBot", "SwiftletRunner",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .executableTarget(
            name: "SwiftletBench",
            dependencies: ["SwiftletHost", "SwiftletBot", "SwiftletCore", "SwiftletTransport", "SwiftletSystem", "CSwiftletSDK", "BitgetCommon",
                           "BitgetCandleFeeds", "BitgetSim", "SwiftletRunner", "SwiftletPersistence", "ReferencePath",
                           .product(name: "NIOPosix", package: "swift-nio"),
                           .product(name: "NIOCore", package: "swift-nio"), .product(name: "NIOHTTP1", package: "swift-nio"),
                           .product(name: "AsyncHTTPClient", package: "async-http-client")],
            path: "Benchmarks/SwiftletBench"
        ),
        // The tick-to-order work in plain C, the floor `swiftlet-bench reference-path` measures.
        .target(name: "ReferencePath", dependencies: ["CSwiftletSHA256"], path: "Benchmarks/ReferencePath", publicHeadersPath: "include"),
        .target(
            name: "TickToOrderStrategy",
            path: "Benchmarks/TickToOrderStrategy",
            publicHeadersPath: "include",
            cSettings: [.headerSearchPath("../../sdk-headers"), .unsafeFlags(["-fvisibility=hidden"])],
            linkerSettings: pluginLinkerSettings
        ),

        // MARK: bitget-sim
        .target(
            name: "BitgetSim",
            dependencies: [
                "SwiftletCore",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdWebSocket", package: "hummingbird-websocket"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        .executableTarget(
            name: "SimBench",
            dependencies: [
                "BitgetSim",
                .product(name: "WebSocketKit", package: "websocket-kit"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ],
            path: "Benchmarks/SimBench"
        ),
        .executableTarget(
            name: "bitget-sim",
            dependencies: [
                "BitgetSim", "SwiftletCore", "SwiftletSystem",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),

        // MARK: plugins (SwiftPM's default Plugins/ is for build plugins: paths are explicit)
        .target(name: "BitgetCommon", dependencies: ["CSwiftletSDK", "SwiftletCore", "SwiftletPluginKit"], path: "Plugins/BitgetCommon"),
        .target(
            name: "BitgetSpotConnector",
            dependencies: ["BitgetCommon", "SwiftletPluginKit"],
            path: "Plugins/BitgetSpot/Connector"
        ),
        .target(
            name: "BitgetSpot",
            dependencies: ["BitgetSpotConnector"],
            path: "Plugins/BitgetSpot/Entry",
            linkerSettings: pluginLinkerSettings
        ),
        .target(
            name: "BitgetSpotNext",
            dependencies: ["BitgetSpotConnector", "BitgetCommon"],
            path: "Plugins/BitgetSpotVersions/Next",
            linkerSettings: pluginLinkerSettings
        ),
        .target(
            name: "BitgetSpotBrokenImport",
            dependencies: ["BitgetSpotConnector", "BitgetCommon"],
            path: "Plugins/BitgetSpotVersions/BrokenImport",
            linkerSettings: pluginLinkerSettings
        ),
        .target(
            name: "BitgetPerpetualConnector",
            dependencies: ["BitgetCommon", "SwiftletPluginKit"],
            path: "Plugins/BitgetPerpetual/Connector"
        ),
        .target(
            name: "BitgetCandleFeeds",
            dependencies: ["BitgetCommon", "SwiftletPluginKit"],
            path: "Plugins/BitgetCandles/Feeds"
        ),
        .target(
            name: "BitgetCandles",
            dependencies: ["BitgetCandleFeeds"],
            path: "Plugins/BitgetCandles/Entry",
            linkerSettings: pluginLinkerSettings
        ),
        .target(
            name: "BitgetPerpetual",
            dependencies: ["BitgetPerpetualConnector"],
            path: "Plugins/BitgetPerpetual/Entry",
            linkerSettings: pluginLinkerSettings
        ),
        .target(name: "PureMarketMakingLogic", dependencies: ["SwiftletPluginKit"], path: "Plugins/PureMarketMaking/Logic"),
        .target(
            name: "PureMarketMaking",
            dependencies: ["PureMarketMakingLogic"],
            path: "Plugins/PureMarketMaking/Entry",
            linkerSettings: pluginLinkerSettings
        ),
        .target(name: "CandleDirectionalLogic", dependencies: ["SwiftletPluginKit"], path: "Plugins/CandleDirectional/Logic"),
        .target(
            name: "CandleDirectional",
            dependencies: ["CandleDirectionalLogic"],
            path: "Plugins/CandleDirectional/Entry",
            linkerSettings: pluginLinkerSettings
        ),
        .target(
            name: "ExampleCStrategy",
            path: "Plugins/ExampleCStrategy",
            publicHeadersPath: "include",
            cSettings: [.headerSearchPath("../../sdk-headers"), .unsafeFlags(["-fvisibility=hidden"])],
            linkerSettings: pluginLinkerSettings
        ),
        .target(
            name: "ExampleHeartbeat",
            dependencies: ["SwiftletPluginKit"],
            path: "Plugins/ExampleHeartbeat",
            linkerSettings: pluginLinkerSettings
        ),
        .target(
            name: "ExampleCHeartbeat",
            path: "Plugins/ExampleC",
            publicHeadersPath: "include",
            cSettings: [.headerSearchPath("../../sdk-headers"), .unsafeFlags(["-fvisibility=hidden"])],
            linkerSettings: pluginLinkerSettings
        ),

        // MARK: tests
        .testTarget(name: "SwiftletCoreTests", dependencies: ["SwiftletCore"]),
        .testTarget(name: "SwiftletSystemTests", dependencies: ["SwiftletSystem"]),
        .testTarget(name: "SwiftletPersistenceTests", dependencies: ["SwiftletPersistence", "SwiftletCore"]),
        .testTarget(name: "SwiftletPaperTests", dependencies: ["SwiftletPaper", "SwiftletCore"]),
        .testTarget(name: "SwiftletConfigTests", dependencies: ["SwiftletConfig", "SwiftletCore", "SwiftletSystem"]),
        .testTarget(
            name: "SwiftletControlTests",
            dependencies: ["SwiftletControl", "SwiftletConfig", "SwiftletCore", .product(name: "Hummingbird", package: "hummingbird")]
        ),
        // Test servers stopped gracefully (Tests/ServerTestSupport).
        .target(
            name: "ServerTestSupport",
            dependencies: [.product(name: "ServiceLifecycle", package: "swift-service-lifecycle")],
            path: "Tests/ServerTestSupport"
        ),
        .testTarget(
            name: "SwiftletTransportTests",
            dependencies: [
                "SwiftletTransport", "SwiftletPersistence", "ServerTestSupport",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdWebSocket", package: "hummingbird-websocket"),
            ]
        ),
        .testTarget(
            name: "SwiftletHostTests",
            dependencies: [
                "SwiftletHost", "SwiftletCore", "SwiftletABI", "SwiftletTransport", "SwiftletSystem", "SwiftletPersistence", "CSwiftletSDK",
                "ServerTestSupport", .product(name: "GRDB", package: "GRDB.swift"), .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "InMemoryLogging", package: "swift-log"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdWebSocket", package: "hummingbird-websocket"),
            ]
        ),
        .testTarget(
            name: "BitgetSimTests",
            dependencies: [
                "BitgetSim", "SwiftletCore", "SwiftletSystem",
                // An independent WebSocket client (WebSocketKit over NIO) and HMAC for the login signature.
                .product(name: "WebSocketKit", package: "websocket-kit"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        .testTarget(name: "SwiftletBotTests", dependencies: ["SwiftletBot", "SwiftletCore", "SwiftletABI", "CSwiftletSDK",
                                                             "SwiftletPersistence", "SwiftletHost",
                                                             .product(name: "GRDB", package: "GRDB.swift")]),
        .testTarget(
            name: "BotEndToEndTests",
            dependencies: ["SwiftletBot", "SwiftletHost", "SwiftletCore", "SwiftletPersistence", "SwiftletTransport", "BitgetSim", "SwiftletRunner", "SwiftletConfig", "SwiftletControl", "SwiftletSystem",
                           .product(name: "Logging", package: "swift-log")]
        ),
        .testTarget(name: "BitgetCommonTests", dependencies: ["BitgetCommon", "CSwiftletSDK", "SwiftletABI", "SwiftletCore"]),
        .testTarget(name: "StrategyTests", dependencies: ["PureMarketMakingLogic", "CandleDirectionalLogic", "SwiftletPluginKit"]),
        .testTarget(
            name: "BitgetConnectorTests",
            dependencies: ["BitgetSpotConnector", "BitgetPerpetualConnector", "BitgetCandleFeeds", "BitgetCommon", "SwiftletHost", "SwiftletCore",
                           "SwiftletTransport", "BitgetSim", "CSwiftletSDK", "SwiftletABI"]
        ),
    ]
)

// Release builds optimize across the package's own modules: generic helpers of one module
// (decimals, ABI values, the host's signing and sending) are specialized and inlined where
// another calls them on the order path, instead of run unspecialized through metadata
// lookups (docs/strategies.md#tick-to-order-latency).
for target in package.targets where target.type != .system && target.type != .plugin && target.type != .binary {
    target.swiftSettings = (target.swiftSettings ?? []) + [.unsafeFlags(["-cross-module-optimization"], .when(configuration: .release))]
}

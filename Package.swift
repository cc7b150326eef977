// swift-tools-version: 6.1
import PackageDescription

/// One settings array for every target (hummingbird, swift-log): Swift 6 mode comes from the
/// tools version; these keep the module boundaries honest.
let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
]

let package = Package(
    name: "tracetail",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "tracetail", targets: ["tracetail"]),
        .library(name: "TraceTailCore", targets: ["TraceTailCore"]),
        .library(name: "PatternParser", targets: ["PatternParser"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.0.0"),
        .package(url: "https://github.com/HdrHistogram/hdrhistogram-swift", from: "0.2.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.6.0"),
        .package(url: "https://github.com/apple/swift-collections", from: "1.1.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.6.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.5.0"),
        .package(url: "https://github.com/apple/swift-async-algorithms", from: "1.0.0"),
        // Network sinks: HTTP to the trace agent and the Datadog API, UDP/UDS DogStatsD, gzip.
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.0"),
        .package(url: "https://github.com/adam-fowler/compress-nio", from: "1.5.0"),
        // The `prometheus` sink's registry and text exposition.
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
    ],
    targets: [
        // libpcre2-8 through pkg-config; Debian: apt-get install libpcre2-dev.
        .systemLibrary(
            name: "CPCRE2",
            pkgConfig: "libpcre2-8",
            providers: [.apt(["libpcre2-dev"]), .brew(["pcre2"])]
        ),
        .target(name: "PCRE2", dependencies: ["CPCRE2"], swiftSettings: swiftSettings),
        .target(name: "TraceTailCore", swiftSettings: swiftSettings),
        .target(name: "PatternParser", dependencies: ["PCRE2", "TraceTailCore"], swiftSettings: swiftSettings),
        .target(
            name: "SpanCorrelator",
            dependencies: ["TraceTailCore", .product(name: "DequeModule", package: "swift-collections")],
            swiftSettings: swiftSettings),
        .target(
            name: "PhaseAggregator",
            dependencies: ["TraceTailCore", .product(name: "Histogram", package: "hdrhistogram-swift")],
            swiftSettings: swiftSettings
        ),
        .target(name: "LogSimulator", dependencies: ["TraceTailCore"], swiftSettings: swiftSettings),
        // Datadog's wire formats as pure byte builders: msgpack traces for the trace agent,
        // DogStatsD datagrams, Datadog API JSON payloads. No I/O; the sinks send what it builds.
        .target(name: "DatadogWire", dependencies: ["TraceTailCore"], swiftSettings: swiftSettings),
        // OTLP/HTTP JSON (traces, metrics, logs) as pure byte builders, for the `otlp_http` sink.
        .target(name: "OTLPWire", dependencies: ["TraceTailCore"], swiftSettings: swiftSettings),
        // Following files: discovery, identity, rotation, truncation, line framing, positions.
        // Its file-system access goes through the `FileSystem` protocol so tests run it on a fake.
        .target(
            name: "LogTailer",
            dependencies: [
                "TraceTailCore", .product(name: "DequeModule", package: "swift-collections"),
                // zlib, for generations logrotate compressed while the daemon was stopped.
                .product(name: "CompressNIO", package: "compress-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        // The text and HTML reports of `replay`; they read output records only.
        .target(name: "TraceTailReport", dependencies: ["TraceTailCore"], swiftSettings: swiftSettings),
        .target(
            name: "TraceTailRuntime",
            dependencies: [
                "TraceTailCore", "PatternParser", "SpanCorrelator", "PhaseAggregator", "LogSimulator", "LogTailer",
                "TraceTailReport", "DatadogWire", "OTLPWire",
                .product(name: "Yams", package: "Yams"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "AsyncAlgorithms", package: "swift-async-algorithms"),
                .product(name: "DequeModule", package: "swift-collections"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "CompressNIO", package: "compress-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "tracetail",
            dependencies: [
                "TraceTailRuntime", "TraceTailCore", "PatternParser", "PCRE2", "LogSimulator", "LogTailer",
                "TraceTailReport",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(name: "TraceTailCoreTests", dependencies: ["TraceTailCore"], swiftSettings: swiftSettings),
        .testTarget(
            name: "DatadogWireTests", dependencies: ["DatadogWire", "TraceTailCore"], swiftSettings: swiftSettings),
        .testTarget(
            name: "OTLPWireTests", dependencies: ["OTLPWire", "TraceTailCore"], swiftSettings: swiftSettings),
        .testTarget(name: "PCRE2Tests", dependencies: ["PCRE2"], swiftSettings: swiftSettings),
        .testTarget(
            name: "LogTailerTests", dependencies: ["LogTailer", "TraceTailCore"], swiftSettings: swiftSettings),
        .testTarget(
            name: "TraceTailReportTests",
            dependencies: ["TraceTailReport", "TraceTailCore"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "PatternParserTests",
            dependencies: ["PatternParser", "TraceTailCore"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "SpanCorrelatorTests",
            dependencies: ["SpanCorrelator", "TraceTailCore"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "PhaseAggregatorTests",
            dependencies: ["PhaseAggregator", "TraceTailCore"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "LogSimulatorTests",
            dependencies: ["LogSimulator", "TraceTailCore"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "TraceTailRuntimeTests",
            dependencies: [
                "TraceTailRuntime", "TraceTailCore", "PatternParser", "LogSimulator", "LogTailer", "TraceTailReport",
            ],
            swiftSettings: swiftSettings
        ),
    ]
)

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
    ],
    targets: [
        // libpcre2-8 through pkg-config; Debian: apt-get install libpcre2-dev.
        .systemLibrary(
            name: "CPCRE2",
            pkgConfig: "libpcre2-8",
            providers: [.apt(["libpcre2-dev"]), .brew(["pcre2"])]
        ),
        // Pure-Swift matcher for one-pass (deterministic on the next byte) anchored patterns;
        // CompiledRegex uses it instead of PCRE2 JIT when a pattern qualifies.
        .target(name: "OnePass", swiftSettings: swiftSettings),
        .target(name: "PCRE2", dependencies: ["CPCRE2", "OnePass"], swiftSettings: swiftSettings),
        .target(name: "TraceTailCore", swiftSettings: swiftSettings),
        .target(name: "PatternParser", dependencies: ["PCRE2", "TraceTailCore"], swiftSettings: swiftSettings),
        .target(name: "SpanCorrelator", dependencies: ["TraceTailCore"], swiftSettings: swiftSettings),
        .target(
            name: "PhaseAggregator",
            dependencies: ["TraceTailCore", .product(name: "Histogram", package: "hdrhistogram-swift")],
            swiftSettings: swiftSettings
        ),
        .target(name: "LogSimulator", dependencies: ["TraceTailCore"], swiftSettings: swiftSettings),
        .target(
            name: "TraceTailRuntime",
            dependencies: [
                "TraceTailCore", "PatternParser", "SpanCorrelator", "PhaseAggregator", "LogSimulator",
                .product(name: "Yams", package: "Yams"),
            ],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "tracetail",
            dependencies: [
                "TraceTailRuntime", "TraceTailCore", "PatternParser", "PCRE2", "LogSimulator",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(name: "TraceTailCoreTests", dependencies: ["TraceTailCore"], swiftSettings: swiftSettings),
        .testTarget(name: "PCRE2Tests", dependencies: ["PCRE2"], swiftSettings: swiftSettings),
        .testTarget(name: "OnePassTests", dependencies: ["OnePass", "PCRE2"], swiftSettings: swiftSettings),
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
            dependencies: ["TraceTailRuntime", "TraceTailCore", "PatternParser", "LogSimulator"],
            swiftSettings: swiftSettings
        ),
    ]
)

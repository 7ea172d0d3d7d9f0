// swift-tools-version: 6.2
import PackageDescription

/// Settings every Backstop target shares: Swift 6 strict concurrency comes from the language
/// mode; warnings are errors so CI stays clean.
let strictSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .treatAllWarnings(as: .error),
]

let package = Package(
    name: "backstop",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "backstop", targets: ["backstop"]),
        .library(name: "BackstopCore", targets: ["BackstopCore"]),
        .library(name: "BackstopTesting", targets: ["BackstopTesting"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/adam-fowler/compress-nio", from: "1.5.0"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        .package(url: "https://github.com/GraphQLSwift/GraphQL", from: "4.3.0"),
        .package(url: "https://github.com/apple/swift-crypto", from: "4.5.2"),
        .package(url: "https://github.com/apple/swift-http-types", from: "1.8.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/hummingbird-project/hummingbird-auth", from: "2.5.0"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache", from: "2.1.1"),
        .package(url: "https://github.com/JohnSundell/Ink", from: "0.6.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.3"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.6"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/swiftlang/swift-subprocess", from: "1.0.2"),
    ],
    targets: [
        .target(
            name: "BackstopCore",
            dependencies: [.product(name: "Logging", package: "swift-log")],
            // The vocabulary's data; scripts/generate-vocabulary compiles it into Swift beside it.
            exclude: ["Diagnosis/Vocabulary/Data"]
        ),
        .target(
            name: "Backstop",
            dependencies: [
                "BackstopCore",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "CompressNIO", package: "compress-nio"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdBcrypt", package: "hummingbird-auth"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "HummingbirdTLS", package: "hummingbird"),
                .product(name: "Ink", package: "Ink"),
                .product(name: "Mustache", package: "swift-mustache"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Subprocess", package: "swift-subprocess"),
                .product(name: "Yams", package: "Yams"),
            ]
        ),
        .executableTarget(name: "backstop", dependencies: ["Backstop"]),
        .target(
            name: "BackstopTesting",
            dependencies: [
                "BackstopCore",
                "Backstop",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "GraphQL", package: "GraphQL"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        // The sink fakes on loopback with fault injection, for scripts/chaos.
        .executableTarget(
            name: "backstop-fakes",
            dependencies: [
                "BackstopTesting", .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        // The parsers' entry points for the fuzzers (Fuzz/, scripts/fuzz) and their regression test.
        .target(name: "BackstopFuzzing", dependencies: ["Backstop", "BackstopCore"]),
        .testTarget(
            name: "BackstopCoreTests",
            dependencies: ["BackstopCore", "BackstopTesting", .product(name: "Logging", package: "swift-log")]
        ),
        .testTarget(
            name: "BackstopTests",
            dependencies: [
                "Backstop", "BackstopCore", "BackstopFuzzing", "BackstopTesting",
                .product(name: "CompressNIO", package: "compress-nio"),
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "HummingbirdBcrypt", package: "hummingbird-auth"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
            ],
            exclude: ["Golden"]
        ),
    ]
)

// libFuzzer executables, one per parser, only for `scripts/fuzz` (BACKSTOP_FUZZ=1, built with
// `--sanitize fuzzer --sanitize address` into .build-fuzz): normal builds neither see nor rebuild them.
if Context.environment["BACKSTOP_FUZZ"] == "1" {
    for name in ["Alertmanager", "Event", "Config", "Diagnosis", "LogLines"] {
        package.targets.append(.executableTarget(name: "Fuzz\(name)", dependencies: ["BackstopFuzzing"], path: "Fuzz/Fuzz\(name)"))
    }
}

// In-process benchmarks (package-benchmark), only for `scripts/bench --inproc` (BACKSTOP_BENCHMARKS=1,
// built in release into .build-bench): normal builds and tests neither resolve nor build them.
// Whole-process figures are scripts/bench's; these time the parts inside one process.
if Context.environment["BACKSTOP_BENCHMARKS"] == "1" {
    package.dependencies.append(
        .package(url: "https://github.com/ordo-one/benchmark", from: "1.38.1", traits: ["MallocInterposer"]))
    for name in ["MetricsBenchmarks", "TriageBenchmarks"] {
        package.targets.append(
            .executableTarget(
                name: name,
                dependencies: [
                    "Backstop", "BackstopCore", .product(name: "Benchmark", package: "benchmark"),
                    .product(name: "Logging", package: "swift-log"),
                ],
                path: "Benchmarks/\(name)",
                plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
            ))
    }
}

for target in package.targets {
    target.swiftSettings = (target.swiftSettings ?? []) + strictSettings
}

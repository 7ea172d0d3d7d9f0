// swift-tools-version: 6.2
import PackageDescription

#if os(Linux)
    import Foundation
    import Glibc
#endif

/// Settings every Backstop target shares: Swift 6 strict concurrency comes from the language
/// mode; warnings are errors so CI stays clean.
let strictSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .treatAllWarnings(as: .error),
]

/// How the `backstop` executable is linked on Linux (docs/MEMORY.md has the figures). The static
/// standard library's link arguments export every symbol of the package's own code
/// (`-export-dynamic`, 60,000 symbols, 5 MB of tables) and gold writes 3.9 MB of relative
/// relocations, and the dynamic loader reads both at every start: about 8 MiB of the idle
/// resident memory. Nothing looks Backstop's symbols up at run time (crash backtraces read the
/// binary's own symbol table), so they are not exported; lld packs the relocations into 32 KB
/// (DT_RELR), which glibc 2.36 and later read. lld also places the functions `serve` runs
/// together, listed in linker/backstop.order (scripts/link-order): the kernel maps code in
/// blocks around each page that runs, so scattered code kept 22 MB of the 37 MB `.text`
/// resident for 2.6 MB of functions. Each flag is added only where it works: lld ships with
/// Swift.org toolchains, and the glibc that evaluates this manifest is the build's.
let backstopLinkerFlags: [String] = {
    #if os(Linux)
        let searchPath = Context.environment["PATH"] ?? ""
        let hasLLD = searchPath.split(separator: ":").contains { FileManager.default.isExecutableFile(atPath: "\($0)/ld.lld") }
        guard hasLLD else { return ["-Xlinker", "--no-export-dynamic"] }
        // "glibc 2.36"
        var text = [CChar](repeating: 0, count: 64)
        _ = confstr(Int32(_CS_GNU_LIBC_VERSION), &text, text.count)
        let glibc =
            String(decoding: text.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
            .split(separator: " ").last?.split(separator: ".").compactMap { Int($0) } ?? []
        let readsRELR = glibc.count >= 2 && (glibc[0], glibc[1]) >= (2, 36)
        // The functions `serve` runs first, together (linker/backstop.order, scripts/link-order).
        let order = [
            "-Xlinker", "--symbol-ordering-file=\(Context.packageDirectory)/linker/backstop.order", "-Xlinker", "--no-warn-symbol-ordering",
        ]
        return ["-use-ld=lld", "-Xlinker", "--no-export-dynamic"] + order
            + (readsRELR ? ["-Xlinker", "-z", "-Xlinker", "pack-relative-relocs"] : [])
    #else
        return []
    #endif
}()

/// `BACKSTOP_FUZZ=1` (scripts/fuzz): the libFuzzer build of the parsers, into .build-fuzz.
let fuzzBuild = Context.environment["BACKSTOP_FUZZ"] == "1"

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
        .package(url: "https://github.com/apple/swift-collections", from: "1.6.0"),
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
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.2"),
    ],
    targets: [
        .target(
            name: "BackstopCore",
            dependencies: [.product(name: "Logging", package: "swift-log")],
            // The vocabulary's data; scripts/generate-vocabulary compiles it into Swift beside it.
            exclude: ["Diagnosis/Vocabulary/Data"]
        ),
        // The system zlib's CRC-32 functions (Metrics/Exposition/CRC32.swift).
        .target(name: "CZlib", linkerSettings: [.linkedLibrary("z")]),
        // SQLite's process-wide page-cache setting, made before its first use (DurableSQLite.swift).
        .target(name: "CSQLiteSetup", linkerSettings: [.linkedLibrary("sqlite3")]),
        // What Backstop reads from outside: the configuration file, Alertmanager webhook bodies,
        // tool completion reports, journald and Loki answers. A module of its own with few
        // dependencies, so the fuzzers (Fuzz/, scripts/fuzz) build it without the server's.
        // The fuzz build leaves out swift-crypto and swift-nio-ssl (two BoringSSL copies, most of
        // the sanitizer build's time) for stand-ins (Support/FuzzBuildStandIns.swift).
        .target(
            name: "BackstopInput",
            dependencies: [
                "BackstopCore", .product(name: "Yams", package: "Yams"),
            ]
                + (fuzzBuild
                    ? []
                    : [.product(name: "Crypto", package: "swift-crypto"), .product(name: "NIOSSL", package: "swift-nio-ssl")]),
            swiftSettings: fuzzBuild ? [.define("FUZZING_BUILD_MODE_UNSAFE_FOR_PRODUCTION")] : []
        ),
        // The incident sinks: one folder per sink (registration and `incidents.<name>` parsing,
        // settings, client, wire types), registered in SinkRegistry. The clients speak HTTP
        // through the SinkTransport protocol (HTTPTypes' vocabulary); its AsyncHTTPClient
        // implementation is in Backstop, so the config fuzzer links every sink's parser without
        // the server's HTTP stack. In the fuzz build, Crypto is left out as for BackstopInput.
        .target(
            name: "BackstopSinks",
            dependencies: [
                "BackstopCore", "BackstopInput", .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Yams", package: "Yams"),
            ] + (fuzzBuild ? [] : [.product(name: "Crypto", package: "swift-crypto")]),
            swiftSettings: fuzzBuild ? [.define("FUZZING_BUILD_MODE_UNSAFE_FOR_PRODUCTION")] : []
        ),
        .target(
            name: "Backstop",
            dependencies: [
                "BackstopCore",
                "CZlib",
                "CSQLiteSetup",
                "BackstopInput",
                "BackstopSinks",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "CompressNIO", package: "compress-nio"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "DequeModule", package: "swift-collections"),
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "GRDBSQLite", package: "GRDB.swift"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdBcrypt", package: "hummingbird-auth"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "HummingbirdTLS", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Ink", package: "Ink"),
                .product(name: "Mustache", package: "swift-mustache"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Subprocess", package: "swift-subprocess"),
                .product(name: "Yams", package: "Yams"),
            ]
        ),
        .executableTarget(
            name: "backstop", dependencies: ["Backstop"],
            linkerSettings: [.unsafeFlags(backstopLinkerFlags, .when(platforms: [.linux]))]
        ),
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
        // Hummingbird alone on the webhook's route, the yardstick of scripts/bench's intake figure.
        .executableTarget(
            name: "ingest-floor",
            dependencies: [.product(name: "Hummingbird", package: "hummingbird")],
            path: "Benchmarks/IngestFloor"
        ),
        // The parsers' entry points for the fuzzers (Fuzz/, scripts/fuzz) and their regression test.
        // Only the parsers' modules (and the sinks, whose `incidents.<name>` keys the config parser
        // reads): the sanitizer build must not compile the server's dependencies.
        .target(name: "BackstopFuzzing", dependencies: ["BackstopCore", "BackstopInput", "BackstopSinks"]),
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
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "ServiceLifecycleTestKit", package: "swift-service-lifecycle"),
            ],
            exclude: ["Golden"]
        ),
    ]
)

// libFuzzer executables, one per parser, only for `scripts/fuzz` (BACKSTOP_FUZZ=1, built with
// `--sanitize fuzzer --sanitize address` into .build-fuzz): normal builds neither see nor rebuild them.
if fuzzBuild {
    for name in ["Alertmanager", "Event", "Config", "Diagnosis", "LogLines", "S3XML"] {
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
                    "Backstop", "BackstopCore", "BackstopSinks", .product(name: "Benchmark", package: "benchmark"),
                    .product(name: "Logging", package: "swift-log"),
                ],
                path: "Benchmarks/\(name)",
                plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
            ))
    }
}

/// A release build puts each function of Backstop's own modules in a section of its own, so the
/// link can order them (above); scripts/build-release does the same for the dependencies.
let functionSections: SwiftSetting = .unsafeFlags(
    ["-Xfrontend", "-function-sections"], .when(platforms: [.linux], configuration: .release))

for target in package.targets {
    target.swiftSettings = (target.swiftSettings ?? []) + strictSettings + [functionSections]
}

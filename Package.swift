// swift-tools-version:6.2
import PackageDescription

let package = Package(
    name: "reelbase",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "reelbase", targets: ["reelbase"]),
    ],
    dependencies: [
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/hummingbird-project/hummingbird-auth.git", from: "2.5.0"),
        .package(url: "https://github.com/vapor/postgres-nio.git", from: "1.33.2"),
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.37.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-crypto.git", from: "3.12.3"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
        .package(url: "https://github.com/vapor/multipart-kit.git", from: "4.7.1"),
    ],
    targets: [
        // Pure domain: no I/O. Model catalog, pricing rules, job states.
        .target(name: "ReelbaseCore"),
        // Runs command-line tools (ffmpeg, ffprobe) as child processes; used by the service and the simulator.
        .target(name: "Tools"),
        // The service: one folder per feature, one composition root in App/.
        .target(
            name: "Reelbase",
            dependencies: [
                "ReelbaseCore",
                "Tools",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdAuth", package: "hummingbird-auth"),
                .product(name: "HummingbirdBcrypt", package: "hummingbird-auth"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "MultipartKit", package: "multipart-kit"),
            ],
            resources: []
        ),
        // A faithful fake of Segmind v1/v2 and AI/ML, for tests, demos and benchmarks.
        .target(
            name: "ProviderSimulator",
            dependencies: [
                "ReelbaseCore",
                "Tools",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "MultipartKit", package: "multipart-kit"),
            ]
        ),
        .executableTarget(
            name: "reelbase",
            dependencies: [
                "Reelbase",
                "ProviderSimulator",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .testTarget(name: "ReelbaseCoreTests", dependencies: ["ReelbaseCore"]),
        .testTarget(
            name: "ProviderSimulatorTests",
            dependencies: [
                "ProviderSimulator",
                "Tools",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
            ]
        ),
        .testTarget(
            name: "ReelbaseTests",
            dependencies: [
                "Reelbase",
                "Tools",
                "ProviderSimulator",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
            ]
        ),
    ]
)

// swift-tools-version:6.3
import PackageDescription

let package = Package(
    name: "referrals",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "referrals", targets: ["referrals"]),
        .library(name: "ReferralCore", targets: ["ReferralCore"]),
        .library(name: "ReferralStore", targets: ["ReferralStore"]),
        .library(name: "ReferralAPI", targets: ["ReferralAPI"]),
    ],
    dependencies: [
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-http-types.git", from: "1.8.0"),
        .package(url: "https://github.com/vapor/sql-kit.git", from: "3.36.0"),
        .package(url: "https://github.com/vapor/sqlite-kit.git", from: "4.5.2"),
        .package(url: "https://github.com/vapor/sqlite-nio.git", from: "1.13.2"),
        .package(url: "https://github.com/vapor/postgres-kit.git", from: "2.17.0"),
        .package(url: "https://github.com/vapor/postgres-nio.git", from: "1.33.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.37.6"),
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.37.0"),
        .package(url: "https://github.com/vapor/jwt-kit.git", from: "5.8.0"),
        .package(url: "https://github.com/apple/swift-crypto.git", from: "4.5.2"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
    ],
    targets: [
        // Domain: entities, rules, services, query language, errors. No HTTP, no SQL.
        .target(
            name: "ReferralCore",
            dependencies: [
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // SQLKit storage for SQLite (and PostgreSQL), migrations.
        .target(
            name: "ReferralStore",
            dependencies: [
                "ReferralCore",
                .product(name: "SQLKit", package: "sql-kit"),
                .product(name: "SQLiteKit", package: "sqlite-kit"),
                .product(name: "SQLiteNIO", package: "sqlite-nio"),
                .product(name: "PostgresKit", package: "postgres-kit"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // Hummingbird application: routes, JSON, identities, error rendering.
        .target(
            name: "ReferralAPI",
            dependencies: [
                "ReferralCore",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "JWTKit", package: "jwt-kit"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // The command-line executable: the one place that wires storage into the API.
        .executableTarget(
            name: "referrals",
            dependencies: [
                "ReferralCore",
                "ReferralStore",
                "ReferralAPI",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // Fresh databases for tests on the backend of the current test pass (SQLite or PostgreSQL).
        .target(
            name: "ReferralTestSupport",
            dependencies: [
                "ReferralCore",
                "ReferralStore",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .testTarget(
            name: "ReferralCoreTests",
            dependencies: [
                "ReferralCore",
                // SplitMix64, shared with the store's tests.
                "ReferralTestSupport",
                // To forge validly signed but malformed cursors.
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        .testTarget(
            name: "ReferralStoreTests",
            dependencies: [
                "ReferralCore",
                "ReferralStore",
                "ReferralTestSupport",
                .product(name: "SQLKit", package: "sql-kit"),
                .product(name: "SQLiteKit", package: "sqlite-kit"),
                .product(name: "SQLiteNIO", package: "sqlite-nio"),
            ]
        ),
        .testTarget(
            name: "ReferralAPITests",
            dependencies: [
                "ReferralCore",
                "ReferralStore",
                "ReferralAPI",
                "ReferralTestSupport",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
            ]
        ),
        // Starts the real `referrals` executable (built by `swift build`) over loopback.
        .testTarget(name: "ReferralsLiveTests", dependencies: ["ReferralTestSupport"]),
    ],
    swiftLanguageModes: [.v6]
)

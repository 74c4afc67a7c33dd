import Foundation
import Logging
import PostgresNIO
import ReferralCore
import ReferralStore

/// The database backend a test run uses. `scripts/test` runs the suites once on SQLite and once
/// with `REFERRALS_TEST_BACKEND=postgres` against a throwaway PostgreSQL server whose admin URL
/// is in `REFERRALS_TEST_POSTGRES_URL`; plain `swift test` uses SQLite only.
public enum TestBackend: String, Sendable, CaseIterable, CustomStringConvertible {
    case sqlite, postgres

    public static var current: TestBackend {
        ProcessInfo.processInfo.environment["REFERRALS_TEST_BACKEND"] == "postgres" ? .postgres : .sqlite
    }

    public var description: String { rawValue }
}

/// A fresh, empty database for one test: a temporary SQLite file, or a new PostgreSQL database
/// created on the test server (and dropped afterwards).
public struct TestDatabase: Sendable {
    public let backend: TestBackend
    public let location: DatabaseLocation
    private let directory: URL?

    public static func make(_ backend: TestBackend = .current) async throws -> TestDatabase {
        switch backend {
        case .sqlite:
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent("referrals-test-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            return TestDatabase(
                backend: .sqlite, location: .sqlite(path: directory.appendingPathComponent("test.sqlite").path), directory: directory
            )
        case .postgres:
            return TestDatabase(backend: .postgres, location: .postgres(url: try await TestPostgres.createDatabase()), directory: nil)
        }
    }

    /// The `--database` argument for a `referrals` process.
    public var argument: String {
        switch location {
        case .sqlite(let path): "sqlite:\(path)"
        case .postgres(let url): url
        }
    }

    /// Opens and migrates a store on this database.
    public func openStore(logger: Logger = TestDatabase.quietLogger) async throws -> any ReferralStore {
        // Many suites open pools at once on a small machine: allow connections time to come up.
        try await StoreFactory.open(location, migrate: true, postgres: .init(poolSize: 4, connectTimeout: .seconds(30)), logger: logger)
    }

    /// Removes the database.
    public func drop() async {
        switch location {
        case .sqlite:
            if let directory { try? FileManager.default.removeItem(at: directory) }
        case .postgres(let url):
            await TestPostgres.dropDatabase(url: url)
        }
    }

    public static var quietLogger: Logger {
        var logger = Logger(label: "referrals-tests")
        logger.logLevel = .warning
        return logger
    }
}

/// Administration of the throwaway PostgreSQL server the test scripts start.
public enum TestPostgres {
    /// `postgres://postgres@127.0.0.1:PORT/postgres`, set by scripts/test.
    public static var adminURL: String? {
        guard let url = ProcessInfo.processInfo.environment["REFERRALS_TEST_POSTGRES_URL"], !url.isEmpty else { return nil }
        return url
    }

    /// Creates an empty database and returns its URL.
    public static func createDatabase() async throws -> String {
        guard let adminURL else {
            throw TestSetupError("REFERRALS_TEST_BACKEND=postgres needs REFERRALS_TEST_POSTGRES_URL (scripts/test sets both)")
        }
        let name = "referrals_test_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased()
        try await admin(adminURL) {
            _ = try await $0.query(PostgresQuery(unsafeSQL: "CREATE DATABASE \(name)"), logger: TestDatabase.quietLogger)
        }
        guard var components = URLComponents(string: adminURL) else { throw TestSetupError("bad admin URL \(adminURL)") }
        components.path = "/" + name
        guard let url = components.string else { throw TestSetupError("bad admin URL \(adminURL)") }
        return url
    }

    public static func dropDatabase(url: String) async {
        guard let adminURL, let name = URLComponents(string: url)?.path.dropFirst(), name.hasPrefix("referrals_test_") else { return }
        try? await admin(adminURL) {
            _ = try await $0.query(
                PostgresQuery(unsafeSQL: "DROP DATABASE IF EXISTS \(name) WITH (FORCE)"), logger: TestDatabase.quietLogger)
        }
    }

    /// The server's version string: proves it answers.
    public static func version() async throws -> String {
        guard let adminURL else { throw TestSetupError("REFERRALS_TEST_POSTGRES_URL is not set") }
        return try await admin(adminURL) { connection in
            for try await version in try await connection.query("SELECT version()", logger: TestDatabase.quietLogger).decode(String.self) {
                return version
            }
            throw TestSetupError("SELECT version() returned nothing")
        }
    }

    private static func admin<T: Sendable>(_ url: String, _ body: @escaping @Sendable (PostgresConnection) async throws -> T) async throws
        -> T
    {
        guard let components = URLComponents(string: url), let host = components.host else { throw TestSetupError("bad admin URL \(url)") }
        let configuration = PostgresConnection.Configuration(
            host: host, port: components.port ?? 5432, username: components.user ?? "postgres", password: components.password,
            database: String(components.path.dropFirst()).isEmpty ? "postgres" : String(components.path.dropFirst()), tls: .disable
        )
        let connection = try await PostgresConnection.connect(configuration: configuration, id: 1, logger: TestDatabase.quietLogger)
        do {
            let result = try await body(connection)
            try await connection.close()
            return result
        } catch {
            try? await connection.close()
            throw error
        }
    }
}

public struct TestSetupError: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}

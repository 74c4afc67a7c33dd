import ArgumentParser
import Foundation
import Logging
import ReferralAPI
import ReferralCore
import ReferralStore

/// `referrals`: the server and its operator tools.
@main
struct ReferralsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "referrals",
        abstract: "A self-hosted, Wix-compatible referral-program engine.",
        subcommands: [Serve.self, Migrate.self, APIKeys.self, Tokens.self, Export.self, Import.self, Seed.self]
    )
}

/// Options every command that touches the database shares. Flags beat environment, which beats defaults.
struct DatabaseOptions: ParsableArguments {
    @Option(help: "Database: sqlite:PATH, a file path, or a postgres:// URL. Env: REFERRALS_DATABASE_URL. Default: referrals.sqlite")
    var database: String?

    @Option(help: "Log level: trace, debug, info, notice, warning, error, critical. Env: REFERRALS_LOG_LEVEL. Default: info")
    var logLevel: String?

    @Option(help: "PostgreSQL: most connections per server instance. Env: REFERRALS_DB_POOL_SIZE. Default: 10")
    var dbPoolSize: Int?

    @Option(help: "PostgreSQL: seconds to wait for a connection. Env: REFERRALS_DB_CONNECT_TIMEOUT. Default: 10")
    var dbConnectTimeout: Int?

    @Option(help: "PostgreSQL TLS: disable, prefer or require. Env: REFERRALS_DB_TLS. Default: the URL's sslmode, else prefer")
    var dbTls: String?

    @Option(
        help: """
            SQLite durability: full (fsync at every commit; survives power loss) or normal (fsync at checkpoints; \
            survives a crash of the process, not of the machine). Env: REFERRALS_SQLITE_SYNCHRONOUS. Default: full
            """)
    var sqliteSynchronous: String?

    func sqliteSynchronousMode() throws -> SQLiteReferralStore.Synchronous {
        guard let text = sqliteSynchronous ?? Environment.value("REFERRALS_SQLITE_SYNCHRONOUS") else { return .full }
        guard let mode = SQLiteReferralStore.Synchronous(rawValue: text.uppercased()) else {
            throw ValidationError("--sqlite-synchronous: '\(text)' is not one of full, normal")
        }
        return mode
    }

    func postgresOptions() throws -> PostgresReferralStore.Options {
        func number(_ flag: Int?, _ variable: String, _ name: String, default value: Int) throws -> Int {
            if let flag { return flag }
            guard let text = Environment.value(variable) else { return value }
            guard let parsed = Int(text) else { throw ValidationError("\(variable): '\(text)' is not a number") }
            return parsed
        }
        let poolSize = try number(dbPoolSize, "REFERRALS_DB_POOL_SIZE", "--db-pool-size", default: 10)
        let timeout = try number(dbConnectTimeout, "REFERRALS_DB_CONNECT_TIMEOUT", "--db-connect-timeout", default: 10)
        guard (1...1000).contains(poolSize) else { throw ValidationError("--db-pool-size must be between 1 and 1000") }
        guard (1...600).contains(timeout) else { throw ValidationError("--db-connect-timeout must be between 1 and 600 seconds") }
        var tls: PostgresReferralStore.Options.TLSMode?
        if let text = dbTls ?? Environment.value("REFERRALS_DB_TLS") {
            guard let mode = PostgresReferralStore.Options.TLSMode(rawValue: text.lowercased()) else {
                throw ValidationError("--db-tls: '\(text)' is not one of disable, prefer, require")
            }
            tls = mode
        }
        return PostgresReferralStore.Options(poolSize: poolSize, connectTimeout: .seconds(timeout), tls: tls)
    }

    func location() throws -> DatabaseLocation {
        let text = database ?? Environment.value("REFERRALS_DATABASE_URL") ?? "referrals.sqlite"
        do {
            return try DatabaseLocation(parsing: text)
        } catch {
            throw ValidationError("--database: \(error.message)")
        }
    }

    func makeLogger() throws -> Logger {
        let text = logLevel ?? Environment.value("REFERRALS_LOG_LEVEL") ?? "info"
        guard let level = Logger.Level(rawValue: text.lowercased()) else {
            throw ValidationError("--log-level: '\(text)' is not one of trace, debug, info, notice, warning, error, critical")
        }
        LoggingBootstrap.once(level: level)
        var logger = Logger(label: "referrals")
        logger.logLevel = level
        return logger
    }

    /// Opens the store (migrating first unless told not to) and runs `body`, closing it after.
    func withStore<T: Sendable>(
        migrate: Bool = true, mustExist: Bool = false, _ body: (any ReferralStore, Logger) async throws -> T
    ) async throws -> T {
        let logger = try makeLogger()
        let store = try await StoreFactory.open(
            try location(), migrate: migrate, mustExist: mustExist, postgres: try postgresOptions(),
            sqliteSynchronous: try sqliteSynchronousMode(), logger: logger
        )
        do {
            let result = try await body(store, logger)
            try await store.close()
            return result
        } catch {
            try? await store.close()
            throw error
        }
    }
}

enum Environment {
    /// A non-empty environment variable.
    static func value(_ name: String) -> String? {
        guard let value = ProcessInfo.processInfo.environment[name], !value.isEmpty else { return nil }
        return value
    }
}

enum LoggingBootstrap {
    nonisolated(unsafe) private static var done = false

    /// swift-log may be bootstrapped once per process; commands call this before logging.
    static func once(level: Logger.Level) {
        guard !done else { return }
        done = true
        LoggingSystem.bootstrap { label in
            var handler = LineLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
    }
}

/// Writes a line to standard output at once (stdout is block-buffered when it is a pipe).
func emit(_ line: String) {
    FileHandle.standardOutput.write(Data((line + "\n").utf8))
}

import Foundation
import Logging
import SQLKit

/// One schema change. Migrations are numbered and append-only: never edit a released one.
struct Migration: Sendable {
    let version: Int
    /// Why the change was made, in one line.
    let reason: String
    let statements: @Sendable (StoreDialect) -> [String]
}

/// Applies pending migrations in order, each in its own transaction, and records them.
struct Migrator {
    let db: any SQLDatabase
    let dialect: StoreDialect
    let logger: Logger

    static let all: [Migration] = [Migration0001.migration, Migration0002.migration, Migration0003.migration, Migration0004.migration]

    func migrate() async throws {
        try await db.raw(
            """
            CREATE TABLE IF NOT EXISTS schema_migrations (
                version INTEGER PRIMARY KEY,
                reason TEXT NOT NULL,
                applied_at \(unsafeRaw: dialect.bigintType) NOT NULL
            )
            """
        ).run()
        let applied = Set(try await appliedVersions())
        for migration in Self.all where !applied.contains(migration.version) {
            try await db.raw("BEGIN").run()
            do {
                for statement in migration.statements(dialect) {
                    try await db.raw(SQLQueryString(statement)).run()
                }
                try await db.raw(
                    """
                    INSERT INTO schema_migrations (version, reason, applied_at)
                    VALUES (\(bind: migration.version), \(bind: migration.reason), \(bind: Date().milliseconds))
                    """
                ).run()
                try await db.raw("COMMIT").run()
                logger.info(
                    "migration applied", metadata: ["migration.version": "\(migration.version)", "migration.reason": "\(migration.reason)"])
            } catch {
                try? await db.raw("ROLLBACK").run()
                throw error
            }
        }
    }

    func appliedVersions() async throws -> [Int] {
        let exists: Bool
        switch dialect {
        case .sqlite:
            exists = try await db.raw("SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'").first() != nil
        case .postgres:
            exists =
                try await db.raw("SELECT to_regclass('schema_migrations') IS NOT NULL AS present").first()?.decode(
                    column: "present", as: Bool.self) ?? false
        }
        guard exists else { return [] }
        return try await db.raw("SELECT version FROM schema_migrations ORDER BY version").all().map {
            try $0.decode(column: "version", as: Int.self)
        }
    }
}

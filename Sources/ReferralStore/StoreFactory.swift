import Foundation
import Logging
import ReferralCore

/// Opens the store a database location names, and migrates it when asked.
public enum StoreFactory {
    /// - Parameters:
    ///   - migrate: apply pending migrations; when false, a database whose schema is behind this
    ///     build is refused with a clear error instead of failing on the first query.
    ///   - mustExist: refuse to create a new SQLite file (operator commands pointed at the wrong
    ///     directory would otherwise make an empty database with its own secrets).
    public static func open(
        _ location: DatabaseLocation, migrate: Bool, mustExist: Bool = false,
        postgres: PostgresReferralStore.Options = .init(), sqliteSynchronous: SQLiteReferralStore.Synchronous = .full, logger: Logger
    ) async throws -> any ReferralStore {
        switch location {
        case .sqlite(let path):
            if mustExist && !FileManager.default.fileExists(atPath: path) {
                throw ReferralError.validation(
                    field: "database",
                    "no database at \(path); start the server once, or point --database / REFERRALS_DATABASE_URL at its file",
                    rule: "CUSTOM"
                )
            }
            let store = try await SQLiteReferralStore.open(path: path, synchronous: sqliteSynchronous, logger: logger)
            do {
                if migrate {
                    try await store.migrate()
                } else {
                    try checkSchema(applied: try await store.appliedMigrations())
                }
            } catch {
                try? await store.close()
                throw error
            }
            return store
        case .postgres(let url):
            let store = try await PostgresReferralStore.open(url: url, options: postgres, logger: logger)
            do {
                if migrate {
                    try await store.migrate()
                } else {
                    try checkSchema(applied: try await store.appliedMigrations())
                }
            } catch {
                try? await store.close()
                throw error
            }
            return store
        }
    }

    /// Throws when migrations this build needs are not applied yet.
    static func checkSchema(applied: [Int]) throws {
        let pending = Migrator.all.map(\.version).filter { !applied.contains($0) }
        guard pending.isEmpty else {
            throw ReferralError.validation(
                field: "database",
                "the schema lacks migrations \(pending.map(String.init).joined(separator: ", ")); run `referrals migrate` first",
                rule: "CUSTOM"
            )
        }
    }

    /// Applies pending migrations and returns the versions now applied.
    public static func migrate(
        _ location: DatabaseLocation, postgres: PostgresReferralStore.Options = .init(), logger: Logger
    ) async throws -> [Int] {
        switch location {
        case .sqlite(let path):
            let store = try await SQLiteReferralStore.open(path: path, readers: 1, logger: logger)
            return try await migrateAndClose(store, migrate: store.migrate, applied: store.appliedMigrations)
        case .postgres(let url):
            let store = try await PostgresReferralStore.open(url: url, options: postgres, logger: logger)
            return try await migrateAndClose(store, migrate: store.migrate, applied: store.appliedMigrations)
        }
    }

    private static func migrateAndClose(
        _ store: any ReferralStore, migrate: () async throws -> Void, applied: () async throws -> [Int]
    ) async throws -> [Int] {
        do {
            try await migrate()
            let versions = try await applied()
            try await store.close()
            return versions
        } catch {
            try? await store.close()
            throw error
        }
    }
}

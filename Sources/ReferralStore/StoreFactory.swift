import Logging
import ReferralCore

/// Opens the store a database location names, and migrates it when asked.
public enum StoreFactory {
    public static func open(_ location: DatabaseLocation, migrate: Bool, logger: Logger) async throws -> any ReferralStore {
        switch location {
        case .sqlite(let path):
            let store = try await SQLiteReferralStore.open(path: path, logger: logger)
            if migrate { try await store.migrate() }
            return store
        case .postgres:
            throw ReferralError.validation(
                field: "database",
                "PostgreSQL is not available in this build yet; use a SQLite path (sqlite:PATH)",
                rule: "CUSTOM"
            )
        }
    }

    /// Applies pending migrations and returns the versions now applied.
    public static func migrate(_ location: DatabaseLocation, logger: Logger) async throws -> [Int] {
        switch location {
        case .sqlite(let path):
            let store = try await SQLiteReferralStore.open(path: path, readers: 1, logger: logger)
            do {
                try await store.migrate()
                let applied = try await store.appliedMigrations()
                try await store.close()
                return applied
            } catch {
                try? await store.close()
                throw error
            }
        case .postgres:
            _ = try await open(location, migrate: true, logger: logger)
            return []
        }
    }
}

import Foundation
import ReferralCore
import SQLKit

struct SQLAPIKeyRepository: APIKeyRepository {
    let db: any SQLDatabase
    let dialect: StoreDialect

    static let columns = "id, name, prefix, key_hash, site_id, permissions, created_at, revoked_at"

    func insert(_ key: APIKey) async throws {
        try await db.statement(
            """
            INSERT INTO api_keys (id, name, prefix, key_hash, site_id, permissions, created_at)
            VALUES (\(bind: dialect.bind(key.id)), \(bind: key.name), \(bind: key.prefix), \(bind: key.hash),
                    \(bind: key.site?.rawValue), \(bind: try StoredJSON.encode(key.permissions)), \(bind: dialect.bind(key.createdDate)))
            """
        ).run()
    }

    func find(hash: String) async throws -> APIKey? {
        try await db.statement("SELECT \(unsafeRaw: Self.columns) FROM api_keys WHERE key_hash = \(bind: hash)").first().map(decode)
    }

    func list() async throws -> [APIKey] {
        try await db.statement("SELECT \(unsafeRaw: Self.columns) FROM api_keys ORDER BY created_at, id").all().map(decode)
    }

    func revoke(idOrPrefix: String, at date: Date) async throws -> APIKey? {
        let byID: StoreSQL = UUID(lowercasedOrAny: idOrPrefix).map { "id = \(bind: dialect.bind($0))" } ?? "1 = 0"
        let rows = try await db.statement(
            """
            UPDATE api_keys SET revoked_at = \(bind: dialect.bind(date))
            WHERE revoked_at IS NULL AND (\(byID) OR prefix = \(bind: idOrPrefix))
            RETURNING \(unsafeRaw: Self.columns)
            """
        ).all()
        return try rows.first.map(decode)
    }

    func countActive() async throws -> Int {
        try await db.statement("SELECT COUNT(*) AS n FROM api_keys WHERE revoked_at IS NULL").first()?.decode(column: "n", as: Int.self)
            ?? 0
    }

    private func decode(_ row: any SQLRow) throws -> APIKey {
        let site = try row.decodeNil(column: "site_id") ? nil : try SiteID(validating: try row.string("site_id"))
        return APIKey(
            id: try dialect.uuid(row, "id"), name: try row.string("name"), prefix: try row.string("prefix"),
            hash: try row.string("key_hash"), site: site,
            permissions: try StoredJSON.decode([String].self, from: try row.string("permissions")),
            createdDate: try dialect.date(row, "created_at"), revokedDate: try dialect.optionalDate(row, "revoked_at")
        )
    }
}

struct SQLSettingsRepository: SettingsRepository {
    let db: any SQLDatabase

    func value(for key: String) async throws -> String? {
        try await db.statement("SELECT value FROM deployment_settings WHERE name = \(bind: key)").first()?.decode(
            column: "value", as: String.self)
    }

    func insertIfAbsent(key: String, value: String) async throws -> String {
        try await db.statement("INSERT INTO deployment_settings (name, value) VALUES (\(bind: key), \(bind: value)) ON CONFLICT DO NOTHING")
            .run()
        guard let stored = try await self.value(for: key) else { throw StoreInvariantError("setting \(key) missing after insert") }
        return stored
    }
}

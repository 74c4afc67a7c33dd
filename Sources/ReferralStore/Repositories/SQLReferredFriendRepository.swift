import Foundation
import ReferralCore
import SQLKit

struct SQLReferredFriendRepository: ReferredFriendRepository {
    let db: any SQLDatabase
    let dialect: StoreDialect

    static let columns = "site_id, id, contact_id, referring_customer_id, status, revision, created_at, updated_at"
    static let compilers = DialectCompilers(
        schema: .referredFriends, columns: fieldColumns, uuidFields: ["id", "referringCustomerId"])
    static let fieldColumns = [
        "id": "id", "contactId": "contact_id", "referringCustomerId": "referring_customer_id", "status": "status",
        "createdDate": "created_at", "updatedDate": "updated_at",
    ]

    func find(id: UUID, site: SiteID) async throws -> ReferredFriend? {
        try await one(
            "SELECT \(unsafeRaw: Self.columns) FROM referred_friends WHERE site_id = \(bind: site.rawValue) AND id = \(bind: dialect.bind(id)) AND deleted_at IS NULL"
        )
    }

    func find(contactID: String, site: SiteID) async throws -> ReferredFriend? {
        try await one(Self.byContact(contactID, site: site, dialect: dialect))
    }

    /// The lookup by contact. On SQLite it reads the covering index of migration 4, which the
    /// planner would pass over for the unique one.
    static func byContact(_ contactID: String, site: SiteID, dialect: StoreDialect) -> StoreSQL {
        let index = dialect == .sqlite ? " INDEXED BY \(Migration0004.indexName)" : ""
        return """
            SELECT \(unsafeRaw: columns) FROM referred_friends\(unsafeRaw: index)
            WHERE site_id = \(bind: site.rawValue) AND contact_id = \(bind: contactID) AND deleted_at IS NULL
            """
    }

    func insert(_ friend: ReferredFriend) async throws -> InsertOutcome<ReferredFriend> {
        let inserted = try await db.statement(
            """
            \(unsafeRaw: dialect.orFail("INSERT")) INTO referred_friends (site_id, id, contact_id, referring_customer_id, status, revision, created_at, updated_at)
            VALUES (\(bind: friend.site.rawValue), \(bind: dialect.bind(friend.id)), \(bind: friend.contactID),
                    \(bind: dialect.bind(friend.referringCustomerID)), \(bind: friend.status.rawValue), \(bind: friend.revision),
                    \(bind: dialect.bind(friend.createdDate)), \(bind: dialect.bind(friend.updatedDate)))
            ON CONFLICT DO NOTHING
            RETURNING id
            """
        ).first()
        if inserted != nil { return .inserted }
        if let existing = try await find(contactID: friend.contactID, site: friend.site) { return .duplicate(existing) }
        return .collision
    }

    func update(_ friend: ReferredFriend, expectedRevision: Int64) async throws -> Bool {
        let rows = try await db.statement(
            """
            \(unsafeRaw: dialect.orFail("UPDATE")) referred_friends SET status = \(bind: friend.status.rawValue), revision = \(bind: friend.revision),
                updated_at = \(bind: dialect.bind(friend.updatedDate))
            WHERE site_id = \(bind: friend.site.rawValue) AND id = \(bind: dialect.bind(friend.id))
                AND revision = \(bind: expectedRevision) AND deleted_at IS NULL
            RETURNING id
            """
        ).all()
        return !rows.isEmpty
    }

    func delete(id: UUID, site: SiteID, expectedRevision: Int64, at date: Date) async throws -> Bool {
        let rows = try await db.statement(
            """
            \(unsafeRaw: dialect.orFail("UPDATE")) referred_friends SET deleted_at = \(bind: dialect.bind(date)), revision = revision + 1, updated_at = \(bind: dialect.bind(date))
            WHERE site_id = \(bind: site.rawValue) AND id = \(bind: dialect.bind(id)) AND revision = \(bind: expectedRevision) AND deleted_at IS NULL
            RETURNING id
            """
        ).all()
        return !rows.isEmpty
    }

    func query(_ query: ParsedQuery, site: SiteID) async throws -> [ReferredFriend] {
        let compiled = Self.compilers[dialect].compile(query)
        let sql: StoreSQL = """
            SELECT \(unsafeRaw: Self.columns) FROM referred_friends
            WHERE site_id = \(bind: site.rawValue) AND deleted_at IS NULL AND \(compiled.whereClause)
            ORDER BY \(compiled.orderBy)
            LIMIT \(unsafeRaw: String(compiled.limit))
            """
        return try await db.statement(sql).all().map(decode)
    }

    private func one(_ sql: StoreSQL) async throws -> ReferredFriend? {
        try await db.statement(sql).first().map(decode)
    }

    private func decode(_ row: any SQLRow) throws -> ReferredFriend {
        ReferredFriend(
            id: try dialect.uuid(row, "id"),
            site: try dialect.site(row),
            contactID: try row.string("contact_id"),
            referringCustomerID: try dialect.uuid(row, "referring_customer_id"),
            status: FriendStatus(rawValue: try row.string("status")) ?? .UNKNOWN,
            revision: try row.int64("revision"),
            createdDate: try dialect.date(row, "created_at"),
            updatedDate: try dialect.date(row, "updated_at")
        )
    }
}

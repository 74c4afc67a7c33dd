import Foundation
import ReferralCore
import SQLKit

struct SQLReferringCustomerRepository: ReferringCustomerRepository {
    let db: any SQLDatabase
    let dialect: StoreDialect

    static let columns = "site_id, id, contact_id, referral_code, revision, created_at, updated_at"
    /// Query-language field → column.
    static let compilers = DialectCompilers(schema: .referringCustomers, columns: fieldColumns, uuidFields: ["id"])
    static let fieldColumns = [
        "id": "id", "contactId": "contact_id", "referralCode": "referral_code",
        "createdDate": "created_at", "updatedDate": "updated_at",
    ]

    func find(id: UUID, site: SiteID) async throws -> ReferringCustomer? {
        try await one(
            "SELECT \(unsafeRaw: Self.columns) FROM referring_customers WHERE site_id = \(bind: site.rawValue) AND id = \(bind: dialect.bind(id)) AND deleted_at IS NULL"
        )
    }

    func find(contactID: String, site: SiteID) async throws -> ReferringCustomer? {
        try await one(
            "SELECT \(unsafeRaw: Self.columns) FROM referring_customers WHERE site_id = \(bind: site.rawValue) AND contact_id = \(bind: contactID) AND deleted_at IS NULL"
        )
    }

    func find(referralCode: String, site: SiteID) async throws -> ReferringCustomer? {
        try await one(
            "SELECT \(unsafeRaw: Self.columns) FROM referring_customers WHERE site_id = \(bind: site.rawValue) AND referral_code = \(bind: referralCode) AND deleted_at IS NULL"
        )
    }

    func insert(_ customer: ReferringCustomer) async throws -> InsertOutcome<ReferringCustomer> {
        // ON CONFLICT DO NOTHING lets the unique indexes decide races without an error that
        // would abort a PostgreSQL transaction; RETURNING tells whether this row went in.
        let inserted = try await db.statement(
            """
            \(unsafeRaw: dialect.orFail("INSERT")) INTO referring_customers (site_id, id, contact_id, referral_code, revision, created_at, updated_at)
            VALUES (\(bind: customer.site.rawValue), \(bind: dialect.bind(customer.id)), \(bind: customer.contactID),
                    \(bind: customer.referralCode), \(bind: customer.revision),
                    \(bind: dialect.bind(customer.createdDate)), \(bind: dialect.bind(customer.updatedDate)))
            ON CONFLICT DO NOTHING
            RETURNING id
            """
        ).first()
        if inserted != nil { return .inserted }
        if let existing = try await find(contactID: customer.contactID, site: customer.site) { return .duplicate(existing) }
        return .collision
    }

    func delete(id: UUID, site: SiteID, expectedRevision: Int64, at date: Date) async throws -> Bool {
        let rows = try await db.statement(
            """
            UPDATE referring_customers SET deleted_at = \(bind: dialect.bind(date)), revision = revision + 1, updated_at = \(bind: dialect.bind(date))
            WHERE site_id = \(bind: site.rawValue) AND id = \(bind: dialect.bind(id)) AND revision = \(bind: expectedRevision) AND deleted_at IS NULL
            RETURNING id
            """
        ).all()
        return !rows.isEmpty
    }

    func query(_ query: ParsedQuery, site: SiteID) async throws -> [ReferringCustomer] {
        let compiled = Self.compilers[dialect].compile(query)
        let sql: StoreSQL = """
            SELECT \(unsafeRaw: Self.columns) FROM referring_customers
            WHERE site_id = \(bind: site.rawValue) AND deleted_at IS NULL AND \(compiled.whereClause)
            ORDER BY \(compiled.orderBy)
            LIMIT \(unsafeRaw: String(compiled.limit))
            """
        return try await db.statement(sql).all().map(decode)
    }

    private func one(_ sql: StoreSQL) async throws -> ReferringCustomer? {
        try await db.statement(sql).first().map(decode)
    }

    private func decode(_ row: any SQLRow) throws -> ReferringCustomer {
        ReferringCustomer(
            id: try dialect.uuid(row, "id"),
            site: try dialect.site(row),
            contactID: try row.string("contact_id"),
            referralCode: try row.string("referral_code"),
            revision: try row.int64("revision"),
            createdDate: try dialect.date(row, "created_at"),
            updatedDate: try dialect.date(row, "updated_at")
        )
    }
}

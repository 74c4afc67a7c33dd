import Foundation
import ReferralCore
import SQLKit

struct SQLReferralEventRepository: ReferralEventRepository {
    let db: any SQLDatabase
    let dialect: StoreDialect

    static let columns = "site_id, id, event_type, payload, revision, created_at, updated_at"
    static let compilers = DialectCompilers(
        schema: .referralEvents, columns: fieldColumns, uuidFields: ["id", "referredFriendId", "referringCustomerId"])
    static let fieldColumns: [String: String] = {
        var columns = [
            "id": "id", "eventType": "event_type", "referredFriendId": "referred_friend_id",
            "referringCustomerId": "referring_customer_id", "createdDate": "created_at", "updatedDate": "updated_at",
        ]
        // The one-of members are rewritten to eventType before compiling.
        for type in ReferralEventType.allCases { columns[type.memberName] = "event_type" }
        return columns
    }()

    func insert(_ event: ReferralEvent) async throws -> InsertOutcome<ReferralEvent> {
        let kind = event.kind
        let inserted = try await db.statement(
            """
            \(unsafeRaw: dialect.orFail("INSERT")) INTO referral_events (site_id, id, event_type, referred_friend_id, referring_customer_id, order_id, payload,
                revision, created_at, updated_at)
            VALUES (\(bind: event.site.rawValue), \(bind: dialect.bind(event.id)), \(bind: kind.eventType.rawValue),
                \(bind: dialect.bind(kind.referredFriendID)), \(bind: dialect.bind(kind.referringCustomerID)),
                \(bind: kind.orderID), \(bind: try StoredJSON.encode(kind)), \(bind: event.revision),
                \(bind: dialect.bind(event.createdDate)), \(bind: dialect.bind(event.updatedDate)))
            ON CONFLICT DO NOTHING
            RETURNING id
            """
        ).first()
        if inserted != nil { return .inserted }
        if case .successfulReferral(let friendID, _) = kind,
            let original = try await db.statement(
                """
                SELECT \(unsafeRaw: Self.columns) FROM referral_events WHERE site_id = \(bind: event.site.rawValue)
                    AND referred_friend_id = \(bind: dialect.bind(friendID)) AND event_type = 'SUCCESSFUL_REFERRAL'
                """
            ).first().map(decode)
        {
            return .duplicate(original)
        }
        if let orderID = kind.orderID, let original = try await find(orderID: orderID, site: event.site) {
            return .duplicate(original)
        }
        return .collision
    }

    func find(id: UUID, site: SiteID) async throws -> ReferralEvent? {
        try await db.statement(
            "SELECT \(unsafeRaw: Self.columns) FROM referral_events WHERE site_id = \(bind: site.rawValue) AND id = \(bind: dialect.bind(id))"
        ).first().map(decode)
    }

    func find(orderID: String, site: SiteID) async throws -> ReferralEvent? {
        try await db.statement(
            "SELECT \(unsafeRaw: Self.columns) FROM referral_events WHERE site_id = \(bind: site.rawValue) AND order_id = \(bind: orderID)"
        ).first().map(decode)
    }

    func query(_ query: ParsedQuery, site: SiteID) async throws -> [ReferralEvent] {
        let compiled = Self.compilers[dialect].compile(query)
        return try await db.statement(
            """
            SELECT \(unsafeRaw: Self.columns) FROM referral_events
            WHERE site_id = \(bind: site.rawValue) AND \(compiled.whereClause)
            ORDER BY \(compiled.orderBy) LIMIT \(unsafeRaw: String(compiled.limit))
            """
        ).all().map(decode)
    }

    private func decode(_ row: any SQLRow) throws -> ReferralEvent {
        ReferralEvent(
            id: try dialect.uuid(row, "id"), site: try dialect.site(row),
            kind: try StoredJSON.decode(ReferralEventKind.self, from: try row.string("payload")),
            revision: try row.int64("revision"), createdDate: try dialect.date(row, "created_at"),
            updatedDate: try dialect.date(row, "updated_at")
        )
    }
}

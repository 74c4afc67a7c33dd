import Foundation
import ReferralCore
import SQLKit

struct SQLChangeEventOutbox: ChangeEventOutbox {
    let db: any SQLDatabase
    let dialect: StoreDialect
    let memo: TransactionMemo

    func append(_ event: ChangeEvent) async throws {
        try await db.raw(
            """
            INSERT INTO outbox_events (site_id, id, entity_fqdn, slug, entity_id, entity_event_sequence, event_time, snapshot)
            VALUES (\(bind: event.site.rawValue), \(bind: dialect.bind(event.id)), \(bind: event.entity.rawValue), \(bind: event.slug.rawValue),
                    \(bind: event.entityID), \(bind: event.entityEventSequence), \(bind: dialect.bind(event.eventTime)),
                    \(bind: try StoredJSON.encode(event.snapshot)))
            """
        ).run()
        // Deliveries are made in the same transaction: a change can't commit without them.
        try await SQLWebhookRepository(db: db, dialect: dialect, memo: memo).fanOut(event)
    }

    func find(id: UUID, site: SiteID) async throws -> ChangeEvent? {
        try await db.raw(
            """
            SELECT site_id, id, entity_fqdn, slug, entity_id, entity_event_sequence, event_time, snapshot FROM outbox_events
            WHERE site_id = \(bind: site.rawValue) AND id = \(bind: dialect.bind(id))
            """
        ).all().map(decode).first
    }

    func list(site: SiteID, after id: UUID?, limit: Int) async throws -> [ChangeEvent] {
        // UUIDv7 ids sort by creation time, so id order is recording order.
        let after: SQLQueryString = id.map { "AND id > \(bind: dialect.bind($0))" } ?? ""
        let rows = try await db.raw(
            """
            SELECT site_id, id, entity_fqdn, slug, entity_id, entity_event_sequence, event_time, snapshot FROM outbox_events
            WHERE site_id = \(bind: site.rawValue) \(after) ORDER BY id LIMIT \(bind: limit)
            """
        ).all()
        return try rows.map(decode)
    }

    private func decode(_ row: any SQLRow) throws -> ChangeEvent {
        guard let entity = ChangedEntity(rawValue: try row.string("entity_fqdn")),
            let slug = ChangeSlug(rawValue: try row.string("slug"))
        else { throw StoreInvariantError("outbox row with unknown entity or slug") }
        return ChangeEvent(
            id: try dialect.uuid(row, "id"), site: try dialect.site(row), entity: entity, slug: slug,
            entityID: try row.string("entity_id"), entityEventSequence: try row.int64("entity_event_sequence"),
            eventTime: try dialect.date(row, "event_time"),
            snapshot: try StoredJSON.decode(EntitySnapshot.self, from: try row.string("snapshot"))
        )
    }
}

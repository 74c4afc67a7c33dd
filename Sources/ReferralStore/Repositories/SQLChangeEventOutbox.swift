import Foundation
import ReferralCore
import SQLKit

struct SQLChangeEventOutbox: ChangeEventOutbox {
    let db: any SQLDatabase
    let dialect: StoreDialect
    let memo: TransactionMemo

    /// Rows per outbox `INSERT`: a new order records five changes.
    static let rowsPerInsert = 16

    /// Keeps the change for the end of the transaction (`flush`), which writes the
    /// transaction's changes in one multi-row statement: on SQLite a statement less per change
    /// on the single writer, on PostgreSQL a round trip less.
    func append(_ event: ChangeEvent) async throws {
        memo.pendingChanges.withLock { $0.append(event) }
    }

    /// Writes the changes appended since the last flush, in recording order, with their
    /// deliveries. Runs at the end of every write transaction, and before anything in it reads
    /// the outbox, the deliveries or the subscriptions, so that it sees its own changes and a
    /// change fans out to the subscriptions as they were when it was made.
    func flush() async throws {
        let events = memo.pendingChanges.withLock { pending in
            defer { pending.removeAll() }
            return pending
        }
        guard !events.isEmpty else { return }
        var start = events.startIndex
        while start < events.endIndex {
            let end = min(start + Self.rowsPerInsert, events.endIndex)
            var insert: StoreSQL = """
                \(unsafeRaw: dialect.orFail("INSERT")) INTO outbox_events (site_id, id, entity_fqdn, slug, entity_id, entity_event_sequence, event_time, snapshot)
                VALUES
                """
            for (offset, event) in events[start..<end].enumerated() {
                insert.appendLiteral(offset == 0 ? " " : ", ")
                insert += """
                    (\(bind: event.site.rawValue), \(bind: dialect.bind(event.id)), \(bind: event.entity.rawValue), \(bind: event.slug.rawValue),
                        \(bind: event.entityID), \(bind: event.entityEventSequence), \(bind: dialect.bind(event.eventTime)),
                        \(bind: try StoredJSON.encode(event.snapshot)))
                    """
            }
            try await db.statement(insert).run()
            start = end
        }
        // Deliveries are made in the same transaction: a change can't commit without them.
        let webhooks = SQLWebhookRepository(db: db, dialect: dialect, memo: memo)
        for event in events { try await webhooks.fanOut(event) }
    }

    func find(id: UUID, site: SiteID) async throws -> ChangeEvent? {
        try await flush()
        return try await db.statement(
            """
            SELECT site_id, id, entity_fqdn, slug, entity_id, entity_event_sequence, event_time, snapshot FROM outbox_events
            WHERE site_id = \(bind: site.rawValue) AND id = \(bind: dialect.bind(id))
            """
        ).all().map(decode).first
    }

    func list(site: SiteID, after id: UUID?, limit: Int) async throws -> [ChangeEvent] {
        try await flush()
        // UUIDv7 ids sort by creation time, so id order is recording order.
        let after: StoreSQL = id.map { "AND id > \(bind: dialect.bind($0))" } ?? ""
        let rows = try await db.statement(
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

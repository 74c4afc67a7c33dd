import Foundation
import ReferralCore
import SQLKit

struct SQLWebhookRepository: WebhookRepository {
    let db: any SQLDatabase
    let dialect: StoreDialect
    let memo: TransactionMemo

    static let deliveryColumns = """
        site_id, id, subscription_id, event_id, event_type, status, attempts, next_attempt_at, last_error, last_status_code, \
        created_at, updated_at, delivered_at
        """

    func insert(_ subscription: WebhookSubscription, sealedSecret: String) async throws {
        try await flushChanges()
        memo.subscriptionTypes.withLock { $0[subscription.site] = nil }
        try await db.statement(
            """
            INSERT INTO webhook_subscriptions (site_id, id, url, description, sealed_secret, revision, created_at, updated_at)
            VALUES (\(bind: subscription.site.rawValue), \(bind: dialect.bind(subscription.id)), \(bind: subscription.url),
                \(bind: subscription.description), \(bind: sealedSecret), \(bind: subscription.revision),
                \(bind: dialect.bind(subscription.createdDate)), \(bind: dialect.bind(subscription.updatedDate)))
            """
        ).run()
        for type in subscription.eventTypes {
            try await db.statement(
                """
                INSERT INTO webhook_subscription_types (site_id, subscription_id, event_type)
                VALUES (\(bind: subscription.site.rawValue), \(bind: dialect.bind(subscription.id)), \(bind: type))
                """
            ).run()
        }
    }

    func subscriptions(site: SiteID) async throws -> [WebhookSubscription] {
        let rows = try await db.statement(
            """
            SELECT site_id, id, url, description, revision, created_at, updated_at FROM webhook_subscriptions
            WHERE site_id = \(bind: site.rawValue) AND deleted_at IS NULL ORDER BY created_at, id
            """
        ).all()
        var result: [WebhookSubscription] = []
        for row in rows { result.append(try await decodeSubscription(row)) }
        return result
    }

    func subscription(id: UUID, site: SiteID) async throws -> WebhookSubscription? {
        guard
            let row = try await db.statement(
                """
                SELECT site_id, id, url, description, revision, created_at, updated_at FROM webhook_subscriptions
                WHERE site_id = \(bind: site.rawValue) AND id = \(bind: dialect.bind(id)) AND deleted_at IS NULL
                """
            ).first()
        else { return nil }
        return try await decodeSubscription(row)
    }

    func sealedSecret(subscriptionID: UUID, site: SiteID) async throws -> String? {
        try await db.statement(
            """
            SELECT sealed_secret FROM webhook_subscriptions
            WHERE site_id = \(bind: site.rawValue) AND id = \(bind: dialect.bind(subscriptionID)) AND deleted_at IS NULL
            """
        ).first()?.decode(column: "sealed_secret", as: String.self)
    }

    func deleteSubscription(id: UUID, site: SiteID, at date: Date) async throws -> Bool {
        try await flushChanges()
        memo.subscriptionTypes.withLock { $0[site] = nil }
        let rows = try await db.statement(
            """
            UPDATE webhook_subscriptions SET deleted_at = \(bind: dialect.bind(date)), revision = revision + 1,
                updated_at = \(bind: dialect.bind(date))
            WHERE site_id = \(bind: site.rawValue) AND id = \(bind: dialect.bind(id)) AND deleted_at IS NULL RETURNING id
            """
        ).all()
        guard !rows.isEmpty else { return false }
        try await db.statement(
            "DELETE FROM webhook_subscription_types WHERE site_id = \(bind: site.rawValue) AND subscription_id = \(bind: dialect.bind(id))"
        ).run()
        return true
    }

    func rotateSecret(id: UUID, site: SiteID, sealedSecret: String, at date: Date) async throws -> Bool {
        let rows = try await db.statement(
            """
            UPDATE webhook_subscriptions SET sealed_secret = \(bind: sealedSecret), revision = revision + 1,
                updated_at = \(bind: dialect.bind(date))
            WHERE site_id = \(bind: site.rawValue) AND id = \(bind: dialect.bind(id)) AND deleted_at IS NULL RETURNING id
            """
        ).all()
        return !rows.isEmpty
    }

    func leaseDue(now: Date, leaseUntil: Date, limit: Int) async throws -> [WebhookDelivery] {
        // The inner SELECT picks due, unleased deliveries; on PostgreSQL it skips rows another
        // dispatcher is leasing right now, so concurrent dispatchers get disjoint batches.
        try await flushChanges()
        return try await db.statement(
            """
            UPDATE webhook_deliveries SET leased_until = \(bind: dialect.bind(leaseUntil))
            WHERE id IN (
                SELECT id FROM webhook_deliveries
                WHERE status = 'PENDING' AND next_attempt_at <= \(bind: dialect.bind(now))
                    AND (leased_until IS NULL OR leased_until <= \(bind: dialect.bind(now)))
                ORDER BY next_attempt_at LIMIT \(bind: limit) \(unsafeRaw: dialect.skipLocked)
            )
            RETURNING \(unsafeRaw: Self.deliveryColumns)
            """
        ).all().map(decodeDelivery)
    }

    func recordDelivered(_ delivery: WebhookDelivery, statusCode: Int, at date: Date) async throws {
        try await db.statement(
            """
            UPDATE webhook_deliveries SET status = 'DELIVERED', attempts = attempts + 1, next_attempt_at = NULL, leased_until = NULL,
                last_status_code = \(bind: statusCode), last_error = NULL, delivered_at = \(bind: dialect.bind(date)),
                updated_at = \(bind: dialect.bind(date))
            WHERE site_id = \(bind: delivery.site.rawValue) AND id = \(bind: dialect.bind(delivery.id))
            """
        ).run()
    }

    func recordFailure(_ delivery: WebhookDelivery, error: String, statusCode: Int?, nextAttempt: Date?, at date: Date) async throws {
        try await db.statement(
            """
            UPDATE webhook_deliveries SET status = \(bind: nextAttempt == nil ? "DEAD" : "PENDING"), attempts = attempts + 1,
                next_attempt_at = \(bind: nextAttempt.map { dialect.bind($0) } ?? dialect.nullTimestamp), leased_until = NULL,
                last_status_code = \(bind: statusCode.map(Int64.init)), last_error = \(bind: String(error.prefix(500))),
                updated_at = \(bind: dialect.bind(date))
            WHERE site_id = \(bind: delivery.site.rawValue) AND id = \(bind: dialect.bind(delivery.id))
            """
        ).run()
    }

    func deliveries(subscriptionID: UUID, site: SiteID, status: DeliveryStatus?, limit: Int) async throws -> [WebhookDelivery] {
        try await flushChanges()
        let statusFilter: StoreSQL = status.map { "AND status = \(bind: $0.rawValue)" } ?? ""
        return try await db.statement(
            """
            SELECT \(unsafeRaw: Self.deliveryColumns) FROM webhook_deliveries
            WHERE site_id = \(bind: site.rawValue) AND subscription_id = \(bind: dialect.bind(subscriptionID)) \(statusFilter)
            ORDER BY created_at DESC, id DESC LIMIT \(bind: limit)
            """
        ).all().map(decodeDelivery)
    }

    func deadDeliveries(site: SiteID, limit: Int) async throws -> [WebhookDelivery] {
        try await flushChanges()
        return try await db.statement(
            """
            SELECT \(unsafeRaw: Self.deliveryColumns) FROM webhook_deliveries
            WHERE site_id = \(bind: site.rawValue) AND status = 'DEAD' ORDER BY updated_at DESC, id DESC LIMIT \(bind: limit)
            """
        ).all().map(decodeDelivery)
    }

    func replay(subscriptionID: UUID, site: SiteID, eventID: UUID?, from: Date?, to: Date?, at date: Date, newID: @Sendable () -> UUID)
        async throws -> Int
    {
        try await flushChanges()
        var condition: StoreSQL = "1 = 0"
        if let eventID {
            condition = "o.id = \(bind: dialect.bind(eventID))"
        } else if let from, let to {
            condition = "o.event_time >= \(bind: dialect.bind(from)) AND o.event_time <= \(bind: dialect.bind(to))"
        }
        // A range replays only the events the subscription wants; one named event is sent as asked.
        let wanted: StoreSQL =
            eventID != nil
            ? ""
            : """
            AND EXISTS (SELECT 1 FROM webhook_subscription_types t WHERE t.site_id = o.site_id
                AND t.subscription_id = \(bind: dialect.bind(subscriptionID)) AND (t.event_type = '*' OR t.event_type = o.entity_fqdn || '_' || o.slug))
            """
        let events = try await db.statement(
            """
            SELECT o.id, o.entity_fqdn, o.slug FROM outbox_events o
            WHERE o.site_id = \(bind: site.rawValue) AND \(condition) \(wanted) ORDER BY o.event_time, o.id
            """
        ).all()
        for event in events {
            try await insertDelivery(
                site: site, id: newID(), subscriptionID: subscriptionID, eventID: try dialect.uuid(event, "id"),
                eventType: "\(try event.string("entity_fqdn"))_\(try event.string("slug"))", at: date
            )
        }
        return events.count
    }

    /// Writes the transaction's pending change events first, so that what follows sees them
    /// and a subscription change comes after the changes made before it
    /// (`SQLChangeEventOutbox.flush`).
    private func flushChanges() async throws {
        try await SQLChangeEventOutbox(db: db, dialect: dialect, memo: memo).flush()
    }

    /// A pending delivery of an event to every subscription of its site that wants the event's type.
    func fanOut(_ event: ChangeEvent) async throws {
        var subscribers: [UUID] = []
        for pair in try await subscriptionTypes(site: event.site)
        where (pair.eventType == event.eventType || pair.eventType == "*") && subscribers.last != pair.subscription {
            subscribers.append(pair.subscription)
        }
        for subscriptionID in subscribers {
            try await insertDelivery(
                site: event.site, id: UUIDv7.generate(), subscriptionID: subscriptionID, eventID: event.id,
                eventType: event.eventType, at: event.eventTime
            )
        }
    }

    /// The site's (subscription, event type) pairs ordered by subscription, read once per
    /// transaction.
    private func subscriptionTypes(site: SiteID) async throws -> [(subscription: UUID, eventType: String)] {
        if let known = memo.subscriptionTypes.withLock({ $0[site] }) { return known }
        let rows = try await db.statement(
            """
            SELECT subscription_id, event_type FROM webhook_subscription_types WHERE site_id = \(bind: site.rawValue)
            ORDER BY subscription_id, event_type
            """
        ).all()
        let pairs = try rows.map { (subscription: try dialect.uuid($0, "subscription_id"), eventType: try $0.string("event_type")) }
        memo.subscriptionTypes.withLock { $0[site] = pairs }
        return pairs
    }

    private func insertDelivery(site: SiteID, id: UUID, subscriptionID: UUID, eventID: UUID, eventType: String, at date: Date) async throws
    {
        try await db.statement(
            """
            INSERT INTO webhook_deliveries (site_id, id, subscription_id, event_id, event_type, status, attempts, next_attempt_at,
                created_at, updated_at)
            VALUES (\(bind: site.rawValue), \(bind: dialect.bind(id)), \(bind: dialect.bind(subscriptionID)), \(bind: dialect.bind(eventID)),
                \(bind: eventType), 'PENDING', 0, \(bind: dialect.bind(date)), \(bind: dialect.bind(date)), \(bind: dialect.bind(date)))
            """
        ).run()
    }

    private func decodeSubscription(_ row: any SQLRow) async throws -> WebhookSubscription {
        let site = try dialect.site(row)
        let id = try dialect.uuid(row, "id")
        let types = try await db.statement(
            """
            SELECT event_type FROM webhook_subscription_types WHERE site_id = \(bind: site.rawValue)
                AND subscription_id = \(bind: dialect.bind(id)) ORDER BY event_type
            """
        ).all().map { try $0.string("event_type") }
        return WebhookSubscription(
            id: id, site: site, url: try row.string("url"),
            eventTypes: types, description: try row.decodeNil(column: "description") ? nil : try row.string("description"),
            revision: try row.int64("revision"), createdDate: try dialect.date(row, "created_at"),
            updatedDate: try dialect.date(row, "updated_at")
        )
    }

    private func decodeDelivery(_ row: any SQLRow) throws -> WebhookDelivery {
        WebhookDelivery(
            id: try dialect.uuid(row, "id"), site: try dialect.site(row), subscriptionID: try dialect.uuid(row, "subscription_id"),
            eventID: try dialect.uuid(row, "event_id"), eventType: try row.string("event_type"),
            status: DeliveryStatus(rawValue: try row.string("status")) ?? .PENDING, attempts: Int(try row.int64("attempts")),
            nextAttemptDate: try dialect.optionalDate(row, "next_attempt_at"),
            lastError: try row.decodeNil(column: "last_error") ? nil : try row.string("last_error"),
            lastStatusCode: try row.decodeNil(column: "last_status_code") ? nil : Int(try row.int64("last_status_code")),
            createdDate: try dialect.date(row, "created_at"), updatedDate: try dialect.date(row, "updated_at"),
            deliveredDate: try dialect.optionalDate(row, "delivered_at")
        )
    }
}

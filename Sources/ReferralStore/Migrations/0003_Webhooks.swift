/// 0003: webhook subscriptions (one row per wanted event type, so matching is a join) and the
/// delivery queue. The queue index starts with status and due time, not the site: the
/// dispatcher serves every site from one queue.
enum Migration0003 {
    static let migration = Migration(
        version: 3,
        reason: "webhooks: subscriptions, their event types, the delivery queue"
    ) { dialect in
        let id = dialect.idType
        let ts = dialect.timestampType
        let int = dialect.bigintType
        return [
            """
            CREATE TABLE webhook_subscriptions (
                site_id TEXT NOT NULL,
                id \(id) NOT NULL,
                url TEXT NOT NULL,
                description TEXT,
                sealed_secret TEXT NOT NULL,
                revision \(int) NOT NULL,
                created_at \(ts) NOT NULL,
                updated_at \(ts) NOT NULL,
                deleted_at \(ts),
                PRIMARY KEY (site_id, id)
            )
            """,
            """
            CREATE TABLE webhook_subscription_types (
                site_id TEXT NOT NULL,
                subscription_id \(id) NOT NULL,
                event_type TEXT NOT NULL,
                PRIMARY KEY (site_id, subscription_id, event_type)
            )
            """,
            "CREATE INDEX webhook_subscription_types_type ON webhook_subscription_types (site_id, event_type)",
            """
            CREATE TABLE webhook_deliveries (
                site_id TEXT NOT NULL,
                id \(id) NOT NULL,
                subscription_id \(id) NOT NULL,
                event_id \(id) NOT NULL,
                event_type TEXT NOT NULL,
                status TEXT NOT NULL,
                attempts \(int) NOT NULL,
                next_attempt_at \(ts),
                leased_until \(ts),
                last_error TEXT,
                last_status_code \(int),
                created_at \(ts) NOT NULL,
                updated_at \(ts) NOT NULL,
                delivered_at \(ts),
                PRIMARY KEY (site_id, id)
            )
            """,
            "CREATE INDEX webhook_deliveries_due ON webhook_deliveries (status, next_attempt_at)",
            "CREATE INDEX webhook_deliveries_subscription ON webhook_deliveries (site_id, subscription_id, created_at)",
            "CREATE INDEX outbox_events_time ON outbox_events (site_id, event_time, id)",
        ]
    }
}

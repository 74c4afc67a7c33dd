/// 0001: programs, referring customers, referred friends, the change outbox, API keys and
/// deployment settings. The site id leads every key so the data can be partitioned by site.
enum Migration0001 {
    static let migration = Migration(
        version: 1,
        reason: "core schema: program, referring customers, referred friends, outbox, API keys, settings"
    ) { dialect in
        let id = dialect.idType
        let ts = dialect.timestampType
        let int = dialect.bigintType
        return [
            """
            CREATE TABLE referral_programs (
                site_id TEXT NOT NULL PRIMARY KEY,
                status TEXT NOT NULL,
                settings TEXT NOT NULL,
                revision \(int) NOT NULL,
                created_at \(ts) NOT NULL,
                updated_at \(ts) NOT NULL
            )
            """,
            """
            CREATE TABLE referring_customers (
                site_id TEXT NOT NULL,
                id \(id) NOT NULL,
                contact_id TEXT NOT NULL,
                referral_code TEXT NOT NULL,
                revision \(int) NOT NULL,
                created_at \(ts) NOT NULL,
                updated_at \(ts) NOT NULL,
                deleted_at \(ts),
                PRIMARY KEY (site_id, id)
            )
            """,
            // Codes stay reserved after a delete: the unique index covers deleted rows too.
            "CREATE UNIQUE INDEX referring_customers_code ON referring_customers (site_id, referral_code)",
            // One live referring customer per contact.
            "CREATE UNIQUE INDEX referring_customers_contact ON referring_customers (site_id, contact_id) WHERE deleted_at IS NULL",
            "CREATE INDEX referring_customers_created ON referring_customers (site_id, created_at, id)",
            """
            CREATE TABLE referred_friends (
                site_id TEXT NOT NULL,
                id \(id) NOT NULL,
                contact_id TEXT NOT NULL,
                referring_customer_id \(id) NOT NULL,
                status TEXT NOT NULL,
                revision \(int) NOT NULL,
                created_at \(ts) NOT NULL,
                updated_at \(ts) NOT NULL,
                deleted_at \(ts),
                PRIMARY KEY (site_id, id)
            )
            """,
            // One live referred-friend record per contact: first referrer wins.
            "CREATE UNIQUE INDEX referred_friends_contact ON referred_friends (site_id, contact_id) WHERE deleted_at IS NULL",
            "CREATE INDEX referred_friends_referrer ON referred_friends (site_id, referring_customer_id, created_at, id)",
            "CREATE INDEX referred_friends_created ON referred_friends (site_id, created_at, id)",
            """
            CREATE TABLE outbox_events (
                site_id TEXT NOT NULL,
                id \(id) NOT NULL,
                entity_fqdn TEXT NOT NULL,
                slug TEXT NOT NULL,
                entity_id TEXT NOT NULL,
                entity_event_sequence \(int) NOT NULL,
                event_time \(ts) NOT NULL,
                snapshot TEXT NOT NULL,
                PRIMARY KEY (site_id, id)
            )
            """,
            """
            CREATE TABLE api_keys (
                id \(id) NOT NULL PRIMARY KEY,
                name TEXT NOT NULL,
                prefix TEXT NOT NULL,
                key_hash TEXT NOT NULL UNIQUE,
                site_id TEXT,
                permissions TEXT NOT NULL,
                created_at \(ts) NOT NULL,
                revoked_at \(ts)
            )
            """,
            """
            CREATE TABLE deployment_settings (
                name TEXT NOT NULL PRIMARY KEY,
                value TEXT NOT NULL
            )
            """,
        ]
    }
}

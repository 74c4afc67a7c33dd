/// 0002: the reward engine and the tracker: events (an order id once per site), issued
/// rewards (once per friend and side; coupon codes unique per site), the statistics and
/// aggregates kept with every event, and the stored social-post suggestions.
enum Migration0002 {
    static let migration = Migration(
        version: 2,
        reason: "reward engine and tracker: events, rewards, statistics, aggregates, social posts"
    ) { dialect in
        let id = dialect.idType
        let ts = dialect.timestampType
        let int = dialect.bigintType
        let amount = dialect.amountType
        return [
            """
            CREATE TABLE referral_events (
                site_id TEXT NOT NULL,
                id \(id) NOT NULL,
                event_type TEXT NOT NULL,
                referred_friend_id \(id),
                referring_customer_id \(id),
                order_id TEXT,
                payload TEXT NOT NULL,
                revision \(int) NOT NULL,
                created_at \(ts) NOT NULL,
                updated_at \(ts) NOT NULL,
                PRIMARY KEY (site_id, id)
            )
            """,
            // An order counts once per site, whichever friend it is reported for.
            "CREATE UNIQUE INDEX referral_events_order ON referral_events (site_id, order_id) WHERE order_id IS NOT NULL",
            // A referral succeeds once per friend.
            """
            CREATE UNIQUE INDEX referral_events_success ON referral_events (site_id, referred_friend_id)
            WHERE event_type = 'SUCCESSFUL_REFERRAL'
            """,
            "CREATE INDEX referral_events_created ON referral_events (site_id, created_at, id)",
            "CREATE INDEX referral_events_friend ON referral_events (site_id, referred_friend_id, created_at, id)",
            """
            CREATE TABLE referral_rewards (
                site_id TEXT NOT NULL,
                id \(id) NOT NULL,
                reward_type TEXT NOT NULL,
                side TEXT NOT NULL,
                source_friend_id \(id) NOT NULL,
                source_contact_id TEXT NOT NULL,
                rewarded_referring_customer_id \(id),
                rewarded_referred_friend_id \(id),
                receiver_contact_id TEXT NOT NULL,
                coupon_id \(id),
                coupon_code TEXT,
                coupon_status TEXT,
                coupon_specification TEXT,
                loyalty_transaction_id TEXT,
                loyalty_amount \(int),
                revision \(int) NOT NULL,
                created_at \(ts) NOT NULL,
                updated_at \(ts) NOT NULL,
                PRIMARY KEY (site_id, id)
            )
            """,
            // Exactly once: one reward per referred contact and side, even if the friend is re-created.
            "CREATE UNIQUE INDEX referral_rewards_once ON referral_rewards (site_id, source_contact_id, side)",
            "CREATE UNIQUE INDEX referral_rewards_coupon_code ON referral_rewards (site_id, coupon_code) WHERE coupon_code IS NOT NULL",
            "CREATE INDEX referral_rewards_created ON referral_rewards (site_id, created_at, id)",
            "CREATE INDEX referral_rewards_receiver ON referral_rewards (site_id, receiver_contact_id, created_at, id)",
            """
            CREATE TABLE referral_statistics (
                site_id TEXT NOT NULL PRIMARY KEY,
                total_sign_ups \(int) NOT NULL,
                total_actions \(int) NOT NULL,
                total_amount \(amount) NOT NULL
            )
            """,
            """
            CREATE TABLE referring_customer_totals (
                site_id TEXT NOT NULL,
                referring_customer_id \(id) NOT NULL,
                contact_id TEXT NOT NULL,
                total_successful_referrals \(int) NOT NULL,
                total_amount \(amount) NOT NULL,
                total_friends_with_actions \(int) NOT NULL,
                last_successful_referral \(ts),
                last_friend_action \(ts),
                created_at \(ts) NOT NULL,
                updated_at \(ts) NOT NULL,
                PRIMARY KEY (site_id, referring_customer_id)
            )
            """,
            "CREATE INDEX referring_customer_totals_updated ON referring_customer_totals (site_id, updated_at, referring_customer_id)",
            """
            INSERT INTO referring_customer_totals (site_id, referring_customer_id, contact_id, total_successful_referrals,
                total_amount, total_friends_with_actions, created_at, updated_at)
            SELECT site_id, id, contact_id, 0, 0, 0, created_at, updated_at FROM referring_customers WHERE deleted_at IS NULL
            """,
            """
            CREATE TABLE referred_friend_actions (
                site_id TEXT NOT NULL,
                referred_friend_id \(id) NOT NULL,
                contact_id TEXT NOT NULL,
                referring_customer_id \(id) NOT NULL,
                trigger_app_id TEXT,
                trigger_activity_type TEXT NOT NULL,
                action_date \(ts) NOT NULL,
                total_actions \(int) NOT NULL,
                total_amount \(amount) NOT NULL,
                signup_date \(ts) NOT NULL,
                reward_id \(id),
                created_at \(ts) NOT NULL,
                updated_at \(ts) NOT NULL,
                PRIMARY KEY (site_id, referred_friend_id)
            )
            """,
            "CREATE INDEX referred_friend_actions_date ON referred_friend_actions (site_id, action_date, referred_friend_id)",
            """
            CREATE TABLE social_post_suggestions (
                site_id TEXT NOT NULL PRIMARY KEY,
                suggestions TEXT NOT NULL,
                program_revision \(int) NOT NULL,
                generated_at \(ts) NOT NULL
            )
            """,
        ]
    }
}

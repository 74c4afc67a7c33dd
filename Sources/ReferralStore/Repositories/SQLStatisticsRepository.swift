import Foundation
import ReferralCore
import SQLKit

/// The tracker's aggregates. Every method is one indexed statement, run in the transaction of
/// the event it counts, so the aggregates always equal a recount of the events; the site's
/// totals and the referring customers' totals are added once, at the end of that transaction.
struct SQLStatisticsRepository: StatisticsRepository {
    let db: any SQLDatabase
    let dialect: StoreDialect

    let memo: TransactionMemo

    func statistics(site: SiteID) async throws -> ReferralStatistics {
        // What this transaction counted so far is part of what it reads.
        try await addSiteCounts()
        guard
            let row = try await db.statement(
                """
                SELECT total_sign_ups, total_actions, \(unsafeRaw: dialect.amountUnits("total_amount")) AS total_amount_units
                FROM referral_statistics WHERE site_id = \(bind: site.rawValue)
                """
            ).first()
        else { return ReferralStatistics() }
        return ReferralStatistics(
            totalSignUpsCompleted: try row.int64("total_sign_ups"), totalActionsCompleted: try row.int64("total_actions"),
            totalAmountUnits: try row.int64("total_amount_units")
        )
    }

    func recordSignUp(site: SiteID) async throws {
        memo.siteCounts.withLock { $0[site, default: SiteCounts()].signUps += 1 }
    }

    func recordAction(site: SiteID, amountUnits: Int64) async throws {
        memo.siteCounts.withLock {
            $0[site, default: SiteCounts()].actions += 1
            $0[site, default: SiteCounts()].amountUnits += amountUnits
        }
    }

    /// Adds the transaction's counts to the sites' statistics rows, one statement per site, in
    /// site order. Called last, just before COMMIT: every transaction of a site updates the same
    /// row, and PostgreSQL holds its lock until COMMIT, so an update early in a transaction
    /// queued the site's other writers behind all the statements that followed it (new orders
    /// spent most of their time waiting there).
    func addSiteCounts() async throws {
        let counts = memo.siteCounts.withLock { counts in
            defer { counts = [:] }
            return counts.sorted { $0.key.rawValue < $1.key.rawValue }
        }
        for (site, count) in counts {
            try await db.statement(
                """
                \(unsafeRaw: dialect.orFail("INSERT")) INTO referral_statistics (site_id, total_sign_ups, total_actions, total_amount)
                VALUES (\(bind: site.rawValue), \(bind: count.signUps), \(bind: count.actions), \(dialect.amount(count.amountUnits)))
                ON CONFLICT (site_id) DO UPDATE SET
                    total_sign_ups = referral_statistics.total_sign_ups + excluded.total_sign_ups,
                    total_actions = referral_statistics.total_actions + excluded.total_actions,
                    total_amount = referral_statistics.total_amount + excluded.total_amount
                """
            ).run()
        }
    }

    /// Adds the transaction's increments to the referring customers' totals, one statement per
    /// customer, in key order. A new order used to update its referrer's row twice (the action,
    /// then the successful referral), each time moving its entry in the `updated_at` index.
    func addCustomerTotals() async throws {
        let totals = memo.customerTotals.withLock { totals in
            defer { totals = [:] }
            return totals.sorted { ($0.key.site.rawValue, $0.key.id.uuidString) < ($1.key.site.rawValue, $1.key.id.uuidString) }
        }
        for (key, delta) in totals {
            var assignments: StoreSQL = """
                total_amount = total_amount + \(dialect.amount(delta.amountUnits)),
                total_friends_with_actions = total_friends_with_actions + \(bind: delta.friendsWithActions),
                total_successful_referrals = total_successful_referrals + \(bind: delta.successfulReferrals),
                updated_at = \(bind: dialect.bind(delta.updatedAt))
                """
            if let date = delta.lastFriendAction { assignments += ", last_friend_action = \(bind: dialect.bind(date))" }
            if let date = delta.lastSuccessfulReferral { assignments += ", last_successful_referral = \(bind: dialect.bind(date))" }
            try await db.statement(
                """
                \(unsafeRaw: dialect.orFail("UPDATE")) referring_customer_totals SET \(assignments)
                WHERE site_id = \(bind: key.site.rawValue) AND referring_customer_id = \(bind: dialect.bind(key.id))
                """
            ).run()
        }
    }

    func customerCreated(_ customer: ReferringCustomer) async throws {
        // Increments recorded earlier in the transaction apply to the row as it was then.
        try await addCustomerTotals()
        try await db.statement(
            """
            INSERT INTO referring_customer_totals (site_id, referring_customer_id, contact_id, total_successful_referrals,
                total_amount, total_friends_with_actions, created_at, updated_at)
            VALUES (\(bind: customer.site.rawValue), \(bind: dialect.bind(customer.id)), \(bind: customer.contactID), 0, 0, 0,
                \(bind: dialect.bind(customer.createdDate)), \(bind: dialect.bind(customer.updatedDate)))
            ON CONFLICT DO NOTHING
            """
        ).run()
    }

    func customerDeleted(id: UUID, site: SiteID) async throws {
        try await addCustomerTotals()
        try await db.statement(
            "DELETE FROM referring_customer_totals WHERE site_id = \(bind: site.rawValue) AND referring_customer_id = \(bind: dialect.bind(id))"
        ).run()
    }

    func recordFriendAction(_ friend: ReferredFriend, trigger: ActionTrigger, amountUnits: Int64, at date: Date) async throws -> Bool {
        let row = try await db.statement(
            """
            \(unsafeRaw: dialect.orFail("INSERT")) INTO referred_friend_actions (site_id, referred_friend_id, contact_id, referring_customer_id, trigger_app_id,
                trigger_activity_type, action_date, total_actions, total_amount, signup_date, created_at, updated_at)
            VALUES (\(bind: friend.site.rawValue), \(bind: dialect.bind(friend.id)), \(bind: friend.contactID),
                \(bind: dialect.bind(friend.referringCustomerID)), \(bind: trigger.appID), \(bind: trigger.activityType.rawValue),
                \(bind: dialect.bind(date)), 1, \(dialect.amount(amountUnits)), \(bind: dialect.bind(friend.createdDate)),
                \(bind: dialect.bind(date)), \(bind: dialect.bind(date)))
            ON CONFLICT (site_id, referred_friend_id) DO UPDATE SET
                total_actions = referred_friend_actions.total_actions + 1,
                total_amount = referred_friend_actions.total_amount + excluded.total_amount,
                updated_at = excluded.updated_at
            RETURNING total_actions
            """
        ).first()
        let first = try row?.int64("total_actions") == 1
        memo.recordCustomerTotals(site: friend.site, id: friend.referringCustomerID) { delta in
            delta.amountUnits += amountUnits
            delta.friendsWithActions += first ? 1 : 0
            delta.lastFriendAction = date
            delta.updatedAt = date
        }
        return first
    }

    func recordSuccessfulReferral(_ friend: ReferredFriend, rewardID: UUID?, at date: Date) async throws {
        memo.recordCustomerTotals(site: friend.site, id: friend.referringCustomerID) { delta in
            delta.successfulReferrals += 1
            delta.lastSuccessfulReferral = date
            delta.updatedAt = date
        }
        if let rewardID {
            try await db.statement(
                """
                UPDATE referred_friend_actions SET reward_id = \(bind: dialect.bind(rewardID))
                WHERE site_id = \(bind: friend.site.rawValue) AND referred_friend_id = \(bind: dialect.bind(friend.id))
                """
            ).run()
        }
    }

    static let totalCompilers = DialectCompilers(
        schema: .referringCustomerTotals, columns: totalColumns, uuidFields: ["id", "referringCustomerId"])
    static let totalColumns = [
        "id": "referring_customer_id", "referringCustomerId": "referring_customer_id", "contactId": "contact_id",
        "createdDate": "created_at", "updatedDate": "updated_at",
    ]

    func queryCustomerTotals(_ query: ParsedQuery, site: SiteID, contactIDs: [String]?) async throws -> [ReferringCustomerTotal] {
        // What this transaction counted so far is part of what it reads.
        try await addCustomerTotals()
        let compiled = Self.totalCompilers[dialect].compile(query)
        return try await db.statement(
            """
            SELECT *, \(unsafeRaw: dialect.amountUnits("total_amount")) AS total_amount_units FROM referring_customer_totals
            WHERE site_id = \(bind: site.rawValue) \(Self.contactFilter(contactIDs, column: "contact_id")) AND \(compiled.whereClause)
            ORDER BY \(compiled.orderBy) LIMIT \(unsafeRaw: String(compiled.limit))
            """
        ).all().map { row in
            ReferringCustomerTotal(
                referringCustomerID: try dialect.uuid(row, "referring_customer_id"), contactID: try row.string("contact_id"),
                lastSuccessfulReferral: try dialect.optionalDate(row, "last_successful_referral"),
                totalSuccessfulReferrals: try row.int64("total_successful_referrals"),
                totalAmountUnits: try row.int64("total_amount_units"),
                lastFriendAction: try dialect.optionalDate(row, "last_friend_action"),
                totalFriendsWithActions: try row.int64("total_friends_with_actions"),
                createdDate: try dialect.date(row, "created_at"), updatedDate: try dialect.date(row, "updated_at")
            )
        }
    }

    static let activityCompilers = DialectCompilers(
        schema: .referredFriendActions, columns: activityColumns, uuidFields: ["id", "referredFriendId", "referringCustomerId"])
    static let activityColumns = [
        "id": "a.referred_friend_id", "referredFriendId": "a.referred_friend_id", "contactId": "a.contact_id",
        "referringCustomerId": "a.referring_customer_id", "actionDate": "a.action_date", "signupDate": "a.signup_date",
        "createdDate": "a.created_at", "updatedDate": "a.updated_at",
    ]

    func queryFriendActivity(_ query: ParsedQuery, site: SiteID, contactIDs: [String]?) async throws -> [ReferredFriendActivity] {
        let compiled = Self.activityCompilers[dialect].compile(query)
        let rewardColumns = SQLReferralRewardRepository.columns.split(separator: ",")
            .map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }
            .map { "r.\($0) AS r_\($0)" }.joined(separator: ", ")
        let rewards = SQLReferralRewardRepository(db: db, dialect: dialect)
        return try await db.statement(
            """
            SELECT a.*, \(unsafeRaw: dialect.amountUnits("a.total_amount")) AS total_amount_units, \(unsafeRaw: rewardColumns)
            FROM referred_friend_actions a
            LEFT JOIN referral_rewards r ON r.site_id = a.site_id AND r.id = a.reward_id
            WHERE a.site_id = \(bind: site.rawValue) \(Self.contactFilter(contactIDs, column: "a.contact_id")) AND \(compiled.whereClause)
            ORDER BY \(compiled.orderBy) LIMIT \(unsafeRaw: String(compiled.limit))
            """
        ).all().map { row in
            ReferredFriendActivity(
                referredFriendID: try dialect.uuid(row, "referred_friend_id"), contactID: try row.string("contact_id"),
                referringCustomerID: try dialect.uuid(row, "referring_customer_id"),
                trigger: ActionTrigger(
                    appID: try row.decodeNil(column: "trigger_app_id") ? nil : try row.string("trigger_app_id"),
                    activityType: ReferralAction(rawValue: try row.string("trigger_activity_type")) ?? .UNKNOWN
                ),
                actionDate: try dialect.date(row, "action_date"), totalActions: try row.int64("total_actions"),
                totalAmountUnits: try row.int64("total_amount_units"), signupDate: try dialect.date(row, "signup_date"),
                reward: try row.decodeNil(column: "r_id") ? nil : try rewards.decode(row, prefix: "r_"),
                createdDate: try dialect.date(row, "created_at"), updatedDate: try dialect.date(row, "updated_at")
            )
        }
    }

    /// `contactIds` of the aggregate queries: `AND column IN (...)`; an empty list matches nothing.
    static func contactFilter(_ contactIDs: [String]?, column: String) -> StoreSQL {
        guard let contactIDs else { return "" }
        guard !contactIDs.isEmpty else { return "AND 1 = 0" }
        return "AND \(unsafeRaw: column) IN (\(binds: contactIDs))"
    }
}

struct SQLSocialPostRepository: SocialPostRepository {
    let db: any SQLDatabase
    let dialect: StoreDialect

    func find(site: SiteID) async throws -> StoredSocialPosts? {
        guard
            let row = try await db.statement(
                "SELECT suggestions, program_revision, generated_at FROM social_post_suggestions WHERE site_id = \(bind: site.rawValue)"
            ).first()
        else { return nil }
        return StoredSocialPosts(
            suggestions: try StoredJSON.decode([SocialPostSuggestion].self, from: try row.string("suggestions")),
            programRevision: try row.int64("program_revision"), generatedDate: try dialect.date(row, "generated_at")
        )
    }

    func save(_ posts: StoredSocialPosts, site: SiteID) async throws {
        try await db.statement(
            """
            INSERT INTO social_post_suggestions (site_id, suggestions, program_revision, generated_at)
            VALUES (\(bind: site.rawValue), \(bind: try StoredJSON.encode(posts.suggestions)), \(bind: posts.programRevision),
                \(bind: dialect.bind(posts.generatedDate)))
            ON CONFLICT (site_id) DO UPDATE SET suggestions = excluded.suggestions, program_revision = excluded.program_revision,
                generated_at = excluded.generated_at
            """
        ).run()
    }
}

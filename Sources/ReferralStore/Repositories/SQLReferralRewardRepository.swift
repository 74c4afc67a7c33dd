import Foundation
import ReferralCore
import SQLKit

struct SQLReferralRewardRepository: ReferralRewardRepository {
    let db: any SQLDatabase
    let dialect: StoreDialect

    static let columns = """
        site_id, id, reward_type, source_friend_id, source_contact_id, rewarded_referring_customer_id, rewarded_referred_friend_id, receiver_contact_id, \
        coupon_id, coupon_code, coupon_status, coupon_specification, loyalty_transaction_id, loyalty_amount, revision, created_at, updated_at
        """
    static let compilers = DialectCompilers(
        schema: .referralRewards, columns: fieldColumns, uuidFields: ["id", "rewardedReferringCustomerId", "rewardedReferredFriendId"])
    static let fieldColumns = [
        "id": "id", "rewardedReferringCustomerId": "rewarded_referring_customer_id",
        "rewardedReferredFriendId": "rewarded_referred_friend_id", "rewardType": "reward_type",
        "createdDate": "created_at", "updatedDate": "updated_at",
    ]

    func insert(_ reward: ReferralReward) async throws -> InsertOutcome<ReferralReward> {
        var referrer: UUID?
        var friend: UUID?
        switch reward.receiver {
        case .referringCustomer(let id): referrer = id
        case .referredFriend(let id): friend = id
        }
        let inserted = try await db.statement(
            """
            \(unsafeRaw: dialect.orFail("INSERT")) INTO referral_rewards (site_id, id, reward_type, side, source_friend_id, source_contact_id, rewarded_referring_customer_id,
                rewarded_referred_friend_id, receiver_contact_id, coupon_id, coupon_code, coupon_status, coupon_specification,
                loyalty_transaction_id, loyalty_amount, revision, created_at, updated_at)
            VALUES (\(bind: reward.site.rawValue), \(bind: dialect.bind(reward.id)), \(bind: reward.rewardType.rawValue),
                \(bind: reward.side.rawValue), \(bind: dialect.bind(reward.sourceFriendID)), \(bind: reward.sourceContactID),
                \(bind: dialect.bind(referrer)),
                \(bind: dialect.bind(friend)), \(bind: reward.receiverContactID), \(bind: dialect.bind(reward.coupon?.id)),
                \(bind: reward.coupon?.code), \(bind: reward.coupon?.status.rawValue),
                \(bind: try reward.coupon.map { try StoredJSON.encode($0.specification) }),
                \(bind: reward.loyaltyPoints?.transactionID), \(bind: reward.loyaltyPoints.map { Int64($0.amount) }),
                \(bind: reward.revision), \(bind: dialect.bind(reward.createdDate)), \(bind: dialect.bind(reward.updatedDate)))
            ON CONFLICT DO NOTHING
            RETURNING id
            """
        ).first()
        if inserted != nil { return .inserted }
        if let existing = try await db.statement(
            """
            SELECT \(unsafeRaw: Self.columns) FROM referral_rewards WHERE site_id = \(bind: reward.site.rawValue)
                AND source_contact_id = \(bind: reward.sourceContactID) AND side = \(bind: reward.side.rawValue)
            """
        ).first().map({ try decode($0) }) {
            return .duplicate(existing)
        }
        return .collision
    }

    func find(id: UUID, site: SiteID) async throws -> ReferralReward? {
        try await db.statement(
            "SELECT \(unsafeRaw: Self.columns) FROM referral_rewards WHERE site_id = \(bind: site.rawValue) AND id = \(bind: dialect.bind(id))"
        ).first().map({ try decode($0) })
    }

    func applyCoupon(code: String, site: SiteID, at date: Date) async throws -> CouponApplication {
        // The status condition makes the transition happen once, whatever runs concurrently.
        if let applied = try await db.statement(
            """
            UPDATE referral_rewards SET coupon_status = 'APPLIED', revision = revision + 1, updated_at = \(bind: dialect.bind(date))
            WHERE site_id = \(bind: site.rawValue) AND coupon_code = \(bind: code) AND coupon_status = 'ACTIVE'
            RETURNING \(unsafeRaw: Self.columns)
            """
        ).first() {
            return .applied(try decode(applied))
        }
        if let existing = try await db.statement(
            "SELECT \(unsafeRaw: Self.columns) FROM referral_rewards WHERE site_id = \(bind: site.rawValue) AND coupon_code = \(bind: code)"
        ).first() {
            return .alreadyApplied(try decode(existing))
        }
        return .notFound
    }

    func query(_ query: ParsedQuery, site: SiteID, receiverContactID: String?) async throws -> [ReferralReward] {
        let compiled = Self.compilers[dialect].compile(query)
        let receiver: StoreSQL = receiverContactID.map { "AND receiver_contact_id = \(bind: $0)" } ?? ""
        return try await db.statement(
            """
            SELECT \(unsafeRaw: Self.columns) FROM referral_rewards
            WHERE site_id = \(bind: site.rawValue) \(receiver) AND \(compiled.whereClause)
            ORDER BY \(compiled.orderBy) LIMIT \(unsafeRaw: String(compiled.limit))
            """
        ).all().map({ try decode($0) })
    }

    /// Decodes a reward whose columns may carry a prefix (when joined into another query).
    func decode(_ row: any SQLRow, prefix: String = "") throws -> ReferralReward {
        func column(_ name: String) -> String { prefix + name }
        let receiver: RewardReceiver
        if try row.decodeNil(column: column("rewarded_referring_customer_id")) {
            receiver = .referredFriend(try dialect.uuid(row, column("rewarded_referred_friend_id")))
        } else {
            receiver = .referringCustomer(try dialect.uuid(row, column("rewarded_referring_customer_id")))
        }
        var coupon: IssuedCoupon?
        if !(try row.decodeNil(column: column("coupon_code"))) {
            coupon = IssuedCoupon(
                id: try dialect.uuid(row, column("coupon_id")), code: try row.string(column("coupon_code")),
                status: CouponStatus(rawValue: try row.string(column("coupon_status"))) ?? .UNKNOWN,
                specification: try StoredJSON.decode(CouponSpecification.self, from: try row.string(column("coupon_specification")))
            )
        }
        var points: LoyaltyPointsGrant?
        if !(try row.decodeNil(column: column("loyalty_transaction_id"))) {
            points = LoyaltyPointsGrant(
                transactionID: try row.string(column("loyalty_transaction_id")), amount: Int(try row.int64(column("loyalty_amount")))
            )
        }
        return ReferralReward(
            id: try dialect.uuid(row, column("id")), site: try SiteID(validating: try row.string(column("site_id"))), receiver: receiver,
            sourceFriendID: try dialect.uuid(row, column("source_friend_id")),
            sourceContactID: try row.string(column("source_contact_id")),
            receiverContactID: try row.string(column("receiver_contact_id")),
            rewardType: RewardType(rawValue: try row.string(column("reward_type"))) ?? .UNKNOWN, coupon: coupon, loyaltyPoints: points,
            revision: try row.int64(column("revision")), createdDate: try dialect.date(row, column("created_at")),
            updatedDate: try dialect.date(row, column("updated_at"))
        )
    }
}

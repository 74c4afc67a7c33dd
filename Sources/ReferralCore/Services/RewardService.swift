import Foundation

/// Issued rewards: read-only to clients, plus coupon redemption [ext].
public struct RewardService: Sendable {
    let store: any ReferralStore
    let generators: Generators
    let cursors: CursorCodec

    public func get(_ caller: Caller, id: String) async throws -> ReferralReward {
        try caller.requireAdmin(.readRewards)
        let uuid = try parseEntityID(id, notFound: Self.notFound)
        guard let reward = try await store.read({ try await $0.referralRewards.find(id: uuid, site: caller.site) }) else {
            throw Self.notFound(id)
        }
        return reward
    }

    /// Rewards of the site, or of one contact (as referring customer or as referred friend).
    /// A member sees only their own rewards.
    public func query(_ caller: Caller, _ query: JSONValue?, contactID requested: String?) async throws -> QueryPage<ReferralReward> {
        let contactID: String?
        switch caller.identity {
        case .apiKey:
            try caller.requireAdmin(.readRewards)
            contactID = try requested.map { try caller.resolveContact($0, field: "contactId") }
        case .member(let own, _):
            let resolved = try caller.resolveContact(requested ?? "me", field: "contactId")
            guard resolved == own else { throw ReferralError.permissionDenied("A member can only read their own rewards.") }
            contactID = own
        case .visitor:
            throw ReferralError.permissionDenied("A visitor has no rewards; log in as a member first.")
        }
        let parsed = try QueryParser.parse(query, schema: .referralRewards, cursors: cursors)
        let rows = try await store.read { try await $0.referralRewards.query(parsed, site: caller.site, receiverContactID: contactID) }
        return QueryPager.page(parsed, fetched: rows, schema: .referralRewards, cursors: cursors) { reward in
            parsed.sort.map { key -> FilterScalar in
                switch key.field {
                case "rewardedReferringCustomerId":
                    if case .referringCustomer(let id) = reward.receiver { .string(id.lowercased) } else { .string("") }
                case "rewardedReferredFriendId":
                    if case .referredFriend(let id) = reward.receiver { .string(id.lowercased) } else { .string("") }
                case "rewardType": .string(reward.rewardType.rawValue)
                case "createdDate": .timestamp(reward.createdDate.milliseconds)
                case "updatedDate": .timestamp(reward.updatedDate.milliseconds)
                default: .string(reward.id.lowercased)
                }
            }
        }
    }

    /// Marks an issued coupon APPLIED, exactly once.
    public func applyCoupon(_ caller: Caller, code: String) async throws -> ReferralReward {
        try caller.requireAdmin(.manageReferralEvents)
        let trimmed = code.trimmingWhitespace()
        guard !trimmed.isEmpty else { throw ReferralError.validation(field: "code", "is required", rule: "REQUIRED_FIELD") }
        let now = generators.now()
        let outcome = try await store.write { try await $0.referralRewards.applyCoupon(code: trimmed, site: caller.site, at: now) }
        switch outcome {
        case .applied(let reward): return reward
        case .alreadyApplied:
            throw ReferralError(
                .failedPrecondition, code: "COUPON_ALREADY_APPLIED", message: "Coupon \(trimmed) was already applied.",
                data: ["code": trimmed]
            )
        case .notFound:
            throw ReferralError(
                .notFound, code: "COUPON_NOT_FOUND", message: "No issued coupon has the code \(trimmed).", data: ["code": trimmed])
        }
    }

    static func notFound(_ id: String) -> ReferralError {
        .notFound("REFERRAL_REWARD_NOT_FOUND", "Referral reward \(id) was not found.", id: id)
    }
}

import Foundation

/// The reward engine: records events, keeps the aggregates, and issues rewards, always inside
/// the caller's write transaction so that a change, its events, its rewards, its statistics
/// and its outbox rows commit together or not at all.
enum ReferralEngine {
    static let couponCodeAttempts = 8

    /// Records an event and its outbox row. An order id the site already has yields the
    /// original event, with `isNew` false, and records nothing.
    @discardableResult
    static func record(
        _ kind: ReferralEventKind, site: SiteID, in tx: any StoreTransaction, generators: Generators
    ) async throws -> (event: ReferralEvent, isNew: Bool) {
        let now = generators.now()
        let event = ReferralEvent(id: generators.newID(), site: site, kind: kind, createdDate: now, updatedDate: now)
        switch try await tx.referralEvents.insert(event) {
        case .inserted:
            try await ChangeEvent.record(.created, .referralEvent(event), sequence: 1, in: tx, generators: generators)
            return (event, true)
        case .duplicate(let original):
            return (original, false)
        case .collision:
            throw StoreInvariantError("referral event id collision")
        }
    }

    /// A friend signed up while the program is active: the sign-up event, its statistic, and
    /// the friend's reward.
    static func friendSignedUp(
        _ friend: ReferredFriend, program: ReferralProgram, in tx: any StoreTransaction, generators: Generators
    ) async throws {
        try await record(.referredFriendSignup(referredFriendID: friend.id), site: friend.site, in: tx, generators: generators)
        try await tx.statistics.recordSignUp(site: friend.site)
        if let issuance = RewardRules.signUpReward(program: program) {
            _ = try await issue(
                issuance, to: .referredFriend(friend.id), contactID: friend.contactID, for: friend, in: tx, generators: generators
            )
        }
    }

    /// An action was reported: recorded and counted once per order; the first qualifying action
    /// completes the referral and rewards the referring customer.
    static func actionReported(
        _ action: ReportedAction, by friend: ReferredFriend, program: ReferralProgram, in tx: any StoreTransaction,
        generators: Generators
    ) async throws -> ReferralEvent {
        let kind = ReferralEventKind.action(
            referredFriendID: friend.id, referringCustomerID: friend.referringCustomerID, trigger: action.trigger,
            amount: action.amount, currency: action.currency, orderID: action.orderID
        )
        let (event, isNew) = try await record(kind, site: friend.site, in: tx, generators: generators)
        guard isNew else { return event }
        let units = action.amount?.units ?? 0
        try await tx.statistics.recordAction(site: friend.site, amountUnits: units)
        _ = try await tx.statistics.recordFriendAction(friend, trigger: action.trigger, amountUnits: units, at: event.createdDate)

        guard RewardRules.completesReferral(action: action.trigger.activityType, program: program, friend: friend) else { return event }
        var completed = friend
        completed.status = .ACTIONS_COMPLETED
        completed.revision += 1
        completed.updatedDate = generators.now()
        // A concurrent action may have completed the referral first; then this one earns nothing.
        guard try await tx.referredFriends.update(completed, expectedRevision: friend.revision) else { return event }
        try await ChangeEvent.record(.updated, .referredFriend(completed), sequence: completed.revision, in: tx, generators: generators)
        // A referral succeeds once per friend, even if an operator set the friend's status back.
        let (_, firstSuccess) = try await record(
            .successfulReferral(referredFriendID: friend.id, referringCustomerID: friend.referringCustomerID),
            site: friend.site, in: tx, generators: generators
        )
        guard firstSuccess else { return event }
        var rewardID: UUID?
        if let issuance = RewardRules.referrerReward(program: program),
            let referrer = try await tx.referringCustomers.find(id: friend.referringCustomerID, site: friend.site)
        {
            rewardID = try await issue(
                issuance, to: .referringCustomer(referrer.id), contactID: referrer.contactID, for: friend, in: tx, generators: generators
            )?.id
        }
        try await tx.statistics.recordSuccessfulReferral(friend, rewardID: rewardID, at: completed.updatedDate)
        return event
    }

    /// Issues a reward at most once per friend and side. Returns nil when it was issued before.
    static func issue(
        _ issuance: RewardRules.Issuance, to receiver: RewardReceiver, contactID: String, for friend: ReferredFriend,
        in tx: any StoreTransaction, generators: Generators
    ) async throws -> ReferralReward? {
        for _ in 0..<couponCodeAttempts {
            let now = generators.now()
            var reward = ReferralReward(
                id: generators.newID(), site: friend.site, receiver: receiver, sourceFriendID: friend.id, sourceContactID: friend.contactID,
                receiverContactID: contactID,
                rewardType: .NOTHING, coupon: nil, loyaltyPoints: nil, revision: 1, createdDate: now, updatedDate: now
            )
            switch issuance {
            case .coupon(let specification):
                reward.rewardType = .COUPON
                reward.coupon = IssuedCoupon(
                    id: generators.newID(), code: generators.couponCode(), status: .ACTIVE, specification: specification)
            case .loyaltyPoints(let amount):
                reward.rewardType = .LOYALTY_POINTS
                reward.loyaltyPoints = LoyaltyPointsGrant(transactionID: generators.newID().lowercased, amount: amount)
            }
            switch try await tx.referralRewards.insert(reward) {
            case .inserted:
                try await ChangeEvent.record(.created, .referralReward(reward), sequence: 1, in: tx, generators: generators)
                try await record(
                    .reward(receiver: receiver, referralRewardID: reward.id, rewardType: reward.rewardType),
                    site: friend.site, in: tx, generators: generators
                )
                return reward
            case .duplicate:
                return nil
            case .collision:
                continue
            }
        }
        throw StoreInvariantError("\(couponCodeAttempts) coupon code collisions in a row")
    }
}

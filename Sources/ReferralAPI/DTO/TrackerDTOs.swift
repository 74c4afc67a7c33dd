import Foundation
import ReferralCore

struct IssuedCouponDTO: Encodable, Sendable {
    var id: String
    var code: String
    var status: String
    var couponSpecification: CouponDTO

    init(_ coupon: IssuedCoupon) {
        id = coupon.id.lowercased
        code = coupon.code
        status = coupon.status.rawValue
        couponSpecification = CouponDTO(coupon.specification)
    }
}

struct LoyaltyPointsDTO: Encodable, Sendable {
    var transactionId: String
    var amount: Int

    init(_ grant: LoyaltyPointsGrant) {
        transactionId = grant.transactionID
        amount = grant.amount
    }
}

struct ReferralRewardDTO: Encodable, Sendable {
    var id: String
    var revision: String
    var createdDate: String
    var updatedDate: String
    var rewardType: String
    var rewardedReferringCustomerId: String?
    var rewardedReferredFriendId: String?
    var coupon: IssuedCouponDTO?
    var loyaltyPoints: LoyaltyPointsDTO?

    init(_ reward: ReferralReward) {
        id = reward.id.lowercased
        revision = String(reward.revision)
        createdDate = Timestamp.format(reward.createdDate)
        updatedDate = Timestamp.format(reward.updatedDate)
        rewardType = reward.rewardType.rawValue
        switch reward.receiver {
        case .referringCustomer(let id): rewardedReferringCustomerId = id.lowercased
        case .referredFriend(let id): rewardedReferredFriendId = id.lowercased
        }
        coupon = reward.coupon.map(IssuedCouponDTO.init)
        loyaltyPoints = reward.loyaltyPoints.map(LoyaltyPointsDTO.init)
    }
}

struct ReferralRewardEnvelope: Encodable, Sendable {
    var referralReward: ReferralRewardDTO
}

struct ReferralRewardsPage: Encodable, Sendable {
    var referralRewards: [ReferralRewardDTO]
    var metadata: PagingMetadataDTO
}

struct TriggerDTO: Encodable, Sendable {
    var appId: String?
    var activityType: String

    init(_ trigger: ActionTrigger) {
        appId = trigger.appID
        activityType = trigger.activityType.rawValue
    }
}

/// `ReferralEvent` with its one-of member.
struct ReferralEventDTO: Encodable, Sendable {
    struct Signup: Encodable, Sendable { var referredFriendId: String }
    struct Successful: Encodable, Sendable {
        var referredFriendId: String
        var referringCustomerId: String
    }
    struct Action: Encodable, Sendable {
        var referredFriendId: String
        var referringCustomerId: String
        var trigger: TriggerDTO
        var amount: String?
        var currency: String?
        var orderId: String
    }
    struct RewardEvent: Encodable, Sendable {
        var rewardedReferringCustomerId: String?
        var rewardedReferredFriendId: String?
        var referralRewardId: String
        var rewardType: String
    }

    var id: String
    var revision: String
    var createdDate: String
    var updatedDate: String
    var referredFriendSignupEvent: Signup?
    var successfulReferralEvent: Successful?
    var actionEvent: Action?
    var rewardEvent: RewardEvent?

    init(_ event: ReferralEvent) {
        id = event.id.lowercased
        revision = String(event.revision)
        createdDate = Timestamp.format(event.createdDate)
        updatedDate = Timestamp.format(event.updatedDate)
        switch event.kind {
        case .referredFriendSignup(let friend):
            referredFriendSignupEvent = Signup(referredFriendId: friend.lowercased)
        case .successfulReferral(let friend, let customer):
            successfulReferralEvent = Successful(referredFriendId: friend.lowercased, referringCustomerId: customer.lowercased)
        case .action(let friend, let customer, let trigger, let amount, let currency, let orderID):
            actionEvent = Action(
                referredFriendId: friend.lowercased, referringCustomerId: customer.lowercased, trigger: TriggerDTO(trigger),
                amount: amount?.text, currency: currency, orderId: orderID
            )
        case .reward(let receiver, let rewardID, let type):
            var reward = RewardEvent(referralRewardId: rewardID.lowercased, rewardType: type.rawValue)
            switch receiver {
            case .referringCustomer(let id): reward.rewardedReferringCustomerId = id.lowercased
            case .referredFriend(let id): reward.rewardedReferredFriendId = id.lowercased
            }
            rewardEvent = reward
        }
    }
}

struct ReferralEventEnvelope: Encodable, Sendable {
    var referralEvent: ReferralEventDTO
}

struct ReferralEventsPage: Encodable, Sendable {
    var referralEvents: [ReferralEventDTO]
    var metadata: PagingMetadataDTO
}

struct StatisticsDTO: Encodable, Sendable {
    var totalSignUpsCompleted: Int64
    var totalActionsCompleted: Int64
    var totalAmountGenerated: String

    init(_ statistics: ReferralStatistics) {
        totalSignUpsCompleted = statistics.totalSignUpsCompleted
        totalActionsCompleted = statistics.totalActionsCompleted
        totalAmountGenerated = DecimalAmount.formatTwoDecimals(units: statistics.totalAmountUnits)
    }
}

struct ReferringCustomerTotalDTO: Encodable, Sendable {
    var referringCustomerId: String
    var contactId: String
    var lastSuccessfulReferral: String?
    var totalSuccessfulReferrals: Int64
    var totalAmountGenerated: String
    var lastFriendAction: String?
    var totalFriendsWithActions: Int64

    init(_ total: ReferringCustomerTotal) {
        referringCustomerId = total.referringCustomerID.lowercased
        contactId = total.contactID
        lastSuccessfulReferral = total.lastSuccessfulReferral.map(Timestamp.format)
        totalSuccessfulReferrals = total.totalSuccessfulReferrals
        totalAmountGenerated = DecimalAmount.formatTwoDecimals(units: total.totalAmountUnits)
        lastFriendAction = total.lastFriendAction.map(Timestamp.format)
        totalFriendsWithActions = total.totalFriendsWithActions
    }
}

struct ReferredFriendActionDTO: Encodable, Sendable {
    var referredFriendId: String
    var contactId: String
    var trigger: TriggerDTO
    var actionDate: String
    var rewardType: String
    var totalActions: Int64
    var totalAmountSpent: String
    var signupDate: String
    var coupon: IssuedCouponDTO?
    var loyaltyPoints: LoyaltyPointsDTO?

    init(_ activity: ReferredFriendActivity) {
        referredFriendId = activity.referredFriendID.lowercased
        contactId = activity.contactID
        trigger = TriggerDTO(activity.trigger)
        actionDate = Timestamp.format(activity.actionDate)
        rewardType = activity.reward?.rewardType.rawValue ?? RewardType.NOTHING.rawValue
        totalActions = activity.totalActions
        totalAmountSpent = DecimalAmount.formatTwoDecimals(units: activity.totalAmountUnits)
        signupDate = Timestamp.format(activity.signupDate)
        coupon = activity.reward?.coupon.map(IssuedCouponDTO.init)
        loyaltyPoints = activity.reward?.loyaltyPoints.map(LoyaltyPointsDTO.init)
    }
}

struct ReferringCustomerTotalsPage: Encodable, Sendable {
    var referringCustomerTotals: [ReferringCustomerTotalDTO]
    var metadata: PagingMetadataDTO
}

struct ReferredFriendActionsPage: Encodable, Sendable {
    var referredFriendActions: [ReferredFriendActionDTO]
    var metadata: PagingMetadataDTO
}

/// `{query?, contactIds?}` of the aggregate queries.
struct AggregateQueryRequest: Decodable, Sendable {
    var query: JSONValue?
    var contactIds: [String]?
}

/// `{query, contactId?}` of Query Referral Rewards.
struct RewardQueryRequest: Decodable, Sendable {
    var query: JSONValue?
    var contactId: String?
}

struct ApplyCouponRequest: Decodable, Sendable {
    var code: String
}

/// `{"referralEvent": {"actionEvent": {...}}}`: report an action [ext].
struct ReportActionRequest: Decodable, Sendable {
    struct Event: Decodable, Sendable {
        var actionEvent: ActionInput
    }

    struct ActionInput: Decodable, Sendable {
        struct Trigger: Decodable, Sendable {
            var appId: String?
            var activityType: EnumInput<ReferralAction>
        }

        var referredFriendId: String?
        var contactId: String?
        var trigger: Trigger
        var amount: AmountInput?
        var currency: String?
        var orderId: String
    }

    var referralEvent: Event

    var domain: ReportedAction {
        let action = referralEvent.actionEvent
        return ReportedAction(
            referredFriendID: action.referredFriendId, contactID: action.contactId,
            trigger: ActionTrigger(appID: action.trigger.appId, activityType: action.trigger.activityType.value),
            amount: action.amount?.value, currency: action.currency, orderID: action.orderId
        )
    }
}

/// A money amount in input: a decimal string (JSON numbers would lose cents to binary floating point).
struct AmountInput: Decodable, Sendable {
    let value: DecimalAmount

    init(value: DecimalAmount) {
        self.value = value
    }

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        guard let text = try? container.decode(String.self), let amount = DecimalAmount(text) else {
            throw DecodingError.dataCorruptedError(
                in: container, debugDescription: "must be a non-negative decimal string with at most 4 decimals, such as \"12.50\""
            )
        }
        value = amount
    }
}

struct SocialPostsDTO: Encodable, Sendable {
    struct Post: Encodable, Sendable {
        var postContent: String
        var hashtags: [String]
    }

    var suggestions: [Post]
    var referFriendsPageUrl: String?

    init(_ posts: StoredSocialPosts, referFriendsPageUrl: String?) {
        suggestions = posts.suggestions.map { Post(postContent: $0.postContent, hashtags: $0.hashtags) }
        self.referFriendsPageUrl = referFriendsPageUrl
    }
}

struct SocialPostsRequest: Decodable, Sendable {
    var topic: String?
}

// Referral events are the answer of every reported action (a repeated order id is answered
// by a reader and nothing else), so they too are written field by field, in the order of the
// properties above, as `CompactJSONEncoder` writes them (a test compares the two).

extension TriggerDTO: CompactJSONWritable {
    func writeJSON(into writer: inout CompactJSONWriter) {
        writer.object { writer in
            writer.member("appId", ifPresent: appId)
            writer.member("activityType", activityType)
        }
    }
}

extension ReferralEventDTO.Signup: CompactJSONWritable {
    func writeJSON(into writer: inout CompactJSONWriter) {
        writer.object { writer in writer.member("referredFriendId", referredFriendId) }
    }
}

extension ReferralEventDTO.Successful: CompactJSONWritable {
    func writeJSON(into writer: inout CompactJSONWriter) {
        writer.object { writer in
            writer.member("referredFriendId", referredFriendId)
            writer.member("referringCustomerId", referringCustomerId)
        }
    }
}

extension ReferralEventDTO.Action: CompactJSONWritable {
    func writeJSON(into writer: inout CompactJSONWriter) {
        writer.object { writer in
            writer.member("referredFriendId", referredFriendId)
            writer.member("referringCustomerId", referringCustomerId)
            writer.member("trigger", trigger)
            writer.member("amount", ifPresent: amount)
            writer.member("currency", ifPresent: currency)
            writer.member("orderId", orderId)
        }
    }
}

extension ReferralEventDTO.RewardEvent: CompactJSONWritable {
    func writeJSON(into writer: inout CompactJSONWriter) {
        writer.object { writer in
            writer.member("rewardedReferringCustomerId", ifPresent: rewardedReferringCustomerId)
            writer.member("rewardedReferredFriendId", ifPresent: rewardedReferredFriendId)
            writer.member("referralRewardId", referralRewardId)
            writer.member("rewardType", rewardType)
        }
    }
}

extension ReferralEventDTO: CompactJSONWritable {
    func writeJSON(into writer: inout CompactJSONWriter) {
        writer.object { writer in
            writer.member("id", id)
            writer.member("revision", revision)
            writer.member("createdDate", createdDate)
            writer.member("updatedDate", updatedDate)
            writer.member("referredFriendSignupEvent", ifPresent: referredFriendSignupEvent)
            writer.member("successfulReferralEvent", ifPresent: successfulReferralEvent)
            writer.member("actionEvent", ifPresent: actionEvent)
            writer.member("rewardEvent", ifPresent: rewardEvent)
        }
    }
}

extension ReferralEventEnvelope: CompactJSONWritable {
    func writeJSON(into writer: inout CompactJSONWriter) {
        writer.object { writer in writer.member("referralEvent", referralEvent) }
    }
}

extension ReferralEventsPage: CompactJSONWritable {
    func writeJSON(into writer: inout CompactJSONWriter) {
        writer.page("referralEvents", referralEvents, metadata: metadata)
    }
}

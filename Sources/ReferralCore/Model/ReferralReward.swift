import Foundation

public enum CouponStatus: String, Sendable, Hashable, Codable, CaseIterable {
    case UNKNOWN, ACTIVE, APPLIED, DELETED
}

/// A coupon issued as a reward: the program's coupon options as they were at issue time.
public struct IssuedCoupon: Sendable, Hashable, Codable {
    public var id: UUID
    /// 12 upper-case letters and digits, unique per site.
    public var code: String
    public var status: CouponStatus
    public var specification: CouponSpecification

    public init(id: UUID, code: String, status: CouponStatus, specification: CouponSpecification) {
        self.id = id
        self.code = code
        self.status = status
        self.specification = specification
    }
}

public struct LoyaltyPointsGrant: Sendable, Hashable, Codable {
    public var transactionID: String
    public var amount: Int

    public init(transactionID: String, amount: Int) {
        self.transactionID = transactionID
        self.amount = amount
    }
}

/// A reward issued to one side of a referral. At most one per referred friend and side.
public struct ReferralReward: Sendable, Hashable, Codable {
    public var id: UUID
    public var site: SiteID
    public var receiver: RewardReceiver
    /// The referred friend whose referral earned this reward (the friend themselves, or the
    /// friend whose action earned the referring customer's reward).
    public var sourceFriendID: UUID
    /// That friend's contact: the exactly-once key, so that deleting and re-creating a referred
    /// friend never earns a second reward on either side.
    public var sourceContactID: String
    /// The receiver's contact, so a contact's rewards are one indexed lookup.
    public var receiverContactID: String
    public var rewardType: RewardType
    public var coupon: IssuedCoupon?
    public var loyaltyPoints: LoyaltyPointsGrant?
    public var revision: Int64
    public var createdDate: Date
    public var updatedDate: Date

    public init(
        id: UUID, site: SiteID, receiver: RewardReceiver, sourceFriendID: UUID, sourceContactID: String, receiverContactID: String,
        rewardType: RewardType,
        coupon: IssuedCoupon?, loyaltyPoints: LoyaltyPointsGrant?, revision: Int64, createdDate: Date, updatedDate: Date
    ) {
        self.id = id
        self.site = site
        self.receiver = receiver
        self.sourceFriendID = sourceFriendID
        self.sourceContactID = sourceContactID
        self.receiverContactID = receiverContactID
        self.rewardType = rewardType
        self.coupon = coupon
        self.loyaltyPoints = loyaltyPoints
        self.revision = revision
        self.createdDate = createdDate
        self.updatedDate = updatedDate
    }

    public var side: RewardSide {
        switch receiver {
        case .referringCustomer: .referringCustomer
        case .referredFriend: .referredFriend
        }
    }
}

public enum RewardSide: String, Sendable, Hashable, Codable {
    case referringCustomer = "REFERRING_CUSTOMER"
    case referredFriend = "REFERRED_FRIEND"
}

/// Coupon codes of rewards: 12 characters from `[A-Z0-9]`, cryptographically random.
public enum CouponCode {
    public static let alphabet: [Character] = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")

    public static func generate() -> String {
        SecureRandom.text(length: 12, from: alphabet)
    }
}

/// The site's tracker statistics, maintained with every event so reading them costs O(1).
public struct ReferralStatistics: Sendable, Hashable {
    public var totalSignUpsCompleted: Int64
    public var totalActionsCompleted: Int64
    /// Ten-thousandths, as `DecimalAmount.units`.
    public var totalAmountUnits: Int64

    public init(totalSignUpsCompleted: Int64 = 0, totalActionsCompleted: Int64 = 0, totalAmountUnits: Int64 = 0) {
        self.totalSignUpsCompleted = totalSignUpsCompleted
        self.totalActionsCompleted = totalActionsCompleted
        self.totalAmountUnits = totalAmountUnits
    }
}

/// Per referring customer: how well their referrals do (Wix `ReferringCustomerTotal`).
public struct ReferringCustomerTotal: Sendable, Hashable {
    public var referringCustomerID: UUID
    public var contactID: String
    public var lastSuccessfulReferral: Date?
    public var totalSuccessfulReferrals: Int64
    public var totalAmountUnits: Int64
    public var lastFriendAction: Date?
    public var totalFriendsWithActions: Int64
    public var createdDate: Date
    public var updatedDate: Date

    public init(
        referringCustomerID: UUID, contactID: String, lastSuccessfulReferral: Date?, totalSuccessfulReferrals: Int64,
        totalAmountUnits: Int64, lastFriendAction: Date?, totalFriendsWithActions: Int64, createdDate: Date, updatedDate: Date
    ) {
        self.referringCustomerID = referringCustomerID
        self.contactID = contactID
        self.lastSuccessfulReferral = lastSuccessfulReferral
        self.totalSuccessfulReferrals = totalSuccessfulReferrals
        self.totalAmountUnits = totalAmountUnits
        self.lastFriendAction = lastFriendAction
        self.totalFriendsWithActions = totalFriendsWithActions
        self.createdDate = createdDate
        self.updatedDate = updatedDate
    }
}

/// Per referred friend with actions: their first action and totals (Wix `ReferredFriendAction`).
public struct ReferredFriendActivity: Sendable, Hashable {
    public var referredFriendID: UUID
    public var contactID: String
    public var referringCustomerID: UUID
    public var trigger: ActionTrigger
    public var actionDate: Date
    public var totalActions: Int64
    public var totalAmountUnits: Int64
    public var signupDate: Date
    /// The referring customer's reward this friend earned, if any.
    public var reward: ReferralReward?
    public var createdDate: Date
    public var updatedDate: Date

    public init(
        referredFriendID: UUID, contactID: String, referringCustomerID: UUID, trigger: ActionTrigger, actionDate: Date,
        totalActions: Int64, totalAmountUnits: Int64, signupDate: Date, reward: ReferralReward?, createdDate: Date,
        updatedDate: Date
    ) {
        self.referredFriendID = referredFriendID
        self.contactID = contactID
        self.referringCustomerID = referringCustomerID
        self.trigger = trigger
        self.actionDate = actionDate
        self.totalActions = totalActions
        self.totalAmountUnits = totalAmountUnits
        self.signupDate = signupDate
        self.reward = reward
        self.createdDate = createdDate
        self.updatedDate = updatedDate
    }
}

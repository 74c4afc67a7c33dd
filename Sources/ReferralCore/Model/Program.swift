import Foundation

/// Lifecycle state of a site's referral program.
public enum ProgramStatus: String, Sendable, Codable, CaseIterable {
    case UNKNOWN, DRAFT, ACTIVE, PAUSED
}

/// A qualifying action a referred friend can complete (the Wix `Action` enum).
public enum ReferralAction: String, Sendable, Codable, CaseIterable {
    case UNKNOWN
    case STORE_ORDER_PLACED
    case PLAN_ORDERED
    case TICKET_ORDERED
    case SESSION_BOOKED
    case RESTAURANT_ORDER_PLACED
    case ONLINE_PROGRAM_JOINED
}

/// What kind of reward one side of a referral receives.
public enum RewardType: String, Sendable, Codable, CaseIterable {
    case UNKNOWN, COUPON, LOYALTY_POINTS, NOTHING
}

public enum DiscountType: String, Sendable, Codable, CaseIterable {
    case UNKNOWN, FIXED_AMOUNT, PERCENTAGE, FREE_SHIPPING
}

/// Apps whose buyers receive "refer your friends" emails.
public enum EmailApp: String, Sendable, Codable, CaseIterable {
    case UNKNOWN, STORES, PRICING_PLANS, EVENTS, BOOKINGS, RESTAURANTS
}

/// Which line items a coupon applies to.
public struct CouponScope: Sendable, Codable, Hashable {
    public struct Group: Sendable, Codable, Hashable {
        public var name: String
        public var entityID: String?

        public init(name: String, entityID: String? = nil) {
            self.name = name
            self.entityID = entityID
        }
    }

    public var namespace: String
    public var group: Group?

    public init(namespace: String, group: Group? = nil) {
        self.namespace = namespace
        self.group = group
    }
}

/// The coupon a reward of type `COUPON` issues (the Wix `Coupon` specification).
public struct CouponSpecification: Sendable, Codable, Hashable {
    public var name: String?
    public var discountType: DiscountType
    public var fixedAmount: Double?
    public var percentage: Double?
    public var minimumSubtotal: Double?
    public var scope: CouponScope?
    public var limitedToOneItem: Bool?
    public var appliesToSubscriptions: Bool?
    public var discountedCycleCount: Int?

    public init(
        name: String? = nil,
        discountType: DiscountType,
        fixedAmount: Double? = nil,
        percentage: Double? = nil,
        minimumSubtotal: Double? = nil,
        scope: CouponScope? = nil,
        limitedToOneItem: Bool? = nil,
        appliesToSubscriptions: Bool? = nil,
        discountedCycleCount: Int? = nil
    ) {
        self.name = name
        self.discountType = discountType
        self.fixedAmount = fixedAmount
        self.percentage = percentage
        self.minimumSubtotal = minimumSubtotal
        self.scope = scope
        self.limitedToOneItem = limitedToOneItem
        self.appliesToSubscriptions = appliesToSubscriptions
        self.discountedCycleCount = discountedCycleCount
    }
}

/// The reward configured for one side of a referral. `coupon` and `loyaltyPoints` are a one-of
/// that must match `type`; both are kept optional so that validation can report a mismatch.
public struct Reward: Sendable, Codable, Hashable {
    public var type: RewardType
    public var coupon: CouponSpecification?
    public var loyaltyPoints: Int?

    public init(type: RewardType, coupon: CouponSpecification? = nil, loyaltyPoints: Int? = nil) {
        self.type = type
        self.coupon = coupon
        self.loyaltyPoints = loyaltyPoints
    }

    public static let nothing = Reward(type: .NOTHING)
}

public struct EmailSettings: Sendable, Codable, Hashable {
    public var encourageToReferFriends: [EmailApp]
    public var notifyCustomersAboutReward: Bool

    public init(encourageToReferFriends: [EmailApp] = [], notifyCustomersAboutReward: Bool = false) {
        self.encourageToReferFriends = encourageToReferFriends
        self.notifyCustomersAboutReward = notifyCustomersAboutReward
    }
}

/// The writable part of a program: what the site owner configures.
public struct ProgramSettings: Sendable, Codable, Hashable {
    public var name: String?
    public var referredFriendReward: Reward
    public var referringCustomerReward: Reward
    public var successfulReferralActions: [ReferralAction]
    public var emails: EmailSettings

    public init(
        name: String? = nil,
        referredFriendReward: Reward = .nothing,
        referringCustomerReward: Reward = .nothing,
        successfulReferralActions: [ReferralAction] = [],
        emails: EmailSettings = EmailSettings()
    ) {
        self.name = name
        self.referredFriendReward = referredFriendReward
        self.referringCustomerReward = referringCustomerReward
        self.successfulReferralActions = successfulReferralActions
        self.emails = emails
    }
}

/// A site's referral program: exactly one per site, provisioned as a DRAFT on first use.
public struct ReferralProgram: Sendable, Codable, Hashable {
    public var site: SiteID
    public var settings: ProgramSettings
    public var status: ProgramStatus
    public var revision: Int64
    public var createdDate: Date
    public var updatedDate: Date

    public init(
        site: SiteID,
        settings: ProgramSettings,
        status: ProgramStatus,
        revision: Int64,
        createdDate: Date,
        updatedDate: Date
    ) {
        self.site = site
        self.settings = settings
        self.status = status
        self.revision = revision
        self.createdDate = createdDate
        self.updatedDate = updatedDate
    }

    /// The program a site has before anyone configured it.
    public static func draft(site: SiteID, at now: Date) -> ReferralProgram {
        ReferralProgram(site: site, settings: ProgramSettings(), status: .DRAFT, revision: 1, createdDate: now, updatedDate: now)
    }
}

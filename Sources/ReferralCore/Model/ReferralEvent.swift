import Foundation

/// The app and activity that produced an action (an order, a booking, a ticket...).
public struct ActionTrigger: Sendable, Hashable, Codable {
    public var appID: String?
    public var activityType: ReferralAction

    public init(appID: String?, activityType: ReferralAction) {
        self.appID = appID
        self.activityType = activityType
    }
}

/// Which side of a referral a reward is for.
public enum RewardReceiver: Sendable, Hashable, Codable {
    case referringCustomer(UUID)
    case referredFriend(UUID)
}

/// What happened; the one-of of the Wix `ReferralEvent`.
public enum ReferralEventKind: Sendable, Hashable, Codable {
    case referredFriendSignup(referredFriendID: UUID)
    case successfulReferral(referredFriendID: UUID, referringCustomerID: UUID)
    case action(
        referredFriendID: UUID, referringCustomerID: UUID, trigger: ActionTrigger, amount: DecimalAmount?, currency: String?,
        orderID: String
    )
    case reward(receiver: RewardReceiver, referralRewardID: UUID, rewardType: RewardType)

    /// The name of the one-of member, as `eventType` filters use it.
    public var eventType: ReferralEventType {
        switch self {
        case .referredFriendSignup: .REFERRED_FRIEND_SIGNUP
        case .successfulReferral: .SUCCESSFUL_REFERRAL
        case .action: .ACTION
        case .reward: .REWARD
        }
    }

    public var referredFriendID: UUID? {
        switch self {
        case .referredFriendSignup(let id), .successfulReferral(let id, _), .action(let id, _, _, _, _, _): id
        case .reward(.referredFriend(let id), _, _): id
        case .reward(.referringCustomer, _, _): nil
        }
    }

    public var referringCustomerID: UUID? {
        switch self {
        case .successfulReferral(_, let id), .action(_, let id, _, _, _, _): id
        case .reward(.referringCustomer(let id), _, _): id
        case .referredFriendSignup, .reward(.referredFriend, _, _): nil
        }
    }

    public var orderID: String? {
        if case .action(_, _, _, _, _, let orderID) = self { return orderID }
        return nil
    }
}

public enum ReferralEventType: String, Sendable, Hashable, Codable, CaseIterable {
    case REFERRED_FRIEND_SIGNUP, SUCCESSFUL_REFERRAL, ACTION, REWARD

    /// The one-of member of the event object for this type (`actionEvent`, ...).
    public var memberName: String {
        switch self {
        case .REFERRED_FRIEND_SIGNUP: "referredFriendSignupEvent"
        case .SUCCESSFUL_REFERRAL: "successfulReferralEvent"
        case .ACTION: "actionEvent"
        case .REWARD: "rewardEvent"
        }
    }
}

/// A tracker event: the history of a referral, append-only.
public struct ReferralEvent: Sendable, Hashable, Codable {
    public var id: UUID
    public var site: SiteID
    public var kind: ReferralEventKind
    public var revision: Int64
    public var createdDate: Date
    public var updatedDate: Date

    public init(id: UUID, site: SiteID, kind: ReferralEventKind, revision: Int64 = 1, createdDate: Date, updatedDate: Date) {
        self.id = id
        self.site = site
        self.kind = kind
        self.revision = revision
        self.createdDate = createdDate
        self.updatedDate = updatedDate
    }
}

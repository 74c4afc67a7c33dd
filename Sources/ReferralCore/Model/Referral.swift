import Foundation

/// A customer who refers friends, with the referral code they share.
public struct ReferringCustomer: Sendable, Codable, Hashable {
    public var id: UUID
    public var site: SiteID
    public var contactID: String
    public var referralCode: String
    public var revision: Int64
    public var createdDate: Date
    public var updatedDate: Date

    public init(
        id: UUID, site: SiteID, contactID: String, referralCode: String, revision: Int64, createdDate: Date, updatedDate: Date
    ) {
        self.id = id
        self.site = site
        self.contactID = contactID
        self.referralCode = referralCode
        self.revision = revision
        self.createdDate = createdDate
        self.updatedDate = updatedDate
    }
}

/// Progress of a referred friend.
public enum FriendStatus: String, Sendable, Codable, CaseIterable {
    case UNKNOWN
    /// Initial status: the friend joined the site as a member.
    case SIGN_UP_COMPLETED
    /// The friend completed a qualifying action.
    case ACTIONS_COMPLETED
}

/// A contact who signed up with a referring customer's code. At most one per contact and site.
public struct ReferredFriend: Sendable, Codable, Hashable {
    public var id: UUID
    public var site: SiteID
    public var contactID: String
    public var referringCustomerID: UUID
    public var status: FriendStatus
    public var revision: Int64
    public var createdDate: Date
    public var updatedDate: Date

    public init(
        id: UUID,
        site: SiteID,
        contactID: String,
        referringCustomerID: UUID,
        status: FriendStatus,
        revision: Int64,
        createdDate: Date,
        updatedDate: Date
    ) {
        self.id = id
        self.site = site
        self.contactID = contactID
        self.referringCustomerID = referringCustomerID
        self.status = status
        self.revision = revision
        self.createdDate = createdDate
        self.updatedDate = updatedDate
    }
}

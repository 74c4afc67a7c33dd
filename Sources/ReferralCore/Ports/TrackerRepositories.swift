import Foundation

public protocol ReferralEventRepository: Sendable {
    /// Inserts an event. An action whose order id the site already has is a `.duplicate` of the
    /// event that recorded it (an order counts once per site).
    func insert(_ event: ReferralEvent) async throws -> InsertOutcome<ReferralEvent>
    func find(id: UUID, site: SiteID) async throws -> ReferralEvent?
    /// The action event that recorded `orderID` on the site, if any.
    func find(orderID: String, site: SiteID) async throws -> ReferralEvent?
    /// Up to `query.limit + 1` events in the query's fetch order.
    func query(_ query: ParsedQuery, site: SiteID) async throws -> [ReferralEvent]
}

public enum CouponApplication: Sendable, Hashable {
    case applied(ReferralReward)
    case alreadyApplied(ReferralReward)
    case notFound
}

public protocol ReferralRewardRepository: Sendable {
    /// Inserts a reward: `.duplicate` when the friend's reward for that side exists already,
    /// `.collision` when the coupon code is taken.
    func insert(_ reward: ReferralReward) async throws -> InsertOutcome<ReferralReward>
    func find(id: UUID, site: SiteID) async throws -> ReferralReward?
    /// Marks an ACTIVE coupon APPLIED exactly once.
    func applyCoupon(code: String, site: SiteID, at date: Date) async throws -> CouponApplication
    /// Up to `query.limit + 1` rewards, only those of `receiverContactID` when given.
    func query(_ query: ParsedQuery, site: SiteID, receiverContactID: String?) async throws -> [ReferralReward]
}

/// The aggregates the tracker reads, updated in the transaction of every event so that reading
/// them never scans events.
public protocol StatisticsRepository: Sendable {
    func statistics(site: SiteID) async throws -> ReferralStatistics
    /// Counts a sign-up in the site's statistics. The site's counts may be added to its stored
    /// row only at the end of the transaction; `statistics(site:)` in the same transaction
    /// includes them.
    func recordSignUp(site: SiteID) async throws
    /// Counts an action and its amount in the site's statistics, as `recordSignUp` does.
    func recordAction(site: SiteID, amountUnits: Int64) async throws

    func customerCreated(_ customer: ReferringCustomer) async throws
    func customerDeleted(id: UUID, site: SiteID) async throws
    /// Counts an action of `friend`; returns true when it was the friend's first.
    func recordFriendAction(_ friend: ReferredFriend, trigger: ActionTrigger, amountUnits: Int64, at date: Date) async throws -> Bool
    func recordSuccessfulReferral(_ friend: ReferredFriend, rewardID: UUID?, at date: Date) async throws

    func queryCustomerTotals(_ query: ParsedQuery, site: SiteID, contactIDs: [String]?) async throws -> [ReferringCustomerTotal]
    func queryFriendActivity(_ query: ParsedQuery, site: SiteID, contactIDs: [String]?) async throws -> [ReferredFriendActivity]
}

/// The last generated set of social-post suggestions of a site.
public struct StoredSocialPosts: Sendable, Hashable, Codable {
    public var suggestions: [SocialPostSuggestion]
    /// The program revision the posts describe: a changed program makes them stale.
    public var programRevision: Int64
    public var generatedDate: Date

    public init(suggestions: [SocialPostSuggestion], programRevision: Int64, generatedDate: Date) {
        self.suggestions = suggestions
        self.programRevision = programRevision
        self.generatedDate = generatedDate
    }
}

public protocol SocialPostRepository: Sendable {
    func find(site: SiteID) async throws -> StoredSocialPosts?
    func save(_ posts: StoredSocialPosts, site: SiteID) async throws
}

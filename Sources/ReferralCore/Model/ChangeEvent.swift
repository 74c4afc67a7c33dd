import Foundation

/// The entity kinds that announce changes, named by their Wix entity FQDN.
public enum ChangedEntity: String, Sendable, Codable, CaseIterable {
    case program = "wix.loyalty.referral.v1.program"
    case referringCustomer = "wix.loyalty.referral.v1.referring_customer"
    case referredFriend = "wix.loyalty.referral.v1.referred_friend"
    case referralEvent = "wix.loyalty.referral.v1.referral_event"
    case referralReward = "wix.loyalty.referral.v1.referral_reward"
}

public enum ChangeSlug: String, Sendable, Codable {
    case created, updated, deleted
}

/// The entity as it was at the change, kept as a domain value so delivery can render it
/// exactly as the REST API does.
public enum EntitySnapshot: Sendable, Codable, Hashable {
    case program(ReferralProgram)
    case referringCustomer(ReferringCustomer)
    case referredFriend(ReferredFriend)
    case referralEvent(ReferralEvent)
    case referralReward(ReferralReward)
}

/// One change, recorded in the outbox in the transaction that made it.
public struct ChangeEvent: Sendable, Hashable {
    public var id: UUID
    public var site: SiteID
    public var entity: ChangedEntity
    public var slug: ChangeSlug
    public var entityID: String
    /// Orders the events of one entity: the entity's revision after the change.
    public var entityEventSequence: Int64
    public var eventTime: Date
    public var snapshot: EntitySnapshot

    public init(
        id: UUID, site: SiteID, entity: ChangedEntity, slug: ChangeSlug, entityID: String,
        entityEventSequence: Int64, eventTime: Date, snapshot: EntitySnapshot
    ) {
        self.id = id
        self.site = site
        self.entity = entity
        self.slug = slug
        self.entityID = entityID
        self.entityEventSequence = entityEventSequence
        self.eventTime = eventTime
        self.snapshot = snapshot
    }

    public var eventType: String { "\(entity.rawValue)_\(slug.rawValue)" }
}

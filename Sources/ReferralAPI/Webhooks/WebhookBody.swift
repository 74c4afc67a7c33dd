import Foundation
import ReferralCore

/// The entity of a change, rendered exactly as the REST API shows it.
struct EntityDTO: Encodable, Sendable {
    let snapshot: EntitySnapshot

    func encode(to encoder: any Encoder) throws {
        switch snapshot {
        case .program(let program): try ProgramDTO(program).encode(to: encoder)
        case .referringCustomer(let customer): try ReferringCustomerDTO(customer).encode(to: encoder)
        case .referredFriend(let friend): try ReferredFriendDTO(friend).encode(to: encoder)
        case .referralEvent(let event): try ReferralEventDTO(event).encode(to: encoder)
        case .referralReward(let reward): try ReferralRewardDTO(reward).encode(to: encoder)
        }
    }
}

/// The body of a webhook delivery: the Wix domain-event shape, plus `siteId` [ext].
struct WebhookBody: Encodable, Sendable {
    struct Created: Encodable, Sendable { var entity: EntityDTO }
    struct Updated: Encodable, Sendable { var currentEntity: EntityDTO }
    struct Deleted: Encodable, Sendable { var deletedEntity: EntityDTO }

    var id: String
    var entityFqdn: String
    var slug: String
    var entityId: String
    var eventTime: String
    var entityEventSequence: String
    var siteId: String
    var createdEvent: Created?
    var updatedEvent: Updated?
    var deletedEvent: Deleted?

    init(_ event: ChangeEvent) {
        id = event.id.lowercased
        entityFqdn = event.entity.rawValue
        slug = event.slug.rawValue
        entityId = event.entityID
        eventTime = Timestamp.format(event.eventTime)
        entityEventSequence = String(event.entityEventSequence)
        siteId = event.site.rawValue
        let entity = EntityDTO(snapshot: event.snapshot)
        switch event.slug {
        case .created: createdEvent = Created(entity: entity)
        case .updated: updatedEvent = Updated(currentEntity: entity)
        case .deleted: deletedEvent = Deleted(deletedEntity: entity)
        }
    }

    /// The exact bytes that are sent and signed.
    static func encode(_ event: ChangeEvent) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return try encoder.encode(WebhookBody(event))
    }
}

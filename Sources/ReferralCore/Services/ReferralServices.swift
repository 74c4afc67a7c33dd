import Foundation

/// Every service of the domain, built over one store. The HTTP layer and the CLI use this.
public struct ReferralServices: Sendable {
    public let programs: ProgramService
    public let referringCustomers: ReferringCustomerService
    public let referredFriends: ReferredFriendService
    public let rewards: RewardService
    public let tracker: TrackerService
    public let access: AccessService
    public let webhooks: WebhookService

    public init(
        store: any ReferralStore, generators: Generators, cursors: CursorCodec, access: AccessService, secrets: SecretBox
    ) {
        self.programs = ProgramService(store: store, generators: generators)
        self.referringCustomers = ReferringCustomerService(store: store, generators: generators, cursors: cursors)
        self.referredFriends = ReferredFriendService(store: store, generators: generators, cursors: cursors)
        self.rewards = RewardService(store: store, generators: generators, cursors: cursors)
        self.tracker = TrackerService(store: store, generators: generators, cursors: cursors)
        self.access = access
        self.webhooks = WebhookService(store: store, generators: generators, secrets: secrets)
    }
}

extension ChangeEvent {
    static func record(
        _ slug: ChangeSlug, _ snapshot: EntitySnapshot, sequence: Int64, in tx: any StoreTransaction, generators: Generators
    ) async throws {
        let now = generators.now()
        let (entity, site, entityID): (ChangedEntity, SiteID, String) =
            switch snapshot {
            case .program(let program): (.program, program.site, program.site.rawValue)
            case .referringCustomer(let customer): (.referringCustomer, customer.site, customer.id.lowercased)
            case .referredFriend(let friend): (.referredFriend, friend.site, friend.id.lowercased)
            case .referralEvent(let event): (.referralEvent, event.site, event.id.lowercased)
            case .referralReward(let reward): (.referralReward, reward.site, reward.id.lowercased)
            }
        try await tx.changeEvents.append(
            ChangeEvent(
                id: generators.newID(), site: site, entity: entity, slug: slug, entityID: entityID,
                entityEventSequence: sequence, eventTime: now, snapshot: snapshot
            )
        )
    }
}

/// Entity ids on paths: anything that isn't a UUID can't name an entity, so it is "not found".
func parseEntityID(_ text: String, notFound: (String) -> ReferralError) throws(ReferralError) -> UUID {
    guard let id = UUID(lowercasedOrAny: text) else { throw notFound(text) }
    return id
}

/// Contact ids: opaque strings from the integrator's CRM (usually GUIDs).
func validateContactID(_ contactID: String, field: String) throws(ReferralError) {
    guard (2...100).contains(contactID.count) else {
        throw .validation(field: field, "must be 2 to 100 characters long", rule: contactID.count < 2 ? "MIN_LENGTH" : "MAX_LENGTH")
    }
    guard !contactID.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) else {
        throw .validation(field: field, "must not contain control characters", rule: "FORMAT")
    }
}

/// A revision sent by a client: a string-encoded int64 (Wix also tolerates a JSON number).
public func parseRevision(_ text: String, field: String) throws(ReferralError) -> Int64 {
    guard let revision = Int64(text), revision >= 0 else {
        throw .validation(field: field, "must be an integer revision such as \"1\"", rule: "FORMAT")
    }
    return revision
}

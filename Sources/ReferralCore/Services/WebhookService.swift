import Foundation

/// Webhook subscriptions and their deliveries [ext]: API keys with `REFERRALS.MANAGE_WEBHOOKS`.
public struct WebhookService: Sendable {
    let store: any ReferralStore
    let generators: Generators
    let secrets: SecretBox

    public init(store: any ReferralStore, generators: Generators, secrets: SecretBox) {
        self.store = store
        self.generators = generators
        self.secrets = secrets
    }

    /// Creates a subscription; returns it with its signing secret, which is shown only here.
    public func create(_ caller: Caller, url: String, eventTypes: [String], description: String?) async throws
        -> (subscription: WebhookSubscription, secret: String)
    {
        try caller.requireAdmin(.manageWebhooks)
        try Self.validate(url: url, field: "subscription.url")
        try WebhookEventTypes.validate(eventTypes, field: "subscription.eventTypes")
        if let description, description.count > 500 {
            throw ReferralError.validation(field: "subscription.description", "must be at most 500 characters long", rule: "MAX_LENGTH")
        }
        let now = generators.now()
        let subscription = WebhookSubscription(
            id: generators.newID(), site: caller.site, url: url, eventTypes: Array(Set(eventTypes)).sorted(), description: description,
            revision: 1, createdDate: now, updatedDate: now
        )
        let secret = Self.newSecret()
        let sealed = try secrets.seal(secret)
        try await store.write { try await $0.webhooks.insert(subscription, sealedSecret: sealed) }
        return (subscription, secret)
    }

    public func list(_ caller: Caller) async throws -> [WebhookSubscription] {
        try caller.requireAdmin(.manageWebhooks)
        return try await store.read { try await $0.webhooks.subscriptions(site: caller.site) }
    }

    public func get(_ caller: Caller, id: String) async throws -> WebhookSubscription {
        try caller.requireAdmin(.manageWebhooks)
        let uuid = try parseEntityID(id, notFound: Self.notFound)
        guard let subscription = try await store.read({ try await $0.webhooks.subscription(id: uuid, site: caller.site) }) else {
            throw Self.notFound(id)
        }
        return subscription
    }

    /// Deletes the subscription; its pending deliveries are not sent any more.
    public func delete(_ caller: Caller, id: String) async throws {
        try caller.requireAdmin(.manageWebhooks)
        let uuid = try parseEntityID(id, notFound: Self.notFound)
        let now = generators.now()
        guard try await store.write({ try await $0.webhooks.deleteSubscription(id: uuid, site: caller.site, at: now) }) else {
            throw Self.notFound(id)
        }
    }

    /// A new signing secret; the old one stops working at once.
    public func rotateSecret(_ caller: Caller, id: String) async throws -> String {
        try caller.requireAdmin(.manageWebhooks)
        let uuid = try parseEntityID(id, notFound: Self.notFound)
        let secret = Self.newSecret()
        let sealed = try secrets.seal(secret)
        let now = generators.now()
        guard try await store.write({ try await $0.webhooks.rotateSecret(id: uuid, site: caller.site, sealedSecret: sealed, at: now) })
        else {
            throw Self.notFound(id)
        }
        return secret
    }

    public func deliveries(_ caller: Caller, subscriptionID: String, status: DeliveryStatus?, limit: Int) async throws -> [WebhookDelivery]
    {
        let subscription = try await get(caller, id: subscriptionID)
        return try await store.read {
            try await $0.webhooks.deliveries(subscriptionID: subscription.id, site: caller.site, status: status, limit: Self.clamp(limit))
        }
    }

    /// Deliveries of every subscription of the site that were given up.
    public func deadLetters(_ caller: Caller, limit: Int) async throws -> [WebhookDelivery] {
        try caller.requireAdmin(.manageWebhooks)
        return try await store.read { try await $0.webhooks.deadDeliveries(site: caller.site, limit: Self.clamp(limit)) }
    }

    /// Sends one event again, or every event recorded between `from` and `to`, to a subscription.
    public func replay(_ caller: Caller, subscriptionID: String, eventID: String?, from: Date?, to: Date?) async throws -> Int {
        let subscription = try await get(caller, id: subscriptionID)
        var selected: UUID?
        if let eventID {
            guard let id = UUID(lowercasedOrAny: eventID),
                try await store.read({ try await $0.changeEvents.find(id: id, site: caller.site) }) != nil
            else {
                throw ReferralError.notFound("WEBHOOK_EVENT_NOT_FOUND", "No event \(eventID) was recorded for this site.", id: eventID)
            }
            selected = id
        } else {
            guard let from, let to else {
                throw ReferralError.validation(field: "eventId", "or both from and to are required", rule: "REQUIRED_FIELD")
            }
            guard from <= to else { throw ReferralError.validation(field: "from", "must not be after to", rule: "RANGE") }
        }
        let now = generators.now()
        let generators = self.generators
        let event = selected
        return try await store.write {
            try await $0.webhooks.replay(
                subscriptionID: subscription.id, site: caller.site, eventID: event, from: event == nil ? from : nil,
                to: event == nil ? to : nil, at: now, newID: generators.newID
            )
        }
    }

    static func clamp(_ limit: Int) -> Int { min(max(limit, 1), 500) }

    static func validate(url text: String, field: String) throws(ReferralError) {
        guard text.count <= 2048, let url = URLComponents(string: text), let scheme = url.scheme?.lowercased(),
            scheme == "http" || scheme == "https", let host = url.host, !host.isEmpty
        else {
            throw .validation(field: field, "must be an absolute http or https URL", rule: "FORMAT")
        }
    }

    static func newSecret() -> String { "whsec_" + AccessService.randomToken(length: 40) }

    static func notFound(_ id: String) -> ReferralError {
        .notFound("WEBHOOK_SUBSCRIPTION_NOT_FOUND", "Webhook subscription \(id) was not found.", id: id)
    }
}

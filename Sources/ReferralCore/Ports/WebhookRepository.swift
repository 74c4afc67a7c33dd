import Foundation

/// Subscriptions and deliveries. Deliveries are created in the transaction that records a
/// change (see `ChangeEventOutbox.append`), so no event can be lost between the change and
/// its delivery; the dispatcher leases due deliveries so several servers never send the same
/// one at once.
public protocol WebhookRepository: Sendable {
    func insert(_ subscription: WebhookSubscription, sealedSecret: String) async throws
    func subscriptions(site: SiteID) async throws -> [WebhookSubscription]
    func subscription(id: UUID, site: SiteID) async throws -> WebhookSubscription?
    func sealedSecret(subscriptionID: UUID, site: SiteID) async throws -> String?
    func deleteSubscription(id: UUID, site: SiteID, at date: Date) async throws -> Bool
    func rotateSecret(id: UUID, site: SiteID, sealedSecret: String, at date: Date) async throws -> Bool

    /// Takes up to `limit` due deliveries (any site) and hides them from other dispatchers until `leaseUntil`.
    func leaseDue(now: Date, leaseUntil: Date, limit: Int) async throws -> [WebhookDelivery]
    func recordDelivered(_ delivery: WebhookDelivery, statusCode: Int, at date: Date) async throws
    /// A failed attempt: retried at `nextAttempt`, or dead when it is nil.
    func recordFailure(_ delivery: WebhookDelivery, error: String, statusCode: Int?, nextAttempt: Date?, at date: Date) async throws

    func deliveries(subscriptionID: UUID, site: SiteID, status: DeliveryStatus?, limit: Int) async throws -> [WebhookDelivery]
    func deadDeliveries(site: SiteID, limit: Int) async throws -> [WebhookDelivery]
    /// New deliveries of the site's events to one subscription: one event, or those recorded in a time range.
    func replay(subscriptionID: UUID, site: SiteID, eventID: UUID?, from: Date?, to: Date?, at date: Date, newID: @Sendable () -> UUID)
        async throws -> Int
}

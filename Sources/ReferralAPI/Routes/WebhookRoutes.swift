import Foundation
import Hummingbird
import ReferralCore

struct SubscriptionDTO: Encodable, Sendable {
    var id: String
    var url: String
    var eventTypes: [String]
    var description: String?
    var createdDate: String
    var updatedDate: String
    var revision: String

    init(_ subscription: WebhookSubscription) {
        id = subscription.id.lowercased
        url = subscription.url
        eventTypes = subscription.eventTypes
        description = subscription.description
        createdDate = Timestamp.format(subscription.createdDate)
        updatedDate = Timestamp.format(subscription.updatedDate)
        revision = String(subscription.revision)
    }
}

struct DeliveryDTO: Encodable, Sendable {
    var id: String
    var subscriptionId: String
    var eventId: String
    var eventType: String
    var status: String
    var attempts: Int
    var nextAttemptDate: String?
    var lastError: String?
    var lastStatusCode: Int?
    var createdDate: String
    var updatedDate: String
    var deliveredDate: String?

    init(_ delivery: WebhookDelivery) {
        id = delivery.id.lowercased
        subscriptionId = delivery.subscriptionID.lowercased
        eventId = delivery.eventID.lowercased
        eventType = delivery.eventType
        status = delivery.status.rawValue
        attempts = delivery.attempts
        nextAttemptDate = delivery.status == .PENDING ? delivery.nextAttemptDate.map(Timestamp.format) : nil
        lastError = delivery.lastError
        lastStatusCode = delivery.lastStatusCode
        createdDate = Timestamp.format(delivery.createdDate)
        updatedDate = Timestamp.format(delivery.updatedDate)
        deliveredDate = delivery.deliveredDate.map(Timestamp.format)
    }
}

struct CreateSubscriptionRequest: Decodable, Sendable {
    struct Subscription: Decodable, Sendable {
        var url: String
        var eventTypes: [String]
        var description: String?
    }

    var subscription: Subscription
}

struct ReplayRequest: Decodable, Sendable {
    var eventId: String?
    var from: String?
    var to: String?
}

/// Webhook subscriptions, deliveries, replay and the dead-letter view [ext].
struct WebhookRoutes {
    static let base = "/_api/referral-webhooks/v1"

    let services: ReferralServices
    let auth: Authenticator

    func register(on router: Router<ReferralRequestContext>) {
        let webhooks = services.webhooks
        let group = router.group(RouterPath(Self.base))
        group.post("subscriptions") { request, context in
            let caller = try await auth.caller(for: request)
            let body = try await WireJSON.decode(CreateSubscriptionRequest.self, from: request, context: context)
            let (subscription, secret) = try await webhooks.create(
                caller, url: body.subscription.url, eventTypes: body.subscription.eventTypes, description: body.subscription.description
            )
            struct Created: Encodable { var subscription: SubscriptionDTO; var secret: String }
            return WireJSON.response(Created(subscription: SubscriptionDTO(subscription), secret: secret))
        }
        group.get("subscriptions") { request, _ in
            let caller = try await auth.caller(for: request)
            struct List: Encodable { var subscriptions: [SubscriptionDTO] }
            return WireJSON.response(List(subscriptions: try await webhooks.list(caller).map(SubscriptionDTO.init)))
        }
        group.get("subscriptions/:id") { request, context in
            let caller = try await auth.caller(for: request)
            struct One: Encodable { var subscription: SubscriptionDTO }
            return WireJSON.response(
                One(subscription: SubscriptionDTO(try await webhooks.get(caller, id: try context.parameters.require("id")))))
        }
        group.delete("subscriptions/:id") { request, context in
            let caller = try await auth.caller(for: request)
            try await webhooks.delete(caller, id: try context.parameters.require("id"))
            return WireJSON.response(EmptyResponse())
        }
        group.post("subscriptions/:id/rotate-secret") { request, context in
            let caller = try await auth.caller(for: request)
            struct Secret: Encodable { var secret: String }
            return WireJSON.response(Secret(secret: try await webhooks.rotateSecret(caller, id: try context.parameters.require("id"))))
        }
        group.get("subscriptions/:id/deliveries") { request, context in
            let caller = try await auth.caller(for: request)
            let status = try Self.status(request)
            let deliveries = try await webhooks.deliveries(
                caller, subscriptionID: try context.parameters.require("id"), status: status, limit: try Self.limit(request)
            )
            struct List: Encodable { var deliveries: [DeliveryDTO] }
            return WireJSON.response(List(deliveries: deliveries.map(DeliveryDTO.init)))
        }
        group.post("subscriptions/:id/replay") { request, context in
            let caller = try await auth.caller(for: request)
            let body = try await WireJSON.decode(ReplayRequest.self, from: request, context: context)
            func date(_ text: String?, _ field: String) throws -> Date? {
                guard let text else { return nil }
                guard let date = Timestamp.parse(text) else {
                    throw ReferralError.validation(field: field, "must be an RFC 3339 date-time", rule: "FORMAT")
                }
                return date
            }
            let count = try await webhooks.replay(
                caller, subscriptionID: try context.parameters.require("id"), eventID: body.eventId, from: try date(body.from, "from"),
                to: try date(body.to, "to")
            )
            struct Replayed: Encodable { var replayed: Int }
            return WireJSON.response(Replayed(replayed: count))
        }
        group.get("dead-letters") { request, _ in
            let caller = try await auth.caller(for: request)
            struct List: Encodable { var deliveries: [DeliveryDTO] }
            return WireJSON.response(
                List(deliveries: try await webhooks.deadLetters(caller, limit: try Self.limit(request)).map(DeliveryDTO.init)))
        }
    }

    static func status(_ request: Request) throws -> DeliveryStatus? {
        guard let text = request.uri.queryParameters.get("status") else { return nil }
        guard let status = DeliveryStatus(rawValue: text) else {
            throw ReferralError.validation(field: "status", "must be PENDING, DELIVERED or DEAD", rule: "VALID_VALUE")
        }
        return status
    }

    static func limit(_ request: Request) throws -> Int {
        guard let text = request.uri.queryParameters.get("limit") else { return 50 }
        guard let limit = Int(text), (1...500).contains(limit) else {
            throw ReferralError.validation(field: "limit", "must be a number from 1 to 500", rule: "RANGE")
        }
        return limit
    }
}

import Crypto
import Foundation

/// An integrator's webhook endpoint and the event types it wants.
public struct WebhookSubscription: Sendable, Hashable {
    public var id: UUID
    public var site: SiteID
    public var url: String
    /// Event type names (`wix.loyalty.referral.v1.referred_friend_created`) or `*` for all.
    public var eventTypes: [String]
    public var description: String?
    public var revision: Int64
    public var createdDate: Date
    public var updatedDate: Date

    public init(
        id: UUID, site: SiteID, url: String, eventTypes: [String], description: String?, revision: Int64, createdDate: Date,
        updatedDate: Date
    ) {
        self.id = id
        self.site = site
        self.url = url
        self.eventTypes = eventTypes
        self.description = description
        self.revision = revision
        self.createdDate = createdDate
        self.updatedDate = updatedDate
    }
}

public enum DeliveryStatus: String, Sendable, Hashable, Codable, CaseIterable {
    /// Waiting for its next attempt.
    case PENDING
    /// A 2xx answer arrived in time.
    case DELIVERED
    /// Gave up after the retry policy's time; replay to try again.
    case DEAD
}

/// One event on its way to one subscription.
public struct WebhookDelivery: Sendable, Hashable {
    public var id: UUID
    public var site: SiteID
    public var subscriptionID: UUID
    public var eventID: UUID
    public var eventType: String
    public var status: DeliveryStatus
    public var attempts: Int
    public var nextAttemptDate: Date?
    public var lastError: String?
    public var lastStatusCode: Int?
    public var createdDate: Date
    public var updatedDate: Date
    public var deliveredDate: Date?

    public init(
        id: UUID, site: SiteID, subscriptionID: UUID, eventID: UUID, eventType: String, status: DeliveryStatus, attempts: Int,
        nextAttemptDate: Date?, lastError: String?, lastStatusCode: Int?, createdDate: Date, updatedDate: Date, deliveredDate: Date?
    ) {
        self.id = id
        self.site = site
        self.subscriptionID = subscriptionID
        self.eventID = eventID
        self.eventType = eventType
        self.status = status
        self.attempts = attempts
        self.nextAttemptDate = nextAttemptDate
        self.lastError = lastError
        self.lastStatusCode = lastStatusCode
        self.createdDate = createdDate
        self.updatedDate = updatedDate
        self.deliveredDate = deliveredDate
    }
}

/// The event types a subscription may name.
public enum WebhookEventTypes {
    public static let all: [String] = [
        "\(ChangedEntity.program.rawValue)_updated",
        "\(ChangedEntity.referringCustomer.rawValue)_created",
        "\(ChangedEntity.referringCustomer.rawValue)_deleted",
        "\(ChangedEntity.referredFriend.rawValue)_created",
        "\(ChangedEntity.referredFriend.rawValue)_updated",
        "\(ChangedEntity.referredFriend.rawValue)_deleted",
        "\(ChangedEntity.referralEvent.rawValue)_created",
        "\(ChangedEntity.referralReward.rawValue)_created",
    ]
    public static let wildcard = "*"

    public static func validate(_ types: [String], field: String) throws(ReferralError) {
        guard !types.isEmpty else { throw .validation(field: field, "must name at least one event type, or \"*\"", rule: "MIN_SIZE") }
        for (index, type) in types.enumerated() where type != wildcard && !all.contains(type) {
            throw .validation(
                field: "\(field)[\(index)]", "'\(type)' is not an event type; use one of \(all.joined(separator: ", ")) or *",
                rule: "VALID_VALUE")
        }
    }
}

/// When to try a failed delivery again: exponential backoff with jitter, from about 10 s up to
/// an hour between tries, for 72 hours after the event; then the delivery is dead.
public struct RetryPolicy: Sendable, Hashable {
    public var firstDelay: TimeInterval = 10
    public var maximumDelay: TimeInterval = 3600
    public var giveUpAfter: TimeInterval = 72 * 3600
    /// ± this fraction of the delay, so that many failing deliveries don't retry in lockstep.
    public var jitter: Double = 0.2

    public init() {}

    /// The time of the next attempt after `attempts` failed ones, or nil when the delivery
    /// created at `created` should be given up.
    public func nextAttempt(afterFailures attempts: Int, created: Date, now: Date, using generator: inout some RandomNumberGenerator)
        -> Date?
    {
        let exponent = Double(max(0, attempts - 1))
        let base = min(maximumDelay, firstDelay * pow(2, min(exponent, 30)))
        let delay = base * (1 + Double.random(in: -jitter...jitter, using: &generator))
        let next = now.addingTimeInterval(delay)
        return next.timeIntervalSince(created) > giveUpAfter ? nil : next
    }
}

/// The `x-referrals-signature` header: `t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>`.
public enum WebhookSignature {
    public static func header(secret: String, timestamp: Int64, body: Data) -> String {
        "t=\(timestamp),v1=\(hex(secret: secret, timestamp: timestamp, body: body))"
    }

    public static func hex(secret: String, timestamp: Int64, body: Data) -> String {
        var message = Data("\(timestamp).".utf8)
        message.append(body)
        let code = HMAC<SHA256>.authenticationCode(for: message, using: SymmetricKey(data: Data(secret.utf8)))
        return Hex.encode(code)
    }

    /// Checks a header the way a receiver should (constant time).
    public static func verify(header: String, secret: String, body: Data) -> Bool {
        var timestamp: Int64?
        var signature: String?
        for part in header.split(separator: ",") {
            let pair = part.split(separator: "=", maxSplits: 1).map(String.init)
            guard pair.count == 2 else { continue }
            if pair[0] == "t" { timestamp = Int64(pair[1]) }
            if pair[0] == "v1" { signature = pair[1] }
        }
        guard let timestamp, let signature, signature.count == 64 else { return false }
        let expected = hex(secret: secret, timestamp: timestamp, body: body)
        return zip(expected.utf8, signature.utf8).reduce(0) { $0 | ($1.0 ^ $1.1) } == 0
    }
}

/// Webhook signing secrets are needed in clear to sign, so they can't be hashed; they are kept
/// sealed with AES-GCM under a deployment key, and shown to the integrator only when made.
public struct SecretBox: Sendable {
    let key: SymmetricKey

    /// `keyMaterial`: any secret text (the generated deployment key); hashed to 256 bits.
    public init(keyMaterial: String) {
        key = SymmetricKey(data: SHA256.hash(data: Data(keyMaterial.utf8)))
    }

    public func seal(_ secret: String) throws -> String {
        guard let combined = try AES.GCM.seal(Data(secret.utf8), using: key).combined else {
            throw StoreInvariantError("AES-GCM gave no combined box")
        }
        return combined.base64EncodedString()
    }

    public func open(_ sealed: String) throws -> String {
        guard let data = Data(base64Encoded: sealed) else { throw StoreInvariantError("sealed secret is not base64") }
        return String(decoding: try AES.GCM.open(try AES.GCM.SealedBox(combined: data), using: key), as: UTF8.self)
    }
}

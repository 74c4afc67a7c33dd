import Foundation

/// Durable storage. Services run their reads and writes through one of two entry points;
/// everything done inside one `write` commits or rolls back together.
public protocol ReferralStore: Sendable {
    /// Runs `body` against a consistent read view.
    func read<T: Sendable>(_ body: @escaping @Sendable (any StoreTransaction) async throws -> T) async throws -> T
    /// Runs `body` in one write transaction: committed when it returns, rolled back when it throws.
    /// `body` may run more than once (a transaction PostgreSQL aborts is retried, and SQLite
    /// runs a shared batch again when one of its transactions fails), so it must do nothing
    /// outside the transaction; nothing it did is visible to anyone before the commit.
    func write<T: Sendable>(_ body: @escaping @Sendable (any StoreTransaction) async throws -> T) async throws -> T
    /// Checks that the database answers (readiness).
    func ping() async throws
    /// Releases connections.
    func close() async throws
}

/// The repositories of one transaction.
public protocol StoreTransaction: Sendable {
    var programs: any ProgramRepository { get }
    var referringCustomers: any ReferringCustomerRepository { get }
    var referredFriends: any ReferredFriendRepository { get }
    var changeEvents: any ChangeEventOutbox { get }
    var apiKeys: any APIKeyRepository { get }
    var settings: any SettingsRepository { get }
    var referralEvents: any ReferralEventRepository { get }
    var referralRewards: any ReferralRewardRepository { get }
    var statistics: any StatisticsRepository { get }
    var socialPosts: any SocialPostRepository { get }
    var dataTransfer: any DataTransferRepository { get }
    var webhooks: any WebhookRepository { get }
}

public protocol ProgramRepository: Sendable {
    func find(site: SiteID) async throws -> ReferralProgram?
    /// Inserts the program unless the site already has one (first use, possibly concurrent).
    func insertIfAbsent(_ program: ReferralProgram) async throws
    /// Stores `program` if the stored revision is still `expectedRevision`; false otherwise.
    func update(_ program: ReferralProgram, expectedRevision: Int64) async throws -> Bool
}

/// The outcome of inserting a record whose uniqueness a database constraint guards.
public enum InsertOutcome<Existing: Sendable>: Sendable {
    case inserted
    /// The natural key (the contact) is taken: here is the record that holds it.
    case duplicate(Existing)
    /// A generated value (a code) collided; retry with a new one.
    case collision
}

public protocol ReferringCustomerRepository: Sendable {
    func find(id: UUID, site: SiteID) async throws -> ReferringCustomer?
    func find(contactID: String, site: SiteID) async throws -> ReferringCustomer?
    func find(referralCode: String, site: SiteID) async throws -> ReferringCustomer?
    func insert(_ customer: ReferringCustomer) async throws -> InsertOutcome<ReferringCustomer>
    /// Deletes if the stored revision is still `expectedRevision`; false otherwise. The code stays reserved.
    func delete(id: UUID, site: SiteID, expectedRevision: Int64, at date: Date) async throws -> Bool
    /// Up to `query.limit + 1` customers in the query's fetch order.
    func query(_ query: ParsedQuery, site: SiteID) async throws -> [ReferringCustomer]
}

public protocol ReferredFriendRepository: Sendable {
    func find(id: UUID, site: SiteID) async throws -> ReferredFriend?
    func find(contactID: String, site: SiteID) async throws -> ReferredFriend?
    func insert(_ friend: ReferredFriend) async throws -> InsertOutcome<ReferredFriend>
    /// Stores `friend` if the stored revision is still `expectedRevision`; false otherwise.
    func update(_ friend: ReferredFriend, expectedRevision: Int64) async throws -> Bool
    func delete(id: UUID, site: SiteID, expectedRevision: Int64, at date: Date) async throws -> Bool
    /// Up to `query.limit + 1` friends in the query's fetch order.
    func query(_ query: ParsedQuery, site: SiteID) async throws -> [ReferredFriend]
}

/// Change events written in the same transaction as the change, for webhook delivery.
public protocol ChangeEventOutbox: Sendable {
    /// Records the event and a pending delivery for every subscription of its site that wants it.
    func append(_ event: ChangeEvent) async throws
    func find(id: UUID, site: SiteID) async throws -> ChangeEvent?
    /// Events of a site in the order they were recorded (for delivery and tests).
    func list(site: SiteID, after id: UUID?, limit: Int) async throws -> [ChangeEvent]
}

public protocol APIKeyRepository: Sendable {
    func insert(_ key: APIKey) async throws
    func find(hash: String) async throws -> APIKey?
    func list() async throws -> [APIKey]
    /// Revokes a key by id or by its display prefix; returns the revoked key.
    func revoke(idOrPrefix: String, at date: Date) async throws -> APIKey?
    func countActive() async throws -> Int
}

/// Deployment-wide settings (generated secrets).
public protocol SettingsRepository: Sendable {
    func value(for key: String) async throws -> String?
    /// Stores `value` unless the key has one; returns whichever value is stored afterwards.
    func insertIfAbsent(key: String, value: String) async throws -> String
}

/// The database can't be reached right now (a 503 to clients; retry later).
public struct StoreUnavailableError: Error, CustomStringConvertible, Sendable {
    public let description: String

    public init(description: String) {
        self.description = description
    }
}

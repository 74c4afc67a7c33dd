import Foundation
import Logging
import ReferralCore
import SQLKit
import Synchronization

/// The repositories of one transaction, all over the same connection. One implementation
/// serves SQLite and PostgreSQL; `dialect` carries the differences.
struct SQLStoreTransaction: StoreTransaction {
    let db: any SQLDatabase
    let dialect: StoreDialect
    let memo = TransactionMemo()

    var programs: any ProgramRepository { SQLProgramRepository(db: db, dialect: dialect) }
    var referringCustomers: any ReferringCustomerRepository { SQLReferringCustomerRepository(db: db, dialect: dialect) }
    var referredFriends: any ReferredFriendRepository { SQLReferredFriendRepository(db: db, dialect: dialect) }
    var changeEvents: any ChangeEventOutbox { SQLChangeEventOutbox(db: db, dialect: dialect, memo: memo) }
    var apiKeys: any APIKeyRepository { SQLAPIKeyRepository(db: db, dialect: dialect) }
    var settings: any SettingsRepository { SQLSettingsRepository(db: db) }
    var referralEvents: any ReferralEventRepository { SQLReferralEventRepository(db: db, dialect: dialect) }
    var referralRewards: any ReferralRewardRepository { SQLReferralRewardRepository(db: db, dialect: dialect) }
    var statistics: any StatisticsRepository { SQLStatisticsRepository(db: db, dialect: dialect, memo: memo) }
    var socialPosts: any SocialPostRepository { SQLSocialPostRepository(db: db, dialect: dialect) }
    var dataTransfer: any DataTransferRepository { SQLDataTransfer(db: db, dialect: dialect) }
    var webhooks: any WebhookRepository { SQLWebhookRepository(db: db, dialect: dialect, memo: memo) }

    /// Runs `body` on a new transaction over `db` (already begun), then the statements a
    /// transaction leaves to its end; the caller commits.
    static func perform<T: Sendable>(
        on db: any SQLDatabase, dialect: StoreDialect, _ body: @Sendable (any StoreTransaction) async throws -> T
    ) async throws -> T {
        let transaction = SQLStoreTransaction(db: db, dialect: dialect)
        let result = try await body(transaction)
        try await SQLChangeEventOutbox(db: db, dialect: dialect, memo: transaction.memo).flush()
        let statistics = SQLStatisticsRepository(db: db, dialect: dialect, memo: transaction.memo)
        try await statistics.addCustomerTotals()
        try await statistics.addSiteCounts()
        return result
    }
}

/// What one transaction remembers between its statements, so that it doesn't read the same
/// rows again; nothing outlives the transaction, so nothing can go stale across transactions.
final class TransactionMemo: Sendable {
    /// A site's webhook subscriptions as (subscription, event type) pairs: a reward's change
    /// events fan out four or five times in one transaction.
    let subscriptionTypes = Mutex<[SiteID: [(subscription: UUID, eventType: String)]]>([:])
    /// Sign-ups, actions and amounts counted for each site, added to its statistics row at the
    /// end of the transaction (`SQLStoreTransaction.perform`).
    let siteCounts = Mutex<[SiteID: SiteCounts]>([:])
    /// Change events recorded and not yet written to the outbox (`SQLChangeEventOutbox.flush`).
    let pendingChanges = Mutex<[ChangeEvent]>([])
    /// Increments of referring customers' totals rows, added at the end of the transaction
    /// (`SQLStatisticsRepository.addCustomerTotals`).
    let customerTotals = Mutex<[CustomerKey: CustomerTotalsDelta]>([:])

    func recordCustomerTotals(site: SiteID, id: UUID, _ change: (inout CustomerTotalsDelta) -> Void) {
        customerTotals.withLock { change(&$0[CustomerKey(site: site, id: id), default: CustomerTotalsDelta()]) }
    }
}

/// A referring customer, as the key of its totals row.
struct CustomerKey: Hashable, Sendable {
    let site: SiteID
    let id: UUID
}

/// Increments of a referring customer's totals row. The dates are the last ones recorded, as
/// the statements they replace would have left them.
struct CustomerTotalsDelta: Sendable {
    var amountUnits: Int64 = 0
    var friendsWithActions: Int64 = 0
    var successfulReferrals: Int64 = 0
    var lastFriendAction: Date?
    var lastSuccessfulReferral: Date?
    var updatedAt = Date(timeIntervalSince1970: 0)
}

/// Increments of a site's statistics row.
struct SiteCounts: Sendable {
    var signUps: Int64 = 0
    var actions: Int64 = 0
    var amountUnits: Int64 = 0
}

extension SQLStoreTransaction {
    /// Runs `body` between BEGIN and COMMIT on `db`, rolling back when it throws. `control`
    /// runs those three statements; by default through SQLKit, while SQLite runs them straight
    /// on its connection (prepared once), since many reads are a single statement.
    static func run<T: Sendable>(
        on db: any SQLDatabase, dialect: StoreDialect, logger: Logger,
        control: ((String) async throws -> Void)? = nil,
        _ body: @Sendable (any StoreTransaction) async throws -> T
    ) async throws -> T {
        let control = control ?? { try await db.raw(SQLQueryString($0)).run() }
        try await control("BEGIN")
        do {
            let result = try await perform(on: db, dialect: dialect, body)
            try await control("COMMIT")
            return result
        } catch {
            do {
                try await control("ROLLBACK")
            } catch {
                logger.error("rollback failed", metadata: ["error": "\(error)"])
            }
            throw error
        }
    }
}

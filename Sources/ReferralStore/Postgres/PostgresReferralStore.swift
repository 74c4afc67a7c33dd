import Foundation
import Logging
import NIOCore
import NIOPosix
import NIOSSL
import PostgresKit
import PostgresNIO
import ReferralCore
import SQLKit
import Synchronization

/// The shared store for several server instances: PostgreSQL through a pooled `PostgresClient`.
///
/// Correctness under concurrency comes from the database, never from process-local locks:
/// unique constraints with `ON CONFLICT`, revision-guarded `UPDATE`s, and row locks taken by
/// those statements. A transaction that PostgreSQL aborts as a serialization failure or a
/// deadlock is retried from the start.
public final class PostgresReferralStore: ReferralStore {
    /// Connection settings from flags and environment; see docs/CONFIGURATION.md.
    public struct Options: Sendable {
        public enum TLSMode: String, Sendable, CaseIterable {
            case disable, prefer, require
        }

        /// Most connections one server instance opens.
        public var poolSize: Int
        public var connectTimeout: Duration
        /// nil: as the URL's `sslmode` says (`prefer` when it says nothing).
        public var tls: TLSMode?

        public init(poolSize: Int = 10, connectTimeout: Duration = .seconds(10), tls: TLSMode? = nil) {
            self.poolSize = poolSize
            self.connectTimeout = connectTimeout
            self.tls = tls
        }
    }

    /// Retries of a transaction aborted by a serialization failure or a deadlock.
    static let transactionAttempts = 5
    /// Serialises migrations of several instances starting at once.
    static let migrationLockKey: Int64 = 0x7265_6665_7272_616C

    let client: PostgresClient
    let logger: Logger
    /// How long an operation may wait for a pooled connection before it fails.
    let connectionWait: Duration
    private let runner: Task<Void, Never>

    private init(client: PostgresClient, connectionWait: Duration, logger: Logger) {
        self.client = client
        self.connectionWait = connectionWait
        self.logger = logger
        self.runner = Task { await client.run() }
    }

    /// Connects a pool to `url` (`postgres://user:password@host:port/database?sslmode=...`).
    public static func open(url: String, options: Options = Options(), logger: Logger) async throws -> PostgresReferralStore {
        let store = PostgresReferralStore(
            client: PostgresClient(configuration: try configuration(url: url, options: options), backgroundLogger: logger),
            connectionWait: options.connectTimeout, logger: logger
        )
        do {
            // At start, allow the whole connect timeout (readiness checks allow less).
            _ = try await store.withConnection { try await $0.sql().raw("SELECT 1 AS ok").first() != nil }
        } catch {
            try? await store.close()
            throw error
        }
        return store
    }

    static func configuration(url: String, options: Options) throws -> PostgresClient.Configuration {
        let parsed: SQLPostgresConfiguration
        do {
            parsed = try SQLPostgresConfiguration(url: url)
        } catch {
            throw ReferralError.validation(field: "database", "is not a valid PostgreSQL URL: \(error)", rule: "FORMAT")
        }
        let core = parsed.coreConfiguration
        guard let host = core.host else {
            throw ReferralError.validation(field: "database", "the PostgreSQL URL names no host", rule: "FORMAT")
        }
        let mode = options.tls ?? (core.tls.isEnforced ? .require : core.tls.isAllowed ? .prefer : .disable)
        let tls: PostgresClient.Configuration.TLS =
            switch mode {
            case .disable: .disable
            case .prefer: .prefer(.makeClientConfiguration())
            case .require: .require(.makeClientConfiguration())
            }
        var configuration = PostgresClient.Configuration(
            host: host, port: core.port ?? 5432, username: core.username, password: core.password, database: core.database, tls: tls
        )
        configuration.options.maximumConnections = max(1, options.poolSize)
        configuration.options.connectTimeout = options.connectTimeout
        return configuration
    }

    /// A pooled connection for `body`; fails with `StoreUnavailableError` when none can be had
    /// within the connect timeout. Once `body` runs, the timeout never cuts it short.
    ///
    /// Cancelling the caller (a shutdown does) stops the wait at once with `CancellationError`,
    /// even while `body` runs: the operation is cancelled too, and whether a transaction in it
    /// committed is then unknown to the caller. Awaiting the pool instead hung a webhook
    /// dispatcher asked to shut down after its database was dropped: neither the pool's lease
    /// nor a statement on a connection the server had terminated ended when cancelled. So the
    /// lease runs in a task of its own that the caller can stop waiting for, and a connection
    /// that arrives after the caller gave up does not run `body`.
    private func withConnection<T: Sendable>(
        wait: Duration? = nil, _ body: @escaping @Sendable (PostgresConnection) async throws -> T
    ) async throws -> T {
        let wait = wait ?? connectionWait
        let phase = LeasePhase()
        let outcome = FirstOutcome<T>()
        let lease = Task {
            do {
                outcome.resolve(
                    .success(
                        try await self.client.withConnection { connection in
                            guard phase.begin() else { throw CancellationError() }
                            return try await body(connection)
                        }))
            } catch {
                outcome.resolve(.failure(error))
            }
        }
        // The wait for a connection is bounded by a timer on an event loop, which costs a heap
        // entry; a task sleeping for it cost two more tasks per statement-sized operation.
        let timer = MultiThreadedEventLoopGroup.singleton.any().scheduleTask(in: TimeAmount(wait)) {
            guard phase.abandon() else { return }
            lease.cancel()
            outcome.resolve(.failure(StoreUnavailableError(description: "no PostgreSQL connection within \(wait)")))
        }
        defer { timer.cancel() }
        return try await withTaskCancellationHandler {
            try await outcome.value()
        } onCancel: {
            _ = phase.abandon()
            lease.cancel()
            outcome.resolve(.failure(CancellationError()))
        }
    }

    public func read<T: Sendable>(_ body: @escaping @Sendable (any StoreTransaction) async throws -> T) async throws -> T {
        try await withConnection { connection in
            try await body(SQLStoreTransaction(db: connection.sql(queryLogLevel: .trace), dialect: .postgres))
        }
    }

    public func write<T: Sendable>(_ body: @escaping @Sendable (any StoreTransaction) async throws -> T) async throws -> T {
        var attempt = 1
        while true {
            do {
                return try await withConnection { connection in
                    try await SQLStoreTransaction.run(
                        on: connection.sql(queryLogLevel: .trace), dialect: .postgres, logger: self.logger, body
                    )
                }
            } catch let error where attempt < Self.transactionAttempts && Self.isRetryable(error) {
                logger.debug("transaction retried", metadata: ["attempt": "\(attempt)", "error": "\(error)"])
                attempt += 1
                try await Task.sleep(for: .milliseconds(Int.random(in: 1...(5 * attempt))))
            }
        }
    }

    /// SQLSTATE 40001 (serialization failure) and 40P01 (deadlock): PostgreSQL asks for a retry.
    static func isRetryable(_ error: any Error) -> Bool {
        guard let error = error as? PSQLError, let state = error.serverInfo?[.sqlState] else { return false }
        return state == "40001" || state == "40P01"
    }

    /// Readiness: a connection answers `SELECT 1` within 3 seconds (or the connect timeout,
    /// if shorter), so a load balancer's health check gets its answer quickly.
    public func ping() async throws {
        _ = try await withConnection(wait: min(connectionWait, .seconds(3))) {
            try await $0.sql().raw("SELECT 1 AS ok").first() != nil
        }
    }

    /// Applies pending migrations under an advisory lock, so instances starting together don't race.
    public func migrate() async throws {
        try await client.withConnection { connection in
            let db = connection.sql()
            try await db.raw("SELECT pg_advisory_lock(\(bind: Self.migrationLockKey))").run()
            do {
                try await Migrator(db: db, dialect: .postgres, logger: self.logger).migrate()
                try await db.raw("SELECT pg_advisory_unlock(\(bind: Self.migrationLockKey))").run()
            } catch {
                try? await db.raw("SELECT pg_advisory_unlock(\(bind: Self.migrationLockKey))").run()
                throw error
            }
        }
    }

    public func appliedMigrations() async throws -> [Int] {
        try await client.withConnection { try await Migrator(db: $0.sql(), dialect: .postgres, logger: self.logger).appliedVersions() }
    }

    /// Closes the pool's connections. The pool's run loop gets `closeLimit` to end after its
    /// cancellation; past that the store stops waiting, so a shutdown never hangs on it.
    public func close() async throws {
        runner.cancel()
        let runner = self.runner
        // Whichever comes first; the other task is left behind rather than awaited (awaiting a
        // task's value can't be cancelled).
        let ended = await withCheckedContinuation { (continuation: CheckedContinuation<Bool, Never>) in
            let pending = Mutex<CheckedContinuation<Bool, Never>?>(continuation)
            let finish: @Sendable (Bool) -> Void = { value in pending.withLock { $0.take() }?.resume(returning: value) }
            Task {
                await runner.value
                finish(true)
            }
            Task {
                try? await Task.sleep(for: Self.closeLimit)
                finish(false)
            }
        }
        if !ended {
            logger.warning("the PostgreSQL pool did not stop within \(Self.closeLimit); closing without it")
        }
    }

    static let closeLimit: Duration = .seconds(10)
}

/// Whether a lease's `body` started or its caller gave up first: exactly one of the two wins.
private final class LeasePhase: Sendable {
    private enum Phase { case waiting, started, abandoned }
    private let phase = Mutex(Phase.waiting)

    /// True if `body` may run (the caller still waits).
    func begin() -> Bool { transition(to: .started) }
    /// True if the caller gave up before `body` started.
    func abandon() -> Bool { transition(to: .abandoned) }

    private func transition(to next: Phase) -> Bool {
        phase.withLock { phase in
            guard phase == .waiting else { return false }
            phase = next
            return true
        }
    }
}

/// The first result handed to `resolve`, delivered to the one caller of `value()`.
private final class FirstOutcome<T: Sendable>: Sendable {
    private struct State {
        var result: Result<T, any Error>?
        var continuation: CheckedContinuation<T, any Error>?
        var delivered = false
    }
    private let state = Mutex(State())

    func resolve(_ result: Result<T, any Error>) {
        let waiting = state.withLock { state -> CheckedContinuation<T, any Error>? in
            guard state.result == nil else { return nil }
            state.result = result
            guard let continuation = state.continuation, !state.delivered else { return nil }
            state.delivered = true
            return continuation
        }
        waiting?.resume(with: result)
    }

    func value() async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            let ready = state.withLock { state -> Result<T, any Error>? in
                guard let result = state.result else {
                    state.continuation = continuation
                    return nil
                }
                state.delivered = true
                return result
            }
            if let ready { continuation.resume(with: ready) }
        }
    }
}

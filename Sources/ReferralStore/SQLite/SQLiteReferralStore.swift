import Foundation
import Logging
import ReferralCore
import SQLKit
import Synchronization

/// The embedded store: one SQLite file in WAL mode.
///
/// SQLite allows one writer at a time, so every write transaction runs on a single connection
/// owned by a dedicated thread (`SQLiteWriter`), which commits the transactions that queue up
/// meanwhile together (group commit): one `COMMIT` and one fsync for the batch. When one
/// transaction of a batch fails, the batch runs again with a savepoint per transaction, so a
/// failure undoes only its own changes (`SQLiteWriter.commit`). A write is acknowledged only
/// after the `COMMIT` that contains it returns, so with WAL an acknowledged write survives the
/// process being killed (and with `synchronous=FULL`, the default, a power loss too).
///
/// Reads run on a small pool of reader connections, each in a transaction of its own so a read
/// sees one committed state; WAL lets them proceed while a write is in progress. The log is
/// copied back into the database file mostly off the writer's path (`SQLiteCheckpointer`).
/// Statements run in place through the C API with cached prepared statements
/// (`SQLiteDirectConnection`).
public final class SQLiteReferralStore: ReferralStore {
    public enum Synchronous: String, Sendable, CaseIterable {
        /// Fsync the WAL at every commit: durable across power loss.
        case full = "FULL"
        /// Fsync at checkpoints only: durable across process crashes, not power loss.
        case normal = "NORMAL"
    }

    let path: String
    let logger: Logger
    private let writer: SQLiteWriter
    private let readers: SQLiteReaderPool
    private let checkpointer: SQLiteCheckpointer

    private init(path: String, logger: Logger, writer: SQLiteWriter, readers: SQLiteReaderPool, checkpointer: SQLiteCheckpointer) {
        self.path = path
        self.logger = logger
        self.writer = writer
        self.readers = readers
        self.checkpointer = checkpointer
    }

    /// Opens (creating if needed) the database file. Does not migrate; call `migrate()`.
    public static func open(
        path: String,
        readers readerCount: Int = max(4, 2 * ProcessInfo.processInfo.activeProcessorCount),
        synchronous: Synchronous = .full,
        logger: Logger
    ) async throws -> SQLiteReferralStore {
        let directory = URL(fileURLWithPath: path).deletingLastPathComponent().path
        if !directory.isEmpty {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        }
        // The log's writes go out once per commit; only with FULL, where SQLite syncs the log
        // before a commit becomes visible (see `SQLiteLogWriteVFS`).
        let vfs = synchronous == .full ? SQLiteLogWriteVFS.registeredName : nil
        let writerConnection = try SQLiteDirectConnection.open(path: path, vfs: vfs, logger: logger)
        let checkpointConnection: SQLiteDirectConnection
        do {
            checkpointConnection = try SQLiteDirectConnection.open(path: path, vfs: vfs, logger: logger)
        } catch {
            writerConnection.close()
            throw error
        }
        var readerConnections: [SQLiteDirectConnection] = []
        do {
            // WAL is a property of the file; set it once from the writer before readers attach.
            try writerConnection.run("PRAGMA journal_mode = WAL", [])
            try configure(writerConnection, synchronous: synchronous, cacheKiB: writerCacheKiB)
            for _ in 0..<max(1, readerCount) {
                let reader = try SQLiteDirectConnection.open(path: path, vfs: vfs, logger: logger)
                readerConnections.append(reader)
                try configure(reader, synchronous: synchronous, cacheKiB: readerCacheKiB)
                try reader.run("PRAGMA query_only = ON", [])
            }
            try configure(checkpointConnection, synchronous: synchronous, cacheKiB: checkpointCacheKiB)
        } catch {
            writerConnection.close()
            checkpointConnection.close()
            for reader in readerConnections { reader.close() }
            throw error
        }
        let checkpointer = SQLiteCheckpointer(connection: checkpointConnection, logger: logger)
        checkpointer.watch(writerConnection)
        return SQLiteReferralStore(
            path: path, logger: logger, writer: SQLiteWriter(connection: writerConnection, logger: logger),
            readers: SQLiteReaderPool(connections: readerConnections), checkpointer: checkpointer)
    }

    /// Page cache of the writer and of each reader. The writer touches index pages all over the
    /// file; the readers mostly the few pages of one lookup. The OS keeps the rest of the file.
    static let writerCacheKiB = 32 * 1024
    static let readerCacheKiB = 8 * 1024
    /// A checkpoint reads pages from the log, not through the page cache.
    static let checkpointCacheKiB = 1024

    private static func configure(_ connection: SQLiteDirectConnection, synchronous: Synchronous, cacheKiB: Int) throws {
        // A sleeping busy timeout: it only matters when another process (the CLI) holds the
        // write lock for a moment.
        try connection.run("PRAGMA busy_timeout = 10000", [])
        try connection.run("PRAGMA synchronous = \(synchronous.rawValue)", [])
        try connection.run("PRAGMA foreign_keys = ON", [])
        try connection.run("PRAGMA cache_size = -\(cacheKiB)", [])
        // The savepoints of group commit keep their undo pages in memory, not in a temp file.
        try connection.run("PRAGMA temp_store = MEMORY", [])
    }

    public func read<T: Sendable>(_ body: @escaping @Sendable (any StoreTransaction) async throws -> T) async throws -> T {
        try await readers.withConnection { connection in
            try await SQLStoreTransaction.run(
                on: connection.sql(), dialect: .sqlite, logger: self.logger, control: { try connection.run($0, []) }, body)
        }
    }

    public func write<T: Sendable>(_ body: @escaping @Sendable (any StoreTransaction) async throws -> T) async throws -> T {
        // In the item's savepoint, so a failure undoes the statements left to the end with the rest.
        try await writer.transaction { db in try await SQLStoreTransaction.perform(on: db, dialect: .sqlite, body) }
    }

    /// Write transactions queued behind the one running (for tests that need a batch to form).
    var queuedWrites: Int { writer.queuedCount }

    public func ping() async throws {
        try await readers.withConnection { connection in try connection.run("SELECT 1 AS ok", []) }
    }

    /// Applies pending migrations.
    public func migrate() async throws {
        try await writer.exclusive { db in
            try await Migrator(db: db, dialect: .sqlite, logger: self.logger).migrate()
        }
    }

    /// Versions already applied, oldest first.
    public func appliedMigrations() async throws -> [Int] {
        try await writer.exclusive { db in
            try await Migrator(db: db, dialect: .sqlite, logger: self.logger).appliedVersions()
        }
    }

    public func close() async throws {
        checkpointer.stop()
        // A final checkpoint folds the WAL back into the main file on a clean shutdown.
        try? await writer.exclusive { db in try await db.raw("PRAGMA wal_checkpoint(TRUNCATE)").run() }
        writer.close()
        readers.close()
    }
}

/// Reader connections, lent to one read at a time; a read finding none free waits its turn.
private final class SQLiteReaderPool: Sendable {
    private let connections: [SQLiteDirectConnection]
    private let state: Mutex<State>

    private struct State {
        var free: [Int]
        var waiters: [CheckedContinuation<Int, Never>] = []
    }

    init(connections: [SQLiteDirectConnection]) {
        self.connections = connections
        self.state = Mutex(State(free: Array(connections.indices)))
    }

    func withConnection<T: Sendable>(_ body: (SQLiteDirectConnection) async throws -> T) async throws -> T {
        let index = await checkout()
        defer { checkin(index) }
        return try await body(connections[index])
    }

    private func checkout() async -> Int {
        if let index = state.withLock({ $0.free.popLast() }) { return index }
        return await withCheckedContinuation { continuation in
            let index = state.withLock { state -> Int? in
                if let index = state.free.popLast() { return index }
                state.waiters.append(continuation)
                return nil
            }
            if let index { continuation.resume(returning: index) }
        }
    }

    private func checkin(_ index: Int) {
        let waiter = state.withLock { state -> CheckedContinuation<Int, Never>? in
            guard state.waiters.isEmpty else { return state.waiters.removeFirst() }
            state.free.append(index)
            return nil
        }
        waiter?.resume(returning: index)
    }

    func close() {
        for connection in connections { connection.close() }
    }
}

/// The single writer: a queue of write transactions run on a dedicated thread and committed in
/// batches.
private final class SQLiteWriter: Sendable {
    /// The most transactions one COMMIT carries.
    static let maxBatch = 64

    private let connection: SQLiteDirectConnection
    private let executor: SerialThreadExecutor
    private let logger: Logger
    private let queue = Mutex(Queue())
    /// Counts down the batches that still start with savepoints after a failure.
    private let savepointBatchesLeft = Atomic<Int>(0)

    private struct Queue {
        var items: [Item] = []
        var draining = false
        var closed = false
    }

    private struct Item: Sendable {
        /// Runs alone and outside any transaction (migrations, checkpoints).
        let exclusive: Bool
        let body: @Sendable (any SQLDatabase) async throws -> any Sendable
        let continuation: CheckedContinuation<any Sendable, any Error>
    }

    init(connection: SQLiteDirectConnection, logger: Logger) {
        self.connection = connection
        self.logger = logger
        self.executor = SerialThreadExecutor(name: "referrals-sqlite-writer")
    }

    /// Runs `body` in a write transaction, perhaps sharing its COMMIT with others.
    func transaction<T: Sendable>(_ body: @escaping @Sendable (any SQLDatabase) async throws -> T) async throws -> T {
        try await submit(exclusive: false, body)
    }

    /// Runs `body` alone on the writer connection, outside any transaction.
    func exclusive<T: Sendable>(_ body: @escaping @Sendable (any SQLDatabase) async throws -> T) async throws -> T {
        try await submit(exclusive: true, body)
    }

    var queuedCount: Int { queue.withLock { $0.items.count } }

    /// Refuses new work; the queued work has run by the time the last `exclusive` returned.
    func close() {
        queue.withLock { $0.closed = true }
        connection.close()
        executor.shutdown()
    }

    private func submit<T: Sendable>(exclusive: Bool, _ body: @escaping @Sendable (any SQLDatabase) async throws -> T) async throws -> T {
        let value = try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<any Sendable, any Error>) in
            let item = Item(exclusive: exclusive, body: { try await body($0) }, continuation: continuation)
            let start = queue.withLock { queue -> Bool? in
                guard !queue.closed else { return nil }
                queue.items.append(item)
                guard !queue.draining else { return false }
                queue.draining = true
                return true
            }
            switch start {
            case nil: continuation.resume(throwing: StoreUnavailableError(description: "the SQLite store is closed"))
            case true?: Task(executorPreference: executor) { await self.drain() }
            case false?: break
            }
        }
        guard let result = value as? T else { preconditionFailure("a write transaction returned \(type(of: value)), not \(T.self)") }
        return result
    }

    /// Runs batches until the queue is empty.
    private func drain() async {
        while true {
            let batch = queue.withLock { queue -> [Item] in
                guard let first = queue.items.first else {
                    queue.draining = false
                    return []
                }
                let count = first.exclusive ? 1 : min(Self.maxBatch, queue.items.prefix(while: { !$0.exclusive }).count)
                let batch = Array(queue.items.prefix(count))
                queue.items.removeFirst(count)
                return batch
            }
            guard !batch.isEmpty else { return }
            if batch[0].exclusive {
                do {
                    batch[0].continuation.resume(returning: try await batch[0].body(connection.sql()))
                } catch {
                    batch[0].continuation.resume(throwing: error)
                }
            } else {
                await commit(batch)
            }
            // The batch is answered: now the log's bookkeeping, and a copy into the database
            // file when the log is due to start over, which the next batch waits for.
            connection.afterCommits()
        }
    }

    /// One transaction for the whole batch. Items run back to back without savepoints; when one
    /// fails, the whole transaction is rolled back and the batch runs again with a savepoint per
    /// item, so that a failure undoes only its own changes. A savepoint costs two statements per
    /// item, and SQLite copies every page an item touches into the savepoint's journal first;
    /// failures are rare on the hot paths. After a failure the next batches take savepoints
    /// straight away, so a run of failing requests doesn't pay twice.
    /// Bodies may run more than once (as PostgreSQL's retried transactions do); nothing is
    /// acknowledged before its `COMMIT`.
    private func commit(_ batch: [Item]) async {
        if batch.count > 1, !savepointsFirst() {
            guard let outcomes = await run(batch, savepoints: false) else { return }
            if outcomes.allSatisfy(\.isSuccess) {
                finish(batch, outcomes)
                return
            }
            // Undo the whole batch; then each item again, in its own savepoint.
            if !connection.isAutocommit {
                do {
                    try connection.run("ROLLBACK", [])
                } catch {
                    for item in batch { item.continuation.resume(throwing: error) }
                    return
                }
            }
            savepointBatchesLeft.store(Self.savepointBatchesAfterFailure, ordering: .relaxed)
        }
        guard let outcomes = await run(batch, savepoints: batch.count > 1) else { return }
        finish(batch, outcomes)
    }

    /// Batches that take savepoints from the start after a batch had a failing item.
    static let savepointBatchesAfterFailure = 16

    private func savepointsFirst() -> Bool {
        let left = savepointBatchesLeft.load(ordering: .relaxed)
        guard left > 0 else { return false }
        savepointBatchesLeft.store(left - 1, ordering: .relaxed)
        return true
    }

    /// Begins the transaction and runs the items. Without savepoints it stops at the first
    /// failing item and leaves the transaction open for the caller to roll back. Returns nil
    /// when it has already answered every item (the transaction could not begin, or SQLite
    /// ended it after an error).
    private func run(_ batch: [Item], savepoints: Bool) async -> [Result<any Sendable, any Error>]? {
        let db = connection.sql()
        do {
            // IMMEDIATE takes the write lock at BEGIN, so a transaction never fails half-way on a
            // lock upgrade when another process writes.
            try connection.run("BEGIN IMMEDIATE", [])
        } catch {
            for item in batch { item.continuation.resume(throwing: error) }
            return nil
        }
        var outcomes: [Result<any Sendable, any Error>] = []
        outcomes.reserveCapacity(batch.count)
        for item in batch {
            do {
                if savepoints { try connection.run("SAVEPOINT item", []) }
                let value = try await item.body(db)
                if savepoints { try connection.run("RELEASE item", []) }
                outcomes.append(.success(value))
            } catch {
                outcomes.append(.failure(error))
                if connection.isAutocommit {
                    // SQLite ended the transaction itself (a full disk, an I/O error): the
                    // earlier items' changes are gone too, and the later ones start afresh.
                    let done = outcomes.count
                    for (item, outcome) in zip(batch, outcomes) {
                        switch outcome {
                        case .success: item.continuation.resume(throwing: error)
                        case .failure(let failure): item.continuation.resume(throwing: failure)
                        }
                    }
                    requeue(Array(batch[done...]))
                    return nil
                }
                guard savepoints else { return outcomes }
                do {
                    try connection.run("ROLLBACK TO item", [])
                    try connection.run("RELEASE item", [])
                } catch {
                    logger.error("rolling back a savepoint failed", metadata: ["error": "\(error)"])
                }
            }
        }
        return outcomes
    }

    /// Commits what succeeded (or rolls back when nothing did) and answers every item.
    private func finish(_ batch: [Item], _ outcomes: [Result<any Sendable, any Error>]) {
        var commitError: (any Error)?
        do {
            if outcomes.contains(where: \.isSuccess) {
                try connection.run("COMMIT", [])
            } else {
                try connection.run("ROLLBACK", [])
            }
        } catch {
            commitError = error
            if !connection.isAutocommit {
                do {
                    try connection.run("ROLLBACK", [])
                } catch {
                    logger.error("rollback failed", metadata: ["error": "\(error)"])
                }
            }
        }
        for (item, outcome) in zip(batch, outcomes) {
            switch outcome {
            case .success(let value):
                if let commitError {
                    item.continuation.resume(throwing: commitError)
                } else {
                    item.continuation.resume(returning: value)
                }
            case .failure(let error):
                item.continuation.resume(throwing: error)
            }
        }
    }

    private func requeue(_ items: [Item]) {
        guard !items.isEmpty else { return }
        queue.withLock { $0.items.insert(contentsOf: items, at: 0) }
    }
}

extension Result {
    fileprivate var isSuccess: Bool {
        if case .success = self { true } else { false }
    }
}

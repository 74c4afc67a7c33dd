import Foundation
import Logging
import ReferralCore
import SQLKit
import SQLiteKit
import SQLiteNIO
import Synchronization

/// The embedded store: one SQLite file in WAL mode.
///
/// SQLite allows a single writer at a time, so all write transactions run on one connection,
/// queued in FIFO order by an async lock (no busy-spinning); reads run concurrently on a small
/// pool of reader connections, which WAL lets see the last committed state while a write is
/// in progress. A write is acknowledged only after `COMMIT` returns, and with WAL a committed
/// transaction survives the process being killed (`synchronous=FULL` also survives power loss).
public final class SQLiteReferralStore: ReferralStore {
    public enum Synchronous: String, Sendable {
        /// Fsync the WAL at every commit: durable across power loss.
        case full = "FULL"
        /// Fsync at checkpoints only: durable across process crashes, not power loss.
        case normal = "NORMAL"
    }

    let path: String
    let logger: Logger
    private let writer: SQLiteConnection
    private let readers: [SQLiteConnection]
    private let writeLock = AsyncLock()
    private let nextReader = ReaderCounter()

    private init(path: String, logger: Logger, writer: SQLiteConnection, readers: [SQLiteConnection]) {
        self.path = path
        self.logger = logger
        self.writer = writer
        self.readers = readers
    }

    /// Opens (creating if needed) the database file. Does not migrate; call `migrate()`.
    public static func open(
        path: String,
        readers readerCount: Int = max(2, ProcessInfo.processInfo.activeProcessorCount),
        synchronous: Synchronous = .full,
        logger: Logger
    ) async throws -> SQLiteReferralStore {
        let directory = URL(fileURLWithPath: path).deletingLastPathComponent().path
        if !directory.isEmpty {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        }
        let writer = try await SQLiteConnection.open(storage: .file(path: path), logger: logger)
        do {
            // WAL is a property of the file; set it once from the writer before readers attach.
            try await writer.sql().raw("PRAGMA journal_mode = WAL").run()
            try await configure(writer, synchronous: synchronous)
            var readers: [SQLiteConnection] = []
            for _ in 0..<max(1, readerCount) {
                let reader = try await SQLiteConnection.open(storage: .file(path: path), logger: logger)
                try await configure(reader, synchronous: synchronous)
                try await reader.sql().raw("PRAGMA query_only = ON").run()
                readers.append(reader)
            }
            return SQLiteReferralStore(path: path, logger: logger, writer: writer, readers: readers)
        } catch {
            try? await writer.close()
            throw error
        }
    }

    private static func configure(_ connection: SQLiteConnection, synchronous: Synchronous) async throws {
        let db = connection.sql()
        // A sleeping busy timeout replaces sqlite-nio's spinning handler; it only matters when
        // another process (the CLI) holds the write lock for a moment.
        try await db.raw("PRAGMA busy_timeout = 10000").run()
        try await db.raw("PRAGMA synchronous = \(unsafeRaw: synchronous.rawValue)").run()
        try await db.raw("PRAGMA foreign_keys = ON").run()
    }

    public func read<T: Sendable>(_ body: @escaping @Sendable (any StoreTransaction) async throws -> T) async throws -> T {
        let reader = readers[nextReader.next() % readers.count]
        return try await body(SQLStoreTransaction(db: reader.sql(queryLogLevel: .trace), dialect: .sqlite))
    }

    public func write<T: Sendable>(_ body: @escaping @Sendable (any StoreTransaction) async throws -> T) async throws -> T {
        let db = writer.sql(queryLogLevel: .trace)
        return try await writeLock.withLock {
            // IMMEDIATE takes the write lock at BEGIN, so a transaction never fails half-way
            // on a lock upgrade when another process writes.
            try await SQLStoreTransaction.run(on: db, dialect: .sqlite, begin: "BEGIN IMMEDIATE", logger: self.logger, body)
        }
    }

    public func ping() async throws {
        _ = try await readers[0].sql().raw("SELECT 1 AS ok").first()
    }

    /// Applies pending migrations.
    public func migrate() async throws {
        try await writeLock.withLock {
            try await Migrator(db: self.writer.sql(), dialect: .sqlite, logger: self.logger).migrate()
        }
    }

    /// Versions already applied, oldest first.
    public func appliedMigrations() async throws -> [Int] {
        try await Migrator(db: writer.sql(), dialect: .sqlite, logger: logger).appliedVersions()
    }

    public func close() async throws {
        for reader in readers { try? await reader.close() }
        // A final checkpoint folds the WAL back into the main file on a clean shutdown.
        try? await writer.sql().raw("PRAGMA wal_checkpoint(TRUNCATE)").run()
        try await writer.close()
    }
}

/// Round-robin over reader connections without a lock.
private final class ReaderCounter: Sendable {
    private let counter = Mutex(0)
    func next() -> Int {
        counter.withLock { value in
            value = value &+ 1
            return value & Int.max
        }
    }
}

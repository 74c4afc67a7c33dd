import Foundation
import Logging
import NIOCore
import NIOPosix
import SQLKit
import SQLiteKit
import SQLiteNIO
import Synchronization
import VaporCSQLite

/// One SQLite connection driven synchronously through the C API, with a cache of prepared
/// statements, exposed to the repositories as an `SQLDatabase`.
///
/// SQLiteNIO runs every statement on a thread pool and resumes the caller through the event
/// loop: a transaction of ten statements pays some thirty thread switches and waits behind
/// other requests between them. Here a statement runs on the calling thread, start to finish,
/// so the store decides where that is: the write transactions on one dedicated thread
/// (`SerialThreadExecutor`), the short reads on the caller's thread. The handle is guarded by a
/// mutex, so a statement reaching it from an unexpected thread is still safe, only slower.
///
/// It uses the SQLite library that SQLiteNIO bundles (`VaporCSQLite`), so the process holds one
/// copy of SQLite and its file locks stay coherent.
final class SQLiteDirectConnection: Sendable {
    /// The statements kept prepared; past this many, the cache starts over (the query language
    /// produces many shapes, the hot paths a few dozen).
    static let statementCacheLimit = 256

    let path: String
    let logger: Logger
    private let state: Mutex<State>

    // The handle is only touched under the mutex.
    private struct State: ~Copyable, @unchecked Sendable {
        var handle: OpaquePointer?
        var statements: [String: CachedStatement] = [:]
        /// Kept alive while SQLite holds a pointer to it.
        var walHook: SQLiteWALHook?

        deinit {
            for statement in statements.values { sqlite_nio_sqlite3_finalize(statement.handle) }
            if let handle { sqlite_nio_sqlite3_close_v2(handle) }
        }
    }

    private struct CachedStatement {
        let handle: OpaquePointer
        let columns: SQLiteDirectColumns
    }

    private init(path: String, logger: Logger, handle: OpaquePointer) {
        self.path = path
        self.logger = logger
        self.state = Mutex(State(handle: handle))
    }

    /// Opens (creating if needed) the file in full-mutex mode with extended result codes.
    /// `vfs` names a registered VFS (`SQLiteLogWriteVFS`); nil is SQLite's default.
    static func open(path: String, vfs: String? = nil, logger: Logger) throws -> SQLiteDirectConnection {
        var handle: OpaquePointer?
        let flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX
        let status = sqlite_nio_sqlite3_open_v2(path, &handle, flags, vfs)
        guard status == SQLITE_OK, let handle else {
            let message = handle.map { String(cString: sqlite_nio_sqlite3_errmsg($0)) } ?? "out of memory"
            if let handle { sqlite_nio_sqlite3_close_v2(handle) }
            throw SQLiteDirectError(code: status, message: "cannot open \(path): \(message)")
        }
        sqlite_nio_sqlite3_extended_result_codes(handle, 1)
        return SQLiteDirectConnection(path: path, logger: logger, handle: handle)
    }

    /// The counters of the connection's write-ahead log when it is open through
    /// `SQLiteLogWriteVFS` (tests).
    func logWriteCounters() -> (writes: Int, flushes: Int)? {
        state.withLock { state in
            guard let handle = state.handle else { return nil }
            var file: UnsafeMutablePointer<sqlite3_file>?
            guard sqlite_nio_sqlite3_file_control(handle, "main", SQLITE_FCNTL_JOURNAL_POINTER, &file) == SQLITE_OK, let file,
                file.pointee.pMethods != nil
            else { return nil }
            return SQLiteLogWriteVFS.counters(ofLog: file)
        }
    }

    /// Closes the handle; later statements fail with "the connection is closed".
    func close() {
        state.withLock { state in
            for statement in state.statements.values { sqlite_nio_sqlite3_finalize(statement.handle) }
            state.statements.removeAll()
            if let handle = state.handle { sqlite_nio_sqlite3_close_v2(handle) }
            state.handle = nil
        }
    }

    /// True outside an explicit transaction (SQLite rolls a transaction back by itself after
    /// some errors, such as a full disk).
    var isAutocommit: Bool {
        state.withLock { state in state.handle.map { sqlite_nio_sqlite3_get_autocommit($0) != 0 } ?? true }
    }

    /// Calls `hook` with the number of frames in the write-ahead log after commits, when the
    /// connection's user calls `afterCommits()`. This replaces SQLite's automatic checkpoint on
    /// this connection, so the hook decides when the log is folded back into the database file.
    func onWALCommit(_ hook: SQLiteWALHook) {
        state.withLock { state in
            guard let handle = state.handle else { return }
            state.walHook = hook
            let context = Unmanaged.passUnretained(hook).toOpaque()
            _ = sqlite_nio_sqlite3_wal_hook(
                handle,
                { context, _, _, frames in
                    // Inside the COMMIT: only note the log's length. Copying here would keep
                    // the committed transactions' callers waiting for the copy.
                    guard let context else { return SQLITE_OK }
                    let hook = Unmanaged<SQLiteWALHook>.fromOpaque(context).takeUnretainedValue()
                    hook.committedFrames.store(Int(frames), ordering: .relaxed)
                    return SQLITE_OK
                }, context)
        }
    }

    /// Runs the hook for the commits since the last call, and the copy it asks for (what
    /// SQLite's automatic checkpoint does). The writer calls it after answering a batch, outside
    /// any transaction.
    func afterCommits() {
        state.withLock { state in
            guard let handle = state.handle, let hook = state.walHook else { return }
            let frames = hook.committedFrames.exchange(-1, ordering: .relaxed)
            guard frames >= 0, hook.body(frames) else { return }
            var log: Int32 = 0
            var checkpointed: Int32 = 0
            if sqlite_nio_sqlite3_wal_checkpoint_v2(handle, nil, SQLITE_CHECKPOINT_PASSIVE, &log, &checkpointed) == SQLITE_OK {
                hook.checkpointed(Int(log), Int(checkpointed))
            }
        }
    }

    /// Copies what it can of the write-ahead log into the database file without waiting for
    /// readers or the writer (`SQLITE_CHECKPOINT_PASSIVE`); returns the frames in the log and
    /// how many of them are now in the database file, or nil when another connection was
    /// checkpointing at that moment.
    func checkpointPassively() throws -> (logFrames: Int, checkpointed: Int)? {
        try state.withLock { state in
            guard let db = state.handle else {
                throw SQLiteDirectError(code: SQLITE_MISUSE, message: "the connection is closed")
            }
            var log: Int32 = 0
            var checkpointed: Int32 = 0
            let status = sqlite_nio_sqlite3_wal_checkpoint_v2(db, nil, SQLITE_CHECKPOINT_PASSIVE, &log, &checkpointed)
            // BUSY: another connection is checkpointing right now, which is as good.
            if status == SQLITE_BUSY { return nil }
            guard status == SQLITE_OK else { throw SQLiteDirectError(db: db, code: status) }
            return (Int(log), Int(checkpointed))
        }
    }

    /// The connection as a SQLKit database for the repositories.
    func sql() -> any SQLDatabase {
        SQLiteDirectDatabase(connection: self)
    }

    /// Runs one statement to the end, calling `onRow` for each result row.
    func run(_ sql: String, _ binds: [SQLiteData], onRow: (SQLiteDirectRow) throws -> Void = { _ in }) throws {
        try state.withLock { state in
            guard let db = state.handle else {
                throw SQLiteDirectError(code: SQLITE_MISUSE, message: "the connection is closed")
            }
            let (statement, columns, cached) = try Self.prepare(sql, db: db, cache: &state.statements)
            defer {
                if cached {
                    // No sqlite3_clear_bindings: every run binds every parameter (checked
                    // below), and clearing marks a statement whose plan looked at a bound
                    // value as expired, so it would be compiled again on every run.
                    sqlite_nio_sqlite3_reset(statement)
                } else {
                    sqlite_nio_sqlite3_finalize(statement)
                }
            }
            try Self.bind(binds, to: statement, db: db)
            while true {
                let status = sqlite_nio_sqlite3_step(statement)
                if status == SQLITE_DONE { return }
                guard status == SQLITE_ROW else { throw SQLiteDirectError(db: db, code: status) }
                var values: [SQLiteData] = []
                values.reserveCapacity(columns.names.count)
                for index in 0..<Int32(columns.names.count) {
                    values.append(Self.value(of: statement, at: index))
                }
                try onRow(SQLiteDirectRow(columns: columns, values: values))
            }
        }
    }

    private static func prepare(
        _ sql: String, db: OpaquePointer, cache: inout [String: CachedStatement]
    ) throws -> (OpaquePointer, SQLiteDirectColumns, cached: Bool) {
        if let hit = cache[sql] { return (hit.handle, hit.columns, true) }
        // Data statements are worth keeping; schema changes and pragmas run once.
        let keep = Self.isCacheable(sql)
        var statement: OpaquePointer?
        let status = sqlite_nio_sqlite3_prepare_v3(db, sql, -1, keep ? UInt32(SQLITE_PREPARE_PERSISTENT) : 0, &statement, nil)
        guard status == SQLITE_OK else { throw SQLiteDirectError(db: db, code: status) }
        guard let statement else {
            // Only whitespace or a comment: nothing to run.
            throw SQLiteDirectError(code: SQLITE_MISUSE, message: "empty statement: \(sql.prefix(80))")
        }
        let count = sqlite_nio_sqlite3_column_count(statement)
        let names = (0..<count).map { String(cString: sqlite_nio_sqlite3_column_name(statement, $0)) }
        let columns = SQLiteDirectColumns(names: names)
        guard keep else { return (statement, columns, false) }
        if cache.count >= statementCacheLimit {
            for old in cache.values { sqlite_nio_sqlite3_finalize(old.handle) }
            cache.removeAll(keepingCapacity: true)
        }
        cache[sql] = CachedStatement(handle: statement, columns: columns)
        return (statement, columns, true)
    }

    /// Data statements, and the transaction control every read and write batch runs (`BEGIN`,
    /// `COMMIT`, savepoints): compiling those each time showed in profiles of both.
    static func isCacheable(_ sql: String) -> Bool {
        let head = sql.utf8.drop(while: { $0 == 0x20 || $0 == 0x0A || $0 == 0x09 }).prefix(9)
        let word = String(decoding: head.prefix(while: { $0 != 0x20 && $0 != 0x0A && $0 != 0x09 }), as: UTF8.self).uppercased()
        return ["SELECT", "INSERT", "UPDATE", "DELETE", "WITH", "BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE"].contains(word)
    }

    private static func bind(_ binds: [SQLiteData], to statement: OpaquePointer, db: OpaquePointer) throws {
        let expected = Int(sqlite_nio_sqlite3_bind_parameter_count(statement))
        guard binds.count == expected else {
            throw SQLiteDirectError(
                code: SQLITE_RANGE, message: "the statement has \(expected) parameters, \(binds.count) values were bound")
        }
        let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)
        for (offset, bind) in binds.enumerated() {
            let index = Int32(offset + 1)
            let status: Int32
            switch bind {
            case .integer(let value):
                status = sqlite_nio_sqlite3_bind_int64(statement, index, Int64(value))
            case .float(let value):
                status = sqlite_nio_sqlite3_bind_double(statement, index, value)
            case .text(let value):
                var value = value
                status = value.withUTF8 { text in
                    sqlite_nio_sqlite3_bind_text64(statement, index, text.baseAddress, UInt64(text.count), transient, UInt8(SQLITE_UTF8))
                }
            case .blob(let buffer):
                status = buffer.withUnsafeReadableBytes { bytes in
                    sqlite_nio_sqlite3_bind_blob64(statement, index, bytes.baseAddress, UInt64(bytes.count), transient)
                }
            case .null:
                status = sqlite_nio_sqlite3_bind_null(statement, index)
            }
            guard status == SQLITE_OK else { throw SQLiteDirectError(db: db, code: status) }
        }
    }

    private static func value(of statement: OpaquePointer, at index: Int32) -> SQLiteData {
        switch sqlite_nio_sqlite3_column_type(statement, index) {
        case SQLITE_INTEGER:
            return .integer(Int(sqlite_nio_sqlite3_column_int64(statement, index)))
        case SQLITE_FLOAT:
            return .float(sqlite_nio_sqlite3_column_double(statement, index))
        case SQLITE_TEXT:
            guard let text = sqlite_nio_sqlite3_column_text(statement, index) else { return .text("") }
            let count = Int(sqlite_nio_sqlite3_column_bytes(statement, index))
            return .text(String(decoding: UnsafeBufferPointer(start: text, count: count), as: UTF8.self))
        case SQLITE_BLOB:
            let count = Int(sqlite_nio_sqlite3_column_bytes(statement, index))
            var buffer = ByteBufferAllocator().buffer(capacity: count)
            if let bytes = sqlite_nio_sqlite3_column_blob(statement, index) {
                buffer.writeBytes(UnsafeRawBufferPointer(start: bytes, count: count))
            }
            return .blob(buffer)
        default:
            return .null
        }
    }
}

/// What a connection calls after each commit with the frame count of its write-ahead log.
/// When `body` answers true the connection checkpoints passively there and then, and reports
/// the outcome to `checkpointed` (frames in the log, frames now in the database file).
final class SQLiteWALHook: Sendable {
    let body: @Sendable (Int) -> Bool
    let checkpointed: @Sendable (Int, Int) -> Void
    /// The log's length after the latest commit not yet passed to `body`; -1 when none.
    let committedFrames = Atomic<Int>(-1)

    init(_ body: @escaping @Sendable (Int) -> Bool, checkpointed: @escaping @Sendable (Int, Int) -> Void) {
        self.body = body
        self.checkpointed = checkpointed
    }
}

/// An error reported by SQLite, with its (extended) result code.
struct SQLiteDirectError: Error, CustomStringConvertible {
    let code: Int32
    let message: String

    init(code: Int32, message: String) {
        self.code = code
        self.message = message
    }

    init(db: OpaquePointer, code: Int32) {
        self.code = code
        self.message = String(cString: sqlite_nio_sqlite3_errmsg(db))
    }

    var description: String { "SQLite error \(code): \(message)" }
}

/// The column names of a statement, shared by all its rows.
final class SQLiteDirectColumns: Sendable {
    let names: [String]
    private let indexes: [String: Int]

    init(names: [String]) {
        self.names = names
        // The first of duplicate names wins, as in SQLiteNIO.
        self.indexes = Dictionary(names.enumerated().map { ($1, $0) }, uniquingKeysWith: { first, _ in first })
    }

    func index(of name: String) -> Int? { indexes[name] }
}

/// One result row, decoded like SQLiteKit's rows (same `SQLiteDataDecoder`).
struct SQLiteDirectRow: SQLRow {
    let columns: SQLiteDirectColumns
    let values: [SQLiteData]

    var allColumns: [String] { columns.names }

    func contains(column: String) -> Bool { columns.index(of: column) != nil }

    func decodeNil(column: String) throws -> Bool {
        guard let index = columns.index(of: column) else { return true }
        return values[index] == .null
    }

    func decode<D: Decodable>(column: String, as type: D.Type) throws -> D {
        guard let index = columns.index(of: column) else {
            throw DecodingError.keyNotFound(
                SQLiteDirectColumnKey(column), .init(codingPath: [], debugDescription: "no column \(column) in the row"))
        }
        let value = values[index]
        // The column types the repositories read, without SQLiteKit's dynamic casts.
        switch value {
        case .text(let text) where D.self == String.self: return unsafeBitCast(text, to: D.self)
        case .integer(let number) where D.self == Int64.self: return unsafeBitCast(Int64(number), to: D.self)
        case .integer(let number) where D.self == Int.self: return unsafeBitCast(number, to: D.self)
        default: return try SQLiteDirectDatabase.decoder.decode(D.self, from: value)
        }
    }
}

private struct SQLiteDirectColumnKey: CodingKey {
    let stringValue: String
    var intValue: Int? { nil }
    init(_ name: String) { stringValue = name }
    init?(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) { nil }
}

/// `SQLDatabase` over a direct connection: serializes with SQLite's dialect and runs in place.
struct SQLiteDirectDatabase: SQLDatabase {
    static let encoder = SQLiteDataEncoder()
    static let decoder = SQLiteDataDecoder()

    let connection: SQLiteDirectConnection

    var logger: Logger { connection.logger }
    var eventLoop: any EventLoop { MultiThreadedEventLoopGroup.singleton.any() }
    var version: (any SQLDatabaseReportedVersion)? { nil }
    var dialect: any SQLDialect { SQLiteDialect() }
    var queryLogLevel: Logger.Level? { .trace }

    func execute(sql query: any SQLExpression, _ onRow: @escaping @Sendable (any SQLRow) -> Void) -> EventLoopFuture<Void> {
        let promise = eventLoop.makePromise(of: Void.self)
        promise.completeWith(Result { try self.executeNow(query, onRow) })
        return promise.futureResult
    }

    func execute(sql query: any SQLExpression, _ onRow: @escaping @Sendable (any SQLRow) -> Void) async throws {
        try executeNow(query, onRow)
    }

    private func executeNow(_ query: any SQLExpression, _ onRow: (any SQLRow) -> Void) throws {
        let (sql, binds) = serialize(query)
        try run(sql, binds, onRow)
    }

    /// Runs a statement written with `StoreSQL`: its text as it is, without SQLKit's serializer.
    func run(_ sql: StoreSQL, _ onRow: (any SQLRow) -> Void) throws {
        try run(sql.text, sql.binds, onRow)
    }

    private func run(_ sql: String, _ rawBinds: [any Encodable & Sendable], _ onRow: (any SQLRow) -> Void) throws {
        if logger.logLevel <= .trace {
            logger.trace("Executing query", metadata: ["sql": .string(sql), "binds": .array(rawBinds.map { .string("\($0)") })])
        }
        let binds = try rawBinds.map(Self.data(for:))
        try connection.run(sql, binds) { onRow($0) }
    }

    /// The bind values the repositories use, converted without SQLiteKit's dynamic casts and
    /// encoder; anything else goes through `SQLiteDataEncoder` as before.
    static func data(for value: any Encodable & Sendable) throws -> SQLiteData {
        switch value {
        case let text as String: .text(text)
        case let number as Int64: .integer(Int(number))
        case let number as Int: .integer(number)
        case let flag as Bool: .integer(flag ? 1 : 0)
        case let number as Double: .float(number)
        case let optional as String?: optional.map { .text($0) } ?? .null
        case let optional as Int64?: optional.map { .integer(Int($0)) } ?? .null
        default: try encoder.encode(value)
        }
    }
}

import Foundation
import Logging
import ReferralTestSupport
import SQLKit
import Testing
import VaporCSQLite

@testable import ReferralStore

/// The log's writes collect per commit (`SQLiteLogWriteVFS`), and whatever a commit wrote is in
/// the files, for any other connection, by the time the commit returns.
@Suite("SQLite log writes")
struct SQLiteLogWriteVFSTests {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("referrals-logwrites-\(UUID().uuidString)")
    var path: String { directory.appendingPathComponent("db.sqlite").path }
    let logger = Logger(label: "test")

    init() throws {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    /// A connection through the VFS, configured as the store's writer is, with `cachePages`
    /// pages of cache (a small cache makes SQLite write pages into the log before the commit).
    func openThroughVFS(synchronous: String = "FULL", cachePages: Int = 2000) throws -> SQLiteDirectConnection {
        let name = try #require(SQLiteLogWriteVFS.registeredName)
        let connection = try SQLiteDirectConnection.open(path: path, vfs: name, logger: logger)
        try connection.run("PRAGMA journal_mode = WAL", [])
        try connection.run("PRAGMA synchronous = \(synchronous)", [])
        try connection.run("PRAGMA cache_size = \(cachePages)", [])
        // Checkpoints would move frames out of the log; these tests look at the log.
        try connection.run("PRAGMA wal_autocheckpoint = 0", [])
        return connection
    }

    /// One integer from a statement.
    func integer(_ connection: SQLiteDirectConnection, _ sql: String) throws -> Int {
        var result: Int?
        try connection.run(sql, []) { row in result = try row.decode(column: "n", as: Int.self) }
        return try #require(result)
    }

    func text(_ connection: SQLiteDirectConnection, _ sql: String) throws -> String {
        var result: String?
        try connection.run(sql, []) { row in result = try row.decode(column: "n", as: String.self) }
        return try #require(result)
    }

    /// What another connection, through SQLite's default VFS, finds in the files.
    func outsideView(_ sql: String, checkIntegrity: Bool = true) throws -> (value: Int, integrity: String) {
        let reader = try SQLiteDirectConnection.open(path: path, logger: logger)
        defer { reader.close() }
        let value = try integer(reader, sql)
        return (value, checkIntegrity ? try text(reader, "SELECT integrity_check AS n FROM pragma_integrity_check") : "")
    }

    @Test("a commit of many pages goes out in a few writes, and another connection reads it at once")
    func largeCommit() throws {
        defer { try? FileManager.default.removeItem(at: directory) }
        let connection = try openThroughVFS()
        defer { connection.close() }
        try connection.run("CREATE TABLE filler (id INTEGER PRIMARY KEY, body BLOB NOT NULL)", [])
        let before = try #require(connection.logWriteCounters())
        // Some 600 pages, 2.5 MB of log: many times one write of the default VFS (124 KiB).
        try connection.run("BEGIN IMMEDIATE", [])
        try connection.run(
            "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 600) INSERT INTO filler SELECT i, randomblob(3000) FROM n",
            [])
        try connection.run("COMMIT", [])
        let after = try #require(connection.logWriteCounters())
        let writes = after.writes - before.writes
        let flushes = after.flushes - before.flushes
        // Two per page (its frame's header, then the page), in 2.5 MB / 124 KiB = 20 flushes.
        #expect(writes >= 1200, "SQLite wrote \(writes) times to the log")
        #expect(flushes <= 24, "\(flushes) flushes for \(writes) writes")
        let log = try FileManager.default.attributesOfItem(atPath: path + "-wal")[.size] as? NSNumber
        #expect((log?.intValue ?? 0) > 600 * 4096)
        let outside = try outsideView("SELECT count(*) AS n FROM filler WHERE length(body) = 3000")
        #expect(outside.value == 600)
        #expect(outside.integrity == "ok")
    }

    @Test("pages written to the log before the commit, rewritten and read back, end up as committed")
    func spilledPages() throws {
        defer { try? FileManager.default.removeItem(at: directory) }
        // Ten pages of cache: the transaction's pages go to the log long before its commit,
        // are read back from it, and written again over their first frames.
        let connection = try openThroughVFS(cachePages: 10)
        defer { connection.close() }
        try connection.run("CREATE TABLE filler (id INTEGER PRIMARY KEY, body BLOB NOT NULL, version INTEGER NOT NULL)", [])
        try connection.run("BEGIN IMMEDIATE", [])
        try connection.run(
            "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 400) INSERT INTO filler SELECT i, randomblob(1500), 1 FROM n",
            [])
        try connection.run("UPDATE filler SET version = 2, body = randomblob(1400)", [])
        #expect(try integer(connection, "SELECT sum(version) AS n FROM filler") == 800)
        try connection.run("COMMIT", [])

        // A transaction that spills and is rolled back leaves nothing behind.
        try connection.run("BEGIN IMMEDIATE", [])
        try connection.run("UPDATE filler SET version = 3, body = randomblob(1600)", [])
        try connection.run(
            "WITH RECURSIVE n(i) AS (SELECT 401 UNION ALL SELECT i + 1 FROM n WHERE i < 800) INSERT INTO filler SELECT i, randomblob(1500), 3 FROM n",
            [])
        try connection.run("ROLLBACK", [])
        // The next one writes over the rolled-back frames.
        try connection.run("BEGIN IMMEDIATE", [])
        try connection.run("UPDATE filler SET version = 4 WHERE id % 2 = 0", [])
        try connection.run("COMMIT", [])

        let outside = try outsideView("SELECT sum(version) AS n FROM filler")
        #expect(outside.value == 200 * 2 + 200 * 4)
        #expect(outside.integrity == "ok")
        #expect(try integer(connection, "SELECT count(*) AS n FROM filler WHERE length(body) = 1400") == 400)
    }

    @Test("with synchronous=NORMAL a commit is in the log before other connections can see it")
    func publishedWithoutSync() throws {
        defer { try? FileManager.default.removeItem(at: directory) }
        // NORMAL doesn't sync the log at commit: the barrier before the commit is published
        // is what writes the buffer out.
        let connection = try openThroughVFS(synchronous: "NORMAL")
        defer { connection.close() }
        try connection.run("CREATE TABLE filler (id INTEGER PRIMARY KEY, body BLOB NOT NULL)", [])
        let reader = try SQLiteDirectConnection.open(path: path, logger: logger)
        defer { reader.close() }
        for round in 1...20 {
            try connection.run("BEGIN IMMEDIATE", [])
            try connection.run(
                "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 50) INSERT INTO filler (body) SELECT randomblob(2000) FROM n",
                [])
            try connection.run("COMMIT", [])
            #expect(try integer(reader, "SELECT count(*) AS n FROM filler WHERE length(body) = 2000") == round * 50)
        }
        #expect(try text(reader, "SELECT integrity_check AS n FROM pragma_integrity_check") == "ok")
    }

    @Test("the store's writes are in the files when a write returns, for a connection of its own")
    func storeWrites() async throws {
        defer { try? FileManager.default.removeItem(at: directory) }
        let store = try await SQLiteReferralStore.open(path: path, synchronous: .full, logger: logger)
        try await store.write { tx in
            try await (tx as! SQLStoreTransaction).db.raw("CREATE TABLE filler (id INTEGER PRIMARY KEY, body BLOB NOT NULL)").run()
        }
        // Concurrent writes share commits; each is acknowledged after its commit.
        try await withThrowingTaskGroup(of: Void.self) { group in
            for worker in 0..<8 {
                group.addTask {
                    for index in stride(from: worker, to: 400, by: 8) {
                        try await store.write { tx in
                            try await (tx as! SQLStoreTransaction).db.raw(
                                "INSERT INTO filler (id, body) VALUES (\(bind: index), randomblob(5000))"
                            ).run()
                        }
                        let seen = try outsideView("SELECT count(*) AS n FROM filler WHERE id = \(index)", checkIntegrity: false)
                        #expect(seen.value == 1, "row \(index) is not in the files after its write returned")
                    }
                }
            }
            try await group.waitForAll()
        }
        #expect(try outsideView("SELECT count(*) AS n FROM filler").value == 400)
        try await store.close()
        #expect(try outsideView("SELECT count(*) AS n FROM filler").integrity == "ok")
    }
}

/// The buffer behind the VFS, against a file image written directly.
@Suite("SQLite log write buffer")
struct LogWriteBufferTests {
    /// A file image and the writes that reached it.
    final class FileImage {
        /// SQLITE_IOERR_WRITE, a macro Swift doesn't import.
        static let writeFailed = SQLITE_IOERR | (3 << 8)
        var bytes: [UInt8] = []
        var writes: [(offset: Int64, count: Int)] = []
        var failing = false

        func write(_ data: UnsafeRawPointer, _ count: Int, _ offset: Int64) -> Int32 {
            writes.append((offset, count))
            if failing { return FileImage.writeFailed }
            apply(UnsafeRawBufferPointer(start: data, count: count), at: offset)
            return SQLITE_OK
        }

        func apply(_ data: UnsafeRawBufferPointer, at offset: Int64) {
            let end = Int(offset) + data.count
            if bytes.count < end { bytes += [UInt8](repeating: 0, count: end - bytes.count) }
            bytes.replaceSubrange(Int(offset)..<end, with: data)
        }
    }

    func write(_ buffer: LogWriteBuffer, _ image: FileImage, _ data: [UInt8], at offset: Int64) -> Int32 {
        data.withUnsafeBytes { buffer.write($0.baseAddress!, count: data.count, at: offset, flushing: image.write) }
    }

    @Test("random appends, rewrites, jumps and flushes leave the file as direct writes would", arguments: 0..<20)
    func matchesDirectWrites(seed: UInt64) {
        var random = SplitMix64(seed: seed)
        let buffer = LogWriteBuffer(limit: 64 << 10, largestWrite: 10_000)
        let image = FileImage()
        let direct = FileImage()
        var end: Int64 = 32
        for step in 0..<400 {
            let length = [24, 4096, 100, 3000].randomElement(using: &random)!
            let offset: Int64
            switch Int.random(in: 0..<10, using: &random) {
            case 0..<6: offset = end  // the next frame
            case 6..<8: offset = Int64.random(in: 0...max(0, end - Int64(length)), using: &random)  // a rewrite
            default: offset = Int64.random(in: 0...(end + 10_000), using: &random)  // anywhere
            }
            let data = (0..<length).map { _ in UInt8.random(in: 0...255, using: &random) }
            #expect(write(buffer, image, data, at: offset) == SQLITE_OK)
            data.withUnsafeBytes { direct.apply($0, at: offset) }
            end = max(end, offset + Int64(length))
            if step % 37 == 0 { #expect(buffer.flush(image.write) == SQLITE_OK) }  // a read, a sync
        }
        #expect(buffer.flush(image.write) == SQLITE_OK)
        #expect(buffer.isEmpty)
        #expect(image.bytes == direct.bytes)
        #expect(image.writes.allSatisfy { $0.count <= 10_000 })
    }

    @Test("appends and rewrites within the run go out together, in writes of at most the largest size")
    func coalesces() {
        let buffer = LogWriteBuffer(limit: 1 << 20, largestWrite: 5000)
        let image = FileImage()
        for frame in 0..<10 {
            let base = Int64(32 + frame * 4120)
            #expect(write(buffer, image, [UInt8](repeating: 1, count: 24), at: base) == SQLITE_OK)
            #expect(write(buffer, image, [UInt8](repeating: UInt8(frame), count: 4096), at: base + 24) == SQLITE_OK)
        }
        // The third page again, as SQLite rewrites a page changed after it went to the log.
        #expect(write(buffer, image, [UInt8](repeating: 99, count: 4096), at: 32 + 2 * 4120 + 24) == SQLITE_OK)
        #expect(image.writes.isEmpty)
        #expect(buffer.flush(image.write) == SQLITE_OK)
        #expect(buffer.flushes == 1)
        #expect(image.writes.map(\.count) == [5000, 5000, 5000, 5000, 5000, 5000, 5000, 5000, 1200])
        #expect(image.writes.first?.offset == 32)
        #expect(image.bytes[32 + 2 * 4120 + 24] == 99)
        #expect(image.bytes[32 + 3 * 4120 + 24] == 3)
        #expect(image.bytes.count == 32 + 10 * 4120)
    }

    @Test("a write elsewhere or past the limit sends the run out first")
    func flushesBeforeJumps() {
        let buffer = LogWriteBuffer(limit: 10_000, largestWrite: 100_000)
        let image = FileImage()
        #expect(write(buffer, image, [UInt8](repeating: 1, count: 4000), at: 0) == SQLITE_OK)
        #expect(write(buffer, image, [UInt8](repeating: 2, count: 4000), at: 4000) == SQLITE_OK)
        #expect(image.writes.isEmpty)
        // Past the limit: the first 8,000 bytes go out, the new ones start a run.
        #expect(write(buffer, image, [UInt8](repeating: 3, count: 4000), at: 8000) == SQLITE_OK)
        #expect(image.writes.map(\.count) == [8000])
        // Before the run: it goes out first, so the later bytes land last.
        #expect(write(buffer, image, [UInt8](repeating: 4, count: 100), at: 7950) == SQLITE_OK)
        #expect(image.writes.map(\.offset) == [0, 8000])
        #expect(buffer.flush(image.write) == SQLITE_OK)
        #expect(image.bytes[7949] == 2)
        #expect(image.bytes[7950] == 4)
        #expect(image.bytes[8049] == 4)
        #expect(image.bytes[8050] == 3)
    }

    @Test("a failing write is reported and its bytes are dropped")
    func failure() {
        let buffer = LogWriteBuffer(limit: 10_000, largestWrite: 100_000)
        let image = FileImage()
        #expect(write(buffer, image, [UInt8](repeating: 1, count: 4000), at: 0) == SQLITE_OK)
        image.failing = true
        #expect(write(buffer, image, [UInt8](repeating: 2, count: 10), at: 50_000) == FileImage.writeFailed)
        #expect(buffer.isEmpty)
        #expect(buffer.flush(image.write) == SQLITE_OK)
        image.failing = false
        #expect(write(buffer, image, [UInt8](repeating: 3, count: 10), at: 0) == SQLITE_OK)
        #expect(buffer.flush(image.write) == SQLITE_OK)
        #expect(image.bytes.count == 10)
    }
}

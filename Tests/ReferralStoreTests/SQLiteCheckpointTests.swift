import Foundation
import Logging
import SQLKit
import Testing

@testable import ReferralStore

/// The write-ahead log is folded back into the database file off the writer's path, and it
/// stays bounded under sustained writes with readers running.
@Suite("SQLite checkpoints")
struct SQLiteCheckpointTests {
    @Test("under sustained writes and reads the log stays bounded and the database file fills")
    func boundedLog() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("referrals-checkpoint-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("db.sqlite").path
        let store = try await SQLiteReferralStore.open(path: path, synchronous: .normal, logger: Logger(label: "test"))
        try await store.write { tx in
            try await (tx as! SQLStoreTransaction).db.raw("CREATE TABLE filler (id INTEGER PRIMARY KEY, body BLOB NOT NULL)").run()
        }
        func size(_ file: String) -> Int {
            ((try? FileManager.default.attributesOfItem(atPath: file))?[.size] as? NSNumber)?.intValue ?? 0
        }
        let frame = 4096 + 24
        let bound =
            (SQLiteCheckpointer.restartFrames + SQLiteCheckpointer.maximumLagFrames + 2 * SQLiteCheckpointer.thresholdFrames) * frame
        // Transactions of four or five pages each, at least twice the log's bound through the
        // log (a log that never starts over would pass it).
        let writes = 2 * bound / (4 * frame)
        let largestLog = try await withThrowingTaskGroup(of: Int.self) { group in
            for worker in 0..<16 {
                group.addTask {
                    var largest = 0
                    for index in stride(from: worker, to: writes, by: 16) {
                        try await store.write { tx in
                            try await (tx as! SQLStoreTransaction).db.raw(
                                "INSERT INTO filler (id, body) VALUES (\(bind: index), randomblob(16384))"
                            ).run()
                        }
                        largest = max(largest, size(path + "-wal"))
                        _ = try await store.read { tx in
                            try await (tx as! SQLStoreTransaction).db.raw("SELECT count(*) AS n FROM filler").first()
                        }
                    }
                    return largest
                }
            }
            return try await group.reduce(0, max)
        }
        #expect(largestLog > 0)
        #expect(largestLog <= bound, "the log reached \(largestLog) bytes")
        // Most of the data reached the database file before any closing checkpoint.
        #expect(size(path) >= writes * 16384 / 2, "database file \(size(path)) bytes")
        let count = try await store.read { tx in
            try await (tx as! SQLStoreTransaction).db.raw("SELECT count(*) AS n FROM filler").first()?.decode(column: "n", as: Int.self)
        }
        #expect(count == writes)
        try await store.close()
        #expect(size(path + "-wal") == 0)
    }
}

import Foundation
import Logging
import SQLKit
import Synchronization
import Testing

@testable import ReferralStore

/// Write transactions that queue up behind a running one share a `COMMIT`. They run without
/// savepoints; when one fails, the batch is undone and runs again with a savepoint per item, so
/// the failure undoes only itself.
@Suite("SQLite group commit")
struct SQLiteGroupCommitTests {
    struct Abort: Error {}

    /// How many times each body ran.
    final class Runs: Sendable {
        private let counts = Mutex<[Int: Int]>([:])
        func count(_ id: Int) { counts.withLock { $0[id, default: 0] += 1 } }
        var all: [Int: Int] { counts.withLock { $0 } }
    }

    /// Opens a store with a table of numbered rows.
    private func withStore(_ body: (SQLiteReferralStore) async throws -> Void) async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("referrals-groupcommit-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        let store = try await SQLiteReferralStore.open(
            path: directory.appendingPathComponent("db.sqlite").path, synchronous: .normal, logger: Logger(label: "test"))
        try await store.write { tx in
            try await (tx as! SQLStoreTransaction).db.raw("CREATE TABLE items (id INTEGER PRIMARY KEY, note TEXT NOT NULL)").run()
        }
        do {
            try await body(store)
        } catch {
            try await store.close()
            throw error
        }
        try await store.close()
    }

    /// Holds the writer in one transaction while `count` more queue up, then lets them run as
    /// one batch. `failing` items insert their row and throw; with `halfWay`, they instead
    /// insert theirs and then fail in a statement that wrote a row before failing (under
    /// `OR FAIL`, which keeps no statement journal). Returns each item's outcome and how many
    /// times each body ran.
    private func batch(
        _ store: SQLiteReferralStore, ids: Range<Int>, failing: Set<Int>, halfWay: Bool = false
    ) async throws -> (committed: [Int: Bool], runs: [Int: Int]) {
        let runs = Runs()
        let (gate, open) = AsyncStream.makeStream(of: Void.self)
        let (entered, enter) = AsyncStream.makeStream(of: Void.self)
        let holder = Task {
            try await store.write { _ in
                enter.yield()
                for await _ in gate { break }
            }
        }
        for await _ in entered { break }
        let committed = try await withThrowingTaskGroup(of: (Int, Bool).self) { group in
            for id in ids {
                group.addTask {
                    do {
                        try await store.write { tx in
                            runs.count(id)
                            try await (tx as! SQLStoreTransaction).db.raw(
                                "INSERT INTO items (id, note) VALUES (\(bind: id), \(bind: "item \(id)"))"
                            ).run()
                            guard failing.contains(id) else { return }
                            guard halfWay else { throw Abort() }
                            // The first row goes in; the second breaks NOT NULL and the statement fails.
                            try await (tx as! SQLStoreTransaction).db.raw(
                                """
                                \(unsafeRaw: StoreDialect.sqlite.orFail("INSERT")) INTO items (id, note)
                                VALUES (\(bind: id + 1000), 'first'), (\(bind: id + 2000), NULL)
                                """
                            ).run()
                        }
                        return (id, true)
                    } catch  where failing.contains(id) && (halfWay || error is Abort) {
                        return (id, false)
                    }
                }
            }
            // Let the batch form behind the held transaction before releasing it.
            while store.queuedWrites < ids.count { try await Task.sleep(for: .milliseconds(2)) }
            open.yield()
            open.finish()
            try await holder.value
            return try await group.reduce(into: [Int: Bool]()) { $0[$1.0] = $1.1 }
        }
        return (committed, runs.all)
    }

    private func storedIDs(_ store: SQLiteReferralStore) async throws -> Set<Int> {
        try await store.read { tx in
            let rows = try await (tx as! SQLStoreTransaction).db.raw("SELECT id FROM items").all()
            return Set(try rows.map { try $0.decode(column: "id", as: Int.self) })
        }
    }

    @Test("a batch without failures runs each body once and commits every item")
    func cleanBatch() async throws {
        try await withStore { store in
            let (committed, runs) = try await batch(store, ids: 0..<20, failing: [])
            #expect(committed.values.allSatisfy { $0 })
            #expect(runs == Dictionary(uniqueKeysWithValues: (0..<20).map { ($0, 1) }))
            #expect(try await storedIDs(store) == Set(0..<20))
        }
    }

    @Test("a failing item undoes only itself; the batch ran again with savepoints, and the next batches start with them")
    func failingItem() async throws {
        try await withStore { store in
            let (committed, runs) = try await batch(store, ids: 0..<20, failing: [7, 13])
            #expect(committed.filter { !$0.value }.keys.sorted() == [7, 13])
            // Items 0...7 ran in the first attempt and again in the second; the rest once.
            for id in 0..<20 { #expect(runs[id] == (id <= 7 ? 2 : 1), "item \(id)") }
            #expect(try await storedIDs(store) == Set(0..<20).subtracting([7, 13]))

            // Right after a failure, a batch takes savepoints from the start: each body runs once.
            let (again, rerun) = try await batch(store, ids: 100..<110, failing: [101])
            #expect(again.filter { !$0.value }.keys.sorted() == [101])
            #expect(rerun.values.allSatisfy { $0 == 1 })
            #expect(try await storedIDs(store) == Set(0..<20).subtracting([7, 13]).union(Set(100..<110).subtracting([101])))
        }
    }

    @Test("an item that fails half-way through a statement under OR FAIL leaves none of its rows")
    func failingHalfWay() async throws {
        try await withStore { store in
            let (committed, _) = try await batch(store, ids: 0..<12, failing: [3, 9], halfWay: true)
            #expect(committed.filter { !$0.value }.keys.sorted() == [3, 9])
            // Neither the failing items' own rows nor the first rows of their failed statements.
            #expect(try await storedIDs(store) == Set(0..<12).subtracting([3, 9]))

            // Alone in its transaction (no batch to share), the same failure leaves nothing either.
            let (single, _) = try await batch(store, ids: 50..<51, failing: [50], halfWay: true)
            #expect(single == [50: false])
            #expect(try await storedIDs(store) == Set(0..<12).subtracting([3, 9]))
        }
    }

    @Test("a batch where every item fails commits nothing")
    func allFail() async throws {
        try await withStore { store in
            let (committed, _) = try await batch(store, ids: 0..<8, failing: Set(0..<8))
            #expect(committed.values.allSatisfy { !$0 })
            #expect(try await storedIDs(store).isEmpty)
        }
    }
}

import Foundation
import Logging
import SQLKit
import Testing

@testable import ReferralStore

/// Statements written with `StoreSQL`: the text SQLite runs as it is, and the same statement
/// through SQLKit's serializer for other databases.
@Suite("StoreSQL statements")
struct StoreSQLTests {
    /// Values and nested statements in one statement, with a `?` that is text, not a value.
    static var composed: StoreSQL {
        var inner: StoreSQL = "SELECT id, n FROM t WHERE site_id = \(bind: "site-1")"
        inner += " AND n > \(bind: Int64(3)) AND note <> '?'"
        return "SELECT count(*) AS c FROM (\(inner)) AS x WHERE \(unsafeRaw: "1 = 1") AND n IN (\(binds: [Int64(4), Int64(5)]))"
    }

    @Test("each value is an anonymous placeholder, in order, nested statements included")
    func text() {
        let statement = Self.composed
        #expect(
            statement.text
                == "SELECT count(*) AS c FROM (SELECT id, n FROM t WHERE site_id = ? AND n > ? AND note <> '?') AS x WHERE 1 = 1 AND n IN (?, ?)"
        )
        #expect(statement.binds.count == 4)
        #expect(statement.binds.first as? String == "site-1")
        #expect(statement.binds.dropFirst().compactMap { $0 as? Int64 } == [3, 4, 5])
    }

    @Test("through SQLKit each value gets the dialect's placeholder, and a '?' in the text stays text")
    func serialized() async throws {
        try await QueryTestTable.with([]) { database in
            let serialized = database.sql.serialize(Self.composed.expression)
            #expect(
                serialized.sql
                    == "SELECT count(*) AS c FROM (SELECT id, n FROM t WHERE site_id = ?1 AND n > ?2 AND note <> '?') AS x WHERE 1 = 1 AND n IN (?3, ?4)"
            )
            #expect(serialized.binds.count == 4)
            #expect(serialized.binds.first as? String == "site-1")
            #expect(serialized.binds.dropFirst().compactMap { $0 as? Int64 } == [3, 4, 5])
        }
    }

    @Test("the direct SQLite connection and SQLKit's return the same rows")
    func sameRows() async throws {
        let statement: StoreSQL = """
            SELECT \(bind: "a?b") AS text, '?' AS mark, \(bind: Int64(42)) AS number, \(bind: String?.none) AS missing
            UNION ALL SELECT 'second', '?', \(bind: 7), NULL
            """
        func read(_ rows: [any SQLRow]) throws -> [String] {
            try rows.map { row in
                let missing = try row.decode(column: "missing", as: String?.self)
                return "\(try row.decode(column: "text", as: String.self)) \(try row.decode(column: "mark", as: String.self)) "
                    + "\(try row.decode(column: "number", as: Int64.self)) \(missing ?? "nil")"
            }
        }
        let expected = ["a?b ? 42 nil", "second ? 7 nil"]

        let throughSQLKit = try await QueryTestTable.with([]) { database in try read(try await database.sql.statement(statement).all()) }
        #expect(throughSQLKit == expected)

        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("referrals-storesql-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let connection = try SQLiteDirectConnection.open(
            path: directory.appendingPathComponent("db.sqlite").path, logger: Logger(label: "test"))
        defer { connection.close() }
        let direct = try read(try await connection.sql().statement(statement).all())
        #expect(direct == expected)
        #expect(try await connection.sql().statement(statement).first().map { try read([$0]) } == [expected[0]])
        // The second run reuses the prepared statement with new values.
        let again: StoreSQL = "SELECT \(bind: "other") AS text, '?' AS mark, \(bind: Int64(1)) AS number, \(bind: String?.none) AS missing"
        #expect(try read(try await connection.sql().statement(again).all()) == ["other ? 1 nil"])
    }
}

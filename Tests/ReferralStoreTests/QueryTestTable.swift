import Foundation
import ReferralCore
import ReferralStore
import SQLKit
import SQLiteKit
import SQLiteNIO
import Testing

/// A row of the test table, shaped like a referring customer plus a nullable text column.
struct Row: Sendable, Equatable {
    var id: String
    var contactId: String
    var referralCode: String
    var createdAt: Int64
    var updatedAt: Int64
    var note: String?
}

/// The referring-customer fields plus a nullable `note`, as a resource with nullable ids (rewards) declares it.
let testSchema = QuerySchema(
    resource: "testCustomers",
    fields: QuerySchema.referringCustomers.fields + [.string("note", nullable: true)])

let testColumns = [
    "id": "id", "contactId": "contact_id", "referralCode": "referral_code",
    "createdDate": "created_at", "updatedDate": "updated_at", "note": "note",
]

let storeCursors = CursorCodec(key: Array("store-test-key".utf8))

/// 2024-01-01T00:00:00Z.
let baseMillis: Int64 = 1_704_067_200_000

func iso(_ millis: Int64) -> String { Timestamp.format(Date(milliseconds: millis)) }

/// A row's value for each sort key, as the store compares them (NULL note as "").
func sortValues(_ row: Row, _ sort: [SortKey]) -> [FilterScalar] {
    sort.map { key in
        switch key.field {
        case "id": .string(row.id)
        case "contactId": .string(row.contactId)
        case "referralCode": .string(row.referralCode)
        case "createdDate": .timestamp(row.createdAt)
        case "updatedDate": .timestamp(row.updatedAt)
        case "note": .string(row.note ?? "")
        default: fatalError("unknown sort field \(key.field)")
        }
    }
}

/// The order SQLite must produce, computed independently in Swift (byte order for text, as SQLite's BINARY).
func expectedOrder(_ rows: [Row], _ sort: [SortKey]) -> [String] {
    func less(_ a: FilterScalar, _ b: FilterScalar) -> Bool {
        switch (a, b) {
        case (.string(let x), .string(let y)): Array(x.utf8).lexicographicallyPrecedes(Array(y.utf8))
        case (.timestamp(let x), .timestamp(let y)): x < y
        default: fatalError("mixed kinds")
        }
    }
    return rows.sorted { lhs, rhs in
        for (key, (a, b)) in zip(sort, zip(sortValues(lhs, sort), sortValues(rhs, sort))) where a != b {
            return key.descending ? less(b, a) : less(a, b)
        }
        return false
    }.map(\.id)
}

/// A real in-memory SQLite database with the test table.
struct QueryTestTable {
    let sql: any SQLDatabase

    /// Opens a fresh database, runs `body`, and always closes the connection.
    static func with<T>(_ rows: [Row], _ body: (QueryTestTable) async throws -> T) async throws -> T {
        let connection = try await SQLiteConnection.open(storage: .memory)
        do {
            let database = QueryTestTable(sql: connection.sql())
            try await database.sql.raw(
                """
                CREATE TABLE customers (id TEXT PRIMARY KEY, contact_id TEXT NOT NULL, referral_code TEXT NOT NULL,
                created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL, note TEXT)
                """
            ).run()
            try await database.insert(rows)
            let result = try await body(database)
            try await connection.close()
            return result
        } catch {
            try? await connection.close()
            throw error
        }
    }

    func insert(_ rows: [Row]) async throws {
        for row in rows {
            try await sql.raw(
                """
                INSERT INTO customers (id, contact_id, referral_code, created_at, updated_at, note)
                VALUES (\(bind: row.id), \(bind: row.contactId), \(bind: row.referralCode), \(bind: row.createdAt),
                \(bind: row.updatedAt), \(bind: row.note))
                """
            ).run()
        }
    }

    /// Runs one page of a parsed query the way a store does: compile, fetch `limit + 1`, page.
    func page(_ query: ParsedQuery, schema: QuerySchema = testSchema) async throws -> QueryPage<Row> {
        let compiled = SQLQueryCompiler(schema: schema, columns: testColumns).compile(query)
        let fetched = try await sql.raw(
            """
            SELECT id, contact_id, referral_code, created_at, updated_at, note FROM customers
            WHERE \(compiled.whereClause.expression) ORDER BY \(compiled.orderBy.expression) LIMIT \(literal: compiled.limit)
            """
        ).all().map { row in
            Row(
                id: try row.decode(column: "id", as: String.self),
                contactId: try row.decode(column: "contact_id", as: String.self),
                referralCode: try row.decode(column: "referral_code", as: String.self),
                createdAt: try row.decode(column: "created_at", as: Int64.self),
                updatedAt: try row.decode(column: "updated_at", as: Int64.self),
                note: try row.decodeNil(column: "note") ? nil : try row.decode(column: "note", as: String.self))
        }
        return QueryPager.page(query, fetched: fetched, schema: schema, cursors: storeCursors) {
            sortValues($0, query.sort)
        }
    }

    /// Parses the JSON text of a `query` object and runs it.
    func page(_ queryJSON: String, schema: QuerySchema = testSchema) async throws -> QueryPage<Row> {
        let json = try JSONDecoder().decode(JSONValue.self, from: Data(queryJSON.utf8))
        return try await page(try QueryParser.parse(json, schema: schema, cursors: storeCursors), schema: schema)
    }

    /// Follows next cursors from a first query to the end, calling `between` after each page.
    func walk(_ queryJSON: String, between: (Int) async throws -> Void = { _ in }) async throws -> [QueryPage<Row>] {
        var pages = [try await page(queryJSON)]
        while let cursor = pages.last?.nextCursor {
            // Record instead of trapping, so a broken keyset fails this test rather than the whole run.
            guard pages.count < 200 else {
                Issue.record("paging does not terminate")
                break
            }
            try await between(pages.count)
            pages.append(try await page(#"{"cursorPaging": {"cursor": "\#(cursor)"}}"#))
        }
        return pages
    }
}

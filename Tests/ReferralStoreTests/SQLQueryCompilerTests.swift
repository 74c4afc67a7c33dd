import Foundation
import ReferralCore
import ReferralStore
import SQLKit
import Testing

/// A filter and exactly the ids it must return from `operatorRows`.
struct OperatorCase: Sendable, CustomTestStringConvertible {
    var filter: String
    var ids: [String]
    var testDescription: String { filter }
    init(_ filter: String, _ ids: [String]) {
        self.filter = filter
        self.ids = ids
    }
}

private func t(_ seconds: Int64) -> String { iso(baseMillis + seconds * 1000) }

/// Text chosen to catch case folding and unescaped LIKE wildcards.
let operatorRows = [
    Row(id: "r1", contactId: "c-Alice", referralCode: "ABC", createdAt: baseMillis + 1000, updatedAt: baseMillis + 9000, note: "x"),
    Row(id: "r2", contactId: "c-alice", referralCode: "abd", createdAt: baseMillis + 2000, updatedAt: baseMillis + 8000, note: nil),
    Row(id: "r3", contactId: "c-bob", referralCode: "A%B", createdAt: baseMillis + 3000, updatedAt: baseMillis + 7000, note: "y"),
    Row(id: "r4", contactId: "c-carol", referralCode: "A_B", createdAt: baseMillis + 4000, updatedAt: baseMillis + 6000, note: nil),
    Row(id: "r5", contactId: "c-dave", referralCode: "AXB", createdAt: baseMillis + 5000, updatedAt: baseMillis + 5000, note: "x"),
    Row(id: "r6", contactId: "c-eve", referralCode: #"a\b"#, createdAt: baseMillis + 6000, updatedAt: baseMillis + 4000, note: nil),
]

@Suite("SQLQueryCompiler on SQLite: operators")
struct SQLQueryCompilerOperatorTests {
    static let cases: [OperatorCase] = [
        OperatorCase("{}", ["r1", "r2", "r3", "r4", "r5", "r6"]),
        // $eq is case-sensitive.
        OperatorCase(#"{"contactId": "c-Alice"}"#, ["r1"]),
        OperatorCase(#"{"contactId": {"$eq": "c-alice"}}"#, ["r2"]),
        OperatorCase(#"{"contactId": {"eq": "C-ALICE"}}"#, []),
        OperatorCase(#"{"contactId": {"$ne": "c-alice"}}"#, ["r1", "r3", "r4", "r5", "r6"]),
        // $startsWith is case-insensitive and treats % _ \ literally.
        OperatorCase(#"{"contactId": {"$startsWith": "C-AL"}}"#, ["r1", "r2"]),
        OperatorCase(#"{"referralCode": {"$startsWith": "ab"}}"#, ["r1", "r2"]),
        OperatorCase(#"{"referralCode": {"$startsWith": "a%"}}"#, ["r3"]),
        OperatorCase(#"{"referralCode": {"$startsWith": "A_"}}"#, ["r4"]),
        OperatorCase(#"{"referralCode": {"$startsWith": "a\\"}}"#, ["r6"]),
        OperatorCase(#"{"referralCode": {"$startsWith": ""}}"#, ["r1", "r2", "r3", "r4", "r5", "r6"]),
        OperatorCase(#"{"contactId": {"$hasSome": ["c-bob", "c-eve", "nobody"]}}"#, ["r3", "r6"]),
        OperatorCase(#"{"contactId": {"$in": ["c-bob", "c-Alice"]}}"#, ["r1", "r3"]),
        OperatorCase(#"{"contactId": {"$in": []}}"#, []),
        OperatorCase(#"{"contactId": {"$nin": ["c-bob", "c-Alice"]}}"#, ["r2", "r4", "r5", "r6"]),
        OperatorCase(#"{"contactId": {"$nin": []}}"#, ["r1", "r2", "r3", "r4", "r5", "r6"]),
        // Nullable column: exists, null forms, and Mongo's "$ne / $nin match NULL".
        OperatorCase(#"{"note": {"$exists": true}}"#, ["r1", "r3", "r5"]),
        OperatorCase(#"{"note": {"$exists": false}}"#, ["r2", "r4", "r6"]),
        OperatorCase(#"{"note": null}"#, ["r2", "r4", "r6"]),
        OperatorCase(#"{"note": {"$ne": null}}"#, ["r1", "r3", "r5"]),
        OperatorCase(#"{"note": {"$ne": "x"}}"#, ["r2", "r3", "r4", "r6"]),
        OperatorCase(#"{"note": {"$nin": ["x"]}}"#, ["r2", "r3", "r4", "r6"]),
        OperatorCase(#"{"note": {"$in": ["x", "y"]}}"#, ["r1", "r3", "r5"]),
        OperatorCase(#"{"note": "x"}"#, ["r1", "r5"]),
        // Timestamps: equality and ranges on the instant, whatever the offset it is written with.
        OperatorCase(#"{"createdDate": "\#(t(3))"}"#, ["r3"]),
        OperatorCase(#"{"createdDate": {"$ne": "\#(t(3))"}}"#, ["r1", "r2", "r4", "r5", "r6"]),
        OperatorCase(#"{"createdDate": {"$gt": "\#(t(3))"}}"#, ["r4", "r5", "r6"]),
        OperatorCase(#"{"createdDate": {"$gte": "\#(t(3))"}}"#, ["r3", "r4", "r5", "r6"]),
        OperatorCase(#"{"createdDate": {"$lt": "\#(t(3))"}}"#, ["r1", "r2"]),
        OperatorCase(#"{"createdDate": {"lte": "2024-01-01T02:00:03+02:00"}}"#, ["r1", "r2", "r3"]),
        OperatorCase(#"{"_createdDate": {"$gte": "\#(t(2))", "$lt": "\#(t(5))"}}"#, ["r2", "r3", "r4"]),
        OperatorCase(#"{"updatedDate": {"$in": ["\#(t(9))", "\#(t(4))"]}}"#, ["r1", "r6"]),
        OperatorCase(#"{"updatedDate": {"$nin": ["\#(t(9))"]}}"#, ["r2", "r3", "r4", "r5", "r6"]),
        // Logical operators; $not keeps the NULL rows that its inner comparison excludes.
        OperatorCase(#"{"$or": [{"contactId": "c-bob"}, {"referralCode": "ABC"}]}"#, ["r1", "r3"]),
        OperatorCase(#"{"$and": [{"note": "x"}, {"createdDate": {"$gt": "\#(t(1))"}}]}"#, ["r5"]),
        OperatorCase(#"{"note": "x", "referralCode": {"$startsWith": "a"}}"#, ["r1", "r5"]),
        OperatorCase(#"{"$not": {"note": "x"}}"#, ["r2", "r3", "r4", "r6"]),
        OperatorCase(#"{"not": {"note": {"$in": ["x", "y"]}}}"#, ["r2", "r4", "r6"]),
        OperatorCase(#"{"$not": {"note": {"$ne": "x"}}}"#, ["r1", "r5"]),
        OperatorCase(#"{"$not": {"contactId": {"$in": []}}}"#, ["r1", "r2", "r3", "r4", "r5", "r6"]),
        OperatorCase(
            #"{"or": [{"and": [{"note": null}, {"createdDate": {"gt": "\#(t(3))"}}]}, {"contactId": {"startsWith": "c-a"}}]}"#,
            ["r1", "r2", "r4", "r6"]),
    ]

    @Test(arguments: cases)
    func returnsExactlyTheMatchingRows(_ testCase: OperatorCase) async throws {
        let ids = try await QueryTestTable.with(operatorRows) { database in
            try await database.page(#"{"filter": \#(testCase.filter), "cursorPaging": {"limit": 100}}"#).items.map(\.id)
        }
        #expect(ids.sorted() == testCase.ids)
    }

    @Test func resultsComeInTheRequestedOrder() async throws {
        try await QueryTestTable.with(operatorRows) { database in
            let newest = try await database.page("{}").items.map(\.id)
            #expect(newest == ["r6", "r5", "r4", "r3", "r2", "r1"])
            let byUpdate = try await database.page(#"{"sort": [{"fieldName": "_updatedDate", "order": "ASC"}]}"#)
            #expect(byUpdate.items.map(\.id) == ["r6", "r5", "r4", "r3", "r2", "r1"])
            // NULL notes sort as "" (first ascending), ties broken by id in the last key's direction.
            let byNote = try await database.page(#"{"sort": [{"fieldName": "note", "order": "ASC"}]}"#)
            #expect(byNote.items.map(\.id) == ["r2", "r4", "r6", "r1", "r5", "r3"])
        }
    }

    @Test func likePatternIsBoundEscapedAndTimestampsBindAsConfigured() async throws {
        let filter = try QueryParser.parse(
            JSONDecoder().decode(
                JSONValue.self,
                from: Data(#"{"filter": {"referralCode": {"$startsWith": "A_%\\"}, "createdDate": {"$gt": "\#(t(1))"}}}"#.utf8)),
            schema: testSchema, cursors: storeCursors)
        try await QueryTestTable.with([]) { database in
            let millis = database.sql.serialize(SQLQueryCompiler(schema: testSchema, columns: testColumns).whereClause(filter).expression)
            #expect(millis.sql.contains("ESCAPE '\\'"))
            #expect(millis.binds.compactMap { $0 as? String } == [#"A\_\%\\%"#])
            #expect(millis.binds.compactMap { $0 as? Int64 } == [baseMillis + 1000])
            let dates = database.sql.serialize(
                SQLQueryCompiler(schema: testSchema, columns: testColumns, timestamps: .date).whereClause(filter).expression)
            #expect(dates.binds.compactMap { $0 as? Date } == [Date(milliseconds: baseMillis + 1000)])
            #expect(dates.binds.compactMap { $0 as? Int64 }.isEmpty)
        }
    }
}

import ReferralCore
import Testing

/// One accepted filter and the tree it must parse to.
struct FilterCase: Sendable, CustomTestStringConvertible {
    var json: String
    var expected: Filter
    var schema: QuerySchema = .referringCustomers
    var testDescription: String { json }
}

private let t0 = "2024-01-01T00:00:00.000Z"
private let t1 = "2024-06-30T12:34:56.789Z"

@Suite("QueryParser: accepted filters")
struct QueryParserFilterTests {
    static let stringCases: [FilterCase] = [
        FilterCase(json: #"{"contactId": {"$eq": "Ab"}}"#, expected: cmp("contactId", .eq, "Ab")),
        FilterCase(json: #"{"contactId": {"$ne": "Ab"}}"#, expected: cmp("contactId", .ne, "Ab")),
        FilterCase(json: #"{"referralCode": {"$startsWith": "AB"}}"#, expected: cmp("referralCode", .startsWith, "AB")),
        FilterCase(json: #"{"contactId": {"$in": ["a", "b"]}}"#, expected: cmp("contactId", .in, list: ["a", "b"])),
        FilterCase(json: #"{"contactId": {"$nin": ["a"]}}"#, expected: cmp("contactId", .nin, list: ["a"])),
        FilterCase(json: #"{"contactId": {"$hasSome": ["a", "b"]}}"#, expected: cmp("contactId", .hasSome, list: ["a", "b"])),
        FilterCase(json: #"{"contactId": {"$in": []}}"#, expected: cmp("contactId", .in, list: [])),
        FilterCase(json: #"{"contactId": {"$nin": []}}"#, expected: cmp("contactId", .nin, list: [])),
        FilterCase(json: #"{"referralCode": {"$exists": true}}"#, expected: exists("referralCode", true)),
        FilterCase(json: #"{"referralCode": {"$exists": false}}"#, expected: exists("referralCode", false)),
    ]

    static let enumCases: [FilterCase] = [
        FilterCase(json: #"{"status": {"$eq": "UNKNOWN"}}"#, expected: cmp("status", .eq, "UNKNOWN"), schema: .referredFriends),
        FilterCase(
            json: #"{"status": {"$ne": "ACTIONS_COMPLETED"}}"#, expected: cmp("status", .ne, "ACTIONS_COMPLETED"), schema: .referredFriends),
        // A prefix need not be a whole enum value.
        FilterCase(json: #"{"status": {"$startsWith": "sign"}}"#, expected: cmp("status", .startsWith, "sign"), schema: .referredFriends),
        FilterCase(
            json: #"{"status": {"$in": ["UNKNOWN", "SIGN_UP_COMPLETED"]}}"#,
            expected: cmp("status", .in, list: ["UNKNOWN", "SIGN_UP_COMPLETED"]), schema: .referredFriends),
        FilterCase(json: #"{"status": {"$nin": ["UNKNOWN"]}}"#, expected: cmp("status", .nin, list: ["UNKNOWN"]), schema: .referredFriends),
        FilterCase(
            json: #"{"status": {"$hasSome": ["ACTIONS_COMPLETED"]}}"#,
            expected: cmp("status", .hasSome, list: ["ACTIONS_COMPLETED"]), schema: .referredFriends),
        FilterCase(json: #"{"status": {"$exists": true}}"#, expected: exists("status", true), schema: .referredFriends),
        FilterCase(json: #"{"referringCustomerId": "rc-1"}"#, expected: cmp("referringCustomerId", .eq, "rc-1"), schema: .referredFriends),
        FilterCase(json: #"{"contactId": {"$startsWith": "c"}}"#, expected: cmp("contactId", .startsWith, "c"), schema: .referredFriends),
    ]

    static let timestampCases: [FilterCase] =
        [FilterOperator.eq, .ne, .gt, .gte, .lt, .lte].map { op in
            FilterCase(json: #"{"createdDate": {"\#(op.rawValue)": "\#(t1)"}}"#, expected: cmp("createdDate", op, time: t1))
        } + [
            FilterCase(
                json: #"{"updatedDate": {"$in": ["\#(t0)", "\#(t1)"]}}"#,
                expected: .compare(field: "updatedDate", op: .in, operand: .list([.timestamp(millis(t0)), .timestamp(millis(t1))]))),
            FilterCase(
                json: #"{"updatedDate": {"$nin": ["\#(t0)"]}}"#,
                expected: .compare(field: "updatedDate", op: .nin, operand: .list([.timestamp(millis(t0))]))),
            FilterCase(
                json: #"{"createdDate": {"$hasSome": ["\#(t0)"]}}"#,
                expected: .compare(field: "createdDate", op: .hasSome, operand: .list([.timestamp(millis(t0))]))),
            FilterCase(json: #"{"createdDate": {"$exists": false}}"#, expected: exists("createdDate", false)),
            // Offsets and missing fractions are RFC 3339 too, and denote the same instant.
            FilterCase(json: #"{"createdDate": "2024-01-01T02:00:00+02:00"}"#, expected: cmp("createdDate", .eq, time: t0)),
            FilterCase(json: #"{"createdDate": {"$lt": "2024-01-01T00:00:00Z"}}"#, expected: cmp("createdDate", .lt, time: t0)),
        ]

    @Test(arguments: stringCases + enumCases + timestampCases)
    func operatorOnKind(_ testCase: FilterCase) throws {
        #expect(try filter(testCase.json, schema: testCase.schema) == testCase.expected)
    }

    static let barePrefixCases: [FilterCase] = [
        FilterCase(json: #"{"referralCode": {"eq": "X"}}"#, expected: cmp("referralCode", .eq, "X")),
        FilterCase(json: #"{"createdDate": {"gte": "\#(t0)"}}"#, expected: cmp("createdDate", .gte, time: t0)),
        FilterCase(
            json: #"{"contactId": {"startsWith": "a", "ne": "ab"}}"#,
            expected: .and([cmp("contactId", .ne, "ab"), cmp("contactId", .startsWith, "a")])),
        FilterCase(
            json: #"{"and": [{"contactId": "a"}, {"referralCode": {"in": ["R"]}}]}"#,
            expected: .and([cmp("contactId", .eq, "a"), cmp("referralCode", .in, list: ["R"])])),
        FilterCase(
            json: #"{"or": [{"contactId": "a"}, {"contactId": "b"}]}"#,
            expected: .or([cmp("contactId", .eq, "a"), cmp("contactId", .eq, "b")])),
        FilterCase(json: #"{"not": {"contactId": {"exists": true}}}"#, expected: .not(exists("contactId", true))),
    ]

    @Test("operator names without $", arguments: barePrefixCases)
    func operatorsWithoutDollar(_ testCase: FilterCase) throws {
        #expect(try filter(testCase.json, schema: testCase.schema) == testCase.expected)
    }

    @Test func sdkAliasesMapToCanonicalFields() throws {
        #expect(try filter(#"{"_createdDate": {"$gt": "\#(t0)"}}"#) == cmp("createdDate", .gt, time: t0))
        #expect(try filter(#"{"_updatedDate": {"$lte": "\#(t1)"}}"#) == cmp("updatedDate", .lte, time: t1))
        let sorted = try parse(#"{"sort": [{"fieldName": "_updatedDate", "order": "ASC"}]}"#)
        #expect(sorted.sort == [SortKey(field: "updatedDate"), SortKey(field: "id")])
    }

    @Test func equalityShorthandAndImplicitAnd() throws {
        #expect(try filter(#"{"contactId": "c-1"}"#) == cmp("contactId", .eq, "c-1"))
        // Keys are ANDed in sorted order, so the tree doesn't depend on dictionary order.
        #expect(
            try filter(#"{"referralCode": "R", "contactId": "c-1"}"#)
                == .and([cmp("contactId", .eq, "c-1"), cmp("referralCode", .eq, "R")]))
        #expect(
            try filter(#"{"createdDate": {"$gte": "\#(t0)", "$lt": "\#(t1)"}}"#)
                == .and([cmp("createdDate", .gte, time: t0), cmp("createdDate", .lt, time: t1)]))
    }

    @Test func logicalOperators() throws {
        #expect(
            try filter(#"{"$and": [{"contactId": "a"}, {"$or": [{"referralCode": "X"}, {"referralCode": "Y"}]}]}"#)
                == .and([cmp("contactId", .eq, "a"), .or([cmp("referralCode", .eq, "X"), cmp("referralCode", .eq, "Y")])]))
        #expect(try filter(#"{"$not": {"contactId": "a"}}"#) == .not(cmp("contactId", .eq, "a")))
        #expect(
            try filter(#"{"$not": {"contactId": "a", "referralCode": "b"}}"#)
                == .not(.and([cmp("contactId", .eq, "a"), cmp("referralCode", .eq, "b")])))
        // A logical key beside a field key is ANDed with it.
        #expect(
            try filter(#"{"contactId": "a", "$or": [{"referralCode": "X"}]}"#)
                == .and([.or([cmp("referralCode", .eq, "X")]), cmp("contactId", .eq, "a")]))
        // Field-level negation, as in Mongo.
        #expect(try filter(#"{"contactId": {"$not": {"$eq": "a"}}}"#) == .not(cmp("contactId", .eq, "a")))
    }

    @Test func nullFormsBecomeExists() throws {
        #expect(try filter(#"{"contactId": null}"#) == exists("contactId", false))
        #expect(try filter(#"{"contactId": {"$eq": null}}"#) == exists("contactId", false))
        #expect(try filter(#"{"contactId": {"$ne": null}}"#) == exists("contactId", true))
        #expect(try filter(#"{"createdDate": {"ne": null}}"#) == exists("createdDate", true))
    }

    @Test func emptyOrMissingFilterMatchesEverything() throws {
        #expect(try filter("{}") == nil)
        #expect(try filter("null") == nil)
        #expect(try parse("{}").filter == nil)
        #expect(try QueryParser.parse(nil, schema: .referringCustomers, cursors: testCursors).filter == nil)
    }
}

@Suite("QueryParser: sort and paging")
struct QueryParserSortTests {
    @Test func defaultSortIsNewestFirstWithIdTieBreaker() throws {
        let query = try parse("{}")
        #expect(query.sort == [SortKey(field: "createdDate", descending: true), SortKey(field: "id", descending: true)])
        #expect(query.limit == 50)
        #expect(query.position == nil)
        #expect(try parse(#"{"sort": []}"#).sort == query.sort)
    }

    @Test func explicitSortKeepsOrderAndIdFollowsLastDirection() throws {
        let query = try parse(
            #"{"sort": [{"fieldName": "referralCode", "order": "DESC"}, {"fieldName": "createdDate"}]}"#)
        #expect(
            query.sort == [
                SortKey(field: "referralCode", descending: true), SortKey(field: "createdDate"), SortKey(field: "id"),
            ])
        let descending = try parse(
            #"{"sort": [{"fieldName": "contactId", "order": "ASC"}, {"fieldName": "updatedDate", "order": "DESC"}]}"#)
        #expect(descending.sort.last == SortKey(field: "id", descending: true))
        let repeated = try parse(#"{"sort": [{"fieldName": "contactId"}, {"fieldName": "contactId", "order": "DESC"}]}"#)
        #expect(repeated.sort == [SortKey(field: "contactId"), SortKey(field: "id")])
    }

    @Test func referredFriendsSortsOnItsOwnFields() throws {
        let query = try parse(
            #"{"sort": [{"fieldName": "status"}, {"fieldName": "contactId", "order": "DESC"}]}"#, schema: .referredFriends)
        #expect(query.sort.map(\.field) == ["status", "contactId", "id"])
    }

    @Test(arguments: [1, 7, 50, 100])
    func validLimits(_ limit: Int) throws {
        #expect(try parse(#"{"cursorPaging": {"limit": \#(limit)}}"#).limit == limit)
    }

    @Test func emptyCursorMeansFirstPage() throws {
        let query = try parse(#"{"cursorPaging": {"limit": 5, "cursor": ""}}"#)
        #expect(query.position == nil)
        #expect(query.limit == 5)
    }
}

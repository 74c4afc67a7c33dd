import ReferralCore
import Testing

/// 30 rows with only four distinct creation times (so the id tie-breaker decides most of the order),
/// ids inserted out of order, and a third of the notes NULL.
let pagingRows: [Row] = (0..<30).map { index in
    let n = (index * 17) % 30  // a permutation, so insertion order isn't id order
    return Row(
        id: "p\(n < 10 ? "0" : "")\(n)",
        contactId: "c-\((n * 7) % 13)",
        referralCode: "R\(n % 5)",
        createdAt: baseMillis + Int64(n % 4) * 1000,
        updatedAt: baseMillis + Int64((n * 7) % 11) * 1000,
        note: n % 3 == 0 ? nil : "n\(n % 5)")
}

/// A sort as the request writes it and as the parsed query holds it.
struct SortCase: Sendable, CustomTestStringConvertible {
    var json: String
    var keys: [SortKey]
    var testDescription: String { json }
}

@Suite("SQLQueryCompiler on SQLite: keyset paging")
struct KeysetPagingTests {
    static let sorts: [SortCase] = [
        SortCase(json: "[]", keys: [SortKey(field: "createdDate", descending: true), SortKey(field: "id", descending: true)]),
        SortCase(json: #"[{"fieldName": "createdDate"}]"#, keys: [SortKey(field: "createdDate"), SortKey(field: "id")]),
        SortCase(json: #"[{"fieldName": "contactId", "order": "ASC"}]"#, keys: [SortKey(field: "contactId"), SortKey(field: "id")]),
        SortCase(
            json: #"[{"fieldName": "note", "order": "DESC"}, {"fieldName": "createdDate", "order": "ASC"}]"#,
            keys: [SortKey(field: "note", descending: true), SortKey(field: "createdDate"), SortKey(field: "id")]),
        SortCase(json: #"[{"fieldName": "note"}]"#, keys: [SortKey(field: "note"), SortKey(field: "id")]),
        SortCase(
            json: #"[{"fieldName": "updatedDate", "order": "DESC"}, {"fieldName": "referralCode", "order": "ASC"}]"#,
            keys: [SortKey(field: "updatedDate", descending: true), SortKey(field: "referralCode"), SortKey(field: "id")]),
        SortCase(
            json: #"[{"fieldName": "referralCode", "order": "ASC"}, {"fieldName": "createdDate", "order": "DESC"}]"#,
            keys: [SortKey(field: "referralCode"), SortKey(field: "createdDate", descending: true), SortKey(field: "id", descending: true)]),
    ]

    @Test(arguments: sorts, [1, 4, 7, 30])
    func walkingForwardReturnsEveryRowOnceInOrder(_ sort: SortCase, _ limit: Int) async throws {
        let pages = try await QueryTestTable.with(pagingRows) { database in
            try await database.walk(#"{"sort": \#(sort.json), "cursorPaging": {"limit": \#(limit)}}"#)
        }
        #expect(pages.flatMap(\.items).map(\.id) == expectedOrder(pagingRows, sort.keys))
        #expect(pages.dropLast().allSatisfy { $0.items.count == limit && $0.hasNext })
        #expect(pages.last.map { !$0.hasNext && $0.nextCursor == nil } == true)
        #expect(pages.first?.prevCursor == nil)
        #expect(pages.dropFirst().allSatisfy { $0.prevCursor != nil })
    }

    @Test(arguments: sorts)
    func filterIsKeptAcrossPages(_ sort: SortCase) async throws {
        let filter = #"{"note": {"$ne": "n1"}, "createdDate": {"$lte": "\#(iso(baseMillis + 2000))"}}"#
        let pages = try await QueryTestTable.with(pagingRows) { database in
            try await database.walk(#"{"filter": \#(filter), "sort": \#(sort.json), "cursorPaging": {"limit": 3}}"#)
        }
        let matching = pagingRows.filter { $0.note != "n1" && $0.createdAt <= baseMillis + 2000 }
        #expect(matching.count > 6)
        #expect(pages.flatMap(\.items).map(\.id) == expectedOrder(matching, sort.keys))
    }

    @Test(arguments: sorts)
    func insertsBetweenPagesNeitherRepeatNorHideOriginalRows(_ sort: SortCase) async throws {
        let pages = try await QueryTestTable.with(pagingRows) { database in
            try await database.walk(#"{"sort": \#(sort.json), "cursorPaging": {"limit": 4}}"#) { pageNumber in
                // New rows land before, among and after the rows already seen, in every sort.
                let fresh = (0..<3).map { k in
                    Row(
                        id: "new-\(pageNumber)-\(k)", contactId: "c-\(pageNumber * 3 + k)", referralCode: "R\(k)",
                        createdAt: baseMillis + Int64(k - 1) * 1500, updatedAt: baseMillis + Int64(pageNumber) * 1000,
                        note: k == 0 ? nil : "n\(pageNumber % 5)")
                }
                try await database.insert(fresh)
            }
        }
        let ids = pages.flatMap(\.items).map(\.id)
        #expect(Set(ids).count == ids.count, "a row was returned twice")
        let originals = Set(pagingRows.map(\.id))
        #expect(ids.filter(originals.contains) == expectedOrder(pagingRows, sort.keys))
        #expect(ids.count > pagingRows.count, "no inserted row showed up at all")
    }

    @Test(arguments: sorts)
    func previousCursorReturnsTheEarlierPage(_ sort: SortCase) async throws {
        try await QueryTestTable.with(pagingRows) { database in
            let pages = try await database.walk(#"{"sort": \#(sort.json), "cursorPaging": {"limit": 5}}"#)
            try #require(pages.count == 6)
            func ids(_ page: QueryPage<Row>) -> [String] { page.items.map(\.id) }
            func follow(_ cursor: String?) async throws -> QueryPage<Row> {
                try await database.page(#"{"cursorPaging": {"cursor": "\#(try #require(cursor))"}}"#)
            }

            let secondAgain = try await follow(pages[2].prevCursor)
            #expect(ids(secondAgain) == ids(pages[1]))
            #expect(secondAgain.hasNext)
            // Its own cursors lead back to the pages around it.
            #expect(ids(try await follow(secondAgain.nextCursor)) == ids(pages[2]))
            let firstAgain = try await follow(secondAgain.prevCursor)
            #expect(ids(firstAgain) == ids(pages[0]))
            #expect(firstAgain.prevCursor == nil, "the first page has no previous page")
            #expect(ids(try await follow(firstAgain.nextCursor)) == ids(pages[1]))
            // Going back from the last page too.
            #expect(ids(try await follow(pages[5].prevCursor)) == ids(pages[4]))
        }
    }

    @Test func previousPageWithANewLimit() async throws {
        try await QueryTestTable.with(pagingRows) { database in
            let pages = try await database.walk(#"{"cursorPaging": {"limit": 10}}"#)
            let cursor = try #require(pages[2].prevCursor)
            let back = try await database.page(#"{"cursorPaging": {"cursor": "\#(cursor)", "limit": 3}}"#)
            // The three rows just before page 3, i.e. the end of page 2.
            #expect(back.items.map(\.id) == pages[1].items.suffix(3).map(\.id))
            #expect(back.prevCursor != nil)
        }
    }

    @Test func cursorFromAnotherResourceIsRejected() async throws {
        try await QueryTestTable.with(pagingRows) { database in
            let cursor = try #require(try await database.page(#"{"cursorPaging": {"limit": 2}}"#).nextCursor)
            let error = #expect(throws: ReferralError.self) {
                _ = try QueryParser.parse(
                    .object(["cursorPaging": .object(["cursor": .string(cursor)])]), schema: .referringCustomers,
                    cursors: storeCursors)
            }
            #expect(error == .invalidCursor())
        }
    }
}

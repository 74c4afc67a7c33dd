import Foundation
import ReferralCore
import Testing

/// `POST …/referring-customers/query` through HTTP: filters, sort, paging and their errors (SPEC §5).
@Suite("Referring customer queries")
struct ReferringCustomerQueryTests {
    /// Generates customers for `contacts` in order and returns them by contact.
    static func seed(_ api: APIClient, base: String, contacts: [String]) async throws -> [String: JSONValue] {
        var byContact: [String: JSONValue] = [:]
        for contact in contacts {
            byContact[contact] = try await Given.referringCustomer(api, contact: contact, base: base)
        }
        return byContact
    }

    static func contacts(of response: APIResponse) -> [String] {
        response.json["referringCustomers"]?.arrayValue?.compactMap { $0.string("contactId") } ?? []
    }

    @Test("equality filters with and without $, $in, $startsWith and sort", arguments: Paths.customerBases)
    func filterAndSort(base: String) async throws {
        try await withAPI { _, api in
            let seeded = try await Self.seed(api, base: base, contacts: ["c-01", "c-02", "c-03", "c-04", "x-05"])
            let query = base + "/query"

            let canonical = try await api.post(query, #"{"query": {"filter": {"contactId": {"$eq": "c-03"}}}}"#)
            expectOK(canonical)
            #expect(Self.contacts(of: canonical) == ["c-03"])
            #expect(canonical.json["referringCustomers"]?[0] == seeded["c-03"])
            #expect(canonical.json["metadata"]?["count"]?.intValue == 1)
            #expect(canonical.json["metadata"]?["hasNext"] == .bool(false))

            let withoutDollar = try await api.post(query, #"{"query": {"filter": {"contactId": {"eq": "c-03"}}}}"#)
            expectOK(withoutDollar)
            #expect(Self.contacts(of: withoutDollar) == ["c-03"])

            let shorthand = try await api.post(query, #"{"query": {"filter": {"contactId": "c-02"}}}"#)
            #expect(Self.contacts(of: shorthand) == ["c-02"])

            let code = try #require(seeded["x-05"]?.string("referralCode"))
            let byCode = try await api.post(query, #"{"query": {"filter": {"referralCode": "\#(code)"}}}"#)
            #expect(Self.contacts(of: byCode) == ["x-05"])

            let inSorted = try await api.post(
                query,
                #"{"query": {"filter": {"contactId": {"$in": ["c-04", "c-01", "x-05"]}}, "sort": [{"fieldName": "contactId", "order": "DESC"}]}}"#
            )
            #expect(Self.contacts(of: inSorted) == ["x-05", "c-04", "c-01"])

            let prefix = try await api.post(
                query, #"{"query": {"filter": {"contactId": {"$startsWith": "C-"}}, "sort": [{"fieldName": "contactId"}]}}"#
            )
            #expect(Self.contacts(of: prefix) == ["c-01", "c-02", "c-03", "c-04"], "$startsWith ignores case")

            let caseSensitiveEq = try await api.post(query, #"{"query": {"filter": {"contactId": {"$eq": "C-01"}}}}"#)
            #expect(Self.contacts(of: caseSensitiveEq).isEmpty, "$eq is case-sensitive")

            let orNot = try await api.post(
                query,
                #"{"query": {"filter": {"$or": [{"contactId": "c-01"}, {"contactId": "x-05"}], "$not": {"contactId": "x-05"}}}}"#
            )
            #expect(Self.contacts(of: orNot) == ["c-01"])

            // Default order: newest first, id descending among equal dates.
            let all = try await api.post(query, #"{"query": {}}"#)
            let items = all.json["referringCustomers"]?.arrayValue ?? []
            #expect(Set(Self.contacts(of: all)) == Set(seeded.keys))
            let keys = items.map { "\($0.string("createdDate") ?? "") \($0.string("id") ?? "")" }
            #expect(keys == keys.sorted { $0 > $1 })
            let noBody = try await api.post(query, "")
            #expect(Self.contacts(of: noBody) == Self.contacts(of: all))
        }
    }

    @Test("paging with a limit hands out a cursor that continues the same query", arguments: Paths.customerBases)
    func cursorPaging(base: String) async throws {
        try await withAPI { _, api in
            _ = try await Self.seed(api, base: base, contacts: ["c-01", "c-02", "c-03", "c-04", "c-05"])
            let first = try await api.post(
                base + "/query", #"{"query": {"sort": [{"fieldName": "contactId"}], "cursorPaging": {"limit": 2}}}"#
            )
            expectOK(first)
            #expect(Self.contacts(of: first) == ["c-01", "c-02"])
            #expect(first.json["metadata"]?["count"]?.intValue == 2)
            #expect(first.json["metadata"]?["hasNext"] == .bool(true))
            let next = try #require(first.json["metadata"]?["cursors"]?["next"]?.stringValue)

            let second = try await api.post(base + "/query", #"{"query": {"cursorPaging": {"cursor": \#(jsonString(next))}}}"#)
            expectOK(second)
            #expect(Self.contacts(of: second) == ["c-03", "c-04"])

            let last = try await api.post(
                base + "/query",
                #"{"query": {"cursorPaging": {"limit": 10, "cursor": \#(jsonString(try #require(second.json["metadata"]?["cursors"]?["next"]?.stringValue)))}}}"#
            )
            #expect(Self.contacts(of: last) == ["c-05"])
            #expect(last.json["metadata"]?["hasNext"] == .bool(false))
        }
    }

    @Test("unknown fields, bad cursors and oversized limits are 400", arguments: Paths.customerBases)
    func rejections(base: String) async throws {
        try await withAPI { _, api in
            let customer = try await Given.referringCustomer(api, contact: "c-01", base: base)
            let query = base + "/query"
            expectError(try await api.post(query, #"{"query": {"filter": {"bogus": "x"}}}"#), 400, code: "INVALID_FILTER")
            expectError(
                try await api.post(query, #"{"query": {"filter": {"contactId": {"$gt": "a"}}}}"#), 400, code: "INVALID_FILTER"
            )
            expectError(try await api.post(query, #"{"query": {"sort": [{"fieldName": "bogus"}]}}"#), 400, code: "INVALID_SORT")
            expectError(
                try await api.post(query, #"{"query": {"cursorPaging": {"cursor": "not-a-cursor"}}}"#), 400, code: "INVALID_CURSOR"
            )
            expectError(
                try await api.post(query, #"{"query": {"cursorPaging": {"limit": 101}}}"#), 400, field: "query.cursorPaging.limit"
            )
            expectError(try await api.post(query, #"{"query": {"cursorPaging": {"limit": 0}}}"#), 400, field: "query.cursorPaging.limit")
            expectOK(try await api.post(query, #"{"query": {"cursorPaging": {"limit": 100}}}"#))

            // A genuine cursor with one character changed is rejected too.
            _ = try await Given.referringCustomer(api, contact: "c-02", base: base)
            let page = try await api.post(query, #"{"query": {"cursorPaging": {"limit": 1}}}"#)
            let cursor = try #require(page.json["metadata"]?["cursors"]?["next"]?.stringValue)
            var characters = Array(cursor)
            characters[characters.count / 3] = characters[characters.count / 3] == "A" ? "B" : "A"
            expectError(
                try await api.post(query, #"{"query": {"cursorPaging": {"cursor": "\#(String(characters))"}}}"#), 400,
                code: "INVALID_CURSOR"
            )
            #expect(customer.string("contactId") == "c-01")
        }
    }

    @Test("$ne, $nin, $hasSome, $exists and date ranges; operands of the wrong type are 400", arguments: Paths.customerBases)
    func moreOperators(base: String) async throws {
        try await withAPI { _, api in
            let seeded = try await Self.seed(api, base: base, contacts: ["c-01", "c-02", "c-03"])
            let query = base + "/query"
            func run(_ filter: String) async throws -> [String] {
                let response = try await api.post(query, #"{"query": {"filter": \#(filter), "sort": [{"fieldName": "contactId"}]}}"#)
                expectOK(response)
                return Self.contacts(of: response)
            }
            #expect(try await run(#"{"contactId": {"$ne": "c-02"}}"#) == ["c-01", "c-03"])
            #expect(try await run(#"{"contactId": {"$nin": ["c-01", "c-03"]}}"#) == ["c-02"])
            #expect(try await run(#"{"contactId": {"$hasSome": ["c-03", "zz"]}}"#) == ["c-03"])
            #expect(try await run(#"{"contactId": {"$exists": true}}"#) == ["c-01", "c-02", "c-03"])
            #expect(try await run(#"{"contactId": {"$exists": false}}"#) == [])

            let created = try #require(seeded["c-02"]?.string("createdDate"))
            let notBefore = try await run(#"{"createdDate": {"$gte": "\#(created)"}}"#)
            #expect(notBefore.contains("c-02") && notBefore.contains("c-03"))
            #expect(try await run(#"{"createdDate": {"$lt": "2000-01-01T00:00:00.000Z"}}"#) == [])
            #expect(try await run(#"{"createdDate": {"$gt": "2000-01-01T00:00:00Z"}}"#) == ["c-01", "c-02", "c-03"])

            expectError(try await api.post(query, #"{"query": {"filter": {"contactId": {"$in": "c-01"}}}}"#), 400)
            expectError(try await api.post(query, #"{"query": {"filter": {"createdDate": {"$gt": "yesterday"}}}}"#), 400)
            expectError(try await api.post(query, #"{"query": {"filter": {"contactId": {"$regex": "c"}}}}"#), 400)
        }
    }

    @Test("a cursor of another resource is INVALID_CURSOR", arguments: Paths.customerBases)
    func foreignCursor(base: String) async throws {
        try await withAPI { harness, api in
            try await Given.activeProgram(api)
            let code = try #require(try await Given.referringCustomer(api, contact: "referrer-1", base: base).string("referralCode"))
            for contact in ["friend-1", "friend-2"] {
                _ = try await Given.referredFriend(api, harness: harness, contact: contact, code: code)
            }
            let friendsPage = try await api.post(Paths.friends + "/query", #"{"query": {"cursorPaging": {"limit": 1}}}"#)
            let cursor = try #require(friendsPage.json["metadata"]?["cursors"]?["next"]?.stringValue)
            let response = try await api.post(base + "/query", #"{"query": {"cursorPaging": {"cursor": \#(jsonString(cursor))}}}"#)
            expectError(response, 400, code: "INVALID_CURSOR")
        }
    }
}

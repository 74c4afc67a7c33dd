import Foundation
import ReferralCore
import Testing

/// Walking every page of a query through HTTP returns each item exactly once, also while new
/// items are inserted between pages (SPEC §5).
@Suite("Query walks over HTTP")
struct QueryWalkTests {
    static let customerCount = 25
    static let pageSize = 7

    struct Page {
        var ids: [String]
        var next: String?
        var hasNext: Bool
        var count: Int?
    }

    static func page(_ api: APIClient, base: String, cursor: String?) async throws -> Page {
        let body =
            if let cursor {
                #"{"query": {"cursorPaging": {"cursor": \#(jsonString(cursor))}}}"#
            } else {
                #"{"query": {"cursorPaging": {"limit": \#(pageSize)}}}"#
            }
        let response = try await api.post(base + "/query", body)
        expectOK(response)
        let metadata = response.json["metadata"]
        return Page(
            ids: response.json["referringCustomers"]?.arrayValue?.compactMap { $0.string("id") } ?? [],
            next: metadata?["cursors"]?["next"]?.stringValue,
            hasNext: metadata?["hasNext"]?.boolValue ?? false,
            count: metadata?["count"]?.intValue
        )
    }

    /// Walks all pages, calling `betweenPages` after each page but the last; returns every id seen in order.
    static func walk(
        _ api: APIClient, base: String, betweenPages: (Int) async throws -> Void = { _ in }
    ) async throws -> (ids: [String], pages: [Page]) {
        var seen: [String] = []
        var pages: [Page] = []
        var cursor: String?
        repeat {
            let page = try await Self.page(api, base: base, cursor: cursor)
            pages.append(page)
            seen += page.ids
            #expect(page.count == page.ids.count)
            #expect(page.ids.count <= pageSize)
            if page.hasNext {
                let next = try #require(page.next, "hasNext without a next cursor")
                cursor = next
                try await betweenPages(pages.count)
            } else {
                cursor = nil
            }
            #expect(pages.count <= 20, "the walk doesn't end")
        } while cursor != nil && pages.count <= 20
        return (seen, pages)
    }

    static func seed(_ api: APIClient, base: String) async throws -> [String] {
        var ids: [String] = []
        for index in 0..<customerCount {
            let customer = try await Given.referringCustomer(api, contact: "contact-\(index)", base: base)
            ids.append(try #require(customer.string("id")))
        }
        return ids
    }

    @Test("a walk with limit 7 sees every customer exactly once", arguments: Paths.customerBases)
    func walkSeesEachOnce(base: String) async throws {
        try await withAPI { _, api in
            let created = try await Self.seed(api, base: base)
            let (ids, pages) = try await Self.walk(api, base: base)

            #expect(ids.count == Self.customerCount)
            #expect(Set(ids).count == ids.count, "no id twice")
            #expect(Set(ids) == Set(created))
            #expect(pages.map(\.ids.count) == [7, 7, 7, 4])
            #expect(pages.dropLast().allSatisfy { $0.hasNext })
            #expect(pages.last?.hasNext == false)
        }
    }

    @Test(
        "a walk sees every original customer exactly once while new ones are generated between pages",
        arguments: Paths.customerBases)
    func walkWhileInserting(base: String) async throws {
        try await withAPI { _, api in
            let created = try await Self.seed(api, base: base)
            let (ids, pages) = try await Self.walk(api, base: base) { pageNumber in
                for extra in 0..<3 {
                    _ = try await Given.referringCustomer(api, contact: "late-\(pageNumber)-\(extra)", base: base)
                }
            }

            #expect(Set(ids).count == ids.count, "no id twice")
            for id in created {
                #expect(ids.filter { $0 == id }.count == 1, "\(id) must appear exactly once")
            }
            #expect(pages.last?.hasNext == false)

            // The new customers exist; a fresh walk sees originals and newcomers alike.
            let (everything, _) = try await Self.walk(api, base: base)
            #expect(everything.count == Self.customerCount + 3 * (pages.count - 1))
            #expect(Set(created).isSubset(of: Set(everything)))
        }
    }
}

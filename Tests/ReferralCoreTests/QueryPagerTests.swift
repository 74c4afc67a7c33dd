import ReferralCore
import Testing

@Suite("QueryPager")
struct QueryPagerTests {
    struct Item: Sendable, Equatable {
        var id: String
        var created: Int64
    }

    static let sort = [SortKey(field: "createdDate"), SortKey(field: "id")]
    let items = (1...5).map { Item(id: "i\($0)", created: Int64($0 * 10)) }

    private func values(_ item: Item) -> [FilterScalar] { [.timestamp(item.created), .string(item.id)] }

    private func page(_ query: ParsedQuery, _ fetched: [Item]) -> QueryPage<Item> {
        QueryPager.page(query, fetched: fetched, schema: .referringCustomers, cursors: testCursors, sortValues: values)
    }

    private func position(of cursor: String?) throws -> CursorPosition? {
        try testCursors.decode(try #require(cursor), schema: .referringCustomers).position
    }

    @Test func firstPageWithMoreRows() throws {
        let query = ParsedQuery(filter: nil, sort: Self.sort, limit: 2)
        let result = page(query, Array(items.prefix(3)))
        #expect(result.items == Array(items.prefix(2)))
        #expect(result.hasNext)
        #expect(result.prevCursor == nil)
        #expect(try position(of: result.nextCursor) == CursorPosition(values: values(items[1]), direction: .after))
    }

    @Test func lastPageHasNoNextCursor() throws {
        let query = ParsedQuery(
            filter: nil, sort: Self.sort, limit: 2, position: CursorPosition(values: values(items[2]), direction: .after))
        let result = page(query, [items[3], items[4]])
        #expect(result.items == [items[3], items[4]])
        #expect(!result.hasNext)
        #expect(result.nextCursor == nil)
        #expect(try position(of: result.prevCursor) == CursorPosition(values: values(items[3]), direction: .before))
    }

    @Test func cursorsCarryTheQuery() throws {
        let filter = cmp("contactId", .eq, "c")
        let query = ParsedQuery(filter: filter, sort: Self.sort, limit: 1)
        let next = try #require(page(query, [items[0], items[1]]).nextCursor)
        let decoded = try testCursors.decode(next, schema: .referringCustomers)
        #expect(decoded.filter == filter)
        #expect(decoded.sort == Self.sort)
        #expect(decoded.limit == 1)
    }

    @Test func beforePageIsRestoredToQueryOrder() throws {
        // Fetched in reverse order, from just before items[4]; one extra row means an earlier page exists.
        let query = ParsedQuery(
            filter: nil, sort: Self.sort, limit: 2, position: CursorPosition(values: values(items[4]), direction: .before))
        let result = page(query, [items[3], items[2], items[1]])
        #expect(result.items == [items[2], items[3]])
        #expect(result.hasNext)
        #expect(try position(of: result.nextCursor) == CursorPosition(values: values(items[3]), direction: .after))
        #expect(try position(of: result.prevCursor) == CursorPosition(values: values(items[2]), direction: .before))
    }

    @Test func beforePageReachingTheStartIsAFirstPage() {
        let query = ParsedQuery(
            filter: nil, sort: Self.sort, limit: 2, position: CursorPosition(values: values(items[2]), direction: .before))
        let result = page(query, [items[1], items[0]])
        #expect(result.items == [items[0], items[1]])
        #expect(result.hasNext)
        #expect(result.nextCursor != nil)
        #expect(result.prevCursor == nil)
    }

    @Test func emptyFirstPage() {
        let result = page(ParsedQuery(filter: nil, sort: Self.sort, limit: 3), [])
        #expect(result.items.isEmpty)
        #expect(!result.hasNext)
        #expect(result.nextCursor == nil)
        #expect(result.prevCursor == nil)
    }
}

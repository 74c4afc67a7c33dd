/// Turns the rows a store fetched for a `ParsedQuery` into a `QueryPage` with its cursors.
///
/// The store's side of the contract: fetch up to `query.fetchLimit` rows matching the filter and the
/// position, ordered by `query.sort`, or by its reverse when `query.fetchesReversed` (a `.before` page).
/// The one extra row only tells whether more rows lie in the fetch direction.
public enum QueryPager {
    /// - Parameters:
    ///   - fetched: the rows in fetch order (reversed for a `.before` page), at most `fetchLimit` of them.
    ///   - sortValues: an item's value for each key of `query.sort`, in that order (id last), exactly as
    ///     the store compares them (a nullable column's NULL as `""`).
    public static func page<Item: Sendable>(
        _ query: ParsedQuery,
        fetched: [Item],
        schema: QuerySchema,
        cursors: CursorCodec,
        sortValues: (Item) -> [FilterScalar]
    ) -> QueryPage<Item> {
        let moreInFetchDirection = fetched.count > query.limit
        var items = Array(fetched.prefix(query.limit))
        let isBefore = query.position?.direction == .before
        if isBefore { items.reverse() }

        func cursor(_ item: Item?, _ direction: CursorPosition.Direction) -> String? {
            guard let item else { return nil }
            return cursors.encode(query, at: CursorPosition(values: sortValues(item), direction: direction), schema: schema)
        }

        if isBefore {
            // We came back from a later page, so the page after this one exists (it starts at the old
            // boundary). An empty result can't name that boundary, so it offers no next cursor either.
            let next = cursor(items.last, .after)
            return QueryPage(
                items: items, hasNext: next != nil, nextCursor: next,
                // Reaching the start of the results makes this the first page.
                prevCursor: moreInFetchDirection ? cursor(items.first, .before) : nil)
        }
        return QueryPage(
            items: items, hasNext: moreInFetchDirection,
            nextCursor: moreInFetchDirection ? cursor(items.last, .after) : nil,
            // No position means this is the first page: nothing precedes it.
            prevCursor: query.position == nil ? nil : cursor(items.first, .before))
    }
}

/// A validated single value of a filter or a cursor position.
public enum FilterScalar: Sendable, Hashable, Codable {
    case string(String)
    /// Whole milliseconds since the Unix epoch.
    case timestamp(Int64)

    // A compact hand-written coding (`{"s":"x"}` / `{"t":1}`) keeps cursors short.
    private enum CodingKeys: String, CodingKey { case s, t }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        if let text = try container.decodeIfPresent(String.self, forKey: .s) {
            self = .string(text)
        } else {
            self = .timestamp(try container.decode(Int64.self, forKey: .t))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        switch self {
        case .string(let text): try container.encode(text, forKey: .s)
        case .timestamp(let millis): try container.encode(millis, forKey: .t)
        }
    }
}

/// The validated right-hand side of a comparison.
public enum FilterOperand: Sendable, Hashable, Codable {
    /// For `$eq $ne $gt $gte $lt $lte $startsWith`.
    case scalar(FilterScalar)
    /// For `$in $nin $hasSome`; may be empty.
    case list([FilterScalar])
    /// For `$exists`.
    case bool(Bool)
}

/// A validated filter tree. Field names are canonical (aliases resolved); null forms are normalised to
/// `$exists` (`{"f": null}` → `exists false`, `{"$ne": null}` → `exists true`).
public indirect enum Filter: Sendable, Hashable, Codable {
    case and([Filter])
    case or([Filter])
    case not(Filter)
    case compare(field: String, op: FilterOperator, operand: FilterOperand)
}

/// One key of the order. The last key of a parsed query is always `id`.
public struct SortKey: Sendable, Hashable, Codable {
    public var field: String
    public var descending: Bool

    public init(field: String, descending: Bool = false) {
        self.field = field
        self.descending = descending
    }
}

/// Where a page starts: strictly after, or strictly before, the item whose sort-key values these are.
public struct CursorPosition: Sendable, Hashable, Codable {
    public enum Direction: String, Sendable, Codable {
        /// The next page: items that follow the boundary in the query's order.
        case after
        /// The previous page: items that precede the boundary; fetched in reversed order.
        case before
    }

    /// One value per sort key, in the order of `ParsedQuery.sort` (so the id is last).
    public var values: [FilterScalar]
    public var direction: Direction

    public init(values: [FilterScalar], direction: Direction) {
        self.values = values
        self.direction = direction
    }
}

/// A query ready for a store: validated filter, total sort order, page size and keyset position.
public struct ParsedQuery: Sendable, Hashable {
    /// nil matches everything.
    public var filter: Filter?
    /// Always ends with `id`, in the direction of the key before it.
    public var sort: [SortKey]
    /// Page size, 1...100.
    public var limit: Int
    /// nil for the first page.
    public var position: CursorPosition?

    public init(filter: Filter?, sort: [SortKey], limit: Int, position: CursorPosition? = nil) {
        self.filter = filter
        self.sort = sort
        self.limit = limit
        self.position = position
    }

    /// How many rows a store should fetch: one more than the page, to learn whether another page exists.
    public var fetchLimit: Int { limit + 1 }

    /// Whether the store must read in the reverse of `sort` (a `.before` page).
    public var fetchesReversed: Bool { position?.direction == .before }
}

/// One page of query results in the query's order, with the cursors to move from it.
public struct QueryPage<Item: Sendable>: Sendable {
    public var items: [Item]
    /// Whether a page follows this one.
    public var hasNext: Bool
    /// Resumes after the last item; nil when there is no next page.
    public var nextCursor: String?
    /// Resumes before the first item; nil on the first page.
    public var prevCursor: String?

    public init(items: [Item], hasNext: Bool, nextCursor: String?, prevCursor: String?) {
        self.items = items
        self.hasNext = hasNext
        self.nextCursor = nextCursor
        self.prevCursor = prevCursor
    }
}

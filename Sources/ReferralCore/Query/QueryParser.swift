/// Parses the `"query"` object of a Wix `POST …/query` request:
/// `{"filter": {...}, "sort": [{"fieldName", "order"}], "cursorPaging": {"limit", "cursor"}}`.
public enum QueryParser {
    /// Page size when the request gives none.
    public static let defaultLimit = 50
    /// The largest page a request may ask for.
    public static let maxLimit = 100

    /// Validates a query against a schema. A request with a cursor continues the cursor's query: its own
    /// filter and sort are ignored (not even validated), but a new limit is honoured.
    public static func parse(_ query: JSONValue?, schema: QuerySchema, cursors: CursorCodec) throws(ReferralError)
        -> ParsedQuery
    {
        let object: [String: JSONValue]
        switch query {
        case nil, .null?: object = [:]
        case .object(let value)?: object = value
        case let other?: throw .validation(field: "query", "must be an object, got \(other.typeName)", rule: "FORMAT")
        }

        let (limit, cursor) = try parsePaging(object["cursorPaging"])
        if let cursor {
            var parsed = try cursors.decode(cursor, schema: schema)
            if let limit { parsed.limit = limit }
            return parsed
        }

        var filter: Filter?
        if let json = object["filter"], json != .null {
            filter = try FilterParser.parse(json, schema: schema)
        }
        let sort = try parseSort(object["sort"], schema: schema)
        return ParsedQuery(filter: filter, sort: sort, limit: limit ?? defaultLimit)
    }

    /// The explicit limit (nil when absent) and the cursor (nil when absent or empty).
    private static func parsePaging(_ json: JSONValue?) throws(ReferralError) -> (Int?, String?) {
        guard let json, json != .null else { return (nil, nil) }
        guard let paging = json.objectValue else {
            throw .validation(field: "query.cursorPaging", "must be an object, got \(json.typeName)", rule: "FORMAT")
        }
        var limit: Int?
        if let value = paging["limit"], value != .null {
            guard let number = value.intValue else {
                throw .validation(field: "query.cursorPaging.limit", "must be an integer", rule: "FORMAT")
            }
            guard number >= 1 else {
                throw .validation(field: "query.cursorPaging.limit", "must be at least 1", rule: "MIN")
            }
            guard number <= maxLimit else {
                throw .validation(field: "query.cursorPaging.limit", "must be at most \(maxLimit)", rule: "MAX")
            }
            limit = number
        }
        var cursor: String?
        if let value = paging["cursor"], value != .null {
            guard let text = value.stringValue else {
                throw .validation(field: "query.cursorPaging.cursor", "must be a string", rule: "FORMAT")
            }
            // Clients commonly echo an empty cursor on the first page; treat it as none.
            cursor = text.isEmpty ? nil : text
        }
        return (limit, cursor)
    }

    /// The user's order (or the schema's default) with `id` appended in the last key's direction.
    private static func parseSort(_ json: JSONValue?, schema: QuerySchema) throws(ReferralError) -> [SortKey] {
        var keys: [SortKey] = []
        if let json, json != .null {
            guard let items = json.arrayValue else {
                throw .validation(field: "query.sort", "must be an array, got \(json.typeName)", rule: "FORMAT")
            }
            for (index, item) in items.enumerated() {
                let key = try parseSortKey(item, path: "query.sort[\(index)]", schema: schema)
                // A repeated field can't change the order; keeping the first keeps cursors small.
                if !keys.contains(where: { $0.field == key.field }) { keys.append(key) }
            }
        }
        if keys.isEmpty { keys = schema.defaultSort }
        keys.append(SortKey(field: QuerySchema.idField, descending: keys.last?.descending ?? false))
        return keys
    }

    private static func parseSortKey(_ json: JSONValue, path: String, schema: QuerySchema) throws(ReferralError)
        -> SortKey
    {
        guard let item = json.objectValue else {
            throw .validation(field: path, "must be an object, got \(json.typeName)", rule: "FORMAT")
        }
        guard let name = item["fieldName"]?.stringValue, !name.isEmpty else {
            throw .validation(field: "\(path).fieldName", "is required", rule: "REQUIRED_FIELD")
        }
        guard let field = schema.field(named: name), field.sortable else {
            throw .invalidSort("Field '\(name)' is not declared as sortable")
        }
        switch item["order"] {
        case nil, .null?, .string("ASC")?: return SortKey(field: field.name, descending: false)
        case .string("DESC")?: return SortKey(field: field.name, descending: true)
        default: throw .validation(field: "\(path).order", "must be ASC or DESC", rule: "INVALID_ENUM_VALUE")
        }
    }
}

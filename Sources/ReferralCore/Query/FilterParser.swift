/// Turns the JSON of a Wix filter into a validated `Filter` against one schema.
///
/// Keys of an object are visited in sorted order so that the same JSON always parses to the same
/// (`Hashable`-equal) tree, whatever order the dictionary yields them in.
enum FilterParser {
    /// Logical keys allowed where a field name may stand, with or without `$`.
    private enum Logical: String {
        case and, or, not

        init?(bareOrPrefixed key: String) {
            self.init(rawValue: key.hasPrefix("$") ? String(key.dropFirst()) : key)
        }
    }

    /// Parses a filter object; nil when it has no keys (matches everything).
    static func parse(_ json: JSONValue, schema: QuerySchema) throws(ReferralError) -> Filter? {
        let parts = try parseObject(json, schema: schema)
        switch parts.count {
        case 0: return nil
        case 1: return parts[0]
        default: return .and(parts)
        }
    }

    /// The conditions of one filter object, to be ANDed.
    private static func parseObject(_ json: JSONValue, schema: QuerySchema) throws(ReferralError) -> [Filter] {
        guard let object = json.objectValue else {
            throw .invalidFilter("A filter must be an object, got \(json.typeName)")
        }
        var parts: [Filter] = []
        for key in object.keys.sorted() {
            let value = object[key]!
            if let logical = Logical(bareOrPrefixed: key) {
                parts.append(try parseLogical(logical, key: key, value, schema: schema))
            } else if key.hasPrefix("$") {
                throw .invalidFilter("Unrecognized operator '\(key)'")
            } else {
                parts.append(try parseField(key, value, schema: schema))
            }
        }
        return parts
    }

    private static func parseLogical(_ logical: Logical, key: String, _ value: JSONValue, schema: QuerySchema)
        throws(ReferralError) -> Filter
    {
        if logical == .not {
            return .not(try parse(value, schema: schema) ?? .and([]))
        }
        guard let items = value.arrayValue, !items.isEmpty else {
            throw .invalidFilter("Operator '\(key)' expects a non-empty array of filters")
        }
        var parsed: [Filter] = []
        for item in items {
            parsed.append(try parse(item, schema: schema) ?? .and([]))
        }
        return logical == .and ? .and(parsed) : .or(parsed)
    }

    private static func parseField(_ name: String, _ value: JSONValue, schema: QuerySchema) throws(ReferralError)
        -> Filter
    {
        guard let field = schema.field(named: name) else {
            throw .invalidFilter("Field '\(name)' is not declared as filterable")
        }
        guard let conditions = value.objectValue else {
            // Equality shorthand: `{"f": v}` is `{"f": {"$eq": v}}`.
            return try compare(field, .eq, value)
        }
        if conditions.isEmpty {
            throw .invalidFilter("Empty condition for field '\(field.name)'")
        }
        var parts: [Filter] = []
        for key in conditions.keys.sorted() {
            let operand = conditions[key]!
            if Logical(bareOrPrefixed: key) == .not {
                // Mongo's field-level negation: `{"f": {"$not": {"$eq": v}}}`.
                parts.append(.not(try parseField(name, operand, schema: schema)))
                continue
            }
            guard let op = FilterOperator(name: key) else {
                throw .invalidFilter("Unrecognized operator '\(key)'")
            }
            parts.append(try compare(field, op, operand))
        }
        return parts.count == 1 ? parts[0] : .and(parts)
    }

    /// One validated comparison; rewrites the null forms to `$exists`.
    private static func compare(_ field: QueryField, _ op: FilterOperator, _ value: JSONValue) throws(ReferralError)
        -> Filter
    {
        guard field.operators.contains(op) else {
            throw .invalidFilter("Operator '\(op.rawValue)' is not supported for field '\(field.name)'")
        }
        let operand: FilterOperand
        switch (op, value) {
        case (.eq, .null):
            return .compare(field: field.name, op: .exists, operand: .bool(false))
        case (.ne, .null):
            return .compare(field: field.name, op: .exists, operand: .bool(true))
        case (.exists, _):
            guard let flag = value.boolValue else {
                throw .invalidFilter("Operator '$exists' on field '\(field.name)' expects a boolean, got \(value.typeName)")
            }
            operand = .bool(flag)
        case (.in, _), (.nin, _), (.hasSome, _):
            guard let items = value.arrayValue else {
                throw .invalidFilter(
                    "Operator '\(op.rawValue)' on field '\(field.name)' expects an array, got \(value.typeName)")
            }
            var list: [FilterScalar] = []
            for item in items { list.append(try scalar(item, field: field)) }
            operand = .list(list)
        case (.startsWith, _):
            // A prefix need not be a whole enum value, so only the type is checked.
            guard let prefix = value.stringValue else {
                throw .invalidFilter(
                    "Operator '$startsWith' on field '\(field.name)' expects a string, got \(value.typeName)")
            }
            operand = .scalar(.string(prefix))
        case (.eq, _), (.ne, _), (.gt, _), (.gte, _), (.lt, _), (.lte, _):
            operand = .scalar(try scalar(value, field: field))
        }
        return .compare(field: field.name, op: op, operand: operand)
    }

    /// A single value valid for the field's kind.
    static func scalar(_ value: JSONValue, field: QueryField) throws(ReferralError) -> FilterScalar {
        guard let text = value.stringValue else {
            let expected = field.kind == .timestamp ? "an RFC 3339 timestamp string" : "a string"
            throw .invalidFilter("Value for field '\(field.name)' must be \(expected), got \(value.typeName)")
        }
        switch field.kind {
        case .string:
            return .string(text)
        case .enumeration(let values):
            guard values.contains(text) else {
                throw .invalidFilter(
                    "Value '\(text)' for field '\(field.name)' must be one of \(values.joined(separator: ", "))")
            }
            return .string(text)
        case .timestamp:
            guard let date = Timestamp.parse(text) else {
                throw .invalidFilter("Value '\(text)' for field '\(field.name)' is not an RFC 3339 timestamp")
            }
            return .timestamp(date.milliseconds)
        }
    }
}

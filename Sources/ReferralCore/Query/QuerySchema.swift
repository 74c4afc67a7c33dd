/// The value type of a queryable field; decides which operands are valid for it.
public enum FieldKind: Sendable, Hashable {
    /// Free text, compared case-sensitively (except `$startsWith`).
    case string
    /// Text restricted to a fixed set of values (`status`).
    case enumeration([String])
    /// An instant: RFC 3339 on the wire, whole epoch milliseconds once parsed.
    case timestamp
}

/// A comparison operator of the Wix filter language. The raw value is the canonical `$`-prefixed name;
/// the parser also accepts the name without `$`, as the Wix sample flows write it.
public enum FilterOperator: String, Sendable, Hashable, Codable, CaseIterable {
    case eq = "$eq", ne = "$ne", gt = "$gt", gte = "$gte", lt = "$lt", lte = "$lte"
    case `in` = "$in", nin = "$nin", exists = "$exists", startsWith = "$startsWith", hasSome = "$hasSome"

    /// Looks an operator up by its name, with or without the leading `$`.
    public init?(name: String) {
        let canonical = name.hasPrefix("$") ? name : "$" + name
        self.init(rawValue: canonical)
    }

    /// The operators Wix allows on string and enum fields.
    public static let textOperators: Set<FilterOperator> = [.eq, .ne, .hasSome, .startsWith, .in, .nin, .exists]
    /// The operators Wix allows on timestamp fields (ranges, no prefix match).
    public static let timestampOperators: Set<FilterOperator> = [
        .eq, .ne, .hasSome, .in, .nin, .exists, .lt, .lte, .gt, .gte,
    ]
}

/// One field of a resource that queries may filter and/or sort on.
public struct QueryField: Sendable {
    public let name: String
    public let kind: FieldKind
    /// The operators allowed on this field; any other is rejected with a message naming both.
    public let operators: Set<FilterOperator>
    public let sortable: Bool
    /// Whether the column may hold NULL. Only string and enum fields may be nullable, because the
    /// keyset cursor orders NULLs as the empty string, which has no timestamp equivalent.
    public let nullable: Bool

    public init(_ name: String, kind: FieldKind, operators: Set<FilterOperator>, sortable: Bool, nullable: Bool = false) {
        precondition(!(nullable && kind == .timestamp), "nullable timestamp fields are not supported: \(name)")
        precondition(name != QuerySchema.idField, "'id' is the implicit tie-breaker and can't be declared")
        self.name = name
        self.kind = kind
        self.operators = operators
        self.sortable = sortable
        self.nullable = nullable
    }

    /// A text field with the standard Wix text operators.
    public static func string(_ name: String, sortable: Bool = true, nullable: Bool = false) -> QueryField {
        QueryField(name, kind: .string, operators: FilterOperator.textOperators, sortable: sortable, nullable: nullable)
    }

    /// An enum field with the standard Wix text operators.
    public static func enumeration(_ name: String, values: [String], sortable: Bool = true, nullable: Bool = false)
        -> QueryField
    {
        QueryField(
            name, kind: .enumeration(values), operators: FilterOperator.textOperators, sortable: sortable,
            nullable: nullable)
    }

    /// A timestamp field with the standard Wix timestamp operators.
    public static func timestamp(_ name: String, sortable: Bool = true) -> QueryField {
        QueryField(name, kind: .timestamp, operators: FilterOperator.timestampOperators, sortable: sortable)
    }
}

/// The queryable table of one resource: which fields exist, how they may be used, and the default order.
///
/// Every resource also has an implicit string `id`, which is never user-filterable or user-sortable but
/// always ends the sort so that keyset paging is a total order.
public struct QuerySchema: Sendable {
    /// The name of the implicit unique key that ends every sort.
    public static let idField = "id"
    /// The aliases the Wix SDKs use for the system fields.
    public static let sdkAliases: [String: String] = ["_id": "id", "_createdDate": "createdDate", "_updatedDate": "updatedDate"]

    /// Identifies the resource inside cursors, so a cursor can't be replayed against another resource.
    public let resource: String
    public let fields: [QueryField]
    /// The order used when a query gives none (without the `id` tie-breaker, which is added later).
    public let defaultSort: [SortKey]
    public let aliases: [String: String]
    private let byName: [String: QueryField]

    public init(
        resource: String,
        fields: [QueryField],
        defaultSort: [SortKey] = [SortKey(field: "createdDate", descending: true)],
        aliases: [String: String] = QuerySchema.sdkAliases
    ) {
        var byName: [String: QueryField] = [:]
        for field in fields {
            precondition(byName[field.name] == nil, "duplicate query field \(field.name)")
            byName[field.name] = field
        }
        for key in defaultSort {
            precondition(byName[key.field]?.sortable == true, "default sort field \(key.field) must be sortable")
        }
        self.resource = resource
        self.fields = fields
        self.defaultSort = defaultSort
        self.aliases = aliases
        self.byName = byName
    }

    /// The canonical name for a name as written in a query (`_createdDate` → `createdDate`).
    public func canonicalName(_ name: String) -> String {
        aliases[name] ?? name
    }

    /// The declared field for a name as written in a query, resolving SDK aliases; nil for `id` and unknown names.
    public func field(named name: String) -> QueryField? {
        byName[canonicalName(name)]
    }
}

extension QuerySchema {
    /// `POST /v1/referring-customers/query`.
    public static let referringCustomers = QuerySchema(
        resource: "referringCustomers",
        fields: [
            .string("contactId"),
            .string("referralCode"),
            .timestamp("createdDate"),
            .timestamp("updatedDate"),
        ]
    )

    /// The values of a referred friend's `status`.
    public static let referredFriendStatuses = ["UNKNOWN", "SIGN_UP_COMPLETED", "ACTIONS_COMPLETED"]

    /// `POST /v1/referred-friends/query`. `contactId` is our extension to the Wix table.
    public static let referredFriends = QuerySchema(
        resource: "referredFriends",
        fields: [
            .string("referringCustomerId"),
            .enumeration("status", values: referredFriendStatuses),
            .string("contactId"),
            .timestamp("createdDate"),
            .timestamp("updatedDate"),
        ]
    )
}

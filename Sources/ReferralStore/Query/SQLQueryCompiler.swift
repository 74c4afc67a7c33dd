import Foundation
import ReferralCore
import SQLKit

/// How timestamp operands and cursor values are bound.
public enum TimestampBinding: Sendable {
    /// Bind `Int64` epoch milliseconds (SQLite `INTEGER` columns).
    case epochMilliseconds
    /// Bind `Foundation.Date` (PostgreSQL `timestamptz` columns).
    case date
    /// Bind what the closure makes of the epoch milliseconds (an exact PostgreSQL timestamp).
    case custom(@Sendable (Int64) -> any Encodable & Sendable)
}

/// The SQL fragments of one compiled query, for `SELECT … WHERE \(whereClause) ORDER BY \(orderBy) LIMIT n`.
public struct CompiledSQLQuery: Sendable {
    /// The filter AND the keyset condition of the cursor position; `1 = 1` when there is neither.
    public var whereClause: StoreSQL
    /// The sort, reversed for a `.before` page (the pager restores the real order).
    public var orderBy: StoreSQL
    /// Rows to fetch: one more than the page size.
    public var limit: Int
}

/// Compiles a `ParsedQuery` into portable SQL (valid on SQLite and PostgreSQL).
///
/// Column names come only from the trusted column map given at init and are embedded raw; every value,
/// including each `LIKE` pattern, is a bound parameter. Comparisons are written so that they never
/// evaluate to SQL NULL (each is guarded by `IS NULL`/`IS NOT NULL`), which keeps `$not` two-valued and
/// gives `$ne`/`$nin` the Mongo semantics of matching absent values.
public struct SQLQueryCompiler: Sendable {
    public let schema: QuerySchema
    public let columns: [String: String]
    public let timestamps: TimestampBinding

    /// - Parameter columns: SQL column for every field of the schema and for `id`.
    public init(schema: QuerySchema, columns: [String: String], timestamps: TimestampBinding = .epochMilliseconds) {
        for name in schema.fields.map(\.name) + [QuerySchema.idField] {
            guard let column = columns[name] else { preconditionFailure("no column for query field \(name)") }
            // Column names are embedded raw, so only plain (optionally table-qualified) identifiers are allowed.
            precondition(Self.isPlainIdentifier(column), "column for \(name) is not a plain identifier: \(column)")
        }
        self.schema = schema
        self.columns = columns
        self.timestamps = timestamps
    }

    /// Both fragments and the fetch limit of a query.
    public func compile(_ query: ParsedQuery) -> CompiledSQLQuery {
        CompiledSQLQuery(whereClause: whereClause(query), orderBy: orderBy(query), limit: query.fetchLimit)
    }

    /// The filter AND the keyset condition for the cursor position.
    public func whereClause(_ query: ParsedQuery) -> StoreSQL {
        var parts: [StoreSQL] = []
        if let filter = query.filter { parts.append(condition(filter)) }
        if let position = query.position { parts.append(keyset(query.sort, position)) }
        // Parenthesised as a whole, so callers can AND it with their own conditions in any form.
        return parts.isEmpty ? Self.alwaysTrue : "(\(parts.joined(separator: " AND ")))"
    }

    /// `key1 ASC, key2 DESC, …`, each key reversed for a `.before` page.
    public func orderBy(_ query: ParsedQuery) -> StoreSQL {
        let reversed = query.fetchesReversed
        return query.sort.map { key -> StoreSQL in
            "\(sortExpression(key.field)) \(unsafeRaw: key.descending != reversed ? "DESC" : "ASC")"
        }.joined(separator: ", ")
    }

    // MARK: - Filter

    private static let alwaysTrue: StoreSQL = "1 = 1"
    private static let alwaysFalse: StoreSQL = "1 = 0"

    private func condition(_ filter: Filter) -> StoreSQL {
        switch filter {
        case .and(let parts):
            parts.isEmpty ? Self.alwaysTrue : "(\(parts.map(condition).joined(separator: " AND ")))"
        case .or(let parts):
            parts.isEmpty ? Self.alwaysFalse : "(\(parts.map(condition).joined(separator: " OR ")))"
        case .not(let inner):
            "NOT (\(condition(inner)))"
        case .compare(let field, let op, let operand):
            comparison(column(field), op, operand)
        }
    }

    private func comparison(_ column: String, _ op: FilterOperator, _ operand: FilterOperand) -> StoreSQL {
        // A non-null guard makes `NOT (…)` of a comparison match NULLs, as in Mongo.
        func present(_ test: StoreSQL) -> StoreSQL { "(\(unsafeRaw: column) IS NOT NULL AND \(test))" }
        func absentOr(_ test: StoreSQL) -> StoreSQL { "(\(unsafeRaw: column) IS NULL OR \(test))" }

        if let native = Self.uuidColumn(column), let test = uuidComparison(native, op, operand) { return test }
        switch (op, operand) {
        case (.exists, .bool(let exists)):
            return "\(unsafeRaw: column) IS \(unsafeRaw: exists ? "NOT NULL" : "NULL")"
        case (.eq, .scalar(let value)):
            return present("\(unsafeRaw: column) = \(bind(value))")
        case (.ne, .scalar(let value)):
            return absentOr("\(unsafeRaw: column) <> \(bind(value))")
        case (.gt, .scalar(let value)), (.gte, .scalar(let value)), (.lt, .scalar(let value)),
            (.lte, .scalar(let value)):
            let symbol = [FilterOperator.gt: ">", .gte: ">=", .lt: "<", .lte: "<="][op]!
            return present("\(unsafeRaw: column) \(unsafeRaw: symbol) \(bind(value))")
        case (.in, .list(let values)), (.hasSome, .list(let values)):
            // `IN ()` is not valid SQL; an empty list matches nothing.
            return values.isEmpty ? Self.alwaysFalse : present("\(unsafeRaw: column) IN (\(binds(values)))")
        case (.nin, .list(let values)):
            return values.isEmpty ? Self.alwaysTrue : absentOr("\(unsafeRaw: column) NOT IN (\(binds(values)))")
        case (.startsWith, .scalar(.string(let prefix))):
            // Both sides go through the database's own lower(), so the case folding agrees whatever the
            // database's notion of case (SQLite folds ASCII only, PostgreSQL folds Unicode).
            let pattern = Self.escapeLike(prefix) + "%"
            return present("lower(\(unsafeRaw: column)) LIKE lower(\(bind: pattern)) ESCAPE '\\'")
        default:
            // The parser never pairs an operator with another operand shape; fail closed if one is built by hand.
            return Self.alwaysFalse
        }
    }

    /// Equality on a PostgreSQL `uuid` column, compared as `uuid` so that its index serves it
    /// (`id::text = $1` can't use one: the referred-friends-by-referrer query scanned the table).
    /// A value that is not a lowercase UUID can't equal a stored id, as with text comparison.
    private func uuidComparison(_ native: String, _ op: FilterOperator, _ operand: FilterOperand) -> StoreSQL? {
        func ids(_ values: [FilterScalar]) -> [UUID]? {
            var ids: [UUID] = []
            for value in values {
                guard case .string(let text) = value else { return nil }
                if let id = UUID(lowercasedOrAny: text), id.lowercased == text { ids.append(id) }
            }
            return ids
        }
        let guarded = { (test: StoreSQL) -> StoreSQL in "(\(unsafeRaw: native) IS NOT NULL AND \(test))" }
        switch (op, operand) {
        case (.eq, .scalar(let value)):
            guard let found = ids([value]) else { return nil }
            guard let id = found.first else { return Self.alwaysFalse }
            return guarded("\(unsafeRaw: native) = \(bind: id)")
        case (.in, .list(let values)), (.hasSome, .list(let values)):
            guard let found = ids(values) else { return nil }
            guard !found.isEmpty else { return Self.alwaysFalse }
            return guarded("\(unsafeRaw: native) IN (\(found.map { "\(bind: $0)" as StoreSQL }.joined(separator: ", ")))")
        default:
            return nil
        }
    }

    /// The `uuid` column behind a `column::text` query column (PostgreSQL only).
    private static func uuidColumn(_ column: String) -> String? {
        column.hasSuffix("::text") ? String(column.dropLast("::text".count)) : nil
    }

    /// Escapes the `LIKE` wildcards and the escape character itself, so a prefix matches literally.
    static func escapeLike(_ text: String) -> String {
        var escaped = ""
        for character in text {
            if character == "\\" || character == "%" || character == "_" { escaped.append("\\") }
            escaped.append(character)
        }
        return escaped
    }

    // MARK: - Keyset

    /// Rows strictly after (or before) the boundary in the sort order:
    /// `(k1 > v1) OR (k1 = v1 AND k2 > v2) OR …`, each key compared in its own direction.
    private func keyset(_ sort: [SortKey], _ position: CursorPosition) -> StoreSQL {
        precondition(position.values.count == sort.count, "one cursor value per sort key")
        let before = position.direction == .before
        var alternatives: [StoreSQL] = []
        for index in sort.indices {
            var terms: [StoreSQL] = []
            for earlier in 0..<index {
                terms.append("\(sortExpression(sort[earlier].field)) = \(bind(position.values[earlier]))")
            }
            let symbol = sort[index].descending != before ? "<" : ">"
            terms.append(
                "\(sortExpression(sort[index].field)) \(unsafeRaw: symbol) \(bind(position.values[index]))")
            alternatives.append("(\(terms.joined(separator: " AND ")))")
        }
        return "(\(alternatives.joined(separator: " OR ")))"
    }

    /// The column as sorted and compared by the keyset: NULLs of nullable columns become `''`, so they
    /// sort first ascending on both databases and equal the `""` the pager stores in the cursor.
    private func sortExpression(_ field: String) -> StoreSQL {
        let column = column(field)
        return schema.field(named: field)?.nullable == true ? "COALESCE(\(unsafeRaw: column), '')" : "\(unsafeRaw: column)"
    }

    // MARK: - Helpers

    private func column(_ field: String) -> String {
        guard let column = columns[field] else { preconditionFailure("no column for query field \(field)") }
        return column
    }

    private func bind(_ value: FilterScalar) -> StoreSQL {
        switch (value, timestamps) {
        case (.string(let text), _): "\(bind: text)"
        case (.timestamp(let millis), .epochMilliseconds): "\(bind: millis)"
        case (.timestamp(let millis), .date): "\(bind: Date(milliseconds: millis))"
        case (.timestamp(let millis), .custom(let bind)): "\(bind: bind(millis))"
        }
    }

    private func binds(_ values: [FilterScalar]) -> StoreSQL {
        values.map(bind).joined(separator: ", ")
    }

    /// A plain (optionally table-qualified) identifier, optionally cast to text (`id::text`,
    /// so that PostgreSQL `uuid` columns compare with the string operands of filters and cursors).
    /// Checked on bytes: it runs for every column of every query request, and `Character`'s
    /// Unicode properties made it a visible share of a query's CPU.
    private static func isPlainIdentifier(_ column: String) -> Bool {
        var name = Substring(column).utf8
        if name.count > 6, name.suffix(6).elementsEqual("::text".utf8) { name = name.dropLast(6) }
        guard let first = name.first, first == UInt8(ascii: "_") || isASCIILetter(first) else { return false }
        return name.allSatisfy { $0 == UInt8(ascii: "_") || $0 == UInt8(ascii: ".") || isASCIILetter($0) || (0x30...0x39).contains($0) }
    }

    private static func isASCIILetter(_ byte: UInt8) -> Bool {
        (0x41...0x5A).contains(byte) || (0x61...0x7A).contains(byte)
    }
}

/// A schema's compiler for each dialect, built once. Building one checks every column name of
/// the schema, and the query routes built one per request (about 1 % of a query's CPU).
struct DialectCompilers: Sendable {
    private let sqlite: SQLQueryCompiler
    private let postgres: SQLQueryCompiler

    /// - Parameter uuidFields: fields whose PostgreSQL column is a `uuid` (see `StoreDialect.queryColumns`).
    init(schema: QuerySchema, columns: [String: String], uuidFields: Set<String>) {
        sqlite = SQLQueryCompiler(
            schema: schema, columns: StoreDialect.sqlite.queryColumns(columns, uuidFields: uuidFields),
            timestamps: StoreDialect.sqlite.timestampBinding)
        postgres = SQLQueryCompiler(
            schema: schema, columns: StoreDialect.postgres.queryColumns(columns, uuidFields: uuidFields),
            timestamps: StoreDialect.postgres.timestampBinding)
    }

    subscript(dialect: StoreDialect) -> SQLQueryCompiler {
        switch dialect {
        case .sqlite: sqlite
        case .postgres: postgres
        }
    }
}

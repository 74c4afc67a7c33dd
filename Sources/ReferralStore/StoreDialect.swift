import Foundation
import ReferralCore
import SQLKit

/// The few things that differ between the SQL databases we run on, kept in one place.
public enum StoreDialect: Sendable {
    case sqlite
    case postgres

    /// How timestamps are stored: SQLite keeps integer Unix milliseconds, PostgreSQL `timestamptz`.
    var timestampBinding: TimestampBinding {
        switch self {
        case .sqlite: .epochMilliseconds
        case .postgres: .custom { PostgresTimestamp(milliseconds: $0) }
        }
    }

    /// A bindable value for a timestamp column.
    func bind(_ date: Date) -> any Encodable & Sendable {
        switch self {
        case .sqlite: date.milliseconds
        case .postgres: PostgresTimestamp(milliseconds: date.milliseconds)
        }
    }

    /// `verb` (`INSERT` or `UPDATE`) for a write whose failure always rolls back its whole
    /// transaction: on SQLite `verb OR FAIL`. Under SQLite's default `ABORT`, a statement that
    /// may change several rows (an `UPDATE`, an upsert, a multi-row `INSERT`) inside a
    /// transaction keeps a statement journal, a copy of every page it changes, so that a failure
    /// half-way undoes only that statement; `FAIL` keeps none. The SQLite writer rolls back a
    /// failing transaction whole (the batch, then each item in its own savepoint), so nothing a
    /// failed statement left behind is ever committed. In a profile of new orders those copies
    /// were 3–4 % of the writer's CPU.
    func orFail(_ verb: String) -> String {
        self == .sqlite ? "\(verb) OR FAIL" : verb
    }

    /// Lets several dispatchers take disjoint batches of a queue without waiting on each other.
    var skipLocked: String { self == .postgres ? "FOR UPDATE SKIP LOCKED" : "" }

    /// NULL for a nullable timestamp column, typed for the driver.
    var nullTimestamp: any Encodable & Sendable {
        switch self {
        case .sqlite: Int64?.none
        case .postgres: PostgresTimestamp?.none
        }
    }

    /// Money sums: exact integer ten-thousandths on SQLite, `NUMERIC` on PostgreSQL.
    var amountType: String { self == .postgres ? "NUMERIC(24,4)" : "INTEGER" }

    /// A bound amount (ten-thousandths) as a value of the amount column's type.
    func amount(_ units: Int64) -> StoreSQL {
        switch self {
        case .sqlite:
            return "\(bind: units)"
        case .postgres:
            let sign = units < 0 ? "-" : ""
            let magnitude = units.magnitude
            let fraction = String(magnitude % UInt64(DecimalAmount.scale))
            let text = "\(sign)\(magnitude / UInt64(DecimalAmount.scale)).\(String(repeating: "0", count: 4 - fraction.count))\(fraction)"
            return "CAST(\(bind: text) AS NUMERIC)"
        }
    }

    /// An amount column read back as ten-thousandths (`BIGINT`).
    func amountUnits(_ column: String) -> String {
        switch self {
        case .sqlite: column
        case .postgres: "CAST(\(column) * 10000 AS BIGINT)"
        }
    }

    /// The query-language column map for this database: PostgreSQL compares `uuid` columns as
    /// text, because filters and cursors carry ids as strings.
    func queryColumns(_ columns: [String: String], uuidFields: Set<String>) -> [String: String] {
        guard self == .postgres else { return columns }
        return columns.reduce(into: [:]) { result, entry in
            result[entry.key] = uuidFields.contains(entry.key) ? entry.value + "::text" : entry.value
        }
    }

    // Column types for migrations.
    var idType: String { self == .postgres ? "UUID" : "TEXT" }
    var timestampType: String { self == .postgres ? "TIMESTAMPTZ" : "INTEGER" }
    var bigintType: String { self == .postgres ? "BIGINT" : "INTEGER" }
}

/// Where the data lives, from `--database` / `REFERRALS_DATABASE_URL`.
public enum DatabaseLocation: Sendable, Equatable {
    case sqlite(path: String)
    case postgres(url: String)

    /// Accepts `sqlite:PATH`, `sqlite://PATH`, a plain file path, or a `postgres://` / `postgresql://` URL.
    public init(parsing text: String) throws(ReferralError) {
        let trimmed = text.trimmingWhitespace()
        if trimmed.hasPrefix("postgres://") || trimmed.hasPrefix("postgresql://") {
            self = .postgres(url: trimmed)
        } else if trimmed.hasPrefix("sqlite://") {
            self = .sqlite(path: String(trimmed.dropFirst("sqlite://".count)))
        } else if trimmed.hasPrefix("sqlite:") {
            self = .sqlite(path: String(trimmed.dropFirst("sqlite:".count)))
        } else {
            self = .sqlite(path: trimmed)
        }
        if case .sqlite(let path) = self, path.isEmpty {
            throw .validation(field: "database", "names no SQLite file", rule: "FORMAT")
        }
    }

    public var description: String {
        switch self {
        case .sqlite(let path): "sqlite:\(path)"
        case .postgres(let url): Self.redacted(url)
        }
    }

    /// The URL without its password, for logs.
    static func redacted(_ url: String) -> String {
        guard var components = URLComponents(string: url), components.password != nil else { return url }
        components.password = "***"
        return components.string ?? url
    }
}

/// JSON for stored documents (program settings, change snapshots): dates as milliseconds so
/// nothing is lost. Written by `CompactJSONEncoder` (Foundation's encoder took a tenth of the
/// single SQLite writer's time), keys in declaration order; nothing compares the stored text,
/// and webhook bodies and exports sort their own keys.
enum StoredJSON {
    static func encode(_ value: some Encodable) throws -> String {
        String(decoding: try CompactJSONEncoder().encode(value), as: UTF8.self)
    }

    static func decode<T: Decodable>(_ type: T.Type, from text: String) throws -> T {
        try decodeWithFoundation(type, from: text)
    }

    /// An event payload: read directly when it has the shape `Codable` writes (every stored
    /// one does), else through `JSONDecoder` for its answer or its error.
    static func decode(_ type: ReferralEventKind.Type, from text: String) throws -> ReferralEventKind {
        if let kind = StoredEventKind.read(text) { return kind }
        return try decodeWithFoundation(type, from: text)
    }

    private static func decodeWithFoundation<T: Decodable>(_ type: T.Type, from text: String) throws -> T {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .millisecondsSince1970
        return try decoder.decode(type, from: Data(text.utf8))
    }
}

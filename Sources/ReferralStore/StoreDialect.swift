import Foundation
import ReferralCore

/// The few things that differ between the SQL databases we run on, kept in one place.
public enum StoreDialect: Sendable {
    case sqlite
    case postgres

    /// How timestamps are stored: SQLite keeps integer Unix milliseconds, PostgreSQL `timestamptz`.
    var timestampBinding: TimestampBinding {
        switch self {
        case .sqlite: .epochMilliseconds
        case .postgres: .date
        }
    }

    /// A bindable value for a timestamp column.
    func bind(_ date: Date) -> any Encodable & Sendable {
        switch self {
        case .sqlite: date.milliseconds
        case .postgres: date
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
        let trimmed = text.trimmingCharacters(in: .whitespaces)
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

/// JSON for stored documents (program settings, change snapshots): stable key order, dates as
/// milliseconds so nothing is lost.
enum StoredJSON {
    static func encode(_ value: some Encodable) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        encoder.dateEncodingStrategy = .millisecondsSince1970
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }

    static func decode<T: Decodable>(_ type: T.Type, from text: String) throws -> T {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .millisecondsSince1970
        return try decoder.decode(type, from: Data(text.utf8))
    }
}

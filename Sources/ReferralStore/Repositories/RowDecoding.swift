import Foundation
import ReferralCore
import SQLKit

extension StoreDialect {
    /// A bindable value for an id column: text on SQLite, native `uuid` on PostgreSQL.
    func bind(_ id: UUID) -> any Encodable & Sendable {
        switch self {
        case .sqlite: id.lowercased
        case .postgres: id
        }
    }

    /// A bindable value for a nullable id column (NULL when nil).
    func bind(_ id: UUID?) -> any Encodable & Sendable {
        switch self {
        case .sqlite: id?.lowercased
        case .postgres: id
        }
    }

    func date(_ row: any SQLRow, _ column: String) throws -> Date {
        switch self {
        case .sqlite: Date(milliseconds: try row.decode(column: column, as: Int64.self))
        case .postgres: Date(milliseconds: try row.decode(column: column, as: PostgresTimestamp.self).milliseconds)
        }
    }

    func optionalDate(_ row: any SQLRow, _ column: String) throws -> Date? {
        try row.decodeNil(column: column) ? nil : try date(row, column)
    }

    func uuid(_ row: any SQLRow, _ column: String) throws -> UUID {
        switch self {
        case .sqlite:
            let text = try row.decode(column: column, as: String.self)
            guard let id = UUID(lowercasedOrAny: text) else { throw StoreInvariantError("column \(column) holds '\(text)', not a UUID") }
            return id
        case .postgres:
            return try row.decode(column: column, as: UUID.self)
        }
    }

    func site(_ row: any SQLRow) throws -> SiteID {
        try SiteID(validating: try row.decode(column: "site_id", as: String.self))
    }
}

extension SQLRow {
    func string(_ column: String) throws -> String { try decode(column: column, as: String.self) }
    func int64(_ column: String) throws -> Int64 { try decode(column: column, as: Int64.self) }
}

import Foundation
import ReferralCore
import SQLKit

/// Export and import of every table, column by column, with each value in a form that does not
/// depend on the database: ids as lowercase strings, timestamps as epoch milliseconds, amounts
/// as ten-thousandths.
struct SQLDataTransfer: DataTransferRepository {
    enum Kind { case text, id, timestamp, integer, amount }

    struct Table {
        let name: String
        /// Deployment-wide tables have no site column.
        let siteScoped: Bool
        let columns: [(String, Kind)]
    }

    static let schema: [Table] = [
        Table(
            name: "referral_programs", siteScoped: true,
            columns: [
                ("site_id", .text), ("status", .text), ("settings", .text), ("revision", .integer), ("created_at", .timestamp),
                ("updated_at", .timestamp),
            ]),
        Table(
            name: "referring_customers", siteScoped: true,
            columns: [
                ("site_id", .text), ("id", .id), ("contact_id", .text), ("referral_code", .text), ("revision", .integer),
                ("created_at", .timestamp), ("updated_at", .timestamp), ("deleted_at", .timestamp),
            ]),
        Table(
            name: "referred_friends", siteScoped: true,
            columns: [
                ("site_id", .text), ("id", .id), ("contact_id", .text), ("referring_customer_id", .id), ("status", .text),
                ("revision", .integer), ("created_at", .timestamp), ("updated_at", .timestamp), ("deleted_at", .timestamp),
            ]),
        Table(
            name: "referral_events", siteScoped: true,
            columns: [
                ("site_id", .text), ("id", .id), ("event_type", .text), ("referred_friend_id", .id), ("referring_customer_id", .id),
                ("order_id", .text), ("payload", .text), ("revision", .integer), ("created_at", .timestamp), ("updated_at", .timestamp),
            ]),
        Table(
            name: "referral_rewards", siteScoped: true,
            columns: [
                ("site_id", .text), ("id", .id), ("reward_type", .text), ("side", .text), ("source_friend_id", .id),
                ("source_contact_id", .text), ("rewarded_referring_customer_id", .id), ("rewarded_referred_friend_id", .id),
                ("receiver_contact_id", .text), ("coupon_id", .id), ("coupon_code", .text), ("coupon_status", .text),
                ("coupon_specification", .text), ("loyalty_transaction_id", .text), ("loyalty_amount", .integer),
                ("revision", .integer), ("created_at", .timestamp), ("updated_at", .timestamp),
            ]),
        Table(
            name: "referral_statistics", siteScoped: true,
            columns: [
                ("site_id", .text), ("total_sign_ups", .integer), ("total_actions", .integer), ("total_amount", .amount),
            ]),
        Table(
            name: "referring_customer_totals", siteScoped: true,
            columns: [
                ("site_id", .text), ("referring_customer_id", .id), ("contact_id", .text), ("total_successful_referrals", .integer),
                ("total_amount", .amount), ("total_friends_with_actions", .integer), ("last_successful_referral", .timestamp),
                ("last_friend_action", .timestamp), ("created_at", .timestamp), ("updated_at", .timestamp),
            ]),
        Table(
            name: "referred_friend_actions", siteScoped: true,
            columns: [
                ("site_id", .text), ("referred_friend_id", .id), ("contact_id", .text), ("referring_customer_id", .id),
                ("trigger_app_id", .text), ("trigger_activity_type", .text), ("action_date", .timestamp), ("total_actions", .integer),
                ("total_amount", .amount), ("signup_date", .timestamp), ("reward_id", .id), ("created_at", .timestamp),
                ("updated_at", .timestamp),
            ]),
        Table(
            name: "social_post_suggestions", siteScoped: true,
            columns: [
                ("site_id", .text), ("suggestions", .text), ("program_revision", .integer), ("generated_at", .timestamp),
            ]),
        Table(
            name: "outbox_events", siteScoped: true,
            columns: [
                ("site_id", .text), ("id", .id), ("entity_fqdn", .text), ("slug", .text), ("entity_id", .text),
                ("entity_event_sequence", .integer), ("event_time", .timestamp), ("snapshot", .text),
            ]),
        Table(
            name: "webhook_subscriptions", siteScoped: true,
            columns: [
                ("site_id", .text), ("id", .id), ("url", .text), ("description", .text), ("sealed_secret", .text), ("revision", .integer),
                ("created_at", .timestamp), ("updated_at", .timestamp), ("deleted_at", .timestamp),
            ]),
        Table(
            name: "webhook_subscription_types", siteScoped: true,
            columns: [("site_id", .text), ("subscription_id", .id), ("event_type", .text)]),
        Table(
            name: "webhook_deliveries", siteScoped: true,
            columns: [
                ("site_id", .text), ("id", .id), ("subscription_id", .id), ("event_id", .id), ("event_type", .text), ("status", .text),
                ("attempts", .integer), ("next_attempt_at", .timestamp), ("leased_until", .timestamp), ("last_error", .text),
                ("last_status_code", .integer), ("created_at", .timestamp), ("updated_at", .timestamp), ("delivered_at", .timestamp),
            ]),
        Table(
            name: "api_keys", siteScoped: false,
            columns: [
                ("id", .id), ("name", .text), ("prefix", .text), ("key_hash", .text), ("site_id", .text), ("permissions", .text),
                ("created_at", .timestamp), ("revoked_at", .timestamp),
            ]),
        Table(name: "deployment_settings", siteScoped: false, columns: [("name", .text), ("value", .text)]),
    ]

    let db: any SQLDatabase
    let dialect: StoreDialect

    /// PostgreSQL: `ANALYZE`. Its plans depend on the statistics, and those autovacuum takes
    /// during a load describe the tables as they were part-way through it: after a seed, lookups
    /// of a referred friend by contact scanned the site's friends by creation date (thousands
    /// of rows) instead of the one-row contact index until the next automatic analyze. SQLite
    /// keeps no statistics unless asked, and its plans here follow the indexes' shapes, so it
    /// has nothing to do.
    func refreshPlannerStatistics() async throws {
        guard dialect == .postgres else { return }
        try await db.statement("ANALYZE").run()
    }

    var tables: [String] { Self.schema.map(\.name) }

    func export(table name: String, site: SiteID?, row: @escaping @Sendable ([String: JSONValue]) -> Void) async throws {
        let table = try Self.table(name)
        let dialect = self.dialect
        let selection = table.columns.map { column, kind in
            kind == .amount ? "\(dialect.amountUnits(column)) AS \(column)" : column
        }.joined(separator: ", ")
        var condition: StoreSQL = ""
        if let site {
            // Secrets travel only with a whole deployment; API keys bound to the site go along.
            guard table.name != "deployment_settings" else { return }
            condition = "WHERE site_id = \(bind: site.rawValue)"
        }
        try await db.execute(sql: ("SELECT \(unsafeRaw: selection) FROM \(unsafeRaw: table.name) \(condition)" as StoreSQL).expression) {
            sqlRow in
            var values: [String: JSONValue] = [:]
            for (column, kind) in table.columns {
                values[column] = (try? Self.value(sqlRow, column, kind, dialect: dialect)) ?? .null
            }
            row(values)
        }
    }

    func importRow(table name: String, _ row: [String: JSONValue]) async throws -> Bool {
        let table = try Self.table(name)
        var values: [StoreSQL] = []
        for (column, kind) in table.columns {
            values.append(try bind(row[column] ?? .null, kind: kind, column: "\(name).\(column)"))
        }
        let inserted = try await db.statement(
            """
            INSERT INTO \(unsafeRaw: table.name) (\(unsafeRaw: table.columns.map(\.0).joined(separator: ", ")))
            VALUES (\(values.joined(separator: ", "))) ON CONFLICT DO NOTHING RETURNING 1 AS inserted
            """
        ).first()
        return inserted != nil
    }

    static func table(_ name: String) throws -> Table {
        guard let table = schema.first(where: { $0.name == name }) else {
            throw ReferralError.validation(field: "table", "'\(name)' is not a table of this schema", rule: "VALID_VALUE")
        }
        return table
    }

    static func value(_ row: any SQLRow, _ column: String, _ kind: Kind, dialect: StoreDialect) throws -> JSONValue {
        if try row.decodeNil(column: column) { return .null }
        switch kind {
        case .text: return .string(try row.string(column))
        case .id: return .string(try dialect.uuid(row, column).lowercased)
        case .timestamp: return .number(Double(try dialect.date(row, column).milliseconds))
        case .integer, .amount: return .number(Double(try row.int64(column)))
        }
    }

    func bind(_ value: JSONValue, kind: Kind, column: String) throws -> StoreSQL {
        if value == .null { return "NULL" }
        func invalid() -> ReferralError {
            .validation(field: column, "has a value of the wrong type for its column: \(value)", rule: "TYPE")
        }
        switch kind {
        case .text:
            guard let text = value.stringValue else { throw invalid() }
            return "\(bind: text)"
        case .id:
            guard let text = value.stringValue, let id = UUID(lowercasedOrAny: text) else { throw invalid() }
            return "\(bind: dialect.bind(id))"
        case .timestamp:
            guard case .number(let number) = value, number.rounded() == number else { throw invalid() }
            return "\(bind: dialect.bind(Date(milliseconds: Int64(number))))"
        case .integer:
            guard case .number(let number) = value, number.rounded() == number else { throw invalid() }
            return "\(bind: Int64(number))"
        case .amount:
            guard case .number(let number) = value, number.rounded() == number else { throw invalid() }
            return dialect.amount(Int64(number))
        }
    }
}

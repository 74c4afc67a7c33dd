/// Moving a deployment's data between databases (SQLite → PostgreSQL): every table's rows as
/// plain JSON values, independent of the database they came from.
public protocol DataTransferRepository: Sendable {
    /// The tables in the order they are exported and imported.
    var tables: [String] { get }
    /// Calls `row` for every row of `table`, of one site when `site` is given. Deployment-wide
    /// tables (API keys, generated secrets) are exported only for all sites, except API keys
    /// bound to the site.
    func export(table: String, site: SiteID?, row: @escaping @Sendable ([String: JSONValue]) -> Void) async throws
    /// Inserts one exported row; a row whose key exists already is left as it is. Returns
    /// whether the row was inserted.
    func importRow(table: String, _ row: [String: JSONValue]) async throws -> Bool
    /// Brings the query planner's statistics up to date after a bulk load (import, seed).
    func refreshPlannerStatistics() async throws
}

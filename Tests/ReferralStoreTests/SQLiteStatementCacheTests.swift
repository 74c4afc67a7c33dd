import Testing

@testable import ReferralStore

/// Which statements a SQLite connection keeps prepared.
@Suite("SQLite statement cache")
struct SQLiteStatementCacheTests {
    @Test("data statements and transaction control are kept; schema changes and pragmas are not")
    func cacheable() {
        for sql in [
            "SELECT 1", "  insert INTO t VALUES (1)", "UPDATE t SET a = 1", "DELETE FROM t", "WITH x AS (SELECT 1) SELECT * FROM x",
            "BEGIN", "BEGIN IMMEDIATE", "COMMIT", "ROLLBACK", "ROLLBACK TO item", "SAVEPOINT item", "RELEASE item",
        ] {
            #expect(SQLiteDirectConnection.isCacheable(sql), "\(sql)")
        }
        for sql in [
            "PRAGMA cache_size = -8000", "CREATE TABLE t (a)", "DROP TABLE t", "ALTER TABLE t ADD b", "VACUUM", "SELECTED", "BEGINNING",
        ] {
            #expect(!SQLiteDirectConnection.isCacheable(sql), "\(sql)")
        }
    }
}

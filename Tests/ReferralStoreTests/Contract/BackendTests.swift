import ReferralStore
import ReferralTestSupport
import Testing

/// Says which database this test pass uses, and proves it answers. Plain `swift test` runs on
/// SQLite only; scripts/test adds a pass on a real PostgreSQL server.
@Suite("Test backend")
struct BackendTests {
    @Test("the database of this test pass answers")
    func backendAnswers() async throws {
        switch TestBackend.current {
        case .sqlite:
            print(
                """
                note: this pass ran on SQLite only; the PostgreSQL suites did not run. scripts/test runs them against a \
                throwaway PostgreSQL server (REFERRALS_TEST_BACKEND=postgres, REFERRALS_TEST_POSTGRES_URL).
                """
            )
        case .postgres:
            let version = try await TestPostgres.version()
            #expect(version.hasPrefix("PostgreSQL"))
        }
        let database = try await TestDatabase.make()
        let store = try await database.openStore()
        try await store.ping()
        try await store.close()
        await database.drop()
    }
}

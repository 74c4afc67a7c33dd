import Foundation
import ReferralCore
import SQLKit
import Testing

@testable import ReferralStore

/// After a bulk load, `refreshPlannerStatistics` gives PostgreSQL's planner statistics of the
/// tables as they are (and leaves SQLite, which keeps none, as it was).
@Suite("Planner statistics after a load")
struct PlannerStatisticsTests {
    @Test("refreshed statistics describe the loaded rows", arguments: Backend.allCases)
    func refreshed(backend: Backend) async throws {
        try await withFixture(backend) { fixture in
            for index in 0..<20 {
                _ = try await fixture.services.referringCustomers.generate(fixture.admin, contactID: "loaded-\(index)")
            }
            let statisticsRows: SQLQueryString =
                backend == .postgres
                ? "SELECT count(*) AS n FROM pg_stats WHERE tablename = 'referring_customers' AND attname = 'contact_id'"
                : "SELECT count(*) AS n FROM sqlite_master WHERE name = 'sqlite_stat1'"
            let count = { @Sendable () async throws -> Int in
                try await fixture.store.read { tx in
                    try await (tx as! SQLStoreTransaction).db.raw(statisticsRows).first()!.decode(column: "n", as: Int.self)
                }
            }
            // 20 rows are below autovacuum's threshold, so nothing analyzed them yet.
            #expect(try await count() == 0)
            try await fixture.store.write { try await $0.dataTransfer.refreshPlannerStatistics() }
            #expect(try await count() == (backend == .postgres ? 1 : 0))
            if backend == .postgres {
                let distinct = try await fixture.store.read { tx in
                    try await (tx as! SQLStoreTransaction).db.raw(
                        "SELECT n_distinct FROM pg_stats WHERE tablename = 'referring_customers' AND attname = 'contact_id'"
                    ).first()!.decode(column: "n_distinct", as: Double.self)
                }
                // Every contact id is distinct: PostgreSQL writes that as -1 (all rows).
                #expect(distinct == -1)
            }
        }
    }
}

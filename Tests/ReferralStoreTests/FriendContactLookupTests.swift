import Foundation
import ReferralCore
import ReferralTestSupport
import SQLKit
import Testing

@testable import ReferralStore

/// The referred friend by contact, which every reported action looks up: it follows the
/// friend's changes, forgets a deleted friend, and on SQLite reads one covering index.
@Suite("Referred friend by contact")
struct FriendContactLookupTests {
    @Test("the lookup follows status changes, deletion and a new sign-up of the same contact", arguments: Backend.allCases)
    func followsChanges(backend: Backend) async throws {
        try await withFixture(backend) { fixture in
            try await fixture.activateProgram()
            let alice = try await fixture.services.referringCustomers.generate(fixture.admin, contactID: "alice")
            let friend = try await fixture.services.referredFriends.create(
                fixture.member("bob"), CreateReferredFriend(referralCode: alice.referralCode))
            let site = fixture.site
            let find = { @Sendable (contact: String) async throws -> ReferredFriend? in
                try await fixture.store.read { try await $0.referredFriends.find(contactID: contact, site: site) }
            }
            #expect(try await find("bob") == friend)
            #expect(try await find("carol") == nil)

            let updated = try await fixture.services.referredFriends.update(
                fixture.admin, id: friend.id.lowercased, status: .ACTIONS_COMPLETED, revision: friend.revision)
            let afterUpdate = try #require(try await find("bob"))
            #expect(afterUpdate == updated)
            #expect(afterUpdate.status == .ACTIONS_COMPLETED)
            #expect(afterUpdate.revision == friend.revision + 1)

            try await fixture.services.referredFriends.delete(fixture.admin, id: friend.id.lowercased, revision: updated.revision)
            #expect(try await find("bob") == nil)

            let again = try await fixture.services.referredFriends.create(
                fixture.member("bob"), CreateReferredFriend(referralCode: alice.referralCode))
            #expect(again.id != friend.id)
            #expect(try await find("bob") == again)
        }
    }

    @Test("on SQLite the lookup reads only the covering index", arguments: Backend.allCases.filter { $0 == .sqlite })
    func coveringOnSQLite(backend: Backend) async throws {
        try await withFixture(backend) { fixture in
            let plan = try await queryPlan(fixture)
            #expect(plan.contains("COVERING INDEX \(Migration0004.indexName)"), "\(plan)")
        }
    }

    @Test("a database from before migration 4 gets the index, and its friends are found through it", arguments: Backend.allCases)
    func upgrade(backend: Backend) async throws {
        let fixture = try await StoreFixture.make(backend)
        try await fixture.activateProgram()
        let alice = try await fixture.services.referringCustomers.generate(fixture.admin, contactID: "alice")
        let friend = try await fixture.services.referredFriends.create(
            fixture.member("bob"), CreateReferredFriend(referralCode: alice.referralCode))
        // Back to the schema of version 3: without the index and its record.
        try await fixture.store.write { tx in
            let db = (tx as! SQLStoreTransaction).db
            if backend == .sqlite { try await db.raw("DROP INDEX \(unsafeRaw: Migration0004.indexName)").run() }
            try await db.raw("DELETE FROM schema_migrations WHERE version = 4").run()
        }
        try await fixture.store.close()

        #expect(try await StoreFactory.migrate(fixture.database.location, logger: TestDatabase.quietLogger) == [1, 2, 3, 4])
        let reopened = try await fixture.database.openStore()
        let found = try await reopened.read { try await $0.referredFriends.find(contactID: "bob", site: fixture.site) }
        #expect(found == friend)
        if backend == .sqlite {
            let indexes = try await reopened.read { tx in
                try await (tx as! SQLStoreTransaction).db.raw(
                    "SELECT count(*) AS n FROM sqlite_master WHERE type = 'index' AND name = \(bind: Migration0004.indexName)"
                ).first()!.decode(column: "n", as: Int.self)
            }
            #expect(indexes == 1)
        }
        try await reopened.close()
        await fixture.database.drop()
    }

    private func queryPlan(_ fixture: StoreFixture) async throws -> String {
        let site = fixture.site
        return try await fixture.store.read { tx in
            let lookup = SQLReferredFriendRepository.byContact("bob", site: site, dialect: .sqlite)
            let rows = try await (tx as! SQLStoreTransaction).db.raw("EXPLAIN QUERY PLAN \(lookup.expression)").all()
            return try rows.map { try $0.decode(column: "detail", as: String.self) }.joined(separator: "; ")
        }
    }
}

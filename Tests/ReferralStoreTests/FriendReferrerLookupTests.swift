import Foundation
import ReferralCore
import ReferralTestSupport
import SQLKit
import Testing

@testable import ReferralStore

/// A referrer's page of referred friends (a query filtered on `referringCustomerId`, sorted by
/// `createdDate`): it follows the friends' changes, and on SQLite reads one covering index.
@Suite("Referred friends of a referrer")
struct FriendReferrerLookupTests {
    @Test("the query follows new friends, status changes and deletion", arguments: Backend.allCases)
    func followsChanges(backend: Backend) async throws {
        try await withFixture(backend) { fixture in
            try await fixture.activateProgram()
            let alice = try await fixture.services.referringCustomers.generate(fixture.admin, contactID: "alice")
            let dave = try await fixture.services.referringCustomers.generate(fixture.admin, contactID: "dave")
            var friends: [ReferredFriend] = []
            for contact in ["bob", "carol", "erin"] {
                friends.append(
                    try await fixture.services.referredFriends.create(
                        fixture.member(contact), CreateReferredFriend(referralCode: alice.referralCode)))
            }
            _ = try await fixture.services.referredFriends.create(
                fixture.member("frank"), CreateReferredFriend(referralCode: dave.referralCode))
            let query = try Self.byReferrer(alice.id)
            let site = fixture.site
            let run = { @Sendable () async throws -> [ReferredFriend] in
                try await fixture.store.read { try await $0.referredFriends.query(query, site: site) }
            }
            #expect(try await run() == friends.sorted { ($0.createdDate, $0.id.lowercased) < ($1.createdDate, $1.id.lowercased) })

            let updated = try await fixture.services.referredFriends.update(
                fixture.admin, id: friends[1].id.lowercased, status: .ACTIONS_COMPLETED, revision: friends[1].revision)
            let afterUpdate = try await run()
            #expect(afterUpdate.contains(updated))
            #expect(afterUpdate.first { $0.id == updated.id }?.status == .ACTIONS_COMPLETED)
            #expect(afterUpdate.first { $0.id == updated.id }?.revision == friends[1].revision + 1)

            try await fixture.services.referredFriends.delete(fixture.admin, id: friends[0].id.lowercased, revision: friends[0].revision)
            let afterDelete = try await run()
            #expect(Set(afterDelete.map(\.id)) == [friends[1].id, friends[2].id])
            #expect(afterDelete.count == 2)
        }
    }

    @Test("on SQLite the query reads only the covering index", arguments: Backend.allCases.filter { $0 == .sqlite })
    func coveringOnSQLite(backend: Backend) async throws {
        try await withFixture(backend) { fixture in
            let plan = try await Self.queryPlan(fixture.store, site: fixture.site)
            #expect(plan.contains("COVERING INDEX \(Migration0005.indexName)"), "\(plan)")
            #expect(!plan.contains("TEMP B-TREE"), "\(plan)")
        }
    }

    @Test("a database from before migration 5 trades the old index for the new one", arguments: Backend.allCases)
    func upgrade(backend: Backend) async throws {
        let fixture = try await StoreFixture.make(backend)
        try await fixture.activateProgram()
        let alice = try await fixture.services.referringCustomers.generate(fixture.admin, contactID: "alice")
        let friend = try await fixture.services.referredFriends.create(
            fixture.member("bob"), CreateReferredFriend(referralCode: alice.referralCode))
        // Back to the schema of version 4: the old index, and no record of version 5.
        try await fixture.store.write { tx in
            let db = (tx as! SQLStoreTransaction).db
            if backend == .sqlite {
                try await db.raw("DROP INDEX \(unsafeRaw: Migration0005.indexName)").run()
                try await db.raw(
                    "CREATE INDEX referred_friends_referrer ON referred_friends (site_id, referring_customer_id, created_at, id)"
                ).run()
            }
            try await db.raw("DELETE FROM schema_migrations WHERE version = 5").run()
        }
        try await fixture.store.close()

        #expect(try await StoreFactory.migrate(fixture.database.location, logger: TestDatabase.quietLogger) == [1, 2, 3, 4, 5])
        let reopened = try await fixture.database.openStore()
        let query = try Self.byReferrer(alice.id)
        let found = try await reopened.read { try await $0.referredFriends.query(query, site: fixture.site) }
        #expect(found == [friend])
        if backend == .sqlite {
            let indexes = try await reopened.read { tx in
                try await (tx as! SQLStoreTransaction).db.raw(
                    "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'referred_friends' ORDER BY name"
                ).all().map { try $0.decode(column: "name", as: String.self) }
            }
            #expect(indexes.contains(Migration0005.indexName))
            #expect(!indexes.contains("referred_friends_referrer"))
            let plan = try await Self.queryPlan(reopened, site: fixture.site)
            #expect(plan.contains("COVERING INDEX \(Migration0005.indexName)"), "\(plan)")
        }
        try await reopened.close()
        await fixture.database.drop()
    }

    /// The benchmark's query: one referrer's friends, oldest first, 50 to a page.
    static func byReferrer(_ id: UUID) throws -> ParsedQuery {
        let text =
            #"{"filter": {"referringCustomerId": {"$eq": "\#(id.lowercased)"}}, "sort": [{"fieldName": "createdDate"}], "cursorPaging": {"limit": 50}}"#
        let json = try JSONDecoder().decode(JSONValue.self, from: Data(text.utf8))
        return try QueryParser.parse(json, schema: .referredFriends, cursors: CursorCodec(key: Array("plan-key".utf8)))
    }

    private static func queryPlan(_ store: any ReferralStore, site: SiteID) async throws -> String {
        let query = try byReferrer(UUID())
        return try await store.read { tx in
            let statement = SQLReferredFriendRepository.query(query, site: site, dialect: .sqlite)
            let rows = try await (tx as! SQLStoreTransaction).db.raw("EXPLAIN QUERY PLAN " + statement).all()
            return try rows.map { try $0.decode(column: "detail", as: String.self) }.joined(separator: "; ")
        }
    }
}

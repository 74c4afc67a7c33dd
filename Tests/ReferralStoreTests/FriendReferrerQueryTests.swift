import Foundation
import ReferralCore
import ReferralTestSupport
import Testing

/// A referrer's page of referred friends (a query filtered on `referringCustomerId`, sorted by
/// `createdDate`, the shape the benchmark measures) follows the friends' sign-ups, changes and deletion.
@Suite("Referred friends of a referrer")
struct FriendReferrerQueryTests {
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
            let run = { @Sendable () async throws -> [ReferredFriend] in
                try await fixture.services.referredFriends.query(fixture.admin, query).items
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

    /// One referrer's friends, oldest first, 50 to a page.
    static func byReferrer(_ id: UUID) throws -> JSONValue {
        let text =
            #"{"filter": {"referringCustomerId": {"$eq": "\#(id.lowercased)"}}, "sort": [{"fieldName": "createdDate"}], "cursorPaging": {"limit": 50}}"#
        return try JSONDecoder().decode(JSONValue.self, from: Data(text.utf8))
    }
}

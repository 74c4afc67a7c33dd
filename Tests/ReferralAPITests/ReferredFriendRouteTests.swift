import Foundation
import ReferralCore
import Testing

/// Referred friends after creation: get, get by contact, update status, delete, query (SPEC §4).
@Suite("Referred friend routes")
struct ReferredFriendRouteTests {
    /// An active program, referrers `referrer-1` and `referrer-2`, and friends `friend-1`, `friend-2`
    /// of the first and `friend-3` of the second. Returns the friends by contact.
    static func seed(_ api: APIClient, harness: APITestHarness, base: String) async throws -> [String: JSONValue] {
        try await Given.activeProgram(api)
        let first = try #require(try await Given.referringCustomer(api, contact: "referrer-1").string("referralCode"))
        let second = try #require(try await Given.referringCustomer(api, contact: "referrer-2").string("referralCode"))
        var friends: [String: JSONValue] = [:]
        for (contact, code) in [("friend-1", first), ("friend-2", first), ("friend-3", second)] {
            friends[contact] = try await Given.referredFriend(api, harness: harness, contact: contact, code: code, base: base)
        }
        return friends
    }

    @Test("get by id and by contact with an API key; 404 for unknown ones", arguments: Paths.friendBases)
    func getWithAPIKey(base: String) async throws {
        try await withAPI { harness, api in
            let friends = try await Self.seed(api, harness: harness, base: base)
            let friend = try #require(friends["friend-2"])
            let id = try #require(friend.string("id"))

            let byID = try await api.get("\(base)/\(id)")
            expectOK(byID)
            #expect(byID.json["referredFriend"] == friend)

            let byContact = try await api.get("\(base)/contact/friend-2")
            expectOK(byContact)
            #expect(byContact.json["referredFriend"] == friend)

            expectError(try await api.get("\(base)/\(UUID().uuidString.lowercased())"), 404, code: "REFERRED_FRIEND_NOT_FOUND")
            expectError(try await api.get("\(base)/not-a-uuid"), 404, code: "REFERRED_FRIEND_NOT_FOUND")
            expectError(try await api.get("\(base)/contact/nobody"), 404, code: "REFERRED_FRIEND_NOT_FOUND")
            expectError(try await api.get("\(base)/contact/me"), 400, field: "contactId")
        }
    }

    @Test("a member reads only their own record, through contact/me or their own contact id", arguments: Paths.friendBases)
    func memberReadsOwn(base: String) async throws {
        try await withAPI { harness, api in
            let friends = try await Self.seed(api, harness: harness, base: base)
            let member = try await harness.member("friend-1")

            let viaMe = try await api.get("\(base)/contact/me", auth: member)
            expectOK(viaMe)
            #expect(viaMe.json["referredFriend"] == friends["friend-1"])
            let viaOwnID = try await api.get("\(base)/contact/friend-1", auth: member)
            #expect(viaOwnID.json["referredFriend"] == friends["friend-1"])

            expectError(try await api.get("\(base)/contact/friend-2", auth: member), 403, code: "PERMISSION_DENIED")
            let id = try #require(friends["friend-1"]?.string("id"))
            expectError(try await api.get("\(base)/\(id)", auth: member), 403, code: "PERMISSION_DENIED")
            expectError(try await api.post(base + "/query", "{}", auth: member), 403, code: "PERMISSION_DENIED")

            let stranger = try await harness.member("stranger")
            expectError(try await api.get("\(base)/contact/me", auth: stranger), 404, code: "REFERRED_FRIEND_NOT_FOUND")
            let visitor = try await harness.visitor("visitor-1")
            expectError(try await api.get("\(base)/contact/me", auth: visitor), 403, code: "PERMISSION_DENIED")
        }
    }

    @Test("update status with the current revision bumps it; stale, missing and UNKNOWN are refused", arguments: Paths.friendBases)
    func updateStatus(base: String) async throws {
        try await withAPI { harness, api in
            let friends = try await Self.seed(api, harness: harness, base: base)
            let id = try #require(friends["friend-1"]?.string("id"))
            let path = "\(base)/\(id)"

            let updated = try await api.patch(path, #"{"referredFriend": {"status": "ACTIONS_COMPLETED", "revision": "1"}}"#)
            expectOK(updated)
            #expect(updated.json["referredFriend"].string("status") == "ACTIONS_COMPLETED")
            #expect(updated.json["referredFriend"].string("revision") == "2")
            #expect(updated.json["referredFriend"].string("contactId") == "friend-1")
            #expect(try await api.get(path).json["referredFriend"] == updated.json["referredFriend"])

            let stale = try await api.patch(path, #"{"referredFriend": {"status": "SIGN_UP_COMPLETED", "revision": "1"}}"#)
            expectError(stale, 409, code: "REVISION_MISMATCH")
            let missing = try await api.patch(path, #"{"referredFriend": {"status": "SIGN_UP_COMPLETED"}}"#)
            expectError(missing, 400, field: "referredFriend.revision")
            let unknown = try await api.patch(path, #"{"referredFriend": {"status": "UNKNOWN", "revision": "2"}}"#)
            expectError(unknown, 400, field: "referredFriend.status")
            let bogus = try await api.patch(path, #"{"referredFriend": {"status": "BOGUS", "revision": "2"}}"#)
            expectError(bogus, 400, field: "referredFriend.status")
            #expect(try await api.get(path).json["referredFriend"] == updated.json["referredFriend"])

            let back = try await api.patch(path, #"{"referredFriend": {"status": "SIGN_UP_COMPLETED", "revision": 2}}"#)
            #expect(back.json["referredFriend"].string("status") == "SIGN_UP_COMPLETED")
            #expect(back.json["referredFriend"].string("revision") == "3")

            let member = try await harness.member("friend-1")
            let byMember = try await api.patch(path, #"{"referredFriend": {"status": "ACTIONS_COMPLETED", "revision": "3"}}"#, auth: member)
            expectError(byMember, 403, code: "PERMISSION_DENIED")
        }
    }

    @Test("delete answers {} and the friend is gone; a stale revision is 409", arguments: Paths.friendBases)
    func delete(base: String) async throws {
        try await withAPI { harness, api in
            let friends = try await Self.seed(api, harness: harness, base: base)
            let id = try #require(friends["friend-3"]?.string("id"))

            expectError(try await api.delete("\(base)/\(id)?revision=2"), 409, code: "REVISION_MISMATCH")
            expectError(try await api.delete("\(base)/\(id)", auth: try await harness.member("friend-3")), 403, code: "PERMISSION_DENIED")
            expectOK(try await api.get("\(base)/\(id)"))

            let deleted = try await api.delete("\(base)/\(id)?revision=1")
            expectOK(deleted)
            #expect(deleted.json == .object([:]))
            expectError(try await api.get("\(base)/\(id)"), 404, code: "REFERRED_FRIEND_NOT_FOUND")
            expectError(try await api.get("\(base)/contact/friend-3"), 404, code: "REFERRED_FRIEND_NOT_FOUND")
            expectError(try await api.delete("\(base)/\(id)"), 404, code: "REFERRED_FRIEND_NOT_FOUND")

            let remaining = try await api.post(base + "/query", "{}")
            let contacts = Set(remaining.json["referredFriends"]?.arrayValue?.compactMap { $0.string("contactId") } ?? [])
            #expect(contacts == ["friend-1", "friend-2"])
        }
    }

    @Test("query filters by contactId and status and sorts by referringCustomerId", arguments: Paths.friendBases)
    func query(base: String) async throws {
        try await withAPI { harness, api in
            let friends = try await Self.seed(api, harness: harness, base: base)
            let query = base + "/query"
            func contacts(_ response: APIResponse) -> [String] {
                response.json["referredFriends"]?.arrayValue?.compactMap { $0.string("contactId") } ?? []
            }

            let byContact = try await api.post(query, #"{"query": {"filter": {"contactId": "friend-2"}}}"#)
            expectOK(byContact)
            let friendTwo = try #require(friends["friend-2"])
            #expect(byContact.json["referredFriends"] == .array([friendTwo]))
            #expect(byContact.json["metadata"]?["count"]?.intValue == 1)

            let referrerID = try #require(friends["friend-3"]?.string("referringCustomerId"))
            let byReferrer = try await api.post(query, #"{"query": {"filter": {"referringCustomerId": {"$eq": "\#(referrerID)"}}}}"#)
            #expect(contacts(byReferrer) == ["friend-3"])
            // Ids compare as their lowercase text on both databases (PostgreSQL compares them as
            // uuid, to use the index): other spellings and non-UUIDs match nothing.
            for other in [referrerID.uppercased(), "not-a-uuid", ""] {
                let none = try await api.post(query, #"{"query": {"filter": {"referringCustomerId": "\#(other)"}}}"#)
                expectOK(none)
                #expect(contacts(none).isEmpty, "\(other)")
                let notOther = try await api.post(query, #"{"query": {"filter": {"$not": {"referringCustomerId": "\#(other)"}}}}"#)
                #expect(contacts(notOther).count == 3, "\(other)")
            }
            let inList = try await api.post(
                query,
                #"{"query": {"filter": {"referringCustomerId": {"$in": ["junk", "\#(referrerID)", "\#(referrerID.uppercased())"]}}}}"#)
            #expect(contacts(inList) == ["friend-3"])
            let notReferrer = try await api.post(query, #"{"query": {"filter": {"$not": {"referringCustomerId": "\#(referrerID)"}}}}"#)
            #expect(Set(contacts(notReferrer)) == ["friend-1", "friend-2"])

            for order in ["ASC", "DESC"] {
                let sorted = try await api.post(
                    query, #"{"query": {"sort": [{"fieldName": "referringCustomerId", "order": "\#(order)"}]}}"#
                )
                expectOK(sorted)
                let ids = sorted.json["referredFriends"]?.arrayValue?.compactMap { $0.string("referringCustomerId") } ?? []
                #expect(ids.count == 3)
                #expect(ids == (order == "ASC" ? ids.sorted() : ids.sorted(by: >)))
                #expect(Set(ids).count == 2)
            }

            let friendOne = try #require(friends["friend-1"]?.string("id"))
            expectOK(try await api.patch("\(base)/\(friendOne)", #"{"referredFriend": {"status": "ACTIONS_COMPLETED", "revision": "1"}}"#))
            let completed = try await api.post(query, #"{"query": {"filter": {"status": "ACTIONS_COMPLETED"}}}"#)
            #expect(contacts(completed) == ["friend-1"])
            let signedUp = try await api.post(
                query, #"{"query": {"filter": {"status": {"$in": ["SIGN_UP_COMPLETED"]}}, "sort": [{"fieldName": "contactId"}]}}"#
            )
            #expect(contacts(signedUp) == ["friend-2", "friend-3"])

            expectError(try await api.post(query, #"{"query": {"filter": {"referralCode": "x"}}}"#), 400, code: "INVALID_FILTER")
            expectError(try await api.post(query, #"{"query": {"filter": {"status": "DANCING"}}}"#), 400)
        }
    }

    @Test("deleting a referring customer keeps its friends, and its code can't be redeemed any more", arguments: Paths.friendBases)
    func referrerDeletion(base: String) async throws {
        try await withAPI { harness, api in
            let friends = try await Self.seed(api, harness: harness, base: base)
            let friend = try #require(friends["friend-1"])
            let referrerID = try #require(friend.string("referringCustomerId"))
            let referrer = try await api.get("\(Paths.customers)/\(referrerID)")
            let code = try #require(referrer.json["referringCustomer"].string("referralCode"))

            expectOK(try await api.delete("\(Paths.customers)/\(referrerID)"))
            let id = try #require(friend.string("id"))
            #expect(try await api.get("\(base)/\(id)").json["referredFriend"] == friend)
            #expect(try await api.get("\(base)/contact/friend-2").json["referredFriend"] == friends["friend-2"])

            let latecomer = try await harness.member("friend-9")
            expectError(try await api.post(base, #"{"referralCode": "\#(code)"}"#, auth: latecomer), 404, code: "REFERRAL_CODE_NOT_FOUND")
            let byID = #"{"referredFriend": {"contactId": "friend-9", "referringCustomerId": "\#(referrerID)"}}"#
            expectError(try await api.post(base, byID), 404, code: "REFERRING_CUSTOMER_NOT_FOUND")
        }
    }
}

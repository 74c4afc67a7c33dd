import Foundation
import ReferralCore
import Testing

/// Create Referred Friend (SPEC §4): by a member with the code in the body or in the token, by an
/// API key in both body forms, and every eligibility rule.
@Suite("Referred friend creation")
struct ReferredFriendCreateTests {
    /// An active program and a referring customer `referrer-1`; returns that customer.
    static func referrer(_ api: APIClient, contact: String = "referrer-1") async throws -> (id: String, code: String) {
        try await Given.activeProgram(api)
        let customer = try await Given.referringCustomer(api, contact: contact)
        return (try #require(customer.string("id")), try #require(customer.string("referralCode")))
    }

    @Test("a member redeems a code from the body or from the token's referralCode claim", arguments: Paths.friendBases)
    func memberCreates(base: String) async throws {
        try await withAPI { harness, api in
            let (referrerID, code) = try await Self.referrer(api)

            let response = try await api.post(base, #"{"referralCode": "\#(code)"}"#, auth: try await harness.member("friend-1"))
            expectOK(response)
            let friend = try #require(response.json["referredFriend"])
            #expect(Wire.isLowercaseUUID(friend.string("id")))
            #expect(friend.string("contactId") == "friend-1")
            #expect(friend.string("referringCustomerId") == referrerID)
            #expect(friend.string("status") == "SIGN_UP_COMPLETED")
            #expect(friend.string("revision") == "1")
            #expect(Wire.isTimestamp(friend.string("createdDate")))
            #expect(Wire.isTimestamp(friend.string("updatedDate")))

            let scoped = try await harness.member("friend-2", referralCode: code)
            let viaClaim = try await api.post(base, "{}", auth: scoped)
            expectOK(viaClaim)
            #expect(viaClaim.json["referredFriend"].string("contactId") == "friend-2")
            #expect(viaClaim.json["referredFriend"].string("referringCustomerId") == referrerID)

            let noBody = try await api.send(.post, base, auth: try await harness.member("friend-3", referralCode: code))
            expectOK(noBody)
            #expect(noBody.json["referredFriend"].string("contactId") == "friend-3")
        }
    }

    @Test("a missing code is 400, an unknown one 404, an inactive program 428", arguments: Paths.friendBases)
    func codeAndProgramRules(base: String) async throws {
        try await withAPI { harness, api in
            let customer = try await Given.referringCustomer(api, contact: "referrer-1")
            let code = try #require(customer.string("referralCode"))
            let member = try await harness.member("friend-1")

            expectError(try await api.post(base, #"{"referralCode": "\#(code)"}"#, auth: member), 428, code: "PROGRAM_NOT_ACTIVE")
            let program = try await Given.activeProgram(api)
            #expect(program.string("status") == "ACTIVE")

            expectError(try await api.post(base, "{}", auth: member), 400, field: "referralCode")
            expectError(try await api.post(base, #"{"referralCode": "ZZZZZZZZZZZZ"}"#, auth: member), 404, code: "REFERRAL_CODE_NOT_FOUND")
            expectError(try await api.post(base, #"{"referralCode": "nope"}"#, auth: member), 404, code: "REFERRAL_CODE_NOT_FOUND")

            expectOK(try await api.patch(Paths.program + "/pause"))
            expectError(try await api.post(base, #"{"referralCode": "\#(code)"}"#, auth: member), 428, code: "PROGRAM_NOT_ACTIVE")

            // Nothing was created along the way.
            let all = try await api.post(base + "/query", "{}")
            #expect(all.json["referredFriends"] == .array([]))
        }
    }

    @Test(
        "members who own the code, are referring customers, or were referred by another are not eligible",
        arguments: Paths.friendBases)
    func eligibility(base: String) async throws {
        try await withAPI { harness, api in
            let (_, code) = try await Self.referrer(api)
            let other = try await Given.referringCustomer(api, contact: "referrer-2")
            let otherCode = try #require(other.string("referralCode"))

            let owner = try await harness.member("referrer-1")
            expectError(try await api.post(base, #"{"referralCode": "\#(code)"}"#, auth: owner), 428, code: "MEMBER_NOT_ELIGIBLE")

            let customer = try await harness.member("referrer-2")
            expectError(try await api.post(base, #"{"referralCode": "\#(code)"}"#, auth: customer), 428, code: "MEMBER_NOT_ELIGIBLE")

            let friend = try await harness.member("friend-1")
            let first = try await api.post(base, #"{"referralCode": "\#(code)"}"#, auth: friend)
            expectOK(first)
            expectError(
                try await api.post(base, #"{"referralCode": "\#(otherCode)"}"#, auth: friend), 428, code: "MEMBER_NOT_ELIGIBLE"
            )
            let again = try await api.post(base, #"{"referralCode": "\#(code)"}"#, auth: friend)
            expectOK(again)
            #expect(again.json["referredFriend"] == first.json["referredFriend"])
        }
    }

    @Test("a visitor can't become a referred friend", arguments: Paths.friendBases)
    func visitorRefused(base: String) async throws {
        try await withAPI { harness, api in
            let (_, code) = try await Self.referrer(api)
            let visitor = try await harness.visitor("visitor-1", referralCode: code)
            expectError(try await api.post(base, #"{"referralCode": "\#(code)"}"#, auth: visitor), 403, code: "PERMISSION_DENIED")
            expectError(try await api.post(base, "{}", auth: visitor), 403, code: "PERMISSION_DENIED")
        }
    }

    @Test(
        "an API key creates for any contact in both body forms, under the same eligibility rules",
        arguments: Paths.friendBases)
    func apiKeyCreates(base: String) async throws {
        try await withAPI { _, api in
            let (referrerID, code) = try await Self.referrer(api)

            let byID = try await api.post(
                base, #"{"referredFriend": {"contactId": "friend-1", "referringCustomerId": "\#(referrerID)"}}"#
            )
            expectOK(byID)
            #expect(byID.json["referredFriend"].string("contactId") == "friend-1")
            #expect(byID.json["referredFriend"].string("referringCustomerId") == referrerID)
            #expect(byID.json["referredFriend"].string("status") == "SIGN_UP_COMPLETED")

            let byCode = try await api.post(base, #"{"contactId": "friend-2", "referralCode": "\#(code)"}"#)
            expectOK(byCode)
            #expect(byCode.json["referredFriend"].string("contactId") == "friend-2")
            #expect(byCode.json["referredFriend"].string("referringCustomerId") == referrerID)

            // The same rules as for members.
            let repeated = try await api.post(base, #"{"contactId": "friend-2", "referralCode": "\#(code)"}"#)
            #expect(repeated.json["referredFriend"] == byCode.json["referredFriend"])
            expectError(
                try await api.post(base, #"{"contactId": "referrer-1", "referralCode": "\#(code)"}"#), 428, code: "MEMBER_NOT_ELIGIBLE"
            )
            let other = try await Given.referringCustomer(api, contact: "referrer-2")
            let otherID = try #require(other.string("id"))
            expectError(
                try await api.post(base, #"{"referredFriend": {"contactId": "friend-1", "referringCustomerId": "\#(otherID)"}}"#),
                428, code: "MEMBER_NOT_ELIGIBLE"
            )
            expectError(
                try await api.post(base, #"{"contactId": "referrer-2", "referralCode": "\#(code)"}"#), 428, code: "MEMBER_NOT_ELIGIBLE"
            )
            expectError(
                try await api.post(base, #"{"contactId": "friend-3", "referralCode": "ZZZZZZZZZZZZ"}"#), 404,
                code: "REFERRAL_CODE_NOT_FOUND")
            expectError(try await api.post(base, #"{"referralCode": "\#(code)"}"#), 400)
            expectError(try await api.post(base, #"{"contactId": "friend-3"}"#), 400)
        }
    }
}

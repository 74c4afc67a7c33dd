import Foundation
import ReferralCore
import Testing

/// `/_api/referral-programs/v1/program`: get, update, activate, pause, premium features (SPEC §4).
@Suite("Program routes")
struct ProgramRouteTests {
    enum Reader: String, CaseIterable, Sendable {
        case apiKey, member, visitor
    }

    @Test("GET provisions a DRAFT program, readable by an API key, a member and a visitor", arguments: Reader.allCases)
    func getProvisionsDraft(reader: Reader) async throws {
        try await withAPI { harness, api in
            let auth: String
            switch reader {
            case .apiKey: auth = APITestHarness.admin
            case .member: auth = try await harness.member("member-1")
            case .visitor: auth = try await harness.visitor("visitor-1")
            }
            let response = try await api.get(Paths.program, auth: auth)
            expectOK(response)
            let program = try #require(response.json["referralProgram"])
            #expect(program.string("status") == "DRAFT")
            #expect(program.string("revision") == "1")
            #expect(program["name"] == nil)
            #expect(program["referredFriendReward"] == .object(["type": .string("NOTHING")]))
            #expect(program["referringCustomerReward"] == .object(["type": .string("NOTHING")]))
            #expect(program["successfulReferralActions"] == .array([]))
            #expect(program["premiumFeatures"]?["referralProgram"] == .bool(true))
            #expect(Wire.isTimestamp(program.string("createdDate")))
            #expect(Wire.isTimestamp(program.string("updatedDate")))

            // Reading again neither changes nor re-creates it.
            let again = try await api.get(Paths.program, auth: auth)
            #expect(again.json["referralProgram"] == program)
        }
    }

    @Test("PATCH is a partial update: unspecified fields are kept, revision increments, name null clears")
    func partialUpdate() async throws {
        try await withAPI { _, api in
            let first = try await api.patch(
                Paths.program,
                """
                {"referralProgram": {"revision": "1", "name": "Spring referrals",
                 "successfulReferralActions": ["STORE_ORDER_PLACED", "PLAN_ORDERED"],
                 "referredFriendReward": {"type": "LOYALTY_POINTS", "loyaltyPointsOptions": {"amount": 50}},
                 "premiumFeatures": {"referralProgram": false}, "createdDate": "2000-01-01T00:00:00.000Z"}}
                """
            )
            expectOK(first)
            let updated = try #require(first.json["referralProgram"])
            #expect(updated.string("revision") == "2")
            #expect(updated.string("name") == "Spring referrals")
            #expect(updated["successfulReferralActions"] == .array([.string("STORE_ORDER_PLACED"), .string("PLAN_ORDERED")]))
            #expect(updated["referredFriendReward"]?["loyaltyPointsOptions"]?["amount"]?.intValue == 50)
            #expect(updated["premiumFeatures"]?["referralProgram"] == .bool(true), "read-only input is ignored")
            #expect(updated.string("createdDate") != "2000-01-01T00:00:00.000Z", "read-only input is ignored")

            // Only the name: every other field stays.
            let second = try await api.patch(Paths.program, #"{"referralProgram": {"revision": 2, "name": "Summer"}}"#)
            expectOK(second)
            let renamed = try #require(second.json["referralProgram"])
            #expect(renamed.string("revision") == "3")
            #expect(renamed.string("name") == "Summer")
            #expect(renamed["successfulReferralActions"] == updated["successfulReferralActions"])
            #expect(renamed["referredFriendReward"] == updated["referredFriendReward"])
            #expect(renamed.string("status") == "DRAFT")

            let third = try await api.patch(Paths.program, #"{"referralProgram": {"revision": "3", "name": null}}"#)
            expectOK(third)
            let cleared = try #require(third.json["referralProgram"])
            #expect(cleared.string("revision") == "4")
            #expect(cleared["name"] == nil)
            #expect(cleared["successfulReferralActions"] == updated["successfulReferralActions"])

            let read = try await api.get(Paths.program)
            #expect(read.json["referralProgram"] == cleared)
        }
    }

    @Test("PATCH without a revision is 400 and with a stale one 409 REVISION_MISMATCH")
    func revisionRules() async throws {
        try await withAPI { _, api in
            let missing = try await api.patch(Paths.program, #"{"referralProgram": {"name": "No revision"}}"#)
            expectError(missing, 400, field: "referralProgram.revision")
            expectError(try await api.patch(Paths.program, "{}"), 400, field: "referralProgram")
            expectError(
                try await api.patch(Paths.program, #"{"referralProgram": {"revision": "one"}}"#), 400, field: "referralProgram.revision")

            expectOK(try await api.patch(Paths.program, #"{"referralProgram": {"revision": "1", "name": "First"}}"#))
            let stale = try await api.patch(Paths.program, #"{"referralProgram": {"revision": "1", "name": "Second"}}"#)
            expectError(stale, 409, code: "REVISION_MISMATCH")

            let read = try await api.get(Paths.program)
            #expect(read.json["referralProgram"].string("name") == "First")
            #expect(read.json["referralProgram"].string("revision") == "2")
        }
    }

    @Test("status ACTIVE / PAUSED through PATCH activates / pauses the program")
    func activateThroughUpdate() async throws {
        try await withAPI { _, api in
            let response = try await api.patch(
                Paths.program,
                #"{"referralProgram": {"revision": "1", "status": "ACTIVE", "successfulReferralActions": ["SESSION_BOOKED"]}}"#
            )
            expectOK(response)
            #expect(response.json["referralProgram"].string("status") == "ACTIVE")
            #expect(response.json["referralProgram"].string("revision") == "2")
            #expect(try await api.get(Paths.program).json["referralProgram"].string("status") == "ACTIVE")

            let paused = try await api.patch(Paths.program, #"{"referralProgram": {"revision": "2", "status": "PAUSED"}}"#)
            expectOK(paused)
            #expect(paused.json["referralProgram"].string("status") == "PAUSED")
            #expect(paused.json["referralProgram"].string("revision") == "3")
        }
    }

    @Test("activating a program without successful referral actions is 428 PROGRAM_NOT_READY")
    func activateNeedsActions() async throws {
        try await withAPI { _, api in
            expectError(try await api.patch(Paths.program + "/activate"), 428, code: "PROGRAM_NOT_READY")
            let viaUpdate = try await api.patch(Paths.program, #"{"referralProgram": {"revision": "1", "status": "ACTIVE"}}"#)
            expectError(viaUpdate, 428, code: "PROGRAM_NOT_READY")
            let read = try await api.get(Paths.program)
            #expect(read.json["referralProgram"].string("status") == "DRAFT")
            #expect(read.json["referralProgram"].string("revision") == "1")
        }
    }

    @Test("activate and pause each bump the revision")
    func activateAndPause() async throws {
        try await withAPI { _, api in
            let prepared = try await api.patch(
                Paths.program, #"{"referralProgram": {"revision": "1", "successfulReferralActions": ["TICKET_ORDERED"]}}"#
            )
            #expect(prepared.json["referralProgram"].string("revision") == "2")

            let activated = try await api.patch(Paths.program + "/activate")
            expectOK(activated)
            #expect(activated.json["referralProgram"].string("status") == "ACTIVE")
            #expect(activated.json["referralProgram"].string("revision") == "3")

            let paused = try await api.patch(Paths.program + "/pause")
            expectOK(paused)
            #expect(paused.json["referralProgram"].string("status") == "PAUSED")
            #expect(paused.json["referralProgram"].string("revision") == "4")

            let reactivated = try await api.patch(Paths.program + "/activate")
            #expect(reactivated.json["referralProgram"].string("status") == "ACTIVE")
            #expect(reactivated.json["referralProgram"].string("revision") == "5")
        }
    }

    @Test("pausing a DRAFT program is 428")
    func pauseDraft() async throws {
        try await withAPI { _, api in
            expectError(try await api.patch(Paths.program + "/pause"), 428)
            #expect(try await api.get(Paths.program).json["referralProgram"].string("status") == "DRAFT")
        }
    }

    @Test("premium features are always available")
    func premiumFeatures() async throws {
        try await withAPI { harness, api in
            let response = try await api.get(Paths.program + "/premium-features")
            expectOK(response)
            #expect(response.json == .object(["referralProgram": .bool(true)]))
            let asMember = try await api.get(Paths.program + "/premium-features", auth: try await harness.member("m-1"))
            #expect(asMember.json == .object(["referralProgram": .bool(true)]))
        }
    }

    @Test("a member token can't update, activate or pause the program")
    func memberCantManage() async throws {
        try await withAPI { harness, api in
            let member = try await harness.member("member-1")
            let update = try await api.patch(Paths.program, #"{"referralProgram": {"revision": "1", "name": "Mine"}}"#, auth: member)
            expectError(update, 403, code: "PERMISSION_DENIED")
            expectError(try await api.patch(Paths.program + "/activate", auth: member), 403, code: "PERMISSION_DENIED")
            expectError(try await api.patch(Paths.program + "/pause", auth: member), 403, code: "PERMISSION_DENIED")
            let visitor = try await harness.visitor("visitor-1")
            expectError(try await api.patch(Paths.program + "/activate", auth: visitor), 403, code: "PERMISSION_DENIED")
            #expect(try await api.get(Paths.program).json["referralProgram"]?["name"] == nil)
        }
    }
}

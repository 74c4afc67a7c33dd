import Foundation
import ReferralCore
import Testing

/// Report Action [ext] input rules, lookups and permissions (SPEC §4 Tracker, §2 errors): every
/// refusal records nothing.
@Suite("Report action validation")
struct ReportActionValidationTests {
    struct Case: Sendable, CustomTestStringConvertible {
        let name: String
        let body: String
        let field: String

        var testDescription: String { name }
    }

    static let prefix = "referralEvent.actionEvent"

    static let invalid: [Case] = [
        Case(name: "missing orderId", body: Report.body(contactId: "friend-1", orderId: nil), field: "\(prefix).orderId"),
        Case(name: "blank orderId", body: Report.body(contactId: "friend-1", orderId: "  "), field: "\(prefix).orderId"),
        Case(
            name: "activityType BOGUS", body: Report.body(contactId: "friend-1", activityType: "BOGUS"),
            field: "\(prefix).trigger.activityType"),
        Case(
            name: "activityType UNKNOWN", body: Report.body(contactId: "friend-1", activityType: "UNKNOWN"),
            field: "\(prefix).trigger.activityType"),
        Case(name: "amount abc", body: Report.body(contactId: "friend-1", amount: #""abc""#), field: "\(prefix).amount"),
        Case(name: "amount -5", body: Report.body(contactId: "friend-1", amount: #""-5""#), field: "\(prefix).amount"),
        Case(name: "amount with 5 decimals", body: Report.body(contactId: "friend-1", amount: #""1.23456""#), field: "\(prefix).amount"),
        Case(name: "amount as a JSON number", body: Report.body(contactId: "friend-1", amount: "12.5"), field: "\(prefix).amount"),
        Case(name: "lower-case currency", body: Report.body(contactId: "friend-1", currency: "usd"), field: "\(prefix).currency"),
        Case(name: "neither referredFriendId nor contactId", body: Report.body(), field: "\(prefix).referredFriendId"),
    ]

    @Test("invalid input is 400 naming the field and records nothing", arguments: invalid, TrackerPaths.eventBases)
    func invalidInput(testCase: Case, base: String) async throws {
        try await withAPI { _, api in
            try await Given.rewardingProgram(api)
            let referral = try await Given.referral(api)
            let before = try await Fetch.events(api)

            expectError(try await api.post(base, testCase.body), 400, field: testCase.field)

            #expect(try await Fetch.events(api) == before)
            #expect(try await Fetch.statistics(api) == expectedStatistics(signUps: 1, actions: 0, amount: "0.00"))
            #expect(try await Fetch.friend(api, id: referral.friendID).string("status") == "SIGN_UP_COMPLETED")
        }
    }

    @Test("valid edge amounts are accepted: four decimals, a whole number, none at all", arguments: TrackerPaths.eventBases)
    func validAmounts(base: String) async throws {
        try await withAPI { _, api in
            try await Given.rewardingProgram(api)
            _ = try await Given.referral(api)
            expectOK(try await api.post(base, Report.body(contactId: "friend-1", amount: #""1.2345""#, orderId: "a-1")))
            expectOK(try await api.post(base, Report.body(contactId: "friend-1", amount: #""7""#, orderId: "a-2")))
            let bare = try await api.post(base, Report.body(contactId: "friend-1", amount: nil, currency: nil, orderId: "a-3"))
            expectOK(bare)
            #expect(bare.json["referralEvent"]?["actionEvent"]?["amount"] == nil)
            #expect(try await Fetch.statistics(api) == expectedStatistics(signUps: 1, actions: 3, amount: "8.23"))
        }
    }

    @Test("an unknown contact or referred friend id is 404 REFERRED_FRIEND_NOT_FOUND", arguments: TrackerPaths.eventBases)
    func unknownFriend(base: String) async throws {
        try await withAPI { _, api in
            try await Given.rewardingProgram(api)
            _ = try await Given.referral(api)

            expectError(try await api.post(base, Report.body(contactId: "stranger")), 404, code: "REFERRED_FRIEND_NOT_FOUND")
            expectError(
                try await api.post(base, Report.body(referredFriendId: UUID().uuidString.lowercased())), 404,
                code: "REFERRED_FRIEND_NOT_FOUND")
            expectError(try await api.post(base, Report.body(referredFriendId: "not-a-uuid")), 404, code: "REFERRED_FRIEND_NOT_FOUND")
            // The referrer is not a referred friend.
            expectError(try await api.post(base, Report.body(contactId: "referrer-1")), 404, code: "REFERRED_FRIEND_NOT_FOUND")
            #expect(try await Fetch.statistics(api) == expectedStatistics(signUps: 1, actions: 0, amount: "0.00"))
        }
    }

    @Test("members, visitors and keys without MANAGE_REFERRAL_EVENTS are 403", arguments: TrackerPaths.eventBases)
    func permissions(base: String) async throws {
        try await withAPI { harness, api in
            try await Given.rewardingProgram(api)
            let referral = try await Given.referral(api)
            let body = Report.body(contactId: "friend-1")

            expectError(try await api.post(base, body, auth: try await harness.member("friend-1")), 403, code: "PERMISSION_DENIED")
            expectError(try await api.post(base, body, auth: try await harness.visitor("visitor-1")), 403, code: "PERMISSION_DENIED")
            let reader = try await harness.apiKey(permissions: [.readReferralEvents, .readReferralStatistics, .readRewards]).secret
            expectError(try await api.post(base, body, auth: "Bearer \(reader)"), 403, code: "PERMISSION_DENIED")
            expectError(try await api.post(base, body, auth: nil), 401, code: "UNAUTHENTICATED")
            #expect(try await Fetch.statistics(api) == expectedStatistics(signUps: 1, actions: 0, amount: "0.00"))

            let reporter = try await harness.apiKey(permissions: [.manageReferralEvents]).secret
            let reported = try await api.post(base, body, auth: "Bearer \(reporter)")
            expectOK(reported)
            #expect(reported.json["referralEvent"]?["actionEvent"].string("referredFriendId") == referral.friendID)
        }
    }

    @Test("a key bound to another site can't report here", arguments: TrackerPaths.eventBases)
    func otherSiteKey(base: String) async throws {
        try await withAPI { harness, api in
            try await Given.rewardingProgram(api)
            _ = try await Given.referral(api)
            let foreign = try await harness.apiKey(permissions: [.manageReferralEvents], site: "other-site").secret
            expectError(
                try await api.post(base, Report.body(contactId: "friend-1"), auth: "Bearer \(foreign)"), 403, code: "PERMISSION_DENIED")
            // On its own site the friend doesn't exist.
            expectError(
                try await api.post(base, Report.body(contactId: "friend-1"), auth: "Bearer \(foreign)", site: "other-site"), 404,
                code: "REFERRED_FRIEND_NOT_FOUND")
        }
    }
}

import Foundation
import ReferralCore
import Testing

/// Query Referring Customer Totals and Query Referred Friend Actions (SPEC §4 Tracker, reference T4/T5).
@Suite("Tracker aggregates")
struct TrackerAggregateTests {
    struct Seed {
        let first: Referral
        let second: Referral
        let idleReferrerID: String
    }

    /// referrer-1 has friend-1 (a booking for "10", then the qualifying order "49.90") and
    /// friend-2 (a ticket for "5", which doesn't qualify); referrer-2 has no friends.
    static func seed(_ api: APIClient) async throws -> Seed {
        try await Given.rewardingProgram(api)
        let first = try await Given.referral(api, friend: "friend-1")
        let second = try await Given.referral(api, friend: "friend-2")
        let idle = try await Given.referringCustomer(api, contact: "referrer-2")
        try await Report.order(
            api, contact: "friend-1", orderId: "b-1", amount: "10", activityType: "SESSION_BOOKED", appId: "bookings-app")
        try await Report.order(api, contact: "friend-1", orderId: "o-1", amount: "49.90")
        try await Report.order(api, contact: "friend-2", orderId: "t-1", amount: "5", activityType: "TICKET_ORDERED", appId: "events-app")
        return Seed(first: first, second: second, idleReferrerID: try #require(idle.string("id")))
    }

    static func totals(_ api: APIClient, _ body: String = "{}", site: String? = nil) async throws -> [JSONValue] {
        let response = try await api.post(TrackerPaths.customerTotals, body, site: site)
        expectOK(response)
        return try #require(response.json["referringCustomerTotals"]?.arrayValue)
    }

    static func friendActions(_ api: APIClient, _ body: String = "{}", site: String? = nil) async throws -> [JSONValue] {
        let response = try await api.post(TrackerPaths.friendActions, body, site: site)
        expectOK(response)
        return try #require(response.json["referredFriendActions"]?.arrayValue)
    }

    static func row(_ rows: [JSONValue], contact: String) throws -> JSONValue {
        try #require(rows.first { $0.string("contactId") == contact }, "no row for \(contact) in \(rows)")
    }

    /// The creation dates of the actions, by order id.
    static func actionDates(_ api: APIClient) async throws -> [String: String] {
        let events = try await Fetch.events(api, filter: #"{"eventType": "ACTION"}"#)
        return Dictionary(
            uniqueKeysWithValues: events.compactMap { event in
                event["actionEvent"].string("orderId").flatMap { order in event.string("createdDate").map { (order, $0) } }
            })
    }

    @Test("referring-customer totals count successful referrals, amounts and friends with actions")
    func customerTotals() async throws {
        try await withAPI { _, api in
            let seed = try await Self.seed(api)
            let rows = try await Self.totals(api)
            #expect(rows.count == 2)

            let active = try Self.row(rows, contact: "referrer-1")
            #expect(active.string("referringCustomerId") == seed.first.referrerID)
            #expect(active["totalSuccessfulReferrals"]?.intValue == 1)
            #expect(active.string("totalAmountGenerated") == "64.90")
            #expect(active["totalFriendsWithActions"]?.intValue == 2)
            let dates = try await Self.actionDates(api)
            #expect(active.string("lastFriendAction") == dates["t-1"])
            let successful = try #require(
                EventMember.only("successfulReferralEvent", in: try await Fetch.events(api)).first?.string("createdDate"))
            let lastSuccess = try #require(active.string("lastSuccessfulReferral"))
            #expect(Wire.isTimestamp(lastSuccess))
            #expect(lastSuccess >= (dates["o-1"] ?? "") && lastSuccess <= successful, "\(lastSuccess) is when o-1 completed the referral")

            let idle = try Self.row(rows, contact: "referrer-2")
            #expect(idle.string("referringCustomerId") == seed.idleReferrerID)
            #expect(idle["totalSuccessfulReferrals"]?.intValue == 0)
            #expect(idle.string("totalAmountGenerated") == "0.00")
            #expect(idle["totalFriendsWithActions"]?.intValue == 0)
            #expect(idle["lastSuccessfulReferral"] == nil)
            #expect(idle["lastFriendAction"] == nil)
        }
    }

    @Test("contactIds keep only the listed referring customers; an empty list keeps nothing")
    func customerTotalsByContact() async throws {
        try await withAPI { harness, api in
            let seed = try await Self.seed(api)
            let one = try await Self.totals(api, #"{"contactIds": ["referrer-1"]}"#)
            #expect(one.map { $0.string("referringCustomerId") } == [seed.first.referrerID])
            #expect(one.first.string("totalAmountGenerated") == "64.90")
            let idle = try await Self.totals(api, #"{"query": {}, "contactIds": ["referrer-2", "nobody"]}"#)
            #expect(idle.map { $0.string("contactId") } == ["referrer-2"])
            #expect(try await Self.totals(api, #"{"contactIds": []}"#).isEmpty)
            #expect(try await Self.totals(api, #"{"contactIds": ["friend-1"]}"#).isEmpty, "friends are not referring customers")
            #expect(try await Self.totals(api, site: "other-site").isEmpty)

            let member = try await harness.member("referrer-1")
            expectError(try await api.post(TrackerPaths.customerTotals, "{}", auth: member), 403, code: "PERMISSION_DENIED")
            expectError(try await api.post(TrackerPaths.friendActions, "{}", auth: member), 403, code: "PERMISSION_DENIED")
        }
    }

    @Test("referred-friend actions: the first action's trigger and date, totals, sign-up date and the referrer's reward")
    func friendActivity() async throws {
        try await withAPI { _, api in
            let seed = try await Self.seed(api)
            let rows = try await Self.friendActions(api)
            #expect(rows.count == 2)
            let dates = try await Self.actionDates(api)

            let completed = try Self.row(rows, contact: "friend-1")
            let friend1 = try await Fetch.friend(api, id: seed.first.friendID)
            #expect(completed.string("referredFriendId") == seed.first.friendID)
            #expect(completed["trigger"] == .object(["appId": .string("bookings-app"), "activityType": .string("SESSION_BOOKED")]))
            #expect(completed.string("actionDate") == dates["b-1"])
            #expect(completed["totalActions"]?.intValue == 2)
            #expect(completed.string("totalAmountSpent") == "59.90")
            #expect(completed.string("signupDate") == friend1.string("createdDate"))
            #expect(completed.string("rewardType") == "LOYALTY_POINTS")
            let points = try #require(try await Fetch.rewards(api, of: "referrer-1").first)
            #expect(completed["loyaltyPoints"] != nil)
            #expect(completed["loyaltyPoints"] == points["loyaltyPoints"])
            #expect(completed["coupon"] == nil)

            let pending = try Self.row(rows, contact: "friend-2")
            let friend2 = try await Fetch.friend(api, id: seed.second.friendID)
            #expect(pending.string("referredFriendId") == seed.second.friendID)
            #expect(pending["trigger"] == .object(["appId": .string("events-app"), "activityType": .string("TICKET_ORDERED")]))
            #expect(pending.string("actionDate") == dates["t-1"])
            #expect(pending["totalActions"]?.intValue == 1)
            #expect(pending.string("totalAmountSpent") == "5.00")
            #expect(pending.string("signupDate") == friend2.string("createdDate"))
            #expect(pending.string("rewardType") == "NOTHING")
            #expect(pending["loyaltyPoints"] == nil && pending["coupon"] == nil)

            // contactIds filtering.
            let only = try await Self.friendActions(api, #"{"contactIds": ["friend-2"]}"#)
            #expect(only == [pending])
            #expect(try await Self.friendActions(api, #"{"query": {}, "contactIds": []}"#).isEmpty)
            #expect(try await Self.friendActions(api, #"{"contactIds": ["referrer-1", "nobody"]}"#).isEmpty)
        }
    }

    @Test("a referrer rewarded with a coupon shows that coupon on the friend's actions")
    func friendActivityWithCoupon() async throws {
        try await withAPI { _, api in
            let site = "coupon-shop"
            try await Given.rewardingProgram(api, site: site, friendReward: Rewards.nothing, referrerReward: Rewards.referrerCoupon)
            let referral = try await Given.referral(api, referrer: "r-1", friend: "f-1", site: site)
            try await Report.order(api, contact: "f-1", orderId: "o-1", amount: "20", site: site)

            let reward = try #require(try await Fetch.rewards(api, of: "r-1", site: site).first)
            #expect(reward.string("rewardType") == "COUPON")
            let rows = try await Self.friendActions(api, site: site)
            #expect(rows.count == 1)
            #expect(rows.first.string("referredFriendId") == referral.friendID)
            #expect(rows.first.string("rewardType") == "COUPON")
            #expect(rows.first?["coupon"] != nil)
            #expect(rows.first?["coupon"] == reward["coupon"])
            #expect(rows.first?["loyaltyPoints"] == nil)
            #expect(try await Self.friendActions(api).isEmpty, "the default site has no actions")

            let totals = try await Self.totals(api, site: site)
            #expect(totals.map { $0.string("totalAmountGenerated") } == ["20.00"])
            #expect(totals.first?["totalSuccessfulReferrals"]?.intValue == 1)
        }
    }
}

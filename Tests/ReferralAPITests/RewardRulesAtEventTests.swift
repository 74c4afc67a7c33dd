import Foundation
import ReferralCore
import Testing

/// The reward engine applies the program as it is at the moment of each event (SPEC §6).
@Suite("Program rules at the moment of the event")
struct RewardRulesAtEventTests {
    @Test("an action the program doesn't list is recorded and counted but completes nothing", arguments: TrackerPaths.eventBases)
    func unlistedAction(base: String) async throws {
        try await withAPI { _, api in
            try await Given.rewardingProgram(api, actions: ["STORE_ORDER_PLACED"])
            let referral = try await Given.referral(api)

            let event = try await Report.order(
                api, contact: "friend-1", orderId: "b-1", amount: "20", activityType: "SESSION_BOOKED", base: base)
            #expect(event["actionEvent"]?["trigger"].string("activityType") == "SESSION_BOOKED")
            #expect(try await Fetch.statistics(api) == expectedStatistics(signUps: 1, actions: 1, amount: "20.00"))

            let friend = try await Fetch.friend(api, id: referral.friendID)
            #expect(friend.string("status") == "SIGN_UP_COMPLETED")
            #expect(friend.string("revision") == "1")
            #expect(try await Fetch.rewards(api, of: "referrer-1").isEmpty)
            let events = try await Fetch.events(api, base: base)
            #expect(EventMember.only("actionEvent", in: events).count == 1)
            #expect(EventMember.only("successfulReferralEvent", in: events).isEmpty)
            #expect(EventMember.only("rewardEvent", in: events).count == 1, "only the friend's sign-up coupon")
        }
    }

    @Test("an action arriving while the program is PAUSED is recorded and counted but earns nothing", arguments: TrackerPaths.eventBases)
    func pausedProgram(base: String) async throws {
        try await withAPI { _, api in
            try await Given.rewardingProgram(api)
            let referral = try await Given.referral(api)
            let paused = try await api.patch(Paths.program + "/pause")
            expectOK(paused)
            #expect(paused.json["referralProgram"].string("status") == "PAUSED")

            try await Report.order(api, contact: "friend-1", orderId: "o-1", amount: "49.90", base: base)
            #expect(try await Fetch.statistics(api) == expectedStatistics(signUps: 1, actions: 1, amount: "49.90"))
            let friend = try await Fetch.friend(api, id: referral.friendID)
            #expect(friend.string("status") == "SIGN_UP_COMPLETED")
            #expect(friend.string("revision") == "1")
            #expect(try await Fetch.rewards(api, of: "referrer-1").isEmpty)
            #expect(EventMember.only("successfulReferralEvent", in: try await Fetch.events(api, base: base)).isEmpty)

            // Active again: the next qualifying order completes the referral.
            expectOK(try await api.patch(Paths.program + "/activate"))
            try await Report.order(api, contact: "friend-1", orderId: "o-2", amount: "10", base: base)
            #expect(try await Fetch.friend(api, id: referral.friendID).string("status") == "ACTIONS_COMPLETED")
            #expect(try await Fetch.rewards(api, of: "referrer-1").map { $0.string("rewardType") } == ["LOYALTY_POINTS"])
            #expect(try await Fetch.statistics(api) == expectedStatistics(signUps: 1, actions: 2, amount: "59.90"))
        }
    }

    @Test("rewards of type NOTHING issue no reward records and no reward events", arguments: TrackerPaths.forms)
    func nothingRewards(form: TrackerPaths.Form) async throws {
        try await withAPI { _, api in
            try await Given.rewardingProgram(api, friendReward: Rewards.nothing, referrerReward: Rewards.nothing)
            let referral = try await Given.referral(api, form: form)
            try await Report.order(api, contact: "friend-1", orderId: "o-1", base: form.events)

            let friend = try await Fetch.friend(api, id: referral.friendID, base: form.friends)
            #expect(friend.string("status") == "ACTIONS_COMPLETED", "the referral still completes")
            #expect(try await Fetch.rewards(api, base: form.rewards).isEmpty)
            let events = try await Fetch.events(api, base: form.events)
            #expect(EventMember.only("rewardEvent", in: events).isEmpty)
            #expect(EventMember.only("referredFriendSignupEvent", in: events).count == 1)
            #expect(EventMember.only("successfulReferralEvent", in: events).count == 1)
            #expect(EventMember.only("actionEvent", in: events).count == 1)
            #expect(events.count == 3)
            #expect(try await Fetch.events(api, filter: #"{"eventType": "REWARD"}"#, base: form.events).isEmpty)
        }
    }

    @Test("the friend's status decides: completed by hand earns nothing, and a reopened referral never rewards twice")
    func friendStatusDecides() async throws {
        try await withAPI { _, api in
            try await Given.rewardingProgram(api)
            let manual = try await Given.referral(api, friend: "friend-1")
            let path = Paths.friends + "/" + manual.friendID
            expectOK(try await api.patch(path, #"{"referredFriend": {"status": "ACTIONS_COMPLETED", "revision": "1"}}"#))
            try await Report.order(api, contact: "friend-1", orderId: "o-1")
            #expect(try await Fetch.rewards(api, of: "referrer-1").isEmpty, "the friend was no longer SIGN_UP_COMPLETED")
            #expect(try await Fetch.friend(api, id: manual.friendID).string("revision") == "2")

            let reopened = try await Given.referral(api, friend: "friend-2")
            try await Report.order(api, contact: "friend-2", orderId: "o-2")
            let earned = try await Fetch.rewards(api, of: "referrer-1")
            #expect(earned.count == 1)
            let reopenPath = Paths.friends + "/" + reopened.friendID
            expectOK(try await api.patch(reopenPath, #"{"referredFriend": {"status": "SIGN_UP_COMPLETED", "revision": "2"}}"#))
            try await Report.order(api, contact: "friend-2", orderId: "o-3")
            #expect(try await Fetch.rewards(api, of: "referrer-1") == earned, "at most one referrer reward per friend")
            let rewardEvents = try await Fetch.events(api, filter: #"{"eventType": "REWARD"}"#)
            #expect(rewardEvents.filter { $0["rewardEvent"].string("rewardedReferringCustomerId") != nil }.count == 1)
            #expect(try await Fetch.statistics(api) == expectedStatistics(signUps: 2, actions: 3, amount: "149.70"))
        }
    }

    @Test("changing the program's coupon later doesn't change coupons already issued", arguments: TrackerPaths.rewardBases)
    func couponSnapshot(base: String) async throws {
        try await withAPI { _, api in
            let original = try await Given.rewardingProgram(api)
            let first = try await Given.referral(api, friend: "friend-1")
            let issued = try #require(try await Fetch.rewards(api, of: "friend-1", base: base).first)
            let rewardID = try #require(issued.string("id"))

            let changed = try await Given.updateProgram(
                api,
                #""referredFriendReward": {"type": "COUPON", "couponOptions": {"discountType": "FIXED_AMOUNT", "fixedAmountOptions": {"amount": 5}}}"#
            )
            let newOptions = try #require(changed["referredFriendReward"]?["couponOptions"])
            #expect(newOptions != original["referredFriendReward"]?["couponOptions"])

            let fetched = try await api.get(base + "/" + rewardID)
            expectOK(fetched)
            #expect(fetched.json["referralReward"] == issued)
            #expect(fetched.json["referralReward"]?["coupon"]?["couponSpecification"] == original["referredFriendReward"]?["couponOptions"])

            // A friend signing up now gets the new coupon; the first one still has the old terms.
            _ = try await Given.referral(api, referrer: "referrer-1", friend: "friend-2")
            let second = try #require(try await Fetch.rewards(api, of: "friend-2", base: base).first)
            #expect(second["coupon"]?["couponSpecification"] == newOptions)
            #expect(second["coupon"].string("code") != issued["coupon"].string("code"))
            #expect(try await Fetch.rewards(api, of: "friend-1", base: base) == [issued])
            #expect(first.friendID != second.string("rewardedReferredFriendId"))
        }
    }
}

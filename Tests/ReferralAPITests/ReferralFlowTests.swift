import Foundation
import ReferralCore
import Testing

/// A complete referral through HTTP (SPEC §6): sign-up with the friend's coupon, the first
/// qualifying order completing the referral and rewarding the referrer, later orders earning
/// nothing more, and a repeated order id changing nothing.
@Suite("Complete referral flow")
struct ReferralFlowTests {
    static func isCouponCode(_ text: String?) -> Bool {
        text?.wholeMatch(of: #/[A-Z0-9]{12}/#) != nil
    }

    @Test("a member signs up: sign-up event, a friend COUPON reward and a rewardEvent pointing at it", arguments: TrackerPaths.forms)
    func memberSignUp(form: TrackerPaths.Form) async throws {
        try await withAPI { harness, api in
            let program = try await Given.rewardingProgram(api)
            let customer = try await Given.referringCustomer(api, contact: "referrer-1", base: form.customers)
            let code = try #require(customer.string("referralCode"))
            let friend = try await Given.referredFriend(api, harness: harness, contact: "friend-1", code: code, base: form.friends)
            let friendID = try #require(friend.string("id"))

            let events = try await Fetch.events(api, base: form.events)
            let signups = EventMember.only("referredFriendSignupEvent", in: events)
            #expect(signups.count == 1)
            #expect(signups.first?["referredFriendSignupEvent"].string("referredFriendId") == friendID)

            let rewards = try await Fetch.rewards(api, base: form.rewards)
            try #require(rewards.count == 1, "\(rewards)")
            let reward = rewards[0]
            let rewardID = try #require(reward.string("id"))
            #expect(Wire.isLowercaseUUID(rewardID))
            #expect(reward.string("rewardType") == "COUPON")
            #expect(reward.string("revision") == "1")
            #expect(reward.string("rewardedReferredFriendId") == friendID)
            #expect(reward["rewardedReferringCustomerId"] == nil)
            #expect(reward["loyaltyPoints"] == nil)
            #expect(Wire.isTimestamp(reward.string("createdDate")))
            let coupon = try #require(reward["coupon"])
            #expect(Self.isCouponCode(coupon.string("code")), "\(coupon)")
            #expect(coupon.string("status") == "ACTIVE")
            #expect(Wire.isLowercaseUUID(coupon.string("id")))
            #expect(coupon["couponSpecification"] != nil)
            #expect(coupon["couponSpecification"] == program["referredFriendReward"]?["couponOptions"])

            let rewardEvents = EventMember.only("rewardEvent", in: events)
            #expect(rewardEvents.count == 1)
            let rewardEvent = try #require(rewardEvents.first?["rewardEvent"])
            #expect(rewardEvent.string("referralRewardId") == rewardID)
            #expect(rewardEvent.string("rewardType") == "COUPON")
            #expect(rewardEvent.string("rewardedReferredFriendId") == friendID)
            #expect(rewardEvent["rewardedReferringCustomerId"] == nil)

            let fetched = try await api.get(form.rewards + "/" + rewardID)
            expectOK(fetched)
            #expect(fetched.json["referralReward"] == reward)
        }
    }

    @Test("a friend created with an API key gets the same sign-up event and coupon", arguments: TrackerPaths.forms)
    func apiKeySignUp(form: TrackerPaths.Form) async throws {
        try await withAPI { _, api in
            let program = try await Given.rewardingProgram(api)
            let referral = try await Given.referral(api, friend: "friend-2", form: form)

            let events = try await Fetch.events(api, base: form.events)
            #expect(
                EventMember.only("referredFriendSignupEvent", in: events).map { $0["referredFriendSignupEvent"].string("referredFriendId") }
                    == [referral.friendID])
            let rewards = try await Fetch.rewards(api, of: "friend-2", base: form.rewards)
            #expect(rewards.count == 1)
            #expect(rewards.first.string("rewardedReferredFriendId") == referral.friendID)
            #expect(Self.isCouponCode(rewards.first?["coupon"].string("code")))
            #expect(rewards.first?["coupon"]?["couponSpecification"] == program["referredFriendReward"]?["couponOptions"])
            #expect(
                EventMember.only("rewardEvent", in: events).first?["rewardEvent"].string("referralRewardId") == rewards.first.string("id"))
        }
    }

    @Test("the first qualifying order completes the referral and rewards the referrer once", arguments: TrackerPaths.forms)
    func qualifyingOrder(form: TrackerPaths.Form) async throws {
        try await withAPI { _, api in
            try await Given.rewardingProgram(api)
            let referral = try await Given.referral(api, form: form)

            let response = try await api.post(form.events, Report.body(contactId: "friend-1"))
            expectOK(response)
            let event = try #require(response.json["referralEvent"])
            #expect(EventMember.present(event) == ["actionEvent"])
            #expect(Wire.isLowercaseUUID(event.string("id")))
            #expect(event.string("revision") == "1")
            let action = try #require(event["actionEvent"])
            #expect(action.string("amount") == "49.90")
            #expect(action.string("currency") == "USD")
            #expect(action.string("orderId") == "o-1")
            #expect(action.string("referredFriendId") == referral.friendID)
            #expect(action.string("referringCustomerId") == referral.referrerID)
            #expect(action["trigger"] == .object(["appId": .string("stores-app"), "activityType": .string("STORE_ORDER_PLACED")]))

            let friend = try await Fetch.friend(api, id: referral.friendID, base: form.friends)
            #expect(friend.string("status") == "ACTIONS_COMPLETED")
            #expect(friend.string("revision") == "2")

            let events = try await Fetch.events(api, base: form.events)
            let successful = EventMember.only("successfulReferralEvent", in: events)
            #expect(successful.count == 1)
            #expect(successful.first?["successfulReferralEvent"].string("referredFriendId") == referral.friendID)
            #expect(successful.first?["successfulReferralEvent"].string("referringCustomerId") == referral.referrerID)

            let earned = try await Fetch.rewards(api, of: "referrer-1", base: form.rewards)
            try #require(earned.count == 1, "\(earned)")
            #expect(earned[0].string("rewardType") == "LOYALTY_POINTS")
            #expect(earned[0].string("rewardedReferringCustomerId") == referral.referrerID)
            #expect(earned[0]["rewardedReferredFriendId"] == nil)
            #expect(earned[0]["coupon"] == nil)
            #expect(earned[0]["loyaltyPoints"]?["amount"]?.intValue == 100)
            #expect(earned[0]["loyaltyPoints"].string("transactionId")?.isEmpty == false)
            let pointsEvents = EventMember.only("rewardEvent", in: events).compactMap { $0["rewardEvent"] }
                .filter { $0.string("rewardedReferringCustomerId") == referral.referrerID }
            #expect(pointsEvents.map { $0.string("referralRewardId") } == [earned[0].string("id")])
            #expect(pointsEvents.first.string("rewardType") == "LOYALTY_POINTS")
        }
    }

    @Test(
        "a second qualifying order is recorded but earns nothing; a repeated order id returns the original event",
        arguments: TrackerPaths.forms)
    func laterAndRepeatedOrders(form: TrackerPaths.Form) async throws {
        try await withAPI { _, api in
            try await Given.rewardingProgram(api)
            let referral = try await Given.referral(api, form: form)
            let first = try await Report.order(api, contact: "friend-1", orderId: "o-1", amount: "49.90", base: form.events)
            let completed = try await Fetch.friend(api, id: referral.friendID, base: form.friends)
            let rewardsAfterFirst = try await Fetch.rewards(api, base: form.rewards)
            #expect(rewardsAfterFirst.count == 2, "the friend's coupon and the referrer's points")

            let second = try await api.post(
                form.events, Report.body(referredFriendId: referral.friendID, amount: #""10""#, orderId: "o-2"))
            expectOK(second)
            let secondEvent = try #require(second.json["referralEvent"])
            #expect(secondEvent.string("id") != first.string("id"))
            #expect(secondEvent["actionEvent"].string("amount") == "10")
            #expect(secondEvent["actionEvent"].string("orderId") == "o-2")
            #expect(secondEvent["actionEvent"].string("referringCustomerId") == referral.referrerID)
            #expect(try await Fetch.rewards(api, base: form.rewards) == rewardsAfterFirst)
            #expect(try await Fetch.friend(api, id: referral.friendID, base: form.friends) == completed)

            let events = try await Fetch.events(api, base: form.events)
            #expect(EventMember.only("actionEvent", in: events).count == 2)
            #expect(EventMember.only("successfulReferralEvent", in: events).count == 1)
            #expect(EventMember.only("rewardEvent", in: events).count == 2)
            let stats = try await Fetch.statistics(api)
            #expect(stats == expectedStatistics(signUps: 1, actions: 2, amount: "59.90"))

            // The same order again, even with another amount: the original event, nothing new.
            let repeated = try await api.post(form.events, Report.body(contactId: "friend-1", amount: #""99.00""#, orderId: "o-1"))
            expectOK(repeated)
            #expect(repeated.json["referralEvent"] == first)
            #expect(repeated.json["referralEvent"]?["actionEvent"].string("amount") == "49.90")
            #expect(try await Fetch.statistics(api) == stats)
            #expect(try await Fetch.events(api, base: form.events) == events)
            #expect(try await Fetch.rewards(api, base: form.rewards) == rewardsAfterFirst)
            #expect(try await Fetch.friend(api, id: referral.friendID, base: form.friends) == completed)
        }
    }
}

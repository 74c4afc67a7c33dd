import Foundation
import ReferralCore
import Testing

/// Get and Query Referral Rewards (SPEC §4 Rewards, §5): filters of the Wix table, sort, cursor
/// paging, the `contactId` restriction and who may read what.
@Suite("Reward routes")
struct RewardRouteTests {
    /// Three friends of `referrer-1` signed up (three coupons) and friend-1 completed (100 points).
    static func seed(_ api: APIClient) async throws -> (referrals: [Referral], pointsID: String) {
        try await Given.rewardingProgram(api)
        var referrals: [Referral] = []
        for index in 1...3 {
            referrals.append(try await Given.referral(api, friend: "friend-\(index)"))
        }
        try await Report.order(api, contact: "friend-1", orderId: "o-1")
        let points = try await Fetch.rewards(api, of: "referrer-1")
        return (referrals, try #require(points.first.string("id")))
    }

    static func ids(_ rewards: [JSONValue]) -> [String] {
        rewards.compactMap { $0.string("id") }
    }

    static func query(_ filter: String) -> String {
        #"{"query": {"filter": \#(filter)}}"#
    }

    @Test("get by id; an unknown or non-UUID id is 404 REFERRAL_REWARD_NOT_FOUND", arguments: TrackerPaths.rewardBases)
    func getByID(base: String) async throws {
        try await withAPI { _, api in
            let (_, pointsID) = try await Self.seed(api)
            let response = try await api.get(base + "/" + pointsID)
            expectOK(response)
            #expect(response.json["referralReward"].string("id") == pointsID)
            #expect(response.json["referralReward"]?["loyaltyPoints"]?["amount"]?.intValue == 100)

            expectError(try await api.get(base + "/" + UUID().uuidString.lowercased()), 404, code: "REFERRAL_REWARD_NOT_FOUND")
            expectError(try await api.get(base + "/not-a-uuid"), 404, code: "REFERRAL_REWARD_NOT_FOUND")
            // Another site doesn't see it.
            expectError(try await api.get(base + "/" + pointsID, site: "other-site"), 404, code: "REFERRAL_REWARD_NOT_FOUND")
        }
    }

    @Test("filters of the Wix table: rewardType, rewardedReferredFriendId $exists, createdDate $gte", arguments: TrackerPaths.rewardBases)
    func filters(base: String) async throws {
        try await withAPI { _, api in
            let (referrals, pointsID) = try await Self.seed(api)
            let all = try await Fetch.rewards(api, base: base)
            #expect(all.count == 4)

            let points = try await Fetch.rewards(api, Self.query(#"{"rewardType": {"$eq": "LOYALTY_POINTS"}}"#), base: base)
            #expect(Self.ids(points) == [pointsID])
            let coupons = try await Fetch.rewards(api, Self.query(#"{"rewardType": "COUPON"}"#), base: base)
            #expect(coupons.count == 3)
            #expect(coupons.allSatisfy { $0.string("rewardType") == "COUPON" && $0["coupon"] != nil })

            let either = #"{"rewardType": {"$in": ["COUPON", "LOYALTY_POINTS"]}}"#
            #expect(try await Fetch.rewards(api, Self.query(either), base: base).count == 4)
            #expect(Self.ids(try await Fetch.rewards(api, Self.query(#"{"rewardType": {"$ne": "COUPON"}}"#), base: base)) == [pointsID])
            let prefix = String(referrals[0].referrerID.prefix(8))
            let byPrefix = #"{"rewardedReferringCustomerId": {"$startsWith": "\#(prefix)"}}"#
            #expect(Self.ids(try await Fetch.rewards(api, Self.query(byPrefix), base: base)) == [pointsID])

            let toFriends = try await Fetch.rewards(api, Self.query(#"{"rewardedReferredFriendId": {"$exists": true}}"#), base: base)
            #expect(Set(toFriends.compactMap { $0.string("rewardedReferredFriendId") }) == Set(referrals.map(\.friendID)))
            let toReferrers = try await Fetch.rewards(api, Self.query(#"{"rewardedReferredFriendId": {"$exists": false}}"#), base: base)
            #expect(Self.ids(toReferrers) == [pointsID])
            let oneFriend = try await Fetch.rewards(
                api, Self.query(#"{"rewardedReferredFriendId": "\#(referrals[1].friendID)"}"#), base: base)
            #expect(oneFriend.map { $0.string("rewardedReferredFriendId") } == [referrals[1].friendID])

            let pointsDate = try #require(points.first.string("createdDate"))
            let since = try await Fetch.rewards(api, Self.query(#"{"createdDate": {"$gte": "\#(pointsDate)"}}"#), base: base)
            #expect(Self.ids(since).contains(pointsID))
            #expect(since.allSatisfy { ($0.string("createdDate") ?? "") >= pointsDate })
            #expect(
                try await Fetch.rewards(api, Self.query(#"{"createdDate": {"$gte": "2000-01-01T00:00:00.000Z"}}"#), base: base).count == 4)
            #expect(try await Fetch.rewards(api, Self.query(#"{"createdDate": {"$gte": "2999-01-01T00:00:00.000Z"}}"#), base: base).isEmpty)
        }
    }

    @Test("an unknown filter field or operator is 400 INVALID_FILTER", arguments: TrackerPaths.rewardBases)
    func invalidFilters(base: String) async throws {
        try await withAPI { _, api in
            _ = try await Self.seed(api)
            let query = base + "/query"
            expectError(try await api.post(query, Self.query(#"{"coupon.code": "ABC"}"#)), 400, code: "INVALID_FILTER")
            expectError(try await api.post(query, Self.query(#"{"rewardType": {"$startsWith": "C"}}"#)), 400, code: "INVALID_FILTER")
            expectError(try await api.post(query, Self.query(#"{"rewardType": "GOLD"}"#)), 400)
            expectError(try await api.post(query, #"{"query": {"sort": [{"fieldName": "coupon"}]}}"#), 400, code: "INVALID_SORT")
        }
    }

    @Test("sort by createdDate either way and by rewardType; cursor paging visits each reward once", arguments: TrackerPaths.rewardBases)
    func sortAndPaging(base: String) async throws {
        try await withAPI { _, api in
            let (_, pointsID) = try await Self.seed(api)
            let descending = try await Fetch.rewards(api, base: base)
            let dates = descending.compactMap { $0.string("createdDate") }
            #expect(dates == dates.sorted(by: >), "default sort is createdDate DESC")
            #expect(descending.first.string("id") == pointsID, "the referrer's points came last")

            let ascending = try await Fetch.rewards(
                api, #"{"query": {"sort": [{"fieldName": "createdDate", "order": "ASC"}]}}"#, base: base)
            #expect(ascending.compactMap { $0.string("createdDate") } == dates.sorted())
            #expect(Set(Self.ids(ascending)) == Set(Self.ids(descending)))
            #expect(ascending.last.string("id") == pointsID)

            let byType = try await Fetch.rewards(api, #"{"query": {"sort": [{"fieldName": "rewardType", "order": "DESC"}]}}"#, base: base)
            #expect(byType.compactMap { $0.string("rewardType") } == ["LOYALTY_POINTS", "COUPON", "COUPON", "COUPON"])

            let first = try await api.post(base + "/query", #"{"query": {"cursorPaging": {"limit": 3}}}"#)
            expectOK(first)
            #expect(first.json["referralRewards"]?.arrayValue?.count == 3)
            #expect(first.json["metadata"]?["count"]?.intValue == 3)
            #expect(first.json["metadata"]?["hasNext"]?.boolValue == true)
            let cursor = try #require(first.json["metadata"]?["cursors"]?["next"]?.stringValue)
            let second = try await api.post(base + "/query", #"{"query": {"cursorPaging": {"cursor": \#(jsonString(cursor))}}}"#)
            expectOK(second)
            #expect(second.json["metadata"]?["hasNext"]?.boolValue == false)
            let walked =
                Self.ids(first.json["referralRewards"]?.arrayValue ?? []) + Self.ids(second.json["referralRewards"]?.arrayValue ?? [])
            #expect(walked == Self.ids(descending))

            // The cursor carries the filter: the second page of coupons holds only coupons.
            let coupons = try await api.post(
                base + "/query", #"{"query": {"filter": {"rewardType": "COUPON"}, "cursorPaging": {"limit": 2}}}"#)
            let couponCursor = try #require(coupons.json["metadata"]?["cursors"]?["next"]?.stringValue)
            let rest = try await Fetch.rewards(api, #"{"query": {"cursorPaging": {"cursor": \#(jsonString(couponCursor))}}}"#, base: base)
            #expect(rest.count == 1)
            #expect(rest.first.string("rewardType") == "COUPON")
            expectError(
                try await api.post(base + "/query", #"{"query": {"cursorPaging": {"cursor": "forged"}}}"#), 400, code: "INVALID_CURSOR")
        }
    }

    @Test(
        "contactId keeps that contact's rewards, as referrer or as friend; \"me\" with an API key is 400",
        arguments: TrackerPaths.rewardBases)
    func contactRestriction(base: String) async throws {
        try await withAPI { _, api in
            let (referrals, pointsID) = try await Self.seed(api)
            #expect(Self.ids(try await Fetch.rewards(api, of: "referrer-1", base: base)) == [pointsID])
            let friend2 = try await Fetch.rewards(api, of: "friend-2", base: base)
            #expect(friend2.count == 1)
            #expect(friend2.first.string("rewardedReferredFriendId") == referrals[1].friendID)
            #expect(try await Fetch.rewards(api, of: "nobody", base: base).isEmpty)
            let filtered = try await Fetch.rewards(
                api, #"{"query": {"filter": {"rewardType": "LOYALTY_POINTS"}}, "contactId": "friend-1"}"#, base: base)
            #expect(filtered.isEmpty, "friend-1 has only a coupon")

            expectError(try await api.post(base + "/query", #"{"query": {}, "contactId": "me"}"#), 400)
        }
    }

    @Test("a member sees only their own rewards; another contact's are 403; a visitor is 403", arguments: TrackerPaths.rewardBases)
    func memberAccess(base: String) async throws {
        try await withAPI { harness, api in
            let (referrals, pointsID) = try await Self.seed(api)
            let friend = try await harness.member("friend-1")
            let own = try await Fetch.rewards(api, #"{"query": {}}"#, base: base, auth: friend)
            #expect(own.count == 1)
            #expect(own.first.string("rewardedReferredFriendId") == referrals[0].friendID)
            #expect(try await Fetch.rewards(api, #"{"query": {}, "contactId": "me"}"#, base: base, auth: friend) == own)
            #expect(try await Fetch.rewards(api, #"{"query": {}, "contactId": "friend-1"}"#, base: base, auth: friend) == own)
            expectError(
                try await api.post(base + "/query", #"{"query": {}, "contactId": "friend-2"}"#, auth: friend), 403,
                code: "PERMISSION_DENIED")

            let referrer = try await harness.member("referrer-1")
            #expect(Self.ids(try await Fetch.rewards(api, #"{"query": {}, "contactId": "me"}"#, base: base, auth: referrer)) == [pointsID])
            #expect(try await Fetch.rewards(api, #"{"query": {}}"#, base: base, auth: try await harness.member("stranger")).isEmpty)

            let visitor = try await harness.visitor("visitor-1")
            expectError(try await api.post(base + "/query", #"{"query": {}}"#, auth: visitor), 403, code: "PERMISSION_DENIED")
            expectError(
                try await api.post(base + "/query", #"{"query": {}, "contactId": "me"}"#, auth: visitor), 403, code: "PERMISSION_DENIED")
            // Get by id is for API keys.
            expectError(try await api.get(base + "/" + pointsID, auth: referrer), 403, code: "PERMISSION_DENIED")
        }
    }
}

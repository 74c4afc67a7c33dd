import Foundation
import ReferralCore
import Testing

/// Get and Query Referral Events, and Get Referral Statistics (SPEC §4 Tracker).
@Suite("Tracker events and statistics")
struct TrackerEventRouteTests {
    /// friend-1 signed up and ordered twice (completing the referral), friend-2 only signed up:
    /// 2 sign-ups, 3 rewards (two coupons, the points), 2 actions, 1 successful referral.
    static func seed(_ api: APIClient) async throws -> (first: Referral, second: Referral) {
        try await Given.rewardingProgram(api)
        let first = try await Given.referral(api, friend: "friend-1")
        try await Report.order(api, contact: "friend-1", orderId: "o-1", amount: "49.90")
        try await Report.order(api, contact: "friend-1", orderId: "o-2", amount: "10")
        let second = try await Given.referral(api, friend: "friend-2")
        return (first, second)
    }

    /// The friend an event is about, whatever its member.
    static func friendOf(_ event: JSONValue) -> String? {
        for member in EventMember.byType.values {
            if let id = event[member].string("referredFriendId") ?? event[member].string("rewardedReferredFriendId") { return id }
        }
        return nil
    }

    @Test("get by id; an unknown or non-UUID id is 404 REFERRAL_EVENT_NOT_FOUND", arguments: TrackerPaths.eventBases)
    func getByID(base: String) async throws {
        try await withAPI { harness, api in
            _ = try await Self.seed(api)
            let events = try await Fetch.events(api, base: base)
            #expect(events.count == 8)
            for event in events {
                let id = try #require(event.string("id"))
                let response = try await api.get(base + "/" + id)
                expectOK(response)
                #expect(response.json["referralEvent"] == event)
                #expect(EventMember.present(event).count == 1, "exactly one one-of member: \(event)")
                #expect(event.string("revision") == "1")
                #expect(Wire.isTimestamp(event.string("createdDate")))
            }
            expectError(try await api.get(base + "/" + UUID().uuidString.lowercased()), 404, code: "REFERRAL_EVENT_NOT_FOUND")
            expectError(try await api.get(base + "/not-a-uuid"), 404, code: "REFERRAL_EVENT_NOT_FOUND")
            let some = try #require(events.first?.string("id"))
            expectError(try await api.get(base + "/" + some, site: "other-site"), 404, code: "REFERRAL_EVENT_NOT_FOUND")
            expectError(try await api.get(base + "/" + some, auth: try await harness.member("friend-1")), 403, code: "PERMISSION_DENIED")
        }
    }

    @Test("eventType filters select exactly the events with the matching one-of member", arguments: TrackerPaths.eventBases)
    func eventTypeFilters(base: String) async throws {
        try await withAPI { _, api in
            _ = try await Self.seed(api)

            let actions = try await Fetch.events(api, filter: #"{"eventType": "ACTION"}"#, base: base)
            #expect(actions.count == 2)
            #expect(actions.allSatisfy { EventMember.present($0) == ["actionEvent"] })
            #expect(Set(actions.compactMap { $0["actionEvent"].string("orderId") }) == ["o-1", "o-2"])

            let rewardsAndSuccesses = try await Fetch.events(
                api, filter: #"{"eventType": {"$in": ["REWARD", "SUCCESSFUL_REFERRAL"]}}"#, base: base)
            #expect(rewardsAndSuccesses.count == 4)
            #expect(EventMember.only("rewardEvent", in: rewardsAndSuccesses).count == 3)
            #expect(EventMember.only("successfulReferralEvent", in: rewardsAndSuccesses).count == 1)

            let existing = try await Fetch.events(api, filter: #"{"actionEvent": {"$exists": true}}"#, base: base)
            #expect(Set(existing.compactMap { $0.string("id") }) == Set(actions.compactMap { $0.string("id") }))

            let withoutRewards = try await Fetch.events(api, filter: #"{"rewardEvent": {"$exists": false}}"#, base: base)
            #expect(withoutRewards.count == 5)
            #expect(withoutRewards.allSatisfy { $0["rewardEvent"] == nil && EventMember.present($0).count == 1 })

            let signups = try await Fetch.events(api, filter: #"{"eventType": {"$eq": "REFERRED_FRIEND_SIGNUP"}}"#, base: base)
            #expect(signups.count == 2)
            #expect(signups.allSatisfy { EventMember.present($0) == ["referredFriendSignupEvent"] })

            let notActions = try await Fetch.events(api, filter: #"{"eventType": {"$ne": "ACTION"}}"#, base: base)
            #expect(notActions.count == 6)
            #expect(notActions.allSatisfy { $0["actionEvent"] == nil })
        }
    }

    @Test("referredFriendId filters one friend's events; bad filters are 400", arguments: TrackerPaths.eventBases)
    func friendFilterAndErrors(base: String) async throws {
        try await withAPI { _, api in
            let (first, second) = try await Self.seed(api)

            let ofSecond = try await Fetch.events(api, filter: #"{"referredFriendId": "\#(second.friendID)"}"#, base: base)
            #expect(!ofSecond.isEmpty)
            #expect(ofSecond.allSatisfy { Self.friendOf($0) == second.friendID }, "\(ofSecond)")
            #expect(EventMember.only("referredFriendSignupEvent", in: ofSecond).count == 1)

            let ofFirst = try await Fetch.events(api, filter: #"{"referredFriendId": {"$eq": "\#(first.friendID)"}}"#, base: base)
            #expect(ofFirst.allSatisfy { Self.friendOf($0) == first.friendID })
            #expect(EventMember.only("actionEvent", in: ofFirst).count == 2)
            #expect(EventMember.only("successfulReferralEvent", in: ofFirst).count == 1)

            let ofReferrer = try await Fetch.events(api, filter: #"{"referringCustomerId": "\#(first.referrerID)"}"#, base: base)
            #expect(EventMember.only("actionEvent", in: ofReferrer).count == 2)
            #expect(EventMember.only("successfulReferralEvent", in: ofReferrer).count == 1)
            #expect(EventMember.only("referredFriendSignupEvent", in: ofReferrer).isEmpty, "a sign-up event names no referring customer")
            let hasSome = try await Fetch.events(api, filter: #"{"eventType": {"$hasSome": ["ACTION"]}}"#, base: base)
            #expect(hasSome.count == 2)

            let query = base + "/query"
            expectError(try await api.post(query, #"{"query": {"filter": {"eventType": "FOO"}}}"#), 400)
            expectError(try await api.post(query, #"{"query": {"filter": {"actionEvent": {"$eq": "x"}}}}"#), 400, code: "INVALID_FILTER")
            expectError(try await api.post(query, #"{"query": {"filter": {"orderId": "o-1"}}}"#), 400, code: "INVALID_FILTER")
        }
    }

    @Test("statistics start at zero and sum every action of referred friends with two decimals")
    func statistics() async throws {
        try await withAPI { _, api in
            let empty = try await Fetch.statistics(api)
            #expect(empty == expectedStatistics(signUps: 0, actions: 0, amount: "0.00"))

            _ = try await Self.seed(api)
            #expect(try await Fetch.statistics(api) == expectedStatistics(signUps: 2, actions: 2, amount: "59.90"))
            try await Report.order(api, contact: "friend-2", orderId: "b-1", amount: "0.25", activityType: "SESSION_BOOKED")
            #expect(try await Fetch.statistics(api) == expectedStatistics(signUps: 2, actions: 3, amount: "60.15"))
        }
    }

    @Test("statistics are per site and for API keys with READ_REFERRAL_STATISTICS only")
    func statisticsAccess() async throws {
        try await withAPI { harness, api in
            _ = try await Self.seed(api)
            try await Given.rewardingProgram(api, site: "shop-2")
            _ = try await Given.referral(api, referrer: "r-2", friend: "f-2", site: "shop-2")
            try await Report.order(api, contact: "f-2", orderId: "o-1", amount: "5", site: "shop-2")

            #expect(try await Fetch.statistics(api, site: "shop-2") == expectedStatistics(signUps: 1, actions: 1, amount: "5.00"))
            #expect(try await Fetch.statistics(api) == expectedStatistics(signUps: 2, actions: 2, amount: "59.90"))
            #expect(try await Fetch.statistics(api, site: "shop-3") == expectedStatistics(signUps: 0, actions: 0, amount: "0.00"))

            expectError(
                try await api.get(TrackerPaths.statistics, auth: try await harness.member("friend-1")), 403, code: "PERMISSION_DENIED")
            expectError(try await api.get(TrackerPaths.statistics, auth: try await harness.visitor("v-1")), 403, code: "PERMISSION_DENIED")
            let eventsOnly = try await harness.apiKey(permissions: [.readReferralEvents]).secret
            expectError(try await api.get(TrackerPaths.statistics, auth: "Bearer \(eventsOnly)"), 403, code: "PERMISSION_DENIED")
            let reader = try await harness.apiKey(permissions: [.readReferralStatistics], site: "shop-2").secret
            let own = try await api.get(TrackerPaths.statistics, auth: "Bearer \(reader)", site: "shop-2")
            #expect(own.json == expectedStatistics(signUps: 1, actions: 1, amount: "5.00"))
            expectError(try await api.get(TrackerPaths.statistics, auth: "Bearer \(reader)"), 403, code: "PERMISSION_DENIED")
        }
    }
}

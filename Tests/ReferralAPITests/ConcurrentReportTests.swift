import Foundation
import ReferralCore
import Testing

/// Exactly once under concurrent HTTP calls (SPEC §6): an order id counts once, a referral
/// completes once, a coupon is applied once.
@Suite("Concurrent reports")
struct ConcurrentReportTests {
    static let parallelism = 8

    static func concurrently(_ count: Int, _ call: @escaping @Sendable (Int) async throws -> APIResponse) async throws -> [APIResponse] {
        try await withThrowingTaskGroup(of: APIResponse.self) { group in
            for index in 0..<count {
                group.addTask { try await call(index) }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
    }

    @Test("the same order reported concurrently makes one event and counts once", arguments: TrackerPaths.eventBases)
    func sameOrder(base: String) async throws {
        try await withAPI { _, api in
            try await Given.rewardingProgram(api)
            _ = try await Given.referral(api)
            let responses = try await Self.concurrently(Self.parallelism) { _ in
                try await api.post(base, Report.body(contactId: "friend-1", orderId: "o-1"))
            }
            for response in responses { expectOK(response) }
            #expect(Set(responses.compactMap { $0.json["referralEvent"].string("id") }).count == 1)
            #expect(try await Fetch.statistics(api) == expectedStatistics(signUps: 1, actions: 1, amount: "49.90"))
            #expect(try await Fetch.events(api, filter: #"{"eventType": "ACTION"}"#).count == 1)
            #expect(try await Fetch.rewards(api, of: "referrer-1").count == 1)
        }
    }

    @Test("distinct qualifying orders reported concurrently complete the referral once", arguments: TrackerPaths.eventBases)
    func distinctOrders(base: String) async throws {
        try await withAPI { _, api in
            try await Given.rewardingProgram(api)
            let referral = try await Given.referral(api)
            let responses = try await Self.concurrently(Self.parallelism) { index in
                try await api.post(base, Report.body(contactId: "friend-1", amount: #""10""#, orderId: "o-\(index)"))
            }
            for response in responses { expectOK(response) }
            #expect(Set(responses.compactMap { $0.json["referralEvent"].string("id") }).count == Self.parallelism)
            #expect(try await Fetch.statistics(api) == expectedStatistics(signUps: 1, actions: Self.parallelism, amount: "80.00"))
            #expect(try await Fetch.rewards(api, of: "referrer-1").count == 1)
            #expect(try await Fetch.events(api, filter: #"{"eventType": "SUCCESSFUL_REFERRAL"}"#).count == 1)
            let friend = try await Fetch.friend(api, id: referral.friendID)
            #expect(friend.string("status") == "ACTIONS_COMPLETED")
            #expect(friend.string("revision") == "2")
        }
    }

    @Test("a coupon applied concurrently is applied exactly once", arguments: TrackerPaths.rewardBases)
    func applyOnce(base: String) async throws {
        try await withAPI { _, api in
            try await Given.rewardingProgram(api)
            _ = try await Given.referral(api)
            let code = try #require(try await Fetch.rewards(api, of: "friend-1").first?["coupon"].string("code"))
            let responses = try await Self.concurrently(Self.parallelism) { _ in
                try await api.post(base + "/coupons/apply", #"{"code": "\#(code)"}"#)
            }
            #expect(responses.filter { $0.status.code == 200 }.count == 1, "\(responses)")
            for refused in responses where refused.status.code != 200 {
                expectError(refused, 428, code: "COUPON_ALREADY_APPLIED")
            }
            let reward = try #require(try await Fetch.rewards(api, of: "friend-1", base: base).first)
            #expect(reward["coupon"].string("status") == "APPLIED")
            #expect(reward.string("revision") == "2")
        }
    }
}

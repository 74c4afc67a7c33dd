import Foundation
import ReferralCore
import Testing

/// Apply Coupon [ext] (SPEC §4 Rewards): an issued coupon becomes APPLIED exactly once.
@Suite("Coupon apply")
struct CouponApplyTests {
    /// A friend's issued coupon reward.
    static func issuedCoupon(_ api: APIClient) async throws -> JSONValue {
        try await Given.rewardingProgram(api)
        _ = try await Given.referral(api)
        return try #require(try await Fetch.rewards(api, of: "friend-1").first)
    }

    @Test(
        "the first apply marks the coupon APPLIED at revision 2; again is 428 COUPON_ALREADY_APPLIED", arguments: TrackerPaths.rewardBases)
    func applyOnce(base: String) async throws {
        try await withAPI { _, api in
            let issued = try await Self.issuedCoupon(api)
            let code = try #require(issued["coupon"].string("code"))
            let rewardID = try #require(issued.string("id"))

            let applied = try await api.post(base + "/coupons/apply", #"{"code": "\#(code)"}"#)
            expectOK(applied)
            let reward = try #require(applied.json["referralReward"])
            #expect(reward.string("id") == rewardID)
            #expect(reward.string("revision") == "2")
            #expect(reward["coupon"].string("status") == "APPLIED")
            #expect(reward["coupon"].string("code") == code)
            #expect(reward["coupon"]?["couponSpecification"] == issued["coupon"]?["couponSpecification"])
            #expect(Wire.isTimestamp(reward.string("updatedDate")))
            #expect(reward.string("createdDate") == issued.string("createdDate"))

            let fetched = try await api.get(base + "/" + rewardID)
            #expect(fetched.json["referralReward"] == reward)

            expectError(try await api.post(base + "/coupons/apply", #"{"code": "\#(code)"}"#), 428, code: "COUPON_ALREADY_APPLIED")
            #expect(try await api.get(base + "/" + rewardID).json["referralReward"] == reward, "a refused apply changes nothing")
        }
    }

    @Test("an unknown code is 404, a missing or blank code 400, a member 403", arguments: TrackerPaths.rewardBases)
    func refusals(base: String) async throws {
        try await withAPI { harness, api in
            let issued = try await Self.issuedCoupon(api)
            let code = try #require(issued["coupon"].string("code"))
            let apply = base + "/coupons/apply"

            expectError(try await api.post(apply, #"{"code": "ZZZZZZZZZZZZ"}"#), 404)
            expectError(try await api.post(apply, #"{"code": "\#(code.lowercased())"}"#), 404)
            expectError(try await api.post(apply, "{}"), 400, field: "code")
            expectError(try await api.post(apply, #"{"code": "  "}"#), 400)
            expectError(
                try await api.post(apply, #"{"code": "\#(code)"}"#, auth: try await harness.member("friend-1")), 403,
                code: "PERMISSION_DENIED")
            let reader = try await harness.apiKey(permissions: [.readRewards]).secret
            expectError(try await api.post(apply, #"{"code": "\#(code)"}"#, auth: "Bearer \(reader)"), 403, code: "PERMISSION_DENIED")
            // Another site has no such coupon.
            expectError(try await api.post(apply, #"{"code": "\#(code)"}"#, site: "other-site"), 404)

            // None of that touched the coupon.
            let after = try await api.get(base + "/" + (issued.string("id") ?? ""))
            #expect(after.json["referralReward"] == issued)
            expectOK(try await api.post(apply, #"{"code": "\#(code)"}"#))
        }
    }
}

import Foundation
import Testing

@testable import ReferralCore

@Suite("Reward rules")
struct RewardRulesTests {
    static let coupon = CouponSpecification(discountType: .PERCENTAGE, percentage: 10)
    let site = try! SiteID(validating: "s")
    let now = Date(milliseconds: 1_700_000_000_000)

    func program(
        _ status: ProgramStatus, friendReward: Reward = .nothing, referrerReward: Reward = .nothing,
        actions: [ReferralAction] = [.STORE_ORDER_PLACED]
    ) -> ReferralProgram {
        ReferralProgram(
            site: site,
            settings: ProgramSettings(
                referredFriendReward: friendReward, referringCustomerReward: referrerReward, successfulReferralActions: actions
            ),
            status: status, revision: 1, createdDate: now, updatedDate: now
        )
    }

    func friend(_ status: FriendStatus) -> ReferredFriend {
        ReferredFriend(
            id: UUID(), site: site, contactID: "bob", referringCustomerID: UUID(), status: status, revision: 1, createdDate: now,
            updatedDate: now
        )
    }

    @Test(
        "each reward type issues its own kind of reward, NOTHING issues nothing",
        arguments: [
            (Reward(type: .COUPON, coupon: coupon), RewardRules.Issuance.coupon(coupon) as RewardRules.Issuance?),
            (Reward(type: .LOYALTY_POINTS, loyaltyPoints: 100), .loyaltyPoints(100)),
            (Reward.nothing, nil),
            (Reward(type: .UNKNOWN), nil),
        ]
    )
    func issuance(reward: Reward, expected: RewardRules.Issuance?) {
        #expect(RewardRules.issuance(for: reward) == expected)
        #expect(RewardRules.referrerReward(program: program(.ACTIVE, referrerReward: reward)) == expected)
    }

    @Test("the sign-up reward is given only while the program is active", arguments: ProgramStatus.allCases)
    func signUpReward(status: ProgramStatus) {
        let reward = RewardRules.signUpReward(program: program(status, friendReward: Reward(type: .LOYALTY_POINTS, loyaltyPoints: 5)))
        #expect((reward != nil) == (status == .ACTIVE))
    }

    @Test("an action completes the referral only if active, listed, and the friend's first", arguments: ProgramStatus.allCases)
    func completion(status: ProgramStatus) {
        let active = status == .ACTIVE
        #expect(
            RewardRules.completesReferral(action: .STORE_ORDER_PLACED, program: program(status), friend: friend(.SIGN_UP_COMPLETED))
                == active)
        // Not a qualifying action for this program.
        #expect(!RewardRules.completesReferral(action: .SESSION_BOOKED, program: program(status), friend: friend(.SIGN_UP_COMPLETED)))
        // A second qualifying action: the friend already completed the referral.
        #expect(!RewardRules.completesReferral(action: .STORE_ORDER_PLACED, program: program(status), friend: friend(.ACTIONS_COMPLETED)))
    }

    @Test("any listed action qualifies")
    func severalActions() {
        let program = program(.ACTIVE, actions: [.TICKET_ORDERED, .SESSION_BOOKED])
        #expect(RewardRules.completesReferral(action: .SESSION_BOOKED, program: program, friend: friend(.SIGN_UP_COMPLETED)))
        #expect(!RewardRules.completesReferral(action: .STORE_ORDER_PLACED, program: program, friend: friend(.SIGN_UP_COMPLETED)))
    }
}

@Suite("Decimal amounts")
struct DecimalAmountTests {
    @Test(
        "valid amounts parse exactly",
        arguments: [
            ("0", Int64(0)), ("12", 120_000), ("12.5", 125_000), ("815.00", 8_150_000), ("0.0001", 1), (" 3.25 ", 32_500),
            ("1000000000", 10_000_000_000_000),
        ]
    )
    func parse(text: String, units: Int64) throws {
        #expect(try #require(DecimalAmount(text)).units == units)
    }

    @Test(
        "invalid amounts are rejected",
        arguments: ["", "-1", "+1", "1e3", "1.23456", "abc", ".5", "5.", "1,5", "99999999999999", "1000000000.0001"])
    func reject(text: String) {
        #expect(DecimalAmount(text) == nil)
    }

    @Test(
        "two-decimal formatting rounds half away from zero",
        arguments: [(Int64(0), "0.00"), (599_000, "59.90"), (50, "0.01"), (49, "0.00"), (10_050, "1.01"), (-50, "-0.01")]
    )
    func format(units: Int64, text: String) {
        #expect(DecimalAmount.formatTwoDecimals(units: units) == text)
    }

    @Test("sums of many cents stay exact")
    func exactSums() throws {
        let dime = try #require(DecimalAmount("0.10"))
        let total = (0..<1000).reduce(Int64(0)) { sum, _ in sum + dime.units }
        #expect(DecimalAmount.formatTwoDecimals(units: total) == "100.00")
    }
}

@Suite("Event filters")
struct EventFilterRewriteTests {
    @Test("one-of members with $exists become eventType conditions, also nested")
    func rewrite() {
        let filter = Filter.and([
            .compare(field: "actionEvent", op: .exists, operand: .bool(true)),
            .not(.compare(field: "rewardEvent", op: .exists, operand: .bool(false))),
            .compare(field: "createdDate", op: .gte, operand: .scalar(.timestamp(5))),
        ])
        #expect(
            filter.rewritingEventMembers()
                == .and([
                    .compare(field: "eventType", op: .eq, operand: .scalar(.string("ACTION"))),
                    .not(.compare(field: "eventType", op: .ne, operand: .scalar(.string("REWARD")))),
                    .compare(field: "createdDate", op: .gte, operand: .scalar(.timestamp(5))),
                ])
        )
    }
}

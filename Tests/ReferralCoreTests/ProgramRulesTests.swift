import Foundation
import Testing

@testable import ReferralCore

@Suite("Program rules")
struct ProgramRulesTests {
    let site = try! SiteID(validating: "site-1")
    var draft: ReferralProgram { .draft(site: site, at: Date(milliseconds: 1_700_000_000_000)) }
    let coupon = CouponSpecification(name: "10% off", discountType: .PERCENTAGE, percentage: 10, scope: CouponScope(namespace: "stores"))

    func fields(_ violations: [ReferralError.FieldViolation]) -> [String] { violations.map(\.field) }

    @Test("a new program is a DRAFT with no name, no rewards and no actions, at revision 1")
    func draftDefaults() {
        let program = draft
        #expect(program.status == .DRAFT)
        #expect(program.revision == 1)
        #expect(program.settings.name == nil)
        #expect(program.settings.referredFriendReward == .nothing)
        #expect(program.settings.referringCustomerReward == .nothing)
        #expect(program.settings.successfulReferralActions.isEmpty)
    }

    @Test("a partial update changes only the fields it names")
    func partialUpdate() throws {
        var program = draft
        program.settings.successfulReferralActions = [.STORE_ORDER_PLACED]
        let updated = try #require(try ProgramRules.apply(ProgramUpdate(revision: 1, name: .set("Share the love")), to: program))
        #expect(updated.settings.name == "Share the love")
        #expect(updated.settings.successfulReferralActions == [.STORE_ORDER_PLACED])
        #expect(updated.status == .DRAFT)
    }

    @Test("an update that changes nothing returns nil, so no revision is spent")
    func noOpUpdate() throws {
        #expect(try ProgramRules.apply(ProgramUpdate(revision: 1), to: draft) == nil)
        #expect(try ProgramRules.apply(ProgramUpdate(revision: 1, status: .DRAFT), to: draft) == nil)
    }

    @Test("name: null clears the name")
    func clearName() throws {
        var program = draft
        program.settings.name = "Old name"
        let updated = try #require(try ProgramRules.apply(ProgramUpdate(name: .clear), to: program))
        #expect(updated.settings.name == nil)
    }

    @Test("name must be 2 to 50 characters", arguments: ["a", String(repeating: "x", count: 51)])
    func nameLength(name: String) {
        let violations = ProgramRules.validate(ProgramSettings(name: name), prefix: "referralProgram")
        #expect(fields(violations) == ["referralProgram.name"])
    }

    @Test("names of 2 and 50 characters are fine", arguments: ["ab", String(repeating: "x", count: 50)])
    func nameBounds(name: String) {
        #expect(ProgramRules.validate(ProgramSettings(name: name), prefix: "p").isEmpty)
    }

    @Test("at most 100 successful referral actions")
    func actionLimit() {
        let many = ProgramSettings(successfulReferralActions: Array(repeating: .STORE_ORDER_PLACED, count: 101))
        #expect(fields(ProgramRules.validate(many, prefix: "p")) == ["p.successfulReferralActions"])
        let hundred = ProgramSettings(successfulReferralActions: Array(repeating: .STORE_ORDER_PLACED, count: 100))
        #expect(ProgramRules.validate(hundred, prefix: "p").isEmpty)
    }

    @Test(
        "a reward's options must match its type",
        arguments: [
            (Reward(type: .COUPON), "r.couponOptions"),
            (Reward(type: .LOYALTY_POINTS), "r.loyaltyPointsOptions.amount"),
            (Reward(type: .LOYALTY_POINTS, loyaltyPoints: 0), "r.loyaltyPointsOptions.amount"),
            (Reward(type: .NOTHING, loyaltyPoints: 5), "r.loyaltyPointsOptions"),
            (Reward(type: .UNKNOWN), "r.type"),
        ]
    )
    func rewardOneOf(reward: Reward, field: String) {
        #expect(fields(ProgramRules.validate(reward, path: "r")).contains(field))
    }

    @Test("a reward can't carry both coupon and loyalty options")
    func rewardBothOptions() {
        let reward = Reward(type: .COUPON, coupon: coupon, loyaltyPoints: 10)
        #expect(fields(ProgramRules.validate(reward, path: "r")) == ["r.loyaltyPointsOptions"])
    }

    @Test("valid rewards pass")
    func validRewards() {
        #expect(ProgramRules.validate(Reward(type: .COUPON, coupon: coupon), path: "r").isEmpty)
        #expect(ProgramRules.validate(Reward(type: .LOYALTY_POINTS, loyaltyPoints: 100), path: "r").isEmpty)
        #expect(ProgramRules.validate(.nothing, path: "r").isEmpty)
    }

    @Test(
        "coupon one-ofs and ranges",
        arguments: [
            (CouponSpecification(discountType: .FIXED_AMOUNT), "c.fixedAmountOptions"),
            (CouponSpecification(discountType: .FIXED_AMOUNT, fixedAmount: 5, percentage: 10), "c.percentageOptions"),
            (CouponSpecification(discountType: .FIXED_AMOUNT, fixedAmount: 0), "c.fixedAmountOptions.amount"),
            (CouponSpecification(discountType: .PERCENTAGE, percentage: 0), "c.percentageOptions.percentage"),
            (CouponSpecification(discountType: .PERCENTAGE, percentage: 100.5), "c.percentageOptions.percentage"),
            (CouponSpecification(discountType: .FREE_SHIPPING, percentage: 10), "c.percentageOptions"),
            (CouponSpecification(discountType: .UNKNOWN), "c.discountType"),
            (
                CouponSpecification(discountType: .FREE_SHIPPING, minimumSubtotal: 20, scope: CouponScope(namespace: "stores")),
                "c.minimumSubtotal"
            ),
            (
                CouponSpecification(discountType: .FREE_SHIPPING, scope: CouponScope(namespace: "stores"), discountedCycleCount: 3),
                "c.discountedCycleCount"
            ),
            (
                CouponSpecification(
                    discountType: .FREE_SHIPPING, scope: CouponScope(namespace: "pricingPlans"), discountedCycleCount: 1000),
                "c.discountedCycleCount"
            ),
            (CouponSpecification(discountType: .FREE_SHIPPING, scope: CouponScope(namespace: "groceries")), "c.scope.namespace"),
        ]
    )
    func couponRules(coupon: CouponSpecification, field: String) {
        #expect(fields(ProgramRules.validate(coupon, path: "c")).contains(field))
    }

    @Test("valid coupons pass, including 100% and discounted cycles on pricing plans")
    func validCoupons() {
        let valid = [
            CouponSpecification(discountType: .PERCENTAGE, percentage: 100),
            CouponSpecification(discountType: .FIXED_AMOUNT, fixedAmount: 10, minimumSubtotal: 50),
            CouponSpecification(discountType: .FREE_SHIPPING),
            CouponSpecification(
                discountType: .PERCENTAGE, percentage: 20, scope: CouponScope(namespace: "pricingPlans"), discountedCycleCount: 999),
        ]
        for coupon in valid {
            #expect(ProgramRules.validate(coupon, path: "c").isEmpty, "\(coupon)")
        }
    }

    @Test("activation needs at least one successful referral action")
    func activationNeedsActions() {
        #expect(throws: ReferralError.programNotReady("An active program needs at least one successful referral action.")) {
            try ProgramRules.transition(draft, to: .ACTIVE)
        }
    }

    @Test("activate, pause, re-activate; repeating a status is a no-op")
    func statusTransitions() throws {
        var program = draft
        program.settings.successfulReferralActions = [.TICKET_ORDERED]
        let active = try #require(try ProgramRules.transition(program, to: .ACTIVE))
        #expect(active.status == .ACTIVE)
        #expect(try ProgramRules.transition(active, to: .ACTIVE) == nil)
        let paused = try #require(try ProgramRules.transition(active, to: .PAUSED))
        #expect(paused.status == .PAUSED)
        #expect(try ProgramRules.transition(paused, to: .ACTIVE)?.status == .ACTIVE)
    }

    @Test("a DRAFT program can't be paused")
    func pauseDraft() {
        #expect(throws: ReferralError.programNotActive(.DRAFT)) { try ProgramRules.transition(draft, to: .PAUSED) }
    }

    @Test("status ACTIVE in an update activates, together with the settings it brings")
    func activateThroughUpdate() throws {
        let update = ProgramUpdate(revision: 1, successfulReferralActions: [.STORE_ORDER_PLACED], status: .ACTIVE)
        let updated = try #require(try ProgramRules.apply(update, to: draft))
        #expect(updated.status == .ACTIVE)
        #expect(updated.settings.successfulReferralActions == [.STORE_ORDER_PLACED])
    }

    @Test("an active program can't drop its last action")
    func activeKeepsActions() throws {
        var program = draft
        program.settings.successfulReferralActions = [.STORE_ORDER_PLACED]
        program.status = .ACTIVE
        #expect(throws: ReferralError.self) { try ProgramRules.apply(ProgramUpdate(successfulReferralActions: []), to: program) }
    }

    @Test("status DRAFT can't be set on an active program")
    func noReturnToDraft() throws {
        var program = draft
        program.settings.successfulReferralActions = [.STORE_ORDER_PLACED]
        program.status = .ACTIVE
        let error = #expect(throws: ReferralError.self) { try ProgramRules.apply(ProgramUpdate(status: .DRAFT), to: program) }
        #expect(error?.fieldViolations.first?.field == "referralProgram.status")
    }
}

import Foundation
import ReferralCore
import Testing

/// Every validation rule of Update Referral Program (SPEC §4) answers 400 with a field violation
/// naming the field, and leaves the program untouched.
@Suite("Program update validation")
struct ProgramValidationTests {
    struct Case: Sendable, CustomTestStringConvertible {
        let name: String
        /// Members of the `referralProgram` object, as JSON text.
        let fields: String
        let violatedField: String

        var testDescription: String { name }
    }

    static let friendReward = "referralProgram.referredFriendReward"
    static let customerReward = "referralProgram.referringCustomerReward"

    static func coupon(_ options: String) -> String {
        #""referredFriendReward": {"type": "COUPON", "couponOptions": {\#(options)}}"#
    }

    static let cases: [Case] = [
        Case(name: "name too short", fields: #""name": "A""#, violatedField: "referralProgram.name"),
        Case(
            name: "name too long", fields: #""name": "\#(String(repeating: "n", count: 51))""#,
            violatedField: "referralProgram.name"
        ),
        Case(
            name: "more than 100 actions",
            fields: #""successfulReferralActions": [\#(Array(repeating: #""STORE_ORDER_PLACED""#, count: 101).joined(separator: ","))]"#,
            violatedField: "referralProgram.successfulReferralActions"
        ),
        Case(
            name: "COUPON without couponOptions", fields: #""referredFriendReward": {"type": "COUPON"}"#,
            violatedField: "\(friendReward).couponOptions"
        ),
        Case(
            name: "LOYALTY_POINTS with amount 0",
            fields: #""referringCustomerReward": {"type": "LOYALTY_POINTS", "loyaltyPointsOptions": {"amount": 0}}"#,
            violatedField: "\(customerReward).loyaltyPointsOptions.amount"
        ),
        Case(
            name: "both couponOptions and loyaltyPointsOptions",
            fields: """
                "referringCustomerReward": {"type": "LOYALTY_POINTS", "loyaltyPointsOptions": {"amount": 10},
                 "couponOptions": {"discountType": "FREE_SHIPPING"}}
                """,
            violatedField: "\(customerReward).couponOptions"
        ),
        Case(
            name: "FIXED_AMOUNT with percentageOptions",
            fields: coupon(
                #""discountType": "FIXED_AMOUNT", "fixedAmountOptions": {"amount": 5}, "percentageOptions": {"percentage": 10}"#),
            violatedField: "\(friendReward).couponOptions.percentageOptions"
        ),
        Case(
            name: "percentage 0", fields: coupon(#""discountType": "PERCENTAGE", "percentageOptions": {"percentage": 0}"#),
            violatedField: "\(friendReward).couponOptions.percentageOptions.percentage"
        ),
        Case(
            name: "percentage 101", fields: coupon(#""discountType": "PERCENTAGE", "percentageOptions": {"percentage": 101}"#),
            violatedField: "\(friendReward).couponOptions.percentageOptions.percentage"
        ),
        Case(
            name: "scope together with minimumSubtotal",
            fields: coupon(#""discountType": "FREE_SHIPPING", "scope": {"namespace": "stores"}, "minimumSubtotal": 20"#),
            violatedField: "\(friendReward).couponOptions.minimumSubtotal"
        ),
        Case(
            name: "discountedCycleCount outside the pricingPlans scope",
            fields: coupon(#""discountType": "FREE_SHIPPING", "scope": {"namespace": "stores"}, "discountedCycleCount": 3"#),
            violatedField: "\(friendReward).couponOptions.discountedCycleCount"
        ),
        Case(
            name: "discountedCycleCount 1000",
            fields: coupon(
                #""discountType": "PERCENTAGE", "percentageOptions": {"percentage": 10}, "scope": {"namespace": "pricingPlans"}, "discountedCycleCount": 1000"#
            ),
            violatedField: "\(friendReward).couponOptions.discountedCycleCount"
        ),
        Case(
            name: "unknown reward type", fields: #""referredFriendReward": {"type": "BOGUS"}"#,
            violatedField: "\(friendReward).type"
        ),
        Case(
            name: "unknown action", fields: #""successfulReferralActions": ["STORE_ORDER_PLACED", "DANCED"]"#,
            violatedField: "referralProgram.successfulReferralActions[1]"
        ),
    ]

    @Test("an invalid update is 400 naming the field and changes nothing", arguments: cases)
    func invalidUpdate(_ testCase: Case) async throws {
        try await withAPI { _, api in
            let before = try await api.get(Paths.program).json["referralProgram"]
            let response = try await api.patch(
                Paths.program, #"{"referralProgram": {"revision": "1", \#(testCase.fields)}}"#
            )
            expectError(response, 400, field: testCase.violatedField)
            #expect(response.json["details"]?["validationError"]?["fieldViolations"]?[0]?["violatedRule"]?.stringValue != nil)
            let after = try await api.get(Paths.program).json["referralProgram"]
            #expect(after == before)
        }
    }

    @Test("the valid neighbours of those rules are accepted")
    func validBoundaries() async throws {
        try await withAPI { _, api in
            let bodies = [
                #""name": "AB""#,
                #""name": "\#(String(repeating: "n", count: 50))""#,
                #""successfulReferralActions": [\#(Array(repeating: #""PLAN_ORDERED""#, count: 100).joined(separator: ","))]"#,
                Self.coupon(#""discountType": "PERCENTAGE", "percentageOptions": {"percentage": 100}"#),
                Self.coupon(
                    #""discountType": "FIXED_AMOUNT", "fixedAmountOptions": {"amount": 5}, "scope": {"namespace": "pricingPlans"}, "discountedCycleCount": 999"#
                ),
                #""referringCustomerReward": {"type": "LOYALTY_POINTS", "loyaltyPointsOptions": {"amount": 1}}"#,
            ]
            for (index, fields) in bodies.enumerated() {
                let response = try await api.patch(Paths.program, #"{"referralProgram": {"revision": "\#(index + 1)", \#(fields)}}"#)
                expectOK(response)
                #expect(response.json["referralProgram"].string("revision") == String(index + 2))
            }
            let program = try await api.get(Paths.program).json["referralProgram"]
            #expect(program?["referredFriendReward"]?["couponOptions"]?["discountedCycleCount"]?.intValue == 999)
            #expect(program?["successfulReferralActions"]?.arrayValue?.count == 100)
        }
    }
}

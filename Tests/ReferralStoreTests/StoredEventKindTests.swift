import Foundation
import ReferralCore
import Testing

@testable import ReferralStore

/// The direct reader of stored event payloads gives exactly what `JSONDecoder` gives for every
/// payload `Codable` writes, and leaves everything else to `JSONDecoder`.
@Suite("Stored event payloads read directly")
struct StoredEventKindTests {
    static let friend = UUID(uuidString: "019D9072-F527-7438-8DDA-1660304BDF43")!
    static let customer = UUID(uuidString: "0199F17A-4527-711A-A84F-C17EF8E734E6")!
    static let reward = UUID(uuidString: "0199F17A-4527-711A-A84F-C17EF8E73400")!

    static let kinds: [ReferralEventKind] = [
        .referredFriendSignup(referredFriendID: friend),
        .successfulReferral(referredFriendID: friend, referringCustomerID: customer),
        .action(
            referredFriendID: friend, referringCustomerID: customer,
            trigger: ActionTrigger(appID: "pricing-plans", activityType: .PLAN_ORDERED),
            amount: DecimalAmount("5.00"), currency: "USD", orderID: "s0-o-000000"),
        .action(
            referredFriendID: friend, referringCustomerID: customer, trigger: ActionTrigger(appID: nil, activityType: .STORE_ORDER_PLACED),
            amount: nil, currency: nil, orderID: "ordre \"spécial\" / \u{1F600}"),
        .action(
            referredFriendID: friend, referringCustomerID: customer, trigger: ActionTrigger(appID: "", activityType: .TICKET_ORDERED),
            amount: DecimalAmount("1000000000"), currency: "EUR", orderID: "x"),
        .action(
            referredFriendID: friend, referringCustomerID: customer, trigger: ActionTrigger(appID: "a", activityType: .SESSION_BOOKED),
            amount: DecimalAmount("0.0001"), currency: nil, orderID: "y"),
        .reward(receiver: .referringCustomer(customer), referralRewardID: reward, rewardType: .COUPON),
        .reward(receiver: .referredFriend(friend), referralRewardID: reward, rewardType: .LOYALTY_POINTS),
        .reward(receiver: .referredFriend(friend), referralRewardID: reward, rewardType: .NOTHING),
    ]

    static func foundation(_ text: String) throws -> ReferralEventKind {
        try JSONDecoder().decode(ReferralEventKind.self, from: Data(text.utf8))
    }

    @Test("every kind, as our encoder and Foundation's (sorted or not) write it", arguments: kinds)
    func roundTrip(kind: ReferralEventKind) throws {
        let sorted = JSONEncoder()
        sorted.outputFormatting = [.sortedKeys, .prettyPrinted]
        let texts = [
            try StoredJSON.encode(kind),
            String(decoding: try JSONEncoder().encode(kind), as: UTF8.self),
            String(decoding: try sorted.encode(kind), as: UTF8.self),
        ]
        for text in texts {
            let direct = try #require(StoredEventKind.read(text), "not read directly: \(text)")
            #expect(direct == kind)
            #expect(try Self.foundation(text) == direct)
            #expect(try StoredJSON.decode(ReferralEventKind.self, from: text) == kind)
        }
    }

    @Test("lowercase ids, explicit nulls and unknown members read as Codable reads them")
    func variants() throws {
        let texts = [
            #"{"action":{"referredFriendID":"019d9072-f527-7438-8dda-1660304bdf43","referringCustomerID":"0199F17A-4527-711A-A84F-C17EF8E734E6","trigger":{"activityType":"PLAN_ORDERED","appID":null},"amount":null,"currency":null,"orderID":"o","extra":[1,2]}}"#,
            #"{"referredFriendSignup":{"referredFriendID":"019D9072-F527-7438-8DDA-1660304BDF43","note":"x"}}"#,
            #"{"reward":{"receiver":{"referringCustomer":{"_0":"0199f17a-4527-711a-a84f-c17ef8e734e6"}},"referralRewardID":"0199F17A-4527-711A-A84F-C17EF8E73400","rewardType":"COUPON"}}"#,
        ]
        for text in texts {
            let direct = try #require(StoredEventKind.read(text), "not read directly: \(text)")
            #expect(try Self.foundation(text) == direct)
        }
    }

    /// Shapes `Codable` rejects (or that this reader doesn't know) are left to `JSONDecoder`,
    /// so `StoredJSON.decode` fails as it always did.
    @Test(
        "anything else is left to JSONDecoder",
        arguments: [
            "not json",
            "[]",
            #"{}"#,
            #"{"referredFriendSignup":{"referredFriendID":"019D9072-F527-7438-8DDA-1660304BDF43"},"reward":{}}"#,
            #"{"referredFriendSignup":{"referredFriendID":"not-a-uuid"}}"#,
            #"{"referredFriendSignup":{}}"#,
            #"{"successfulReferral":{"referredFriendID":"019D9072-F527-7438-8DDA-1660304BDF43"}}"#,
            #"{"action":{"referredFriendID":"019D9072-F527-7438-8DDA-1660304BDF43","referringCustomerID":"0199F17A-4527-711A-A84F-C17EF8E734E6","trigger":{"activityType":"PLAN_ORDERED"}}}"#,
            #"{"action":{"referredFriendID":"019D9072-F527-7438-8DDA-1660304BDF43","referringCustomerID":"0199F17A-4527-711A-A84F-C17EF8E734E6","trigger":{"activityType":"NOT_AN_ACTION"},"orderID":"o"}}"#,
            #"{"action":{"referredFriendID":"019D9072-F527-7438-8DDA-1660304BDF43","referringCustomerID":"0199F17A-4527-711A-A84F-C17EF8E734E6","trigger":{"activityType":"PLAN_ORDERED"},"orderID":7}}"#,
            #"{"action":{"referredFriendID":"019D9072-F527-7438-8DDA-1660304BDF43","referringCustomerID":"0199F17A-4527-711A-A84F-C17EF8E734E6","trigger":{"activityType":"PLAN_ORDERED"},"currency":5,"orderID":"o"}}"#,
            #"{"reward":{"receiver":{"somebody":{"_0":"0199F17A-4527-711A-A84F-C17EF8E734E6"}},"referralRewardID":"0199F17A-4527-711A-A84F-C17EF8E73400","rewardType":"COUPON"}}"#,
            #"{"reward":{"receiver":{"referredFriend":{"_0":"0199F17A-4527-711A-A84F-C17EF8E734E6"}},"referralRewardID":"0199F17A-4527-711A-A84F-C17EF8E73400","rewardType":"GOLD"}}"#,
            #"{"unknownKind":{}}"#,
        ])
    func leftToFoundation(text: String) {
        #expect(StoredEventKind.read(text) == nil)
        #expect(throws: (any Error).self) { try StoredJSON.decode(ReferralEventKind.self, from: text) }
        #expect(throws: (any Error).self) { try Self.foundation(text) }
    }

    /// An amount whose text and units disagree can't come from `DecimalAmount`; `Codable`
    /// would take both as stored, so the direct reader leaves it to `JSONDecoder`.
    @Test("an amount the reader can't vouch for goes through JSONDecoder")
    func inconsistentAmount() throws {
        let text =
            #"{"action":{"referredFriendID":"019D9072-F527-7438-8DDA-1660304BDF43","referringCustomerID":"0199F17A-4527-711A-A84F-C17EF8E734E6","trigger":{"activityType":"PLAN_ORDERED"},"amount":{"text":"5.00","units":7},"orderID":"o"}}"#
        #expect(StoredEventKind.read(text) == nil)
        #expect(try StoredJSON.decode(ReferralEventKind.self, from: text) == Self.foundation(text))
    }
}

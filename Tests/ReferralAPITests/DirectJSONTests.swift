import Foundation
import ReferralCore
import Testing

@testable import ReferralAPI

/// The responses written field by field (`CompactJSONWritable`) are byte for byte what their
/// `Encodable` conformances give.
@Suite("Directly written response JSON")
struct DirectJSONTests {
    static let awkward = ["plain", "", "quote \" and \\ backslash", "tab\tnew\nline\u{01}", "ünïcødé 🎉 / slash", "</script>"]

    static func customer(_ index: Int) throws -> ReferringCustomer {
        let text = awkward[index % awkward.count]
        return ReferringCustomer(
            id: UUIDv7.generate(), site: try SiteID(validating: "site-\(index)"), contactID: "contact \(text)",
            referralCode: "CODE\(text)", revision: Int64(index * 7), createdDate: Date(milliseconds: 1_700_000_000_000 + Int64(index)),
            updatedDate: Date(milliseconds: 1_800_000_000_123 - Int64(index))
        )
    }

    static func friend(_ index: Int) throws -> ReferredFriend {
        let text = awkward[index % awkward.count]
        return ReferredFriend(
            id: UUIDv7.generate(), site: try SiteID(validating: "site-\(index)"), contactID: "friend \(text)",
            referringCustomerID: UUIDv7.generate(), status: index % 2 == 0 ? .SIGN_UP_COMPLETED : .ACTIONS_COMPLETED,
            revision: Int64(index), createdDate: Date(milliseconds: 1_600_000_000_000 + Int64(index)),
            updatedDate: Date(milliseconds: 1_650_000_000_999)
        )
    }

    static func same(_ value: some CompactJSONWritable) throws {
        let direct = CompactJSONWriter.bytes(of: value)
        let encoded = try CompactJSONEncoder().encode(value)
        #expect(String(decoding: direct, as: UTF8.self) == String(decoding: encoded, as: UTF8.self))
        // And it is JSON.
        #expect(try JSONSerialization.jsonObject(with: Data(direct)) is [String: Any])
    }

    @Test("referring customers: one, and pages of every size with and without cursors")
    func referringCustomers() throws {
        for index in 0..<Self.awkward.count {
            try Self.same(ReferringCustomerEnvelope(referringCustomer: .init(try Self.customer(index))))
        }
        for count in [0, 1, 2, 50] {
            let items = try (0..<count).map(Self.customer)
            for (next, prev) in [(nil, nil), ("next\"cursor", nil), (nil, "prev"), ("n", "p")] as [(String?, String?)] {
                let page = QueryPage(items: items, hasNext: next != nil, nextCursor: next, prevCursor: prev)
                try Self.same(ReferringCustomersPage(referringCustomers: items.map(ReferringCustomerDTO.init), metadata: .init(page)))
            }
        }
    }

    @Test("referred friends: one, and pages of every size with and without cursors")
    func referredFriends() throws {
        for index in 0..<Self.awkward.count {
            try Self.same(ReferredFriendEnvelope(referredFriend: .init(try Self.friend(index))))
        }
        for count in [0, 1, 3, 50] {
            let items = try (0..<count).map(Self.friend)
            for (next, prev) in [(nil, nil), ("abc", nil), (nil, "\u{7F}x"), ("n", "p")] as [(String?, String?)] {
                let page = QueryPage(items: items, hasNext: count == 50, nextCursor: next, prevCursor: prev)
                try Self.same(ReferredFriendsPage(referredFriends: items.map(ReferredFriendDTO.init), metadata: .init(page)))
            }
        }
    }

    static func event(_ index: Int) throws -> ReferralEvent {
        let text = awkward[index % awkward.count]
        let kinds: [ReferralEventKind] = [
            .referredFriendSignup(referredFriendID: UUIDv7.generate()),
            .successfulReferral(referredFriendID: UUIDv7.generate(), referringCustomerID: UUIDv7.generate()),
            .action(
                referredFriendID: UUIDv7.generate(), referringCustomerID: UUIDv7.generate(),
                trigger: ActionTrigger(appID: "app \(text)", activityType: .STORE_ORDER_PLACED), amount: DecimalAmount("49.90"),
                currency: "USD", orderID: "order \(text)"),
            .action(
                referredFriendID: UUIDv7.generate(), referringCustomerID: UUIDv7.generate(),
                trigger: ActionTrigger(appID: nil, activityType: .SESSION_BOOKED), amount: nil, currency: nil, orderID: text),
            .reward(receiver: .referringCustomer(UUIDv7.generate()), referralRewardID: UUIDv7.generate(), rewardType: .COUPON),
            .reward(receiver: .referredFriend(UUIDv7.generate()), referralRewardID: UUIDv7.generate(), rewardType: .LOYALTY_POINTS),
        ]
        return ReferralEvent(
            id: UUIDv7.generate(), site: try SiteID(validating: "site-\(index)"), kind: kinds[index % kinds.count],
            revision: Int64(index), createdDate: Date(milliseconds: 1_600_000_000_000 + Int64(index)),
            updatedDate: Date(milliseconds: 1_650_000_000_999))
    }

    @Test("referral events of every kind: one, and pages of every size with and without cursors")
    func referralEvents() throws {
        for index in 0..<(Self.awkward.count * 6) {
            try Self.same(ReferralEventEnvelope(referralEvent: .init(try Self.event(index))))
        }
        for count in [0, 1, 6, 50] {
            let items = try (0..<count).map(Self.event)
            for (next, prev) in [(nil, nil), ("abc", nil), (nil, "p"), ("n", "p")] as [(String?, String?)] {
                let page = QueryPage(items: items, hasNext: count == 50, nextCursor: next, prevCursor: prev)
                try Self.same(ReferralEventsPage(referralEvents: items.map(ReferralEventDTO.init), metadata: .init(page)))
            }
        }
    }
}

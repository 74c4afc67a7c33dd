import Foundation
import ReferralCore
import Testing

@testable import ReferralStore

/// The stored documents written field by field are byte for byte what `CompactJSONEncoder`
/// writes for their `Codable` form, and read back to the same values.
@Suite("Stored documents written directly")
struct StoredJSONWriterTests {
    static let awkward = ["plain", "", "quote \" and \\ backslash", "tab\tnew\nline\u{01}", "ünïcødé 🎉 / slash"]
    static let dates = [
        Date(milliseconds: 1_795_252_975_813), Date(timeIntervalSince1970: 1_795_252_975.8135), Date(timeIntervalSince1970: 0),
        Date(timeIntervalSince1970: -86_400.25),
    ]

    static func kinds(_ index: Int) -> [ReferralEventKind] {
        let text = awkward[index % awkward.count]
        return [
            .referredFriendSignup(referredFriendID: UUIDv7.generate()),
            .successfulReferral(referredFriendID: UUIDv7.generate(), referringCustomerID: UUID()),
            .action(
                referredFriendID: UUID(), referringCustomerID: UUIDv7.generate(),
                trigger: ActionTrigger(appID: "app \(text)", activityType: .STORE_ORDER_PLACED), amount: DecimalAmount("49.90"),
                currency: "USD", orderID: "order \(text)"),
            .action(
                referredFriendID: UUID(), referringCustomerID: UUID(), trigger: ActionTrigger(appID: nil, activityType: .SESSION_BOOKED),
                amount: DecimalAmount("1000000000.0001"), currency: nil, orderID: text),
            .action(
                referredFriendID: UUID(), referringCustomerID: UUID(), trigger: ActionTrigger(appID: text, activityType: .PLAN_ORDERED),
                amount: nil, currency: text, orderID: "o"),
            .reward(receiver: .referringCustomer(UUID()), referralRewardID: UUIDv7.generate(), rewardType: .COUPON),
            .reward(receiver: .referredFriend(UUID()), referralRewardID: UUID(), rewardType: .NOTHING),
        ]
    }

    static func same(_ direct: String, _ value: some Encodable) throws {
        #expect(direct == String(decoding: try CompactJSONEncoder().encode(value), as: UTF8.self))
    }

    @Test("event payloads")
    func payloads() throws {
        for index in 0..<Self.awkward.count {
            for kind in Self.kinds(index) {
                let text = try StoredJSON.encode(kind)
                try Self.same(text, kind)
                #expect(try StoredJSON.decode(ReferralEventKind.self, from: text) == kind)
            }
        }
    }

    @Test(
        "snapshots of referral events, referring customers, referred friends and rewards without a coupon, with whole and fractional milliseconds"
    )
    func snapshots() throws {
        for index in 0..<Self.awkward.count {
            for (offset, kind) in Self.kinds(index).enumerated() {
                let date = Self.dates[(index + offset) % Self.dates.count]
                let event = ReferralEvent(
                    id: UUIDv7.generate(), site: try SiteID(validating: "site-\(index)"), kind: kind, revision: Int64(offset),
                    createdDate: date, updatedDate: Self.dates[offset % Self.dates.count])
                let snapshot = EntitySnapshot.referralEvent(event)
                let text = try StoredJSON.encode(snapshot)
                try Self.same(text, snapshot)
                #expect(try StoredJSON.decode(EntitySnapshot.self, from: text) == snapshot)
            }
            for offset in 0..<Self.dates.count {
                let customer = ReferringCustomer(
                    id: UUIDv7.generate(), site: try SiteID(validating: "site-\(offset)"), contactID: "contact \(Self.awkward[index])",
                    referralCode: "CODE\(Self.awkward[index])", revision: Int64(offset + 1), createdDate: Self.dates[offset],
                    updatedDate: Self.dates[(offset + 2) % Self.dates.count])
                let snapshot = EntitySnapshot.referringCustomer(customer)
                let text = try StoredJSON.encode(snapshot)
                try Self.same(text, snapshot)
                #expect(try StoredJSON.decode(EntitySnapshot.self, from: text) == snapshot)
            }
            for offset in 0..<Self.dates.count {
                let points = offset % 2 == 0 ? LoyaltyPointsGrant(transactionID: "tx \(Self.awkward[index])", amount: offset * 50) : nil
                let reward = ReferralReward(
                    id: UUIDv7.generate(), site: try SiteID(validating: "site-\(offset)"),
                    receiver: offset % 3 == 0 ? .referredFriend(UUID()) : .referringCustomer(UUIDv7.generate()), sourceFriendID: UUID(),
                    sourceContactID: "source \(Self.awkward[index])", receiverContactID: "receiver \(offset)",
                    rewardType: points == nil ? .NOTHING : .LOYALTY_POINTS, coupon: nil, loyaltyPoints: points, revision: Int64(offset + 1),
                    createdDate: Self.dates[offset], updatedDate: Self.dates[(offset + 3) % Self.dates.count])
                let snapshot = EntitySnapshot.referralReward(reward)
                let text = try StoredJSON.encode(snapshot)
                try Self.same(text, snapshot)
                #expect(try StoredJSON.decode(EntitySnapshot.self, from: text) == snapshot)
            }
            for (offset, status) in FriendStatus.allCases.enumerated() {
                let friend = ReferredFriend(
                    id: UUID(), site: try SiteID(validating: "s.\(index)_x"), contactID: "friend \(Self.awkward[index])",
                    referringCustomerID: UUIDv7.generate(), status: status, revision: Int64(index * 1_000_003 + offset),
                    createdDate: Self.dates[offset % Self.dates.count], updatedDate: Self.dates[(offset + 1) % Self.dates.count])
                let snapshot = EntitySnapshot.referredFriend(friend)
                let text = try StoredJSON.encode(snapshot)
                try Self.same(text, snapshot)
                #expect(try StoredJSON.decode(EntitySnapshot.self, from: text) == snapshot)
            }
        }
    }

    @Test("a date no encoder can store still fails as it did")
    func unstorableDate() throws {
        let friend = ReferredFriend(
            id: UUID(), site: try SiteID(validating: "site"), contactID: "c", referringCustomerID: UUID(), status: .SIGN_UP_COMPLETED,
            revision: 1, createdDate: Date(timeIntervalSince1970: .infinity), updatedDate: Date())
        #expect(throws: EncodingError.self) { try StoredJSON.encode(EntitySnapshot.referredFriend(friend)) }
    }
}

import Foundation
import Testing

@testable import ReferralCore

@Suite("Eligibility and friend rules")
struct EligibilityTests {
    let site = try! SiteID(validating: "s")
    let now = Date(milliseconds: 1_700_000_000_000)

    func customer(_ contact: String) -> ReferringCustomer {
        ReferringCustomer(
            id: UUID(), site: site, contactID: contact, referralCode: "AAAAAAAAAAAA", revision: 1, createdDate: now, updatedDate: now)
    }

    func friend(_ contact: String, of referrer: ReferringCustomer) -> ReferredFriend {
        ReferredFriend(
            id: UUID(), site: site, contactID: contact, referringCustomerID: referrer.id, status: .SIGN_UP_COMPLETED,
            revision: 1, createdDate: now, updatedDate: now
        )
    }

    @Test("a new contact is eligible")
    func eligible() {
        #expect(
            FriendEligibility.decide(contactID: "friend", referrer: customer("alice"), ownReferringCustomer: nil, existingFriend: nil)
                == .eligible)
    }

    @Test("the owner of the code is not eligible")
    func selfReferral() {
        let alice = customer("alice")
        guard
            case .notEligible = FriendEligibility.decide(
                contactID: "alice", referrer: alice, ownReferringCustomer: alice, existingFriend: nil)
        else {
            Issue.record("self-referral was allowed")
            return
        }
    }

    @Test("a referring customer is not eligible")
    func referrerNotEligible() {
        let decision = FriendEligibility.decide(
            contactID: "bob", referrer: customer("alice"), ownReferringCustomer: customer("bob"), existingFriend: nil)
        #expect(decision == .notEligible("the member is a referring customer"))
    }

    @Test("already referred by another customer: not eligible; by the same one: the existing record")
    func alreadyReferred() {
        let alice = customer("alice")
        let carol = customer("carol")
        let existing = friend("bob", of: alice)
        #expect(
            FriendEligibility.decide(contactID: "bob", referrer: alice, ownReferringCustomer: nil, existingFriend: existing)
                == .alreadyReferred(existing))
        #expect(
            FriendEligibility.decide(contactID: "bob", referrer: carol, ownReferringCustomer: nil, existingFriend: existing)
                == .notEligible("the member was already referred by another customer")
        )
    }

    @Test("friend status can be set to the two real statuses only")
    func friendStatus() throws {
        try FriendRules.validateStatus(.SIGN_UP_COMPLETED, field: "s")
        try FriendRules.validateStatus(.ACTIONS_COMPLETED, field: "s")
        #expect(throws: ReferralError.self) { try FriendRules.validateStatus(.UNKNOWN, field: "s") }
    }
}

@Suite("Codes, ids, sites, permissions, time")
struct SupportTests {
    @Test("referral codes: 12 characters from [A-Za-z0-9], and they don't repeat")
    func referralCodes() {
        let codes = (0..<2000).map { _ in ReferralCode.generate() }
        let allowed = Set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789")
        for code in codes {
            #expect(code.count == 12)
            #expect(code.allSatisfy(allowed.contains))
            #expect(ReferralCode.isWellFormed(code))
        }
        #expect(Set(codes).count == codes.count)
        // Over 24,000 characters every class of the alphabet shows up.
        let all = codes.joined()
        #expect(all.contains(where: \.isUppercase) && all.contains(where: \.isLowercase) && all.contains(where: \.isNumber))
    }

    @Test("malformed codes are recognised", arguments: ["", "short", "ABCDEFGHIJK!", "ABCDEFGHIJKLM", "ÄBCDEFGHIJKL"])
    func malformedCodes(code: String) {
        #expect(!ReferralCode.isWellFormed(code))
    }

    @Test("UUIDv7: version 7, RFC variant, ordered by time")
    func uuidV7() {
        let early = UUIDv7.generate(at: Date(milliseconds: 1_700_000_000_000))
        let late = UUIDv7.generate(at: Date(milliseconds: 1_700_000_000_001))
        let bytes = withUnsafeBytes(of: early.uuid) { Array($0) }
        #expect(bytes[6] >> 4 == 7)
        #expect(bytes[8] >> 6 == 0b10)
        #expect(early.lowercased < late.lowercased)
        #expect(early.lowercased == early.lowercased.lowercased())
        #expect(Set((0..<1000).map { _ in UUIDv7.generate() }).count == 1000)
    }

    @Test("UUIDv7: ids made within one millisecond still increase")
    func uuidV7Monotonic() {
        // Other tests make ids on other threads meanwhile; the order holds across all of them.
        let ids = (0..<10_000).map { _ in UUIDv7.generate().lowercased }
        #expect(ids == ids.sorted(), "ids are not in the order they were made")
        #expect(Set(ids).count == ids.count)
        let prefixes = Set(ids.map { $0.prefix(13) })
        #expect(prefixes.count < ids.count / 10, "10 000 ids should span few milliseconds, so many share one")
    }

    @Test(
        "site ids",
        arguments: [
            ("default", true), ("shop-1.eu_west", true), ("", false), ("has space", false), (String(repeating: "a", count: 65), false),
            (String(repeating: "a", count: 64), true), ("ünï", false),
        ])
    func siteIDs(text: String, valid: Bool) {
        #expect(SiteID.isValid(text) == valid)
        #expect(((try? SiteID(validating: text)) != nil) == valid)
    }

    @Test("the all-permissions scope expands; unknown permission names are rejected")
    func permissions() throws {
        #expect(try Permission.parse([Permission.allScope]) == Set(Permission.allCases))
        #expect(try Permission.parse(["REFERRALS.READ_PROGRAM"]) == [.readProgram])
        #expect(throws: ReferralError.self) { try Permission.parse(["REFERRALS.EVERYTHING"]) }
    }

    @Test("timestamps: milliseconds and Z, parsed back to the same instant")
    func timestamps() throws {
        let date = Date(milliseconds: 1_723_450_337_813)
        #expect(Timestamp.format(date) == "2024-08-12T08:12:17.813Z")
        #expect(try #require(Timestamp.parse("2024-08-12T08:12:17.813Z")).milliseconds == 1_723_450_337_813)
        #expect(try #require(Timestamp.parse("2024-08-12T08:12:17Z")).milliseconds == 1_723_450_337_000)
        #expect(Timestamp.parse("yesterday") == nil)
        #expect(Timestamp.truncated(Date(timeIntervalSince1970: 1.0009)).milliseconds == 1000)
    }

    @Test("a member resolves \"me\"; an API key can't")
    func resolveMe() throws {
        let site = try SiteID(validating: "s")
        let member = Caller(site: site, identity: .member(contactID: "c-1", referralCode: nil))
        #expect(try member.resolveContact("me", field: "contactId") == "c-1")
        #expect(try member.resolveContact("c-2", field: "contactId") == "c-2")
        let key = Caller(site: site, identity: .apiKey(id: "k", permissions: Set(Permission.allCases)))
        #expect(throws: ReferralError.self) { try key.resolveContact("me", field: "contactId") }
    }

    @Test("admin methods need an API key with the permission")
    func requireAdmin() throws {
        let site = try SiteID(validating: "s")
        let reader = Caller(site: site, identity: .apiKey(id: "k", permissions: [.readProgram]))
        try reader.requireAdmin(.readProgram)
        #expect(throws: ReferralError.self) { try reader.requireAdmin(.manageProgram) }
        let member = Caller(site: site, identity: .member(contactID: "c", referralCode: nil))
        #expect(throws: ReferralError.self) { try member.requireAdmin(.readProgram) }
        #expect(try member.requireMember() == "c")
        let visitor = Caller(site: site, identity: .visitor(visitorID: "v", referralCode: nil))
        #expect(throws: ReferralError.self) { try visitor.requireMember() }
    }
}

@Suite("Timestamp formatting")
struct TimestampFormattingTests {
    @Test(
        "every millisecond of a second survives format and parse",
        arguments: [Int64(0), 1_723_450_337_000, -1_000, 951_782_400_000, 4_102_444_799_999])
    func roundTrip(base: Int64) throws {
        for offset in stride(from: Int64(0), to: 1000, by: 7) {
            let ms = base + offset
            let text = Timestamp.format(Date(milliseconds: ms))
            #expect(try #require(Timestamp.parse(text)).milliseconds == ms, "\(text)")
        }
    }

    @Test("calendar edge cases")
    func calendar() {
        #expect(Timestamp.format(milliseconds: 0) == "1970-01-01T00:00:00.000Z")
        #expect(Timestamp.format(milliseconds: 951_782_400_000) == "2000-02-29T00:00:00.000Z")
        #expect(Timestamp.format(milliseconds: -1) == "1969-12-31T23:59:59.999Z")
        #expect(Timestamp.format(milliseconds: 4_102_444_799_999) == "2099-12-31T23:59:59.999Z")
        #expect(Timestamp.format(milliseconds: 253_402_300_799_999) == "9999-12-31T23:59:59.999Z")
        #expect(Timestamp.format(milliseconds: -62_167_219_200_000) == "0000-01-01T00:00:00.000Z")
        // Outside four-digit years the fields are still padded, not cut.
        #expect(Timestamp.format(milliseconds: 253_402_300_800_000) == "10000-01-01T00:00:00.000Z")
    }

    @Test("agrees with Foundation's calendar at every field")
    func agreesWithFoundation() {
        // Foundation's format style goes through floating-point seconds and can print .812 for
        // .813, so the fields are compared with its Gregorian calendar on whole seconds instead.
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = .gmt
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<2000 {
            // Years 1900 to 2200.
            let ms = Int64.random(in: -2_208_988_800_000...7_258_118_400_000, using: &generator)
            let seconds = ms >= 0 ? ms / 1000 : (ms - 999) / 1000
            let parts = calendar.dateComponents(
                [.year, .month, .day, .hour, .minute, .second], from: Date(timeIntervalSince1970: Double(seconds)))
            let expected = String(
                format: "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", parts.year!, parts.month!, parts.day!, parts.hour!, parts.minute!,
                parts.second!, Int(ms - seconds * 1000))
            #expect(Timestamp.format(milliseconds: ms) == expected, "\(ms)")
        }
    }
}

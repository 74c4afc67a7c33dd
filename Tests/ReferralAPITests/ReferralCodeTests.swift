import Foundation
import ReferralCore
import Synchronization
import Testing

/// Referral codes with a scripted code source: unique per site, redrawn on collision, and never
/// reissued after a delete (SPEC §4), all observed through HTTP.
@Suite("Referral code uniqueness")
struct ReferralCodeTests {
    /// Hands out the scripted codes in order, then random ones.
    final class ScriptedCodes: Sendable {
        private let codes: Mutex<[String]>

        init(_ codes: [String]) {
            self.codes = Mutex(codes)
        }

        func next() -> String {
            codes.withLock { $0.isEmpty ? ReferralCode.generate() : $0.removeFirst() }
        }

        var generators: Generators {
            Generators(now: Generators.live.now, newID: Generators.live.newID, referralCode: { self.next() })
        }
    }

    @Test("a deleted customer's code is not handed out again, even when the generator draws it", arguments: Paths.customerBases)
    func deletedCodeIsReserved(base: String) async throws {
        let codes = ScriptedCodes(["AAAAAAAAAAAA", "AAAAAAAAAAAA", "BBBBBBBBBBBB"])
        try await withAPI(generators: codes.generators) { _, api in
            let first = try await Given.referringCustomer(api, contact: "contact-1", base: base)
            #expect(first.string("referralCode") == "AAAAAAAAAAAA")
            let id = try #require(first.string("id"))
            expectOK(try await api.delete("\(base)/\(id)"))

            let second = try await Given.referringCustomer(api, contact: "contact-1", base: base)
            #expect(second.string("referralCode") == "BBBBBBBBBBBB")
            expectError(try await api.get("\(base)/code/AAAAAAAAAAAA"), 404, code: "REFERRAL_CODE_NOT_FOUND")
            let byCode = try await api.get("\(base)/code/BBBBBBBBBBBB")
            #expect(byCode.json["referringCustomer"] == second)
        }
    }

    @Test("a colliding code is redrawn within a site; another site may hold the same code", arguments: Paths.customerBases)
    func uniquePerSite(base: String) async throws {
        let codes = ScriptedCodes(["CCCCCCCCCCCC", "CCCCCCCCCCCC", "DDDDDDDDDDDD", "CCCCCCCCCCCC"])
        try await withAPI(generators: codes.generators) { _, api in
            let first = try await Given.referringCustomer(api, contact: "contact-1", base: base)
            let second = try await Given.referringCustomer(api, contact: "contact-2", base: base)
            let otherSite = try await Given.referringCustomer(api, contact: "contact-1", base: base, site: "site-b")
            #expect(first.string("referralCode") == "CCCCCCCCCCCC")
            #expect(second.string("referralCode") == "DDDDDDDDDDDD")
            #expect(otherSite.string("referralCode") == "CCCCCCCCCCCC")
            #expect(otherSite.string("id") != first.string("id"))

            #expect(try await api.get("\(base)/code/CCCCCCCCCCCC").json["referringCustomer"] == first)
            #expect(try await api.get("\(base)/code/CCCCCCCCCCCC", site: "site-b").json["referringCustomer"] == otherSite)
        }
    }
}

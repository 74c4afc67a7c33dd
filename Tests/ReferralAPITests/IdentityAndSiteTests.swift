import Foundation
import ReferralAPI
import ReferralCore
import Testing

/// Credentials, permissions and sites (SPEC §3).
@Suite("Identities and sites")
struct IdentityAndSiteTests {
    @Test("no credential, an empty one or an unknown API key is 401 UNAUTHENTICATED")
    func unauthenticated() async throws {
        try await withAPI { _, api in
            let missing = try await api.get(Paths.program, auth: nil)
            expectError(missing, 401, code: "UNAUTHENTICATED")
            #expect(missing.headers[.wwwAuthenticate] == "Bearer")
            expectError(try await api.get(Paths.program, auth: "Bearer "), 401, code: "UNAUTHENTICATED")
            expectError(try await api.get(Paths.program, auth: "Bearer rfk_unknown_key"), 401, code: "UNAUTHENTICATED")
            expectError(try await api.get(Paths.program, auth: "rfk_unknown_key"), 401, code: "UNAUTHENTICATED")
            expectError(try await api.post(Paths.customers, #"{"contactId": "c-1"}"#, auth: nil), 401, code: "UNAUTHENTICATED")
        }
    }

    @Test("an API key works bare and after Bearer, and stops working once revoked")
    func apiKeyForms() async throws {
        try await withAPI { harness, api in
            let (key, secret) = try await harness.apiKey(permissions: [.manageReferringCustomers])
            expectOK(try await api.post(Paths.customers, #"{"contactId": "c-1"}"#, auth: "Bearer \(secret)"))
            expectOK(try await api.post(Paths.customers, #"{"contactId": "c-2"}"#, auth: secret))
            expectOK(try await api.get(Paths.program, auth: APITestHarness.adminKey))

            let revoked = try await harness.dependencies.services.access.revokeKey(key.id.lowercased)
            #expect(revoked != nil)
            expectError(
                try await api.post(Paths.customers, #"{"contactId": "c-3"}"#, auth: "Bearer \(secret)"), 401, code: "UNAUTHENTICATED")
            expectError(try await api.post(Paths.customers, #"{"contactId": "c-3"}"#, auth: secret), 401, code: "UNAUTHENTICATED")
        }
    }

    @Test("a key with the all-permissions scope may call every admin method")
    func allScopeKey() async throws {
        try await withAPI { harness, api in
            let secret = try await harness.apiKey(permissions: []).secret
            #expect(try await harness.dependencies.services.access.listKeys().first?.permissions == [Permission.allScope])
            expectOK(try await api.patch(Paths.program, #"{"referralProgram": {"revision": "1", "name": "All"}}"#, auth: secret))
            expectOK(try await api.post(Paths.customers, #"{"contactId": "c-1"}"#, auth: secret))
            expectOK(try await api.post(Paths.friends + "/query", "{}", auth: secret, site: "any-site"))
        }
    }

    @Test("a key lacking the method's permission is 403 PERMISSION_DENIED")
    func missingPermission() async throws {
        try await withAPI { harness, api in
            let reader = try await harness.apiKey(permissions: [.readProgram]).secret
            expectOK(try await api.get(Paths.program, auth: reader))
            expectError(
                try await api.patch(Paths.program, #"{"referralProgram": {"revision": "1", "name": "Nope"}}"#, auth: reader),
                403, code: "PERMISSION_DENIED"
            )
            expectError(try await api.patch(Paths.program + "/pause", auth: reader), 403, code: "PERMISSION_DENIED")
            expectError(try await api.post(Paths.customers, #"{"contactId": "c-1"}"#, auth: reader), 403, code: "PERMISSION_DENIED")

            let friendReader = try await harness.apiKey(permissions: [.readReferredFriends]).secret
            expectOK(try await api.post(Paths.friends + "/query", "{}", auth: friendReader))
            let customer = try await Given.referringCustomer(api, contact: "referrer-1")
            let referrerID = try #require(customer.string("id"))
            let create = #"{"referredFriend": {"contactId": "friend-1", "referringCustomerId": "\#(referrerID)"}}"#
            expectError(try await api.post(Paths.friends, create, auth: friendReader), 403, code: "PERMISSION_DENIED")
            expectError(try await api.post(Paths.customers + "/query", "{}", auth: friendReader), 403, code: "PERMISSION_DENIED")
        }
    }

    @Test("a key bound to one site is refused on another")
    func siteBoundKey() async throws {
        try await withAPI { harness, api in
            let secret = try await harness.apiKey(permissions: [.manageReferringCustomers, .readProgram], site: "site-a").secret
            expectOK(try await api.post(Paths.customers, #"{"contactId": "c-1"}"#, auth: secret, site: "site-a"))
            expectError(
                try await api.post(Paths.customers, #"{"contactId": "c-1"}"#, auth: secret, site: "site-b"), 403, code: "PERMISSION_DENIED")
            expectError(try await api.get(Paths.program, auth: secret, site: "site-b"), 403, code: "PERMISSION_DENIED")
            // Without the header the request is on the default site, which isn't the key's either.
            expectError(try await api.get(Paths.program, auth: secret), 403, code: "PERMISSION_DENIED")
        }
    }

    @Test("expired, wrongly signed, tampered and foreign-site tokens are refused")
    func badTokens() async throws {
        try await withAPI { harness, api in
            let expired = try await harness.member("member-1", ttl: -60)
            expectError(try await api.get(Paths.program, auth: expired), 401, code: "UNAUTHENTICATED")

            let forger = try await MemberTokens(secret: "some-other-secret-that-is-long-enough-000")
            let forged = try await forger.mint(site: try SiteID(validating: "default"), subject: "member-1", ttl: 3600)
            expectError(try await api.get(Paths.program, auth: "Bearer \(forged)"), 401, code: "UNAUTHENTICATED")

            let valid = try await harness.member("member-1")
            let parts = valid.dropFirst("Bearer ".count).split(separator: ".").map(String.init)
            #expect(parts.count == 3)
            let otherPayload = try await harness.member("member-2").dropFirst("Bearer ".count).split(separator: ".")[1]
            let spliced = "Bearer \(parts[0]).\(otherPayload).\(parts[2])"
            expectError(try await api.get(Paths.program, auth: spliced), 401, code: "UNAUTHENTICATED")
            expectError(try await api.get(Paths.program, auth: "Bearer a.b.c"), 401, code: "UNAUTHENTICATED")

            let foreign = try await harness.member("member-1", site: "site-b")
            expectError(try await api.get(Paths.program, auth: foreign), 403, code: "PERMISSION_DENIED")
            expectError(try await api.get(Paths.program, auth: foreign, site: "site-a"), 403, code: "PERMISSION_DENIED")
            expectOK(try await api.get(Paths.program, auth: foreign, site: "site-b"))
            expectOK(try await api.get(Paths.program, auth: valid))
        }
    }

    @Test("an invalid wix-site-id is 400", arguments: ["bad site", String(repeating: "s", count: 65), "", "site/1", "sité"])
    func invalidSite(site: String) async throws {
        try await withAPI { _, api in
            expectError(try await api.get(Paths.program, site: site), 400, field: "wix-site-id")
        }
    }

    @Test("the longest and most varied valid site ids are accepted")
    func validSites() async throws {
        try await withAPI { _, api in
            for site in [String(repeating: "s", count: 64), "A.b_c-9", "x"] {
                let response = try await api.get(Paths.program, site: site)
                expectOK(response)
            }
        }
    }

    @Test("data never crosses sites", arguments: Paths.customerBases)
    func siteIsolation(base: String) async throws {
        try await withAPI { harness, api in
            let customer = try await Given.referringCustomer(api, contact: "c-1", base: base, site: "site-a")
            let id = try #require(customer.string("id"))
            let code = try #require(customer.string("referralCode"))
            try await Given.activeProgram(api, site: "site-a")

            expectError(try await api.get("\(base)/\(id)", site: "site-b"), 404, code: "REFERRING_CUSTOMER_NOT_FOUND")
            expectError(try await api.get("\(base)/code/\(code)", site: "site-b"), 404, code: "REFERRAL_CODE_NOT_FOUND")
            expectError(try await api.delete("\(base)/\(id)", site: "site-b"), 404, code: "REFERRING_CUSTOMER_NOT_FOUND")
            let queryB = try await api.post(base + "/query", "{}", site: "site-b")
            expectOK(queryB)
            #expect(queryB.json["referringCustomers"] == .array([]))
            expectOK(try await api.get("\(base)/\(id)", site: "site-a"))
            // The default site is a site like any other.
            expectError(try await api.get("\(base)/\(id)"), 404, code: "REFERRING_CUSTOMER_NOT_FOUND")

            // Each site has its own program and its own contacts.
            #expect(try await api.get(Paths.program, site: "site-b").json["referralProgram"].string("status") == "DRAFT")
            #expect(try await api.get(Paths.program, site: "site-a").json["referralProgram"].string("status") == "ACTIVE")
            let sameContactB = try await Given.referringCustomer(api, contact: "c-1", base: base, site: "site-b")
            #expect(sameContactB.string("id") != id)

            // A code of site A can't be redeemed on site B.
            try await Given.activeProgram(api, site: "site-b")
            let memberB = try await harness.member("friend-1", site: "site-b")
            let redeem = try await api.post(Paths.friends, #"{"referralCode": "\#(code)"}"#, auth: memberB, site: "site-b")
            expectError(redeem, 404, code: "REFERRAL_CODE_NOT_FOUND")
        }
    }
}

import Foundation
import ReferralCore
import Testing

/// Referring customers under both path forms: generate, get, get by code, delete (SPEC §4).
@Suite("Referring customer routes")
struct ReferringCustomerRouteTests {
    @Test("generate creates a customer and returns the same record when repeated", arguments: Paths.customerBases)
    func generateIsIdempotent(base: String) async throws {
        try await withAPI { _, api in
            let response = try await api.post(base, #"{"contactId": "contact-0001"}"#)
            expectOK(response)
            let customer = try #require(response.json["referringCustomer"])
            #expect(Wire.isLowercaseUUID(customer.string("id")))
            #expect(customer.string("contactId") == "contact-0001")
            #expect(Wire.isReferralCode(customer.string("referralCode")))
            #expect(customer.string("revision") == "1")
            #expect(Wire.isTimestamp(customer.string("createdDate")))
            #expect(Wire.isTimestamp(customer.string("updatedDate")))

            let repeated = try await api.post(base, #"{"contactId": "contact-0001"}"#)
            expectOK(repeated)
            #expect(repeated.json["referringCustomer"] == customer)

            let other = try await Given.referringCustomer(api, contact: "contact-0002", base: base)
            #expect(other.string("id") != customer.string("id"))
            #expect(other.string("referralCode") != customer.string("referralCode"))
        }
    }

    @Test("a member generates their own customer with \"me\" or their own contact id", arguments: Paths.customerBases)
    func memberGeneratesOwn(base: String) async throws {
        try await withAPI { harness, api in
            let member = try await harness.member("member-7")
            let viaMe = try await api.post(base, #"{"contactId": "me"}"#, auth: member)
            expectOK(viaMe)
            #expect(viaMe.json["referringCustomer"].string("contactId") == "member-7")

            let viaOwnID = try await api.post(base, #"{"contactId": "member-7"}"#, auth: member)
            expectOK(viaOwnID)
            #expect(viaOwnID.json["referringCustomer"] == viaMe.json["referringCustomer"])
        }
    }

    @Test(
        "generate refuses \"me\" with an API key, other contacts for a member, visitors, and a missing contactId",
        arguments: Paths.customerBases)
    func generateRefusals(base: String) async throws {
        try await withAPI { harness, api in
            expectError(try await api.post(base, #"{"contactId": "me"}"#), 400, field: "contactId")
            let member = try await harness.member("member-7")
            expectError(try await api.post(base, #"{"contactId": "someone-else"}"#, auth: member), 403, code: "PERMISSION_DENIED")
            let visitor = try await harness.visitor("visitor-7")
            expectError(try await api.post(base, #"{"contactId": "me"}"#, auth: visitor), 403, code: "PERMISSION_DENIED")
            expectError(try await api.post(base, #"{"contactId": "visitor-7"}"#, auth: visitor), 403, code: "PERMISSION_DENIED")
            expectError(try await api.post(base, #"{}"#), 400, field: "contactId")
            expectError(try await api.post(base, #"{"contactId": 42}"#), 400, field: "contactId")

            // None of them created anything.
            let all = try await api.post(base + "/query", #"{"query": {}}"#)
            #expect(all.json["referringCustomers"] == .array([]))
        }
    }

    @Test("get by id, and 404 for an unknown or non-UUID id", arguments: Paths.customerBases)
    func getByID(base: String) async throws {
        try await withAPI { _, api in
            let customer = try await Given.referringCustomer(api, contact: "contact-1", base: base)
            let id = try #require(customer.string("id"))
            let read = try await api.get("\(base)/\(id)")
            expectOK(read)
            #expect(read.json["referringCustomer"] == customer)

            let upper = try await api.get("\(base)/\(id.uppercased())")
            #expect(upper.json["referringCustomer"] == customer, "ids are accepted in any case")

            expectError(try await api.get("\(base)/not-a-uuid"), 404, code: "REFERRING_CUSTOMER_NOT_FOUND")
            expectError(try await api.get("\(base)/\(UUID().uuidString.lowercased())"), 404, code: "REFERRING_CUSTOMER_NOT_FOUND")
        }
    }

    @Test("get by code is exact and case-sensitive", arguments: Paths.customerBases)
    func getByCode(base: String) async throws {
        try await withAPI { _, api in
            let customer = try await Given.referringCustomer(api, contact: "contact-1", base: base)
            let code = try #require(customer.string("referralCode"))
            let read = try await api.get("\(base)/code/\(code)")
            expectOK(read)
            #expect(read.json["referringCustomer"] == customer)

            // A code with at least one letter changes under one of the two case mappings.
            let otherCase = code.lowercased() != code ? code.lowercased() : code.uppercased()
            #expect(otherCase != code)
            expectError(try await api.get("\(base)/code/\(otherCase)"), 404, code: "REFERRAL_CODE_NOT_FOUND")
            expectError(try await api.get("\(base)/code/\(code.dropLast())"), 404, code: "REFERRAL_CODE_NOT_FOUND")
            expectError(try await api.get("\(base)/code/ZZZZZZZZZZZZ"), 404, code: "REFERRAL_CODE_NOT_FOUND")
        }
    }

    @Test(
        "delete answers {}, the customer is gone, and a new one for the contact gets a new code",
        arguments: Paths.customerBases)
    func deleteAndRegenerate(base: String) async throws {
        try await withAPI { _, api in
            let customer = try await Given.referringCustomer(api, contact: "contact-1", base: base)
            let id = try #require(customer.string("id"))
            let code = try #require(customer.string("referralCode"))

            let deleted = try await api.delete("\(base)/\(id)")
            expectOK(deleted)
            #expect(deleted.json == .object([:]))
            expectError(try await api.get("\(base)/\(id)"), 404, code: "REFERRING_CUSTOMER_NOT_FOUND")
            expectError(try await api.get("\(base)/code/\(code)"), 404, code: "REFERRAL_CODE_NOT_FOUND")
            expectError(try await api.delete("\(base)/\(id)"), 404, code: "REFERRING_CUSTOMER_NOT_FOUND")

            let again = try await api.post(base, #"{"contactId": "contact-1"}"#)
            expectOK(again)
            let renewed = try #require(again.json["referringCustomer"])
            #expect(renewed.string("contactId") == "contact-1")
            #expect(renewed.string("id") != id)
            #expect(Wire.isReferralCode(renewed.string("referralCode")))
            #expect(renewed.string("referralCode") != code, "a deleted customer's code is never reissued")
            #expect(renewed.string("revision") == "1")
        }
    }

    @Test("delete with a stale ?revision= is 409 and keeps the customer; the right one deletes", arguments: Paths.customerBases)
    func deleteWithRevision(base: String) async throws {
        try await withAPI { _, api in
            let customer = try await Given.referringCustomer(api, contact: "contact-1", base: base)
            let id = try #require(customer.string("id"))
            expectError(try await api.delete("\(base)/\(id)?revision=5"), 409, code: "REVISION_MISMATCH")
            expectError(try await api.delete("\(base)/\(id)?revision=abc"), 400)
            #expect(try await api.get("\(base)/\(id)").json["referringCustomer"] == customer)
            expectOK(try await api.delete("\(base)/\(id)?revision=1"))
            expectError(try await api.get("\(base)/\(id)"), 404, code: "REFERRING_CUSTOMER_NOT_FOUND")
        }
    }

    @Test("a member token can't get, query or delete referring customers", arguments: Paths.customerBases)
    func memberIsRefused(base: String) async throws {
        try await withAPI { harness, api in
            let member = try await harness.member("contact-1")
            let own = try await api.post(base, #"{"contactId": "me"}"#, auth: member)
            let id = try #require(own.json["referringCustomer"].string("id"))
            let code = try #require(own.json["referringCustomer"].string("referralCode"))

            expectError(try await api.get("\(base)/\(id)", auth: member), 403, code: "PERMISSION_DENIED")
            expectError(try await api.get("\(base)/code/\(code)", auth: member), 403, code: "PERMISSION_DENIED")
            expectError(try await api.post(base + "/query", #"{"query": {}}"#, auth: member), 403, code: "PERMISSION_DENIED")
            expectError(try await api.delete("\(base)/\(id)", auth: member), 403, code: "PERMISSION_DENIED")
            expectOK(try await api.get("\(base)/\(id)"))
        }
    }
}

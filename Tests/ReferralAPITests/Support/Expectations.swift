import Foundation
import ReferralCore
import Testing

/// The paths of SPEC §2, each resource in every form it is served under.
enum Paths {
    static let program = "/_api/referral-programs/v1/program"
    static let customerBases = ["/referral-customers/v1/referring-customers", "/v1/referring-customers"]
    static let friendBases = ["/referral_friends/v1/referred-friends", "/v1/referred-friends"]
    static let customers = customerBases[0]
    static let friends = friendBases[0]
}

/// Checks a success status, printing the body when it isn't.
func expectOK(_ response: APIResponse, sourceLocation: SourceLocation = #_sourceLocation) {
    #expect(response.status.code == 200, "\(response)", sourceLocation: sourceLocation)
}

/// Checks the status and the Wix error shape: `message`, and `details` holding exactly one of
/// `applicationError` / `validationError`. `code` is the application code expected, `field` a
/// field that `validationError.fieldViolations` must name.
func expectError(
    _ response: APIResponse, _ status: Int, code: String? = nil, field: String? = nil,
    sourceLocation: SourceLocation = #_sourceLocation
) {
    #expect(response.status.code == status, "\(response)", sourceLocation: sourceLocation)
    let json = response.json
    #expect(json["message"]?.stringValue != nil, "error body lacks a message: \(response)", sourceLocation: sourceLocation)
    let details = json["details"]?.objectValue ?? [:]
    let kinds = details.keys.filter { $0 == "applicationError" || $0 == "validationError" }
    #expect(kinds.count == 1, "details must hold exactly one error kind: \(response)", sourceLocation: sourceLocation)
    #expect(details.count == 1, "details must hold nothing else: \(response)", sourceLocation: sourceLocation)
    if let code {
        #expect(json["details"]?["applicationError"]?["code"]?.stringValue == code, "\(response)", sourceLocation: sourceLocation)
    }
    if let field {
        let fields = json["details"]?["validationError"]?["fieldViolations"]?.arrayValue?.compactMap { $0["field"]?.stringValue } ?? []
        #expect(fields.contains(field), "no violation of \(field): \(response)", sourceLocation: sourceLocation)
    }
}

/// Wire formats of SPEC §2.
enum Wire {
    static func isLowercaseUUID(_ text: String?) -> Bool {
        guard let text else { return false }
        return text.wholeMatch(of: #/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/#) != nil
    }

    static func isTimestamp(_ text: String?) -> Bool {
        guard let text else { return false }
        return text.wholeMatch(of: #/\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z/#) != nil
    }

    static func isReferralCode(_ text: String?) -> Bool {
        guard let text else { return false }
        return text.wholeMatch(of: #/[A-Za-z0-9]{12}/#) != nil
    }
}

/// Steps many scenarios share, made through HTTP with the admin key.
enum Given {
    /// The contact's referring customer (generated, or the existing one).
    static func referringCustomer(
        _ api: APIClient, contact: String, base: String = Paths.customers, site: String? = nil,
        sourceLocation: SourceLocation = #_sourceLocation
    ) async throws -> JSONValue {
        let response = try await api.post(base, #"{"contactId": \#(jsonString(contact))}"#, site: site)
        expectOK(response, sourceLocation: sourceLocation)
        return try #require(response.json["referringCustomer"], sourceLocation: sourceLocation)
    }

    /// Gives the program a successful referral action and activates it; returns the program.
    @discardableResult
    static func activeProgram(_ api: APIClient, site: String? = nil, sourceLocation: SourceLocation = #_sourceLocation)
        async throws -> JSONValue
    {
        let current = try await api.get(Paths.program, site: site)
        let revision = try #require(current.json["referralProgram"]?["revision"]?.stringValue, sourceLocation: sourceLocation)
        let updated = try await api.patch(
            Paths.program,
            #"{"referralProgram": {"revision": "\#(revision)", "successfulReferralActions": ["STORE_ORDER_PLACED"]}}"#,
            site: site
        )
        expectOK(updated, sourceLocation: sourceLocation)
        let activated = try await api.patch(Paths.program + "/activate", site: site)
        expectOK(activated, sourceLocation: sourceLocation)
        #expect(activated.json["referralProgram"]?["status"]?.stringValue == "ACTIVE", sourceLocation: sourceLocation)
        return try #require(activated.json["referralProgram"], sourceLocation: sourceLocation)
    }

    /// A referred friend created by a member token with `code` in the body.
    static func referredFriend(
        _ api: APIClient, harness: APITestHarness, contact: String, code: String, base: String = Paths.friends,
        sourceLocation: SourceLocation = #_sourceLocation
    ) async throws -> JSONValue {
        let response = try await api.post(
            base, #"{"referralCode": "\#(code)"}"#, auth: try await harness.member(contact)
        )
        expectOK(response, sourceLocation: sourceLocation)
        return try #require(response.json["referredFriend"], sourceLocation: sourceLocation)
    }
}

extension Optional where Wrapped == JSONValue {
    /// The string at `key` of an object, for terse assertions.
    func string(_ key: String) -> String? { self?[key]?.stringValue }
}

extension JSONValue {
    func string(_ key: String) -> String? { self[key]?.stringValue }
}

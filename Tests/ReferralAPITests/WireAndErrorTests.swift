import Foundation
import HTTPTypes
import Hummingbird
import ReferralAPI
import ReferralCore
import Testing

/// Wire conventions and the Wix error shape (SPEC §2), request ids and health checks (SPEC §8).
@Suite("Wire conventions and errors")
struct WireAndErrorTests {
    @Test("a malformed JSON body is 400 with a validationError", arguments: Paths.customerBases)
    func malformedJSON(base: String) async throws {
        try await withAPI { _, api in
            let response = try await api.post(base, #"{"contactId": "c-1""#)
            expectError(response, 400, field: "body")
            #expect(response.json["details"]?["validationError"] != nil)
            let notAnObject = try await api.post(base, #"["c-1"]"#)
            expectError(notAnObject, 400)
            #expect(notAnObject.json["details"]?["validationError"] != nil)
            let query = try await api.post(base + "/query", #"{"query": {"filter": "#)
            expectError(query, 400, field: "body")
            let empty = try await api.post(base + "/query", "{}")
            #expect(empty.json["referringCustomers"] == .array([]), "nothing was created by the bad requests")
        }
    }

    @Test(
        "query bodies: bad JSON and non-objects are 400, an absent or null query means the defaults",
        arguments: [
            (Paths.customers + "/query", "referringCustomers"), (Paths.friends + "/query", "referredFriends"),
            (TrackerPaths.events + "/query", "referralEvents"),
        ])
    func queryBodies(path: String, items: String) async throws {
        try await withAPI { _, api in
            for bad in [
                #"{"query": {"filter": "#, #"{"query": {}} trailing"#, #"{'query': {}}"#, "[1,]", String(repeating: "[", count: 10_000),
            ] {
                let response = try await api.post(path, bad)
                expectError(response, 400, field: "body")
                #expect(response.json["details"]?["validationError"] != nil)
            }
            for notAnObject in [#"[{"query": {}}]"#, #""query""#, "7", "null"] {
                expectError(try await api.post(path, notAnObject), 400, field: "body")
            }
            for defaults in ["", "{}", #"{"query": null}"#, #"{"query": {}, "extra": [1, 2]}"#, " {\n\t\"query\" : { } } "] {
                let response = try await api.post(path, defaults)
                expectOK(response)
                #expect(response.json[items] == .array([]))
            }
            expectError(try await api.post(path, #"{"query": "all"}"#), 400)
        }
    }

    @Test("unknown input fields are ignored")
    func unknownFieldsIgnored() async throws {
        try await withAPI { _, api in
            let response = try await api.post(Paths.customers, #"{"contactId": "c-1", "favouriteColour": "green", "id": "x"}"#)
            expectOK(response)
            #expect(Wire.isLowercaseUUID(response.json["referringCustomer"].string("id")))
            #expect(response.json["referringCustomer"]?["favouriteColour"] == nil)
        }
    }

    @Test("a body over 1 MiB is 413 PAYLOAD_TOO_LARGE", arguments: [Paths.customers, Paths.program, Paths.friends + "/query"])
    func payloadTooLarge(path: String) async throws {
        try await withAPI { _, api in
            #expect(AppConfiguration.defaultMaxBodyBytes == 1 << 20)
            let filler = String(repeating: "x", count: AppConfiguration.defaultMaxBodyBytes)
            let method: HTTPRequest.Method = path == Paths.program ? .patch : .post
            let response = try await api.send(method, path, json: #"{"contactId": "c-1", "filler": "\#(filler)"}"#)
            expectError(response, 413, code: "PAYLOAD_TOO_LARGE")

            // Just under the limit is read normally.
            let fits = String(repeating: "x", count: AppConfiguration.defaultMaxBodyBytes - 1024)
            let accepted = try await api.post(Paths.customers, #"{"contactId": "c-2", "filler": "\#(fits)"}"#)
            expectOK(accepted)
        }
    }

    @Test(
        "an unknown route is 404 in the Wix shape",
        arguments: ["/nope", "/v1/referring-customers/a/b/c", "/_api/referral-programs/v2/program"])
    func unknownRoute(path: String) async throws {
        try await withAPI { _, api in
            let response = try await api.get(path)
            expectError(response, 404, code: "NOT_FOUND")
            #expect(response.headers[.requestID] != nil)
            expectError(try await api.get(path, auth: nil), 404)
        }
    }

    /// Requests that fail in every way the API knows, for the shape check below.
    enum Failure: String, CaseIterable, Sendable {
        case unauthenticated, forbidden, badSite, malformed, invalidField, invalidFilter, notFound, conflict, precondition, tooLarge,
            noRoute
    }

    @Test("every error body has a message and exactly one of applicationError / validationError", arguments: Failure.allCases)
    func errorShape(failure: Failure) async throws {
        try await withAPI { harness, api in
            let response: APIResponse
            switch failure {
            case .unauthenticated: response = try await api.get(Paths.program, auth: nil)
            case .forbidden: response = try await api.patch(Paths.program + "/activate", auth: try await harness.visitor("v"))
            case .badSite: response = try await api.get(Paths.program, site: "no such site")
            case .malformed: response = try await api.post(Paths.customers, "{")
            case .invalidField: response = try await api.patch(Paths.program, #"{"referralProgram": {"revision": "1", "name": "x"}}"#)
            case .invalidFilter: response = try await api.post(Paths.customers + "/query", #"{"query": {"filter": {"x": 1}}}"#)
            case .notFound: response = try await api.get(Paths.customers + "/code/AAAAAAAAAAAA")
            case .conflict: response = try await api.patch(Paths.program, #"{"referralProgram": {"revision": "7"}}"#)
            case .precondition: response = try await api.patch(Paths.program + "/activate")
            case .tooLarge:
                response = try await api.post(Paths.customers, String(repeating: " ", count: AppConfiguration.defaultMaxBodyBytes + 1))
            case .noRoute: response = try await api.delete("/v1/unknown")
            }
            #expect(response.status.code >= 400 && response.status.code < 500, "\(response)")
            expectError(response, Int(response.status.code))
            #expect(response.headers[.contentType] == "application/json")
            #expect(response.headers[.requestID] != nil)
        }
    }

    @Test("responses carry an x-request-id, and an incoming one is echoed back")
    func requestIDs() async throws {
        try await withAPI { _, api in
            let first = try await api.get(Paths.program)
            let second = try await api.get(Paths.program)
            let firstID = try #require(first.headers[.requestID])
            #expect(!firstID.isEmpty)
            #expect(second.headers[.requestID] != firstID, "each request gets its own id")

            let echoed = try await api.send(.get, Paths.program, headers: [.requestID: "trace-abc-123"])
            #expect(echoed.headers[.requestID] == "trace-abc-123")
            let echoedOnError = try await api.send(.get, Paths.program, auth: nil, headers: [.requestID: "trace-err-9"])
            expectError(echoedOnError, 401, code: "UNAUTHENTICATED")
            #expect(echoedOnError.headers[.requestID] == "trace-err-9")

            // An id that could inject into logs or headers is replaced, not echoed.
            let long = String(repeating: "r", count: 129)
            let replaced = try await api.send(.get, Paths.program, headers: [.requestID: long])
            #expect(replaced.headers[.requestID] != nil)
            #expect(replaced.headers[.requestID] != long)
        }
    }

    @Test("health checks answer 200 without credentials", arguments: ["/healthz", "/readyz"])
    func healthChecks(path: String) async throws {
        try await withAPI { _, api in
            let response = try await api.get(path, auth: nil)
            expectOK(response)
            #expect(response.json["status"]?.stringValue != nil)
            #expect(response.headers[.requestID] != nil)
            let withBadSite = try await api.get(path, auth: nil, site: "bad site")
            expectOK(withBadSite)
        }
    }

    @Test("revisions are JSON strings and absent values are omitted")
    func outputEncoding() async throws {
        try await withAPI { _, api in
            let response = try await api.get(Paths.program)
            #expect(response.body.contains(#""revision":"1""#))
            #expect(!response.body.contains("null"))
            #expect(response.headers[.contentType] == "application/json")
        }
    }
}

import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import ReferralAPI
import ReferralCore
import ReferralStore
import ReferralTestSupport
import Testing

/// The application exactly as `referrals serve` builds it, over a fresh real database of the
/// current test pass (a SQLite file, or a PostgreSQL database), driven through Hummingbird's
/// router test client.
struct APITestHarness: Sendable {
    static let adminKey = "rfk_test_admin_key_0123456789abcdefghijkl"
    static let tokenSecret = "test-token-secret-0123456789abcdefghijkl"
    /// The `Authorization` header of the bootstrap admin key.
    static let admin = "Bearer \(adminKey)"

    let store: any ReferralStore
    let configuration: AppConfiguration
    let dependencies: AppDependencies
    let tokens: MemberTokens
    let database: TestDatabase

    /// - Parameter generators: the clock, id and code sources; the real ones unless a test scripts them.
    static func make(generators: Generators = .live) async throws -> APITestHarness {
        var logger = Logger(label: "referral-api-tests")
        logger.logLevel = .error
        let database = try await TestDatabase.make()
        let store: any ReferralStore
        do {
            store = try await database.openStore(logger: logger)
        } catch {
            await database.drop()
            throw error
        }
        do {
            let configuration = AppConfiguration(
                defaultSite: try SiteID(validating: "default"), adminAPIKey: adminKey, tokenSecret: tokenSecret
            )
            let dependencies = try await AppDependencies.make(
                store: store, configuration: configuration, generators: generators, logger: logger
            )
            return APITestHarness(
                store: store, configuration: configuration, dependencies: dependencies,
                tokens: try await MemberTokens(secret: tokenSecret), database: database
            )
        } catch {
            try? await store.close()
            await database.drop()
            throw error
        }
    }

    func close() async throws {
        try await store.close()
        await database.drop()
    }

    /// `Authorization` value of a member token for `contact`.
    func member(_ contact: String, site: String = "default", referralCode: String? = nil, ttl: TimeInterval = 3600) async throws -> String {
        "Bearer "
            + (try await tokens.mint(
                site: try SiteID(validating: site), subject: contact, role: .member, ttl: ttl, referralCode: referralCode
            ))
    }

    /// `Authorization` value of a visitor token.
    func visitor(_ visitorID: String, site: String = "default", referralCode: String? = nil) async throws -> String {
        "Bearer "
            + (try await tokens.mint(
                site: try SiteID(validating: site), subject: visitorID, role: .visitor, ttl: 3600, referralCode: referralCode
            ))
    }

    /// A new API key with only `permissions`, optionally bound to one site; returns the key and its secret.
    func apiKey(permissions: [Permission], site: String? = nil) async throws -> (key: APIKey, secret: String) {
        try await dependencies.services.access.createKey(
            name: "test key", site: try site.map { try SiteID(validating: $0) }, permissions: permissions.map(\.rawValue)
        )
    }
}

/// Runs `body` against a fresh application and store; the store is closed whatever happens.
func withAPI(
    generators: Generators = .live, _ body: @escaping @Sendable (APITestHarness, APIClient) async throws -> Void
) async throws {
    let harness = try await APITestHarness.make(generators: generators)
    do {
        let app = buildApplication(configuration: harness.configuration, dependencies: harness.dependencies)
        try await app.test(.router) { client in
            try await body(harness, APIClient(client: client))
        }
    } catch {
        try? await harness.close()
        throw error
    }
    try await harness.close()
}

/// Sends JSON requests with the headers this API cares about.
struct APIClient: Sendable {
    let client: any TestClientProtocol

    /// - Parameters:
    ///   - auth: the whole `Authorization` value; the admin key by default, nil for none.
    ///   - site: the `wix-site-id` header, absent when nil.
    ///   - json: a JSON body as text.
    func send(
        _ method: HTTPRequest.Method, _ uri: String, auth: String? = APITestHarness.admin, site: String? = nil,
        json: String? = nil, body: ByteBuffer? = nil, headers extra: HTTPFields = [:]
    ) async throws -> APIResponse {
        var headers = extra
        if let auth { headers[.authorization] = auth }
        if let site { headers[.wixSiteID] = site }
        var payload = body
        if let json {
            headers[.contentType] = "application/json"
            payload = ByteBuffer(string: json)
        }
        return try await client.execute(uri: uri, method: method, headers: headers, body: payload) { response in
            APIResponse(status: response.status, headers: response.headers, body: String(buffer: response.body))
        }
    }

    func get(_ uri: String, auth: String? = APITestHarness.admin, site: String? = nil) async throws -> APIResponse {
        try await send(.get, uri, auth: auth, site: site)
    }

    func post(_ uri: String, _ json: String, auth: String? = APITestHarness.admin, site: String? = nil) async throws -> APIResponse {
        try await send(.post, uri, auth: auth, site: site, json: json)
    }

    func patch(_ uri: String, _ json: String = "{}", auth: String? = APITestHarness.admin, site: String? = nil) async throws -> APIResponse
    {
        try await send(.patch, uri, auth: auth, site: site, json: json)
    }

    func delete(_ uri: String, auth: String? = APITestHarness.admin, site: String? = nil) async throws -> APIResponse {
        try await send(.delete, uri, auth: auth, site: site)
    }
}

/// A response with its body kept as text and parsed on demand.
struct APIResponse: Sendable, CustomStringConvertible {
    let status: HTTPResponse.Status
    let headers: HTTPFields
    let body: String

    /// The body as JSON; `.null` when it isn't JSON.
    var json: JSONValue {
        (try? JSONDecoder().decode(JSONValue.self, from: Data(body.utf8))) ?? .null
    }

    var description: String { "\(status.code) \(body)" }
}

extension HTTPField.Name {
    static let wixSiteID = HTTPField.Name("wix-site-id")!
    static let requestID = HTTPField.Name("x-request-id")!
}

extension JSONValue {
    subscript(_ key: String) -> JSONValue? { objectValue?[key] }

    subscript(_ index: Int) -> JSONValue? {
        guard let array = arrayValue, array.indices.contains(index) else { return nil }
        return array[index]
    }
}

/// Escapes text for use inside a JSON string literal.
func jsonString(_ text: String) -> String {
    let data = try! JSONEncoder().encode(text)
    return String(decoding: data, as: UTF8.self)
}

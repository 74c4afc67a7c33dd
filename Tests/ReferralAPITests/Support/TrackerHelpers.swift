import Foundation
import HummingbirdTesting
import ReferralAPI
import ReferralCore
import Testing

/// The rewards and tracker paths of SPEC §2 and §4.
enum TrackerPaths {
    static let rewardBases = ["/_api/referral-rewards/v1/referral-rewards", "/v1/referral-rewards"]
    static let eventBases = ["/_api/referral-tracker/v1/referral-events", "/v1/referral-events"]
    static let rewards = rewardBases[0]
    static let events = eventBases[0]
    static let statistics = "/_api/referral-tracker/v1/referral-statistics"
    static let customerTotals = "/_api/referral-tracker/v1/referring-customer-totals/query"
    static let friendActions = "/_api/referral-tracker/v1/referred-friend-actions/query"
    static let socialPosts = Paths.program + "/ai-social-media-posts-suggestions"

    /// One path form of every resource a referral touches: all service-prefixed, or all short.
    struct Form: Sendable, CustomTestStringConvertible {
        let rewards: String
        let events: String
        let customers: String
        let friends: String

        var testDescription: String { rewards.hasPrefix("/_api") ? "service-prefixed paths" : "short /v1 paths" }
    }

    static let forms = [0, 1].map {
        Form(rewards: rewardBases[$0], events: eventBases[$0], customers: Paths.customerBases[$0], friends: Paths.friendBases[$0])
    }
}

/// The rewards of the scenarios, as JSON text of a program's `Reward`.
enum Rewards {
    static let couponOptions = """
        {"name": "Friend discount", "discountType": "PERCENTAGE", "percentageOptions": {"percentage": 10},
         "scope": {"namespace": "stores"}, "limitedToOneItem": true}
        """
    static let friendCoupon = #"{"type": "COUPON", "couponOptions": \#(couponOptions)}"#
    static let referrerPoints = #"{"type": "LOYALTY_POINTS", "loyaltyPointsOptions": {"amount": 100}}"#
    static let referrerCoupon =
        #"{"type": "COUPON", "couponOptions": {"discountType": "FIXED_AMOUNT", "fixedAmountOptions": {"amount": 15}}}"#
    static let nothing = #"{"type": "NOTHING"}"#
}

/// The parties of one referral.
struct Referral: Sendable {
    let referrerID: String
    let code: String
    let friendID: String
}

extension Given {
    /// Updates the program with `fields` (members of `referralProgram`, as JSON text) at its current revision.
    @discardableResult
    static func updateProgram(_ api: APIClient, _ fields: String, site: String? = nil, sourceLocation: SourceLocation = #_sourceLocation)
        async throws -> JSONValue
    {
        let current = try await api.get(Paths.program, site: site)
        let revision = try #require(current.json["referralProgram"].string("revision"), sourceLocation: sourceLocation)
        let updated = try await api.patch(Paths.program, #"{"referralProgram": {"revision": "\#(revision)", \#(fields)}}"#, site: site)
        expectOK(updated, sourceLocation: sourceLocation)
        return try #require(updated.json["referralProgram"], sourceLocation: sourceLocation)
    }

    /// Configures rewards and actions, then activates the program (unless told not to); returns the program.
    @discardableResult
    static func rewardingProgram(
        _ api: APIClient, site: String? = nil, friendReward: String = Rewards.friendCoupon,
        referrerReward: String = Rewards.referrerPoints, actions: [String] = ["STORE_ORDER_PLACED"], activate: Bool = true,
        sourceLocation: SourceLocation = #_sourceLocation
    ) async throws -> JSONValue {
        let list = actions.map { #""\#($0)""# }.joined(separator: ", ")
        let program = try await updateProgram(
            api,
            #""successfulReferralActions": [\#(list)], "referredFriendReward": \#(friendReward), "referringCustomerReward": \#(referrerReward)"#,
            site: site, sourceLocation: sourceLocation
        )
        guard activate else { return program }
        let activated = try await api.patch(Paths.program + "/activate", site: site)
        expectOK(activated, sourceLocation: sourceLocation)
        return try #require(activated.json["referralProgram"], sourceLocation: sourceLocation)
    }

    /// A referring customer for `referrer` and a friend `friend` signed up through the API-key form.
    static func referral(
        _ api: APIClient, referrer: String = "referrer-1", friend: String = "friend-1", form: TrackerPaths.Form = TrackerPaths.forms[0],
        site: String? = nil, sourceLocation: SourceLocation = #_sourceLocation
    ) async throws -> Referral {
        let customer = try await referringCustomer(api, contact: referrer, base: form.customers, site: site, sourceLocation: sourceLocation)
        let code = try #require(customer.string("referralCode"), sourceLocation: sourceLocation)
        let created = try await api.post(
            form.friends, #"{"contactId": \#(jsonString(friend)), "referralCode": "\#(code)"}"#, site: site)
        expectOK(created, sourceLocation: sourceLocation)
        return Referral(
            referrerID: try #require(customer.string("id"), sourceLocation: sourceLocation), code: code,
            friendID: try #require(created.json["referredFriend"].string("id"), sourceLocation: sourceLocation)
        )
    }
}

/// Report Action [ext] bodies and calls.
enum Report {
    /// `{"referralEvent": {"actionEvent": {...}}}`; `amount` is raw JSON (a quoted string normally), nil values are left out.
    static func body(
        contactId: String? = nil, referredFriendId: String? = nil, activityType: String = "STORE_ORDER_PLACED",
        appId: String? = "stores-app", amount: String? = #""49.90""#, currency: String? = "USD", orderId: String? = "o-1"
    ) -> String {
        var trigger = [#""activityType": \#(jsonString(activityType))"#]
        if let appId { trigger.insert(#""appId": \#(jsonString(appId))"#, at: 0) }
        var members: [String] = []
        if let contactId { members.append(#""contactId": \#(jsonString(contactId))"#) }
        if let referredFriendId { members.append(#""referredFriendId": \#(jsonString(referredFriendId))"#) }
        members.append(#""trigger": {\#(trigger.joined(separator: ", "))}"#)
        if let amount { members.append(#""amount": \#(amount)"#) }
        if let currency { members.append(#""currency": \#(jsonString(currency))"#) }
        if let orderId { members.append(#""orderId": \#(jsonString(orderId))"#) }
        return #"{"referralEvent": {"actionEvent": {\#(members.joined(separator: ", "))}}}"#
    }

    /// Reports an order of `contact` and expects success; returns the `referralEvent`.
    @discardableResult
    static func order(
        _ api: APIClient, contact: String, orderId: String, amount: String = "49.90", activityType: String = "STORE_ORDER_PLACED",
        appId: String = "stores-app", base: String = TrackerPaths.events, site: String? = nil,
        sourceLocation: SourceLocation = #_sourceLocation
    ) async throws -> JSONValue {
        let response = try await api.post(
            base, body(contactId: contact, activityType: activityType, appId: appId, amount: jsonString(amount), orderId: orderId),
            site: site)
        expectOK(response, sourceLocation: sourceLocation)
        return try #require(response.json["referralEvent"], sourceLocation: sourceLocation)
    }
}

/// Reads through HTTP with the admin key, expecting success.
enum Fetch {
    /// Query Referral Rewards; `body` is the whole request body.
    static func rewards(
        _ api: APIClient, _ body: String = "{}", base: String = TrackerPaths.rewards, auth: String? = APITestHarness.admin,
        site: String? = nil, sourceLocation: SourceLocation = #_sourceLocation
    ) async throws -> [JSONValue] {
        let response = try await api.post(base + "/query", body, auth: auth, site: site)
        expectOK(response, sourceLocation: sourceLocation)
        return try #require(response.json["referralRewards"]?.arrayValue, sourceLocation: sourceLocation)
    }

    /// The rewards whose receiver is `contact`.
    static func rewards(
        _ api: APIClient, of contact: String, base: String = TrackerPaths.rewards, site: String? = nil,
        sourceLocation: SourceLocation = #_sourceLocation
    ) async throws -> [JSONValue] {
        try await rewards(
            api, #"{"query": {}, "contactId": \#(jsonString(contact))}"#, base: base, site: site, sourceLocation: sourceLocation)
    }

    /// Query Referral Events with `filter` (JSON text), or all events.
    static func events(
        _ api: APIClient, filter: String? = nil, base: String = TrackerPaths.events, site: String? = nil,
        sourceLocation: SourceLocation = #_sourceLocation
    ) async throws -> [JSONValue] {
        let body = filter.map { #"{"query": {"filter": \#($0)}}"# } ?? #"{"query": {}}"#
        let response = try await api.post(base + "/query", body, site: site)
        expectOK(response, sourceLocation: sourceLocation)
        return try #require(response.json["referralEvents"]?.arrayValue, sourceLocation: sourceLocation)
    }

    static func statistics(_ api: APIClient, site: String? = nil, sourceLocation: SourceLocation = #_sourceLocation) async throws
        -> JSONValue
    {
        let response = try await api.get(TrackerPaths.statistics, site: site)
        expectOK(response, sourceLocation: sourceLocation)
        return response.json
    }

    static func friend(_ api: APIClient, id: String, base: String = Paths.friends, sourceLocation: SourceLocation = #_sourceLocation)
        async throws -> JSONValue
    {
        let response = try await api.get(base + "/" + id)
        expectOK(response, sourceLocation: sourceLocation)
        return try #require(response.json["referredFriend"], sourceLocation: sourceLocation)
    }
}

/// The one-of members of a `ReferralEvent` and the `eventType` each implies.
enum EventMember {
    static let byType = [
        "REFERRED_FRIEND_SIGNUP": "referredFriendSignupEvent", "SUCCESSFUL_REFERRAL": "successfulReferralEvent",
        "ACTION": "actionEvent", "REWARD": "rewardEvent",
    ]

    /// The one-of members present in `event`.
    static func present(_ event: JSONValue) -> [String] {
        byType.values.filter { event[$0] != nil }.sorted()
    }

    /// The events having exactly the member `name` (and no other).
    static func only(_ name: String, in events: [JSONValue]) -> [JSONValue] {
        events.filter { present($0) == [name] }
    }
}

/// The expected statistics object.
func expectedStatistics(signUps: Int, actions: Int, amount: String) -> JSONValue {
    .object([
        "totalSignUpsCompleted": .number(Double(signUps)), "totalActionsCompleted": .number(Double(actions)),
        "totalAmountGenerated": .string(amount),
    ])
}

/// Runs `body` against an application whose configuration `configure` changed, over a fresh store.
func withConfiguredAPI(
    _ configure: @escaping @Sendable (inout AppConfiguration) -> Void,
    _ body: @escaping @Sendable (APITestHarness, APIClient) async throws -> Void
) async throws {
    let harness = try await APITestHarness.make()
    do {
        var configuration = harness.configuration
        configure(&configuration)
        let app = buildApplication(configuration: configuration, dependencies: harness.dependencies)
        try await app.test(.router) { client in
            try await body(harness, APIClient(client: client))
        }
    } catch {
        try? await harness.close()
        throw error
    }
    try await harness.close()
}

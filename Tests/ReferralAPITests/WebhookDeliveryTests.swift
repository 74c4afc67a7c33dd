import Foundation
import Logging
import ReferralAPI
import ReferralCore
import ReferralTestSupport
import Testing

/// Webhook delivery end to end: a real receiver on loopback, the real dispatcher, a test clock.
@Suite("Webhook delivery")
struct WebhookDeliveryTests {
    static let subscriptions = "/_api/referral-webhooks/v1/subscriptions"

    /// A dispatcher on `clock`, which is first brought to the present so the events just made are due.
    func dispatcher(_ harness: APITestHarness, clock: TestClock) -> WebhookDispatcher {
        clock.advance(to: Date())
        var logger = Logger(label: "webhook-tests")
        logger.logLevel = .critical
        var options = WebhookDispatcher.Options()
        options.timeout = .seconds(5)
        return WebhookDispatcher(
            store: harness.store, secrets: harness.dependencies.secrets, options: options, now: clock.now, logger: logger)
    }

    /// Subscribes `url` to `types` and returns the subscription id and secret.
    func subscribe(_ api: APIClient, url: String, types: String = #"["*"]"#) async throws -> (id: String, secret: String) {
        let response = try await api.post(Self.subscriptions, #"{"subscription": {"url": "\#(url)", "eventTypes": \#(types)}}"#)
        expectOK(response)
        return (
            try #require(response.json["subscription"].string("id")), try #require(response.json.string("secret"))
        )
    }

    func deliveries(_ api: APIClient, subscription: String) async throws -> [JSONValue] {
        let response = try await api.get("\(Self.subscriptions)/\(subscription)/deliveries?limit=500")
        expectOK(response)
        return response.json["deliveries"]?.arrayValue ?? []
    }

    @Test("every event of a scenario arrives signed, once after de-duplication, and failures are retried")
    func scenario() async throws {
        let receiver = try await WebhookReceiver.start()
        let clock = TestClock(Date())
        try await withAPI { harness, api in
            let (subscription, secret) = try await subscribe(api, url: receiver.url)
            receiver.expect(secret: secret)
            receiver.answer([500, 500, 503])

            try await Given.activeProgram(api)
            let alice = try await Given.referringCustomer(api, contact: "alice")
            let friend = try await Given.referredFriend(
                api, harness: harness, contact: "bob", code: try #require(alice.string("referralCode")))
            let report = try await api.post(
                "/v1/referral-events",
                #"{"referralEvent": {"actionEvent": {"contactId": "bob", "trigger": {"activityType": "STORE_ORDER_PLACED"}, "orderId": "o-1"}}}"#
            )
            expectOK(report)
            expectOK(try await api.delete("\(Paths.friends)/\(try #require(friend.string("id")))"))

            let dispatcher = dispatcher(harness, clock: clock)
            for _ in 0..<20 {
                let sent = try await dispatcher.dispatchDue()
                let pending = try await deliveries(api, subscription: subscription).filter { $0.string("status") == "PENDING" }
                if sent == 0 && pending.isEmpty { break }
                clock.advance(by: 3700)  // past the longest backoff
            }
            try await dispatcher.shutdown()

            let site = try SiteID(validating: "default")
            let recorded = try await harness.store.read { try await $0.changeEvents.list(site: site, after: nil, limit: 1000) }
            let received = receiver.received
            #expect(!recorded.isEmpty)
            #expect(Set(received.map(\.eventID)) == Set(recorded.map(\.id.lowercased)))
            #expect(received.allSatisfy { $0.signatureValid })
            #expect(received.count == recorded.count + 3, "three failed answers, each retried once")
            #expect(Set(received.filter { $0.answered == 200 }.map(\.eventID)).count == recorded.count)

            let listed = try await deliveries(api, subscription: subscription)
            #expect(listed.count == recorded.count)
            #expect(listed.allSatisfy { $0.string("status") == "DELIVERED" })
            #expect(listed.filter { $0["attempts"]?.intValue ?? 0 > 1 }.count >= 1)

            // The body carries the entity exactly as the REST API shows it.
            let created = try #require(
                received.first { $0.eventType == "wix.loyalty.referral.v1.referring_customer_created" && $0.answered == 200 }
            )
            let body = try JSONDecoder().decode(JSONValue.self, from: created.body)
            #expect(body["createdEvent"]?["entity"] == alice)
            #expect(body.string("entityFqdn") == "wix.loyalty.referral.v1.referring_customer")
            #expect(body.string("slug") == "created")
            #expect(body.string("siteId") == "default")
            #expect(body.string("entityEventSequence") == "1")
            let deleted = try #require(received.first { $0.eventType == "wix.loyalty.referral.v1.referred_friend_deleted" })
            let deletedBody = try JSONDecoder().decode(JSONValue.self, from: deleted.body)
            #expect(deletedBody["deletedEvent"]?["deletedEntity"]?.string("id") == friend.string("id"))
        }
        await receiver.stop()
    }

    @Test("an unreachable URL ends DEAD after the policy's tries, then shows as a dead letter and can be replayed")
    func unreachable() async throws {
        let clock = TestClock(Date())
        try await withAPI { harness, api in
            // Port 1 on loopback refuses connections at once.
            let (subscription, _) = try await subscribe(api, url: "http://127.0.0.1:1/hook")
            _ = try await Given.referringCustomer(api, contact: "alice")
            let dispatcher = dispatcher(harness, clock: clock)
            let start = clock.now()
            var tries: [Date] = []
            for _ in 0..<200 {
                guard try await dispatcher.dispatchDue() == 1 else { break }
                tries.append(clock.now())
                let delivery = try #require(try await deliveries(api, subscription: subscription).first)
                guard delivery.string("status") == "PENDING", let next = Timestamp.parse(delivery.string("nextAttemptDate") ?? "") else {
                    break
                }
                clock.advance(to: next)
            }
            try await dispatcher.shutdown()

            let delivery = try #require(try await deliveries(api, subscription: subscription).first)
            #expect(delivery.string("status") == "DEAD")
            #expect(delivery["attempts"]?.intValue == tries.count)
            #expect((60...100).contains(tries.count), "about 9 growing delays, then hourly for 72 hours: \(tries.count)")
            let gaps = zip(tries.dropFirst(), tries).map { $0.timeIntervalSince($1) }
            #expect(gaps.first.map { (8...12).contains($0) } == true, "first retry after about 10 s")
            #expect(gaps.allSatisfy { $0 <= 3600 * 1.2 + 1 }, "never more than an hour (plus jitter) between tries")
            #expect(try #require(tries.last).timeIntervalSince(start) <= 72 * 3600)
            #expect(delivery.string("lastError") != nil)

            let dead = try await api.get("/_api/referral-webhooks/v1/dead-letters")
            #expect(dead.json["deliveries"]?.arrayValue?.map { $0.string("id") } == [delivery.string("id")])
            let replay = try await api.post(
                "\(Self.subscriptions)/\(subscription)/replay", #"{"eventId": "\#(try #require(delivery.string("eventId")))"}"#)
            #expect(replay.json["replayed"]?.intValue == 1)
            let statuses = try await deliveries(api, subscription: subscription).compactMap { $0.string("status") }.sorted()
            #expect(statuses == ["DEAD", "PENDING"])
        }
    }

    @Test("replaying a time range sends only the event types the subscription wants")
    func rangeReplay() async throws {
        try await withAPI { _, api in
            let start = Date()
            try await Given.activeProgram(api)
            _ = try await Given.referringCustomer(api, contact: "alice")
            _ = try await Given.referringCustomer(api, contact: "carol")
            let (id, _) = try await subscribe(
                api, url: "https://example.com/hook", types: #"["wix.loyalty.referral.v1.referring_customer_created"]"#)
            let range =
                #"{"from": "\#(Timestamp.format(start.addingTimeInterval(-1)))", "to": "\#(Timestamp.format(Date().addingTimeInterval(1)))"}"#
            let replay = try await api.post("\(Self.subscriptions)/\(id)/replay", range)
            expectOK(replay)
            #expect(replay.json["replayed"]?.intValue == 2, "two customers created; the program updates are not wanted")
            let types = Set(try await deliveries(api, subscription: id).compactMap { $0.string("eventType") })
            #expect(types == ["wix.loyalty.referral.v1.referring_customer_created"])
            expectError(try await api.post("\(Self.subscriptions)/\(id)/replay", #"{"from": "yesterday"}"#), 400, field: "from")
            expectError(try await api.post("\(Self.subscriptions)/\(id)/replay", "{}"), 400, field: "eventId")
        }
    }

    @Test("subscriptions: create, list, get, rotate the secret, delete; validation and permissions")
    func subscriptionManagement() async throws {
        let receiver = try await WebhookReceiver.start()
        let clock = TestClock(Date())
        try await withAPI { harness, api in
            let (id, secret) = try await subscribe(
                api, url: receiver.url, types: #"["wix.loyalty.referral.v1.referring_customer_created"]"#)
            #expect(secret.hasPrefix("whsec_"))
            let listed = try await api.get(Self.subscriptions)
            #expect(listed.json["subscriptions"]?.arrayValue?.count == 1)
            let one = try await api.get("\(Self.subscriptions)/\(id)")
            #expect(one.json["subscription"]?["eventTypes"] == .array([.string("wix.loyalty.referral.v1.referring_customer_created")]))
            #expect(one.json["subscription"]?["secret"] == nil, "the secret is never shown again")

            // Only the subscribed type is delivered; after a rotation the new secret signs.
            let rotated = try await api.post("\(Self.subscriptions)/\(id)/rotate-secret", "{}")
            let newSecret = try #require(rotated.json.string("secret"))
            #expect(newSecret != secret)
            receiver.expect(secret: newSecret)
            try await Given.activeProgram(api)
            _ = try await Given.referringCustomer(api, contact: "alice")
            let dispatcher = dispatcher(harness, clock: clock)
            try await dispatcher.dispatchDue()
            try await dispatcher.shutdown()
            #expect(receiver.received.map(\.eventType) == ["wix.loyalty.referral.v1.referring_customer_created"])
            #expect(receiver.received.allSatisfy { $0.signatureValid })

            expectOK(try await api.delete("\(Self.subscriptions)/\(id)"))
            expectError(try await api.get("\(Self.subscriptions)/\(id)"), 404, code: "WEBHOOK_SUBSCRIPTION_NOT_FOUND")

            let badURL = try await api.post(Self.subscriptions, #"{"subscription": {"url": "ftp://example.com", "eventTypes": ["*"]}}"#)
            expectError(badURL, 400, field: "subscription.url")
            let badType = try await api.post(
                Self.subscriptions, #"{"subscription": {"url": "https://example.com", "eventTypes": ["nope"]}}"#)
            expectError(badType, 400, field: "subscription.eventTypes[0]")
            let reader = try await harness.apiKey(permissions: [.readProgram])
            expectError(try await api.get(Self.subscriptions, auth: reader.secret), 403, code: "PERMISSION_DENIED")
        }
        await receiver.stop()
    }
}

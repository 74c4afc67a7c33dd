import Foundation
import ReferralTestSupport
import Testing

/// Two `referrals serve` processes on one PostgreSQL database, with concurrent requests split
/// across them: every uniqueness and exactly-once rule holds across processes, because the
/// database enforces them. Runs in the PostgreSQL pass of scripts/test.
@Suite("Several instances on one database", .serialized)
struct MultiInstanceTests {
    /// Several instances share a database only on PostgreSQL.
    static var backends: [TestBackend] { TestBackend.current == .postgres ? [.postgres] : [] }

    /// Sends `count` requests, alternating between the servers, all at once; returns the bodies of the 200s.
    func split(_ count: Int, across servers: [LiveServer], _ method: String, _ path: String, body: String) async throws -> [[String: Any]] {
        let results = try await withThrowingTaskGroup(of: (Int, Data).self) { group in
            for index in 0..<count {
                let server = servers[index % servers.count]
                group.addTask {
                    let (status, json) = try await server.call(method, path, body: body)
                    return (status, try JSONSerialization.data(withJSONObject: json))
                }
            }
            return try await group.reduce(into: [(Int, Data)]()) { $0.append($1) }
        }
        #expect(results.allSatisfy { $0.0 == 200 }, "statuses: \(results.map(\.0))")
        return results.compactMap { try? JSONSerialization.jsonObject(with: $0.1) as? [String: Any] }
    }

    @Test("uniqueness and exactly-once hold across two server processes", arguments: backends)
    func twoInstances(backend: TestBackend) async throws {
        let receiver = try await WebhookReceiver.start()
        try await withLiveDatabase { database in
            let environment = ["REFERRALS_WEBHOOK_POLL_MS": "20"]
            let first = try LiveServer(database: database.argument, environment: environment)
            let second = try LiveServer(database: database.argument, environment: environment)
            let servers = [first, second]
            // Both instances deliver webhooks from one shared queue.
            let (subscribed, subscription) = try await first.call(
                "POST", "/_api/referral-webhooks/v1/subscriptions",
                body: #"{"subscription": {"url": "\#(receiver.url)", "eventTypes": ["*"]}}"#
            )
            #expect(subscribed == 200)
            receiver.expect(secret: try #require(subscription["secret"] as? String))

            let (_, program) = try await first.call("GET", "/_api/referral-programs/v1/program")
            let revision = try #require((program["referralProgram"] as? [String: Any])?["revision"] as? String)
            let (activated, _) = try await second.call(
                "PATCH", "/_api/referral-programs/v1/program",
                body: #"""
                    {"referralProgram":{"revision":"\#(revision)","status":"ACTIVE","successfulReferralActions":["STORE_ORDER_PLACED"],
                    "referredFriendReward":{"type":"COUPON","couponOptions":{"discountType":"PERCENTAGE","percentageOptions":{"percentage":10}}},
                    "referringCustomerReward":{"type":"LOYALTY_POINTS","loyaltyPointsOptions":{"amount":100}}}}
                    """#
            )
            #expect(activated == 200)

            // 30 generates for one contact → one referring customer.
            let customers = try await split(30, across: servers, "POST", "/v1/referring-customers", body: #"{"contactId":"alice"}"#)
            let customerIDs = Set(customers.compactMap { ($0["referringCustomer"] as? [String: Any])?["id"] as? String })
            #expect(customers.count == 30)
            #expect(customerIDs.count == 1)
            let customerID = try #require(customerIDs.first)

            // 20 friend creations for one contact → one referred friend.
            let friends = try await split(
                20, across: servers, "POST", "/v1/referred-friends",
                body: #"{"referredFriend":{"contactId":"bob","referringCustomerId":"\#(customerID)"}}"#
            )
            #expect(Set(friends.compactMap { ($0["referredFriend"] as? [String: Any])?["id"] as? String }).count == 1)

            // 25 reports of one order → one action event and one referrer reward.
            let reports = try await split(
                25, across: servers, "POST", "/v1/referral-events",
                body:
                    #"{"referralEvent":{"actionEvent":{"contactId":"bob","trigger":{"activityType":"STORE_ORDER_PLACED"},"amount":"20.00","orderId":"o-1"}}}"#
            )
            #expect(Set(reports.compactMap { ($0["referralEvent"] as? [String: Any])?["id"] as? String }).count == 1)
            let (_, rewards) = try await first.call("POST", "/v1/referral-rewards/query", body: #"{"contactId":"alice"}"#)
            #expect((rewards["referralRewards"] as? [[String: Any]])?.count == 1)
            let (_, friendRewards) = try await second.call("POST", "/v1/referral-rewards/query", body: #"{"contactId":"bob"}"#)
            #expect((friendRewards["referralRewards"] as? [[String: Any]])?.count == 1)
            let (_, statistics) = try await second.call("GET", "/_api/referral-tracker/v1/referral-statistics")
            #expect(statistics["totalActionsCompleted"] as? Int == 1)
            #expect(statistics["totalAmountGenerated"] as? String == "20.00")

            // Every event is delivered, each exactly once although two dispatchers share the queue.
            let (_, listed) = try await first.call(
                "POST", "/v1/referral-events/query", body: #"{"query": {"cursorPaging": {"limit": 100}}}"#)
            let trackerEvents = (listed["referralEvents"] as? [[String: Any]])?.count ?? 0
            #expect(trackerEvents > 0)
            let deadline = Date().addingTimeInterval(30)
            while Date() < deadline {
                let (_, deliveries) = try await second.call(
                    "GET",
                    "/_api/referral-webhooks/v1/subscriptions/\(try #require((subscription["subscription"] as? [String: Any])?["id"] as? String))/deliveries?status=PENDING"
                )
                if (deliveries["deliveries"] as? [Any])?.isEmpty == true { break }
                try await Task.sleep(for: .milliseconds(100))
            }
            let received = receiver.received
            #expect(!received.isEmpty)
            #expect(Set(received.map(\.eventID)).count == received.count, "no event was sent twice")
            #expect(received.allSatisfy { $0.signatureValid && $0.answered == 200 })

            // Readiness follows the database: both ready, then not once it is gone.
            #expect(try await first.call("GET", "/readyz").0 == 200)
            #expect(try await second.call("GET", "/readyz").0 == 200)
            await database.drop()
            #expect(try await first.call("GET", "/readyz").0 == 503)
            #expect(first.terminate() == 0)
            #expect(second.terminate() == 0)
        }
        await receiver.stop()
    }
}

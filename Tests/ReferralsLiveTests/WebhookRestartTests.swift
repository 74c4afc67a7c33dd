import Foundation
import ReferralTestSupport
import Testing

/// At-least-once delivery across a crash: the server is killed while deliveries are in flight
/// and restarted; every event still reaches the receiver.
@Suite("Webhooks across a restart", .serialized)
struct WebhookRestartTests {
    @Test("killing the server mid-delivery loses no event")
    func restartMidDelivery() async throws {
        let receiver = try await WebhookReceiver.start()
        // A slow receiver keeps the deliveries in flight when the server dies.
        receiver.delay(.milliseconds(500))
        let environment = ["REFERRALS_WEBHOOK_LEASE_SECONDS": "15", "REFERRALS_WEBHOOK_POLL_MS": "50"]
        try await withLiveDatabase { database in
            let server = try LiveServer(database: database.argument, environment: environment)
            let (status, created) = try await server.call(
                "POST", "/_api/referral-webhooks/v1/subscriptions",
                body:
                    #"{"subscription": {"url": "\#(receiver.url)", "eventTypes": ["wix.loyalty.referral.v1.referring_customer_created"]}}"#
            )
            #expect(status == 200)
            receiver.expect(secret: try #require(created["secret"] as? String))
            var customers: Set<String> = []
            for index in 0..<12 {
                let (_, body) = try await server.call("POST", "/v1/referring-customers", body: #"{"contactId": "restart-\#(index)"}"#)
                if let id = (body["referringCustomer"] as? [String: Any])?["id"] as? String { customers.insert(id) }
            }
            #expect(customers.count == 12)
            try await Task.sleep(for: .milliseconds(200))
            server.kill9()

            receiver.delay(.zero)
            let restarted = try LiveServer(database: database.argument, environment: environment)
            // Leased deliveries come back when their 15 s lease ends.
            let deadline = Date().addingTimeInterval(60)
            var delivered: Set<String> = []
            while Date() < deadline {
                delivered = Set(
                    receiver.received.filter { $0.answered == 200 }.compactMap { webhook -> String? in
                        let body = try? JSONSerialization.jsonObject(with: webhook.body) as? [String: Any]
                        return body?["entityId"] as? String
                    }
                )
                if delivered == customers { break }
                try await Task.sleep(for: .milliseconds(200))
            }
            #expect(delivered == customers)
            #expect(receiver.received.allSatisfy { $0.signatureValid })
            #expect(restarted.terminate() == 0)
        }
        await receiver.stop()
    }
}
